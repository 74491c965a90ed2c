"""Interception: botocore's send, aiobotocore's async send (when installed), botocore's
retry back-off, and a ``responses`` route for plain ``requests``.

Installed once by the first active mock and removed by the last one; each request is
handed to a single responder that knows which mock is innermost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from . import aiobotocore_patch, backoff, botocore_patch, moto_coexistence, requests_route
from .backoff import ClockFinder
from .responder import Responder

_lock = threading.Lock()
_users = 0

#: (install, uninstall) in installation order; removed in reverse order.
_PATCHES: tuple[tuple[Callable[[Responder, ClockFinder], None], Callable[[], None]], ...] = (
    (botocore_patch.install, botocore_patch.uninstall),
    (lambda _, clock_for: backoff.install(clock_for), backoff.uninstall),
    (lambda responder, _: aiobotocore_patch.install(responder), aiobotocore_patch.uninstall),
    (lambda responder, _: requests_route.install(responder), requests_route.uninstall),
    (lambda _, __: moto_coexistence.install(), moto_coexistence.uninstall),
)


def _remove(installed: list[Callable[[], None]]) -> None:
    """Undo in reverse order; every undo runs even when one of them fails."""
    if not installed:
        return
    undo = installed.pop()
    try:
        undo()
    finally:
        _remove(installed)


def install(responder: Responder, clock_for: ClockFinder) -> None:
    """Start intercepting (counted: every install needs one ``uninstall``).

    ``responder`` answers requests; ``clock_for(url)`` names the clock of the mock that
    would answer ``url``, for waits that become virtual time.
    """
    global _users
    with _lock:
        _users += 1
        if _users > 1:
            return
        done: list[Callable[[], None]] = []
        try:
            for apply, undo in _PATCHES:
                apply(responder, clock_for)
                done.append(undo)
        except BaseException:
            _users = 0
            _remove(done)
            raise


def uninstall() -> None:
    global _users
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users == 0:
            _remove([undo for _, undo in _PATCHES])


def installed() -> bool:
    return _users > 0
