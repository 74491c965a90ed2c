"""Retry back-off on virtual time.

botocore sleeps between retries in ``Endpoint._needs_retry`` (legacy and standard modes).
While a mock is active, a back-off after a response the mock gave advances that mock's
clock by the same amount instead of blocking: the retries still happen, tests stay fast,
and time-based behaviour (reader idling, iterator expiry) sees the time pass.
"""

from __future__ import annotations

import threading
import time
import types
from typing import Any

import botocore.endpoint

from ..clock import Clock

_answered = threading.local()
_original_time_module: Any = None


def note_answered(clock: Clock | None) -> None:
    """Remember which clock answered this thread's latest request (None: the network did)."""
    _answered.clock = clock


def _sleep(seconds: float) -> None:
    clock: Clock | None = getattr(_answered, "clock", None)
    if clock is None:
        time.sleep(seconds)
        return
    _answered.clock = None
    clock.advance_ms(round(seconds * 1000))


class _TimeWithVirtualSleep(types.ModuleType):
    """``time`` for botocore.endpoint: everything real, but ``sleep`` as above."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        _sleep(seconds)


def install() -> None:
    global _original_time_module
    _original_time_module = botocore.endpoint.time
    botocore.endpoint.time = _TimeWithVirtualSleep("time")


def uninstall() -> None:
    global _original_time_module
    if _original_time_module is not None:
        botocore.endpoint.time = _original_time_module
        _original_time_module = None
    _answered.clock = None
