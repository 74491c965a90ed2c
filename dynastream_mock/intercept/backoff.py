"""Retry back-off on virtual time.

botocore sleeps between retries in ``Endpoint._needs_retry`` (legacy and standard modes),
aiobotocore awaits ``asyncio.sleep`` at the same place. While a mock is active, a back-off
after a response the mock gave advances that mock's clock by the same amount instead of
blocking: the retries still happen, tests stay fast, and time-based behaviour (reader
idling, iterator expiry) sees the time pass. Which clock answered is kept in a context
variable, so threads and asyncio tasks each see their own latest answer.

The adaptive mode also waits before sending, in its client-side token bucket, once it has
seen throttling. For requests to the mock that wait becomes virtual too: the mock's clock
advances, and the rate limiter's clock (botocore's ``bucket.Clock``) is moved on by the
same amount so its bucket refills.
"""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import math
import threading
import time
import types
from collections.abc import Callable
from typing import Any

import botocore.endpoint
from botocore.exceptions import CapacityNotAvailableError
from botocore.retries import adaptive, bucket

from ..clock import Clock
from . import optional

#: Finds the clock of the mock that would answer a URL (None: not the mock's).
ClockFinder = Callable[[str], "Clock | None"]

_answered: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "dynastream_answered", default=None
)
#: (module, attribute, original value) of every module reference replaced by install().
_replaced: list[tuple[Any, str, Any]] = []


def note_answered(clock: Clock | None) -> None:
    """Remember which clock answered the latest request here (None: the network did)."""
    _answered.set(clock)


def _take_answering_clock() -> Clock | None:
    clock = _answered.get()
    if clock is not None:
        _answered.set(None)
    return clock


class _TimeWithVirtualSleep(types.ModuleType):
    """``time`` for botocore.endpoint: everything real, but ``sleep`` as above."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        clock = _take_answering_clock()
        if clock is None:
            time.sleep(seconds)
        else:
            clock.advance_ms(round(seconds * 1000))


class _AsyncioWithVirtualSleep(types.ModuleType):
    """``asyncio`` for aiobotocore.endpoint: everything real, but ``sleep`` as above."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(seconds: float, result: Any = None) -> Any:
        clock = _take_answering_clock()
        if clock is None:
            return await asyncio.sleep(seconds, result)
        clock.advance_ms(round(seconds * 1000))
        return await asyncio.sleep(0, result)  # still yield to the loop, as a sleep does


_skew_lock = threading.Lock()
#: Seconds the adaptive rate limiter's clock runs ahead of real time: the waits the mock
#: took over. It only grows, so that clock stays monotonic.
_rate_clock_skew = 0.0


def _rate_clock_time(self: bucket.Clock) -> float:
    return time.time() + _rate_clock_skew


def _virtual_rate_limit(original: Any, clock_for: ClockFinder) -> Any:
    def on_sending_request(self: adaptive.ClientRateLimiter, request: Any, **kwargs: Any) -> Any:
        clock = clock_for(request.url) if self._enabled else None
        if clock is None:
            return original(self, request, **kwargs)
        token_bucket = self._token_bucket
        while True:
            try:
                token_bucket.acquire(block=False)
                return None  # a before-send handler that returns a value answers the request
            except CapacityNotAvailableError:
                wait = max(token_bucket._sleep_amount(1), 0.001)
                global _rate_clock_skew
                with _skew_lock:
                    _rate_clock_skew += wait
                clock.advance_ms(math.ceil(wait * 1000))

    return on_sending_request


def _replace(module: Any, attribute: str, value: Any) -> None:
    _replaced.append((module, attribute, getattr(module, attribute)))
    setattr(module, attribute, value)


def install(clock_for: ClockFinder) -> None:
    _replace(botocore.endpoint, "time", _TimeWithVirtualSleep("time"))
    _replace(bucket.Clock, "current_time", _rate_clock_time)
    original = adaptive.ClientRateLimiter.on_sending_request
    _replace(
        adaptive.ClientRateLimiter, "on_sending_request", _virtual_rate_limit(original, clock_for)
    )
    if optional.installed("aiobotocore"):
        try:
            aio_endpoint = importlib.import_module("aiobotocore.endpoint")
        except Exception:  # an aiobotocore broken beside this botocore: no client uses it
            return
        _replace(aio_endpoint, "asyncio", _AsyncioWithVirtualSleep("asyncio"))


def uninstall() -> None:
    while _replaced:
        module, attribute, original = _replaced.pop()
        setattr(module, attribute, original)
    _answered.set(None)
