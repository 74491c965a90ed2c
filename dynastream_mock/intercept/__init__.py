"""Interception: botocore's send, aiobotocore's async send (when installed), and a
``responses`` route for plain ``requests``.

Installed once by the first active mock and removed by the last one; each request is
handed to a single responder that knows which mock is innermost.
"""

from __future__ import annotations

import threading

from . import aiobotocore_patch, botocore_patch, requests_route
from .responder import Responder

_lock = threading.Lock()
_users = 0


def install(responder: Responder) -> None:
    """Start intercepting (counted: every install needs one ``uninstall``)."""
    global _users
    with _lock:
        _users += 1
        if _users == 1:
            botocore_patch.install(responder)
            try:
                aiobotocore_patch.install(responder)
                try:
                    requests_route.install(responder)
                except BaseException:
                    aiobotocore_patch.uninstall()
                    raise
            except BaseException:
                botocore_patch.uninstall()
                _users = 0
                raise


def uninstall() -> None:
    global _users
    with _lock:
        if _users == 0:
            return
        _users -= 1
        if _users == 0:
            try:
                requests_route.uninstall()
            finally:
                try:
                    aiobotocore_patch.uninstall()
                finally:
                    botocore_patch.uninstall()


def installed() -> bool:
    return _users > 0
