"""Plain ``requests`` calls to the two endpoints, answered through ``responses``.

Our RequestsMock only matches our hosts and passes everything else on to whatever
``HTTPAdapter.send`` was when it started, so a user's own ``responses`` mocks keep working.
"""

from __future__ import annotations

import re
from typing import Any

import responses
from requests.adapters import HTTPAdapter

from .hosts import resolve_host
from .responder import Responder, host_of

_mock: responses.RequestsMock | None = None
_ANY_URL = re.compile(r".*")
_METHODS = ("POST", "GET", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")


def _ours(request: Any) -> tuple[bool, str]:
    if resolve_host(host_of(request.url)) is None:
        return False, "not a DynamoDB or DynamoDB Streams endpoint"
    return True, ""


def install(responder: Responder) -> None:
    global _mock

    def answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        found = responder(request.url, request.headers, request.body or b"")
        assert found is not None  # _ours matched the host
        return found.status, found.headers, found.body

    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False, real_adapter_send=HTTPAdapter.send
    )
    for method in _METHODS:
        mock.add_callback(method, _ANY_URL, callback=answer, match=[_ours])
    mock.add_passthru(_ANY_URL)
    mock.start()
    _mock = mock


def uninstall() -> None:
    global _mock
    if _mock is not None:
        try:
            _mock.stop()
        finally:
            _mock = None
