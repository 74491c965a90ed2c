"""Plain ``requests`` calls to the two endpoints, answered through ``responses``.

Two pieces, so that the order in which a user's own ``responses`` mock and ours start does
not matter: our RequestsMock passes every request it does not answer on to whatever
``HTTPAdapter.send`` was when it started (a user's mock started earlier keeps working), and
every active RequestsMock, ours or the user's, finds our route first for our hosts (a
user's mock started later does not refuse them). Our route is never registered in a user's
mock, so their ``assert_all_requests_are_fired`` is not affected.
"""

from __future__ import annotations

import re
from typing import Any

import responses
from requests.adapters import HTTPAdapter

from ..service import reader_of_signature
from .hosts import resolve_host
from .responder import Responder, host_of

_ANY_URL = re.compile(r".*")

_mock: responses.RequestsMock | None = None
_original_find_match: Any = None


def install(responder: Responder) -> None:
    global _mock, _original_find_match

    def answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        headers = request.headers
        found = responder(request.url, headers, request.body or b"", reader_of_signature(headers))
        assert found is not None  # only called for our hosts
        return found.status, found.headers, found.body

    route = responses.CallbackResponse(method="POST", url=_ANY_URL, callback=answer)
    original_find_match = responses.RequestsMock._find_match

    def find_match(self: responses.RequestsMock, request: Any) -> Any:
        if resolve_host(host_of(request.url)) is not None:
            return route, []
        return original_find_match(self, request)

    responses.RequestsMock._find_match = find_match  # type: ignore[method-assign]
    _original_find_match = original_find_match
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        real_adapter_send=HTTPAdapter.send,  # type: ignore[arg-type]
    )
    mock.add_passthru(_ANY_URL)
    try:
        mock.start()
    except BaseException:
        uninstall()
        raise
    _mock = mock


def uninstall() -> None:
    global _mock, _original_find_match
    try:
        if _mock is not None:
            _mock.stop()
    finally:
        _mock = None
        if _original_find_match is not None:
            responses.RequestsMock._find_match = _original_find_match  # type: ignore[method-assign]
            _original_find_match = None
