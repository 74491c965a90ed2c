"""Answer aiobotocore (and so aioboto3) where it would open the HTTP connection.

aiobotocore sends through ``AIOHTTPSession.send`` (and, when a client is configured with
``http_session_cls=HttpxSession``, through ``HttpxSession.send``): coroutines returning an
``AioAWSResponse`` whose ``content`` is awaited and whose ``raw`` is read asynchronously.
Patching ``send`` on those classes catches every client, made before or after the mock
started, while signing, retries, the CRC32 check and event hooks still run.

Nothing here imports aiobotocore until ``install()``, and then only if it is installed:
a machine without it pays one ``find_spec`` per process, and importing this package has
no side effects.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from ..wire.protocol import WireAnswer
from . import backoff, optional
from .callers import reader_of_session
from .responder import Responder

logger = logging.getLogger("dynastream_mock")

#: Session classes whose ``send`` we replace: ``(module, class name)``, where present.
_SESSION_CLASSES = (
    ("aiobotocore.httpsession", "AIOHTTPSession"),
    ("aiobotocore.httpxsession", "HttpxSession"),
)

#: ``(class, original send)`` for every class patched by ``install()``.
_patched: list[tuple[Any, Any]] = []


class _AsyncBody:
    """The ``raw`` of an answered ``AioAWSResponse``, read without any I/O.

    ``AioAWSResponse.content`` awaits ``raw.read()``, ``HttpxAWSResponse`` awaits
    ``raw.aread()``, and aiobotocore's ``StreamingBody`` (streaming outputs) awaits
    ``raw.content.read(n)``, so all three are here; reads advance through the body.
    """

    __slots__ = ("_body", "_position", "url")

    def __init__(self, url: str, body: bytes) -> None:
        self.url = url
        self._body = body
        self._position = 0

    @property
    def content(self) -> _AsyncBody:
        return self

    async def read(self, amt: int | None = None) -> bytes:
        start = self._position
        end = len(self._body) if amt is None or amt < 0 else min(start + amt, len(self._body))
        self._position = end
        return self._body[start:end]

    async def aread(self) -> bytes:
        return await self.read()

    def at_eof(self) -> bool:
        return self._position >= len(self._body)

    def release(self) -> None:
        """Nothing to give back: there is no connection."""

    def close(self) -> None:
        """Nothing to close: there is no connection."""

    async def __aenter__(self) -> _AsyncBody:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def _load_session_classes() -> list[Any]:
    """The installed aiobotocore's session classes; empty when aiobotocore is absent."""
    if not optional.installed("aiobotocore"):
        return []
    found: list[Any] = []
    for module_name, class_name in _SESSION_CLASSES:
        try:
            module = importlib.import_module(module_name)
        except Exception:
            # An older aiobotocore without this session, or one that cannot import at all
            # (e.g. beside a botocore it does not support): no client can use it, so there
            # is nothing to answer, and a boto3-only test must not fail for it.
            logger.debug("dynastream_mock: %s not importable", module_name, exc_info=True)
            continue
        cls = getattr(module, class_name, None)
        if isinstance(cls, type) and callable(getattr(cls, "send", None)):
            found.append(cls)
    return found


def _to_aio_response(url: str, answer: WireAnswer) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    return AioAWSResponse(url, answer.status, dict(answer.headers), _AsyncBody(url, answer.body))


def _make_send(original: Any, responder: Responder) -> Any:
    async def send(self: Any, request: Any) -> Any:
        answer = responder(request.url, request.headers, request.body, reader_of_session(self))
        if answer is None:
            backoff.note_answered(None)  # a back-off after this one is real time
            return await original(self, request)
        response = _to_aio_response(request.url, answer)
        if not getattr(request, "stream_output", False):
            # As aiobotocore does: read the body now unless the operation streams it.
            await response.content
        return response

    send.__wrapped__ = original  # type: ignore[attr-defined]
    send.__name__ = getattr(original, "__name__", "send")
    send.__qualname__ = getattr(original, "__qualname__", "send")
    send.__doc__ = getattr(original, "__doc__", None)
    return send


def install(responder: Responder) -> None:
    """Patch every aiobotocore session class present; a no-op without aiobotocore."""
    if _patched:
        uninstall()
    try:
        for cls in _load_session_classes():
            original = cls.__dict__.get("send", None)
            if original is None:
                continue  # inherits send from a class we patch anyway
            _patched.append((cls, original))
            cls.send = _make_send(original, responder)
    except BaseException:
        uninstall()
        raise


def uninstall() -> None:
    """Put back every ``send`` that ``install()`` replaced."""
    while _patched:
        cls, original = _patched.pop()
        cls.send = original


def installed() -> bool:
    return bool(_patched)
