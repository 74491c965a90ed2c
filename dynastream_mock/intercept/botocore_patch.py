"""Answer botocore where it would open the HTTP connection.

Patching ``URLLib3Session.send`` on the class catches every client, made before or after
the mock started, while signing, retries and other libraries' event hooks still run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.httpsession import URLLib3Session

from ..wire.protocol import WireAnswer
from . import backoff
from .callers import reader_of_session
from .responder import Responder

_original_send: Any = None


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads it through ``stream()``."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        return self._body


def to_aws_response(url: str, answer: WireAnswer) -> AWSResponse:
    return AWSResponse(url, answer.status, answer.headers, _Body(answer.body))


def install(responder: Responder, clock_for: backoff.ClockFinder) -> None:
    global _original_send
    original = URLLib3Session.send
    _original_send = original

    def send(self: URLLib3Session, request: Any) -> Any:
        answer = responder(request.url, request.headers, request.body, reader_of_session(self))
        if answer is None:
            # A back-off after this one is real time, unless one of this process's mock
            # servers answers it (clock_for knows those): then it is that mock's time.
            backoff.note_answered(clock_for(request.url))
            return original(self, request)
        return to_aws_response(request.url, answer)

    send.__wrapped__ = original  # type: ignore[attr-defined]
    URLLib3Session.send = send


def uninstall() -> None:
    global _original_send
    if _original_send is not None:
        URLLib3Session.send = _original_send
        _original_send = None
