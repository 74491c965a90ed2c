"""AWS JSON 1.0: read X-Amz-Target and the body, render results and errors.

Knows nothing of tables: it turns bytes into ``(operation, params)`` for a dispatch function
and the function's answer (a dict, or an ``AwsError``) back into status, headers and body.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

from ..errors import (
    AwsError,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
)

CONTENT_TYPE = "application/x-amz-json-1.0"

#: X-Amz-Target prefixes of the two services (spec, "Two services, two endpoints").
TARGET_PREFIXES = {
    "dynamodb": "DynamoDB_20120810.",
    "dynamodbstreams": "DynamoDBStreams_20120810.",
}

Dispatch = Callable[[str, dict[str, Any]], dict[str, Any]]
Headers = Mapping[str, "str | bytes"]

#: The largest request body DynamoDB accepts (BatchWriteItem's "total request size").
MAX_REQUEST_BYTES = 16 * 1024 * 1024

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


def service_of_target(target: str | bytes | None) -> str | None:
    """The service an ``X-Amz-Target`` header addresses (one port serves both), or None."""
    if isinstance(target, bytes):
        target = target.decode("latin-1")
    for service, prefix in TARGET_PREFIXES.items():
        if target and target.startswith(prefix):
            return service
    return None


def header(headers: Headers, name: str) -> str:
    """A header's value as text ("" when absent); botocore keeps some as bytes."""
    value = headers.get(name) or ""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def request_body(headers: Headers, body: bytes | str | None) -> bytes | str | None:
    """The body as sent before ``Content-Encoding`` (gzip, deflate), within the size cap."""
    if body is not None and len(body) > MAX_REQUEST_BYTES:
        raise _too_large(len(body))
    if not headers.get("Content-Encoding"):
        return body
    encodings = [
        coding.strip().lower()
        for coding in header(headers, "Content-Encoding").split(",")
        if coding.strip() and coding.strip().lower() != "identity"
    ]
    if not encodings or not body:
        return body
    data = body.encode() if isinstance(body, str) else body
    for coding in reversed(encodings):  # the last one listed was applied last
        if coding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            decoder = zlib.decompressobj()
        else:
            raise SerializationException(f"Unsupported Content-Encoding: {coding}")
        try:
            data = decoder.decompress(data, MAX_REQUEST_BYTES + 1)
        except zlib.error:
            raise SerializationException(f"The request body is not valid {coding} data.") from None
        if len(data) > MAX_REQUEST_BYTES or decoder.unconsumed_tail:
            raise _too_large(len(data))
    return data


def _too_large(size: int) -> RequestEntityTooLargeException:
    return RequestEntityTooLargeException(
        f"Request size {size} bytes exceeds the limit of {MAX_REQUEST_BYTES} bytes"
    )


_date_cache: tuple[int, str] = (0, "")


def http_date() -> str:
    """Now on the wall clock (never the mock's virtual time), as an HTTP ``Date``."""
    global _date_cache
    second = int(time.time())
    if _date_cache[0] != second:
        _date_cache = (second, formatdate(second, usegmt=True))
    return _date_cache[1]


def _accepts_gzip(headers: Headers) -> bool:
    if not headers.get("Accept-Encoding"):
        return False  # botocore sends none: the common case, decided at once
    for offer in header(headers, "Accept-Encoding").lower().split(","):
        coding, *parameters = (part.strip() for part in offer.split(";"))
        if coding in ("gzip", "x-gzip"):
            quality = next((p[2:] for p in parameters if p.startswith("q=")), "1")
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


def serve_request(
    service: str,
    headers: Headers,
    body: bytes | str | None,
    dispatch: Dispatch,
    on_error: Callable[[BaseException], AwsError] | None = None,
) -> WireAnswer:
    """``serve`` for one HTTP request: its body decoded, its answer dated (and gzipped
    when the client accepts it), as DynamoDB answers whichever door it came in by."""
    try:
        # Only an encoded or oversized body needs request_body (the common case skips it).
        if headers.get("Content-Encoding") or (body is not None and len(body) > MAX_REQUEST_BYTES):
            body = request_body(headers, body)
    except AwsError as error:
        answer = render_error(error)
    else:
        answer = serve(service, headers.get("X-Amz-Target"), body, dispatch, on_error)
    answer.headers["Date"] = http_date()
    if headers.get("Accept-Encoding") and _accepts_gzip(headers):
        compressed = gzip.compress(answer.body, compresslevel=6, mtime=0)
        answer.body = compressed
        answer.headers["Content-Encoding"] = "gzip"
        answer.headers["Content-Length"] = str(len(compressed))
        # DynamoDB's checksum covers the bytes sent, compressed or not.
        answer.headers["x-amz-crc32"] = str(zlib.crc32(compressed))
    return answer


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
