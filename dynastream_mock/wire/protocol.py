"""AWS JSON 1.0: read X-Amz-Target and the body, render results and errors.

Knows nothing of tables: it turns bytes into ``(operation, params)`` for a dispatch function
and the function's answer (a dict, or an ``AwsError``) back into status, headers and body.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import AwsError, SerializationException, UnknownOperationException

CONTENT_TYPE = "application/x-amz-json-1.0"

#: X-Amz-Target prefixes of the two services (spec, "Two services, two endpoints").
TARGET_PREFIXES = {
    "dynamodb": "DynamoDB_20120810.",
    "dynamodbstreams": "DynamoDBStreams_20120810.",
}

Dispatch = Callable[[str, dict[str, Any]], dict[str, Any]]

# Results are trees of dicts, lists and scalars made fresh for each answer: they cannot
# hold a cycle, so the encoder need not look for one (a noticeable share of its time).
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode

_decode = json.JSONDecoder().decode

# Each random byte picks one of 32 upper-case letters and digits (256 is a multiple of 32,
# so every character is equally likely): the alphabet of base32.
_REQUEST_ID_CHARS = bytes.maketrans(bytes(range(256)), b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 8)


@dataclass(slots=True)
class WireAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


class RenderedResult(dict[str, Any]):
    """A result whose JSON body a handler has already made (e.g. from cached fragments).

    ``render`` sends ``body`` as it is; the dict itself stays empty.
    """

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body


def new_request_id() -> str:
    """52 upper-case letters and digits, the shape of DynamoDB's x-amzn-RequestId."""
    return os.urandom(52).translate(_REQUEST_ID_CHARS).decode("ascii")


def read_operation(service: str, target: str | bytes | None) -> str:
    prefix = TARGET_PREFIXES[service]
    if isinstance(target, bytes):  # botocore keeps some header values as bytes
        target = target.decode("latin-1")
    if not target or not target.startswith(prefix) or len(target) == len(prefix):
        raise UnknownOperationException("")
    return target[len(prefix) :]


def read_params(body: bytes | str | None) -> dict[str, Any]:
    if not body:
        return {}
    try:
        if type(body) is bytes and body[:1] == b"{" and body[1:2] != b"\x00":
            # What json.loads would find (UTF-8: a "{" with no NUL after it is not UTF-16
            # or UTF-32), minus its encoding sniffing.
            params = _decode(body.decode("utf-8", "surrogatepass"))
        else:
            params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SerializationException(
            "Start of structure or map found where not expected."
        ) from None
    if not isinstance(params, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    return params


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, exactly as ``render`` writes a body."""
    return _encode(value).encode()


def render(status: int, payload: dict[str, Any]) -> WireAnswer:
    # A RenderedResult brings its body; anything else is encoded here.
    body = payload.body if type(payload) is RenderedResult else _encode(payload).encode()
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(body)),
        "x-amzn-RequestId": os.urandom(52).translate(_REQUEST_ID_CHARS).decode("ascii"),
        "x-amz-crc32": str(zlib.crc32(body)),
    }
    return WireAnswer(status, headers, body)


def render_error(error: AwsError) -> WireAnswer:
    payload: dict[str, Any] = {"__type": f"{error.namespace}#{error.code}"}
    if error.message or error.code != "UnknownOperationException":
        payload["message"] = error.message
    payload.update(error.extra)
    return render(error.status, payload)


def serve(
    service: str,
    target: str | bytes | None,
    body: bytes | str | None,
    dispatch: Dispatch,
    on_error: Callable[[BaseException], AwsError] | None = None,
) -> WireAnswer:
    """Answer one JSON 1.0 request of ``service`` with ``dispatch(operation, params)``.

    ``on_error`` turns an unexpected Python exception into an AWS error (a bug in the mock
    must still reach the client as a well-formed answer, never as a traceback).
    """
    try:
        operation = read_operation(service, target)
        params = read_params(body)
        return render(200, dispatch(operation, params))
    except AwsError as error:
        return render_error(error)
    except Exception as error:
        if on_error is None:
            raise
        return render_error(on_error(error))
