"""AWS JSON 1.0: read X-Amz-Target and the body, render results and errors.

Knows nothing of tables: it turns bytes into ``(operation, params)`` for a dispatch function
and the function's answer (a dict, or an ``AwsError``) back into status, headers and body.
"""

from __future__ import annotations

import base64
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

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(slots=True)
class WireAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def new_request_id() -> str:
    """52 upper-case letters and digits, the shape of DynamoDB's x-amzn-RequestId."""
    return base64.b32encode(os.urandom(33)).decode()[:52]


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
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SerializationException(
            "Start of structure or map found where not expected."
        ) from None
    if not isinstance(params, dict):
        raise SerializationException("Start of structure or map found where not expected.")
    return params


def render(status: int, payload: dict[str, Any]) -> WireAnswer:
    body = _encode(payload).encode()
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(body)),
        "x-amzn-RequestId": new_request_id(),
        "x-amz-crc32": str(zlib.crc32(body) & 0xFFFFFFFF),
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
