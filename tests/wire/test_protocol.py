"""The JSON 1.0 wire: envelopes, headers and protocol errors, seen raw and through botocore."""

from __future__ import annotations

import json
import zlib
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION

from dynastream_mock import MockStreams, mock_streams
from dynastream_mock.errors import ResourceNotFoundException
from dynastream_mock.wire.protocol import render_error, serve

ENDPOINT = f"https://dynamodb.{REGION}.amazonaws.com/"
STREAMS_ENDPOINT = f"https://streams.dynamodb.{REGION}.amazonaws.com/"


def post(
    url: str, target: str | None, body: bytes | str, **extra_headers: str
) -> requests.Response:
    # requests asks for gzip by default; these tests read the plain answer's checksum.
    headers = {"Content-Type": "application/x-amz-json-1.0", "Accept-Encoding": "identity"}
    headers.update(extra_headers)
    if target is not None:
        headers["X-Amz-Target"] = target
    return requests.post(url, headers=headers, data=body, timeout=5)


def test_raw_requests_are_answered_with_aws_headers(dynastream: MockStreams) -> None:
    answer = post(ENDPOINT, "DynamoDB_20120810.ListTables", b"{}")

    assert answer.status_code == 200
    assert answer.json() == {"TableNames": []}
    assert answer.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert len(answer.headers["x-amzn-RequestId"]) == 52
    assert int(answer.headers["x-amz-crc32"]) == zlib.crc32(answer.content)


@pytest.mark.parametrize("url", [ENDPOINT, STREAMS_ENDPOINT])
def test_unknown_operation(dynastream: MockStreams, url: str) -> None:
    prefix = "DynamoDB_20120810" if url == ENDPOINT else "DynamoDBStreams_20120810"

    answer = post(url, f"{prefix}.FlyToTheMoon", b"{}")

    assert answer.status_code == 400
    assert answer.json()["__type"].endswith("#UnknownOperationException")


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_malformed_bodies_are_serialization_errors(dynastream: MockStreams, body: bytes) -> None:
    answer = post(ENDPOINT, "DynamoDB_20120810.ListTables", body)

    assert answer.status_code == 400
    assert answer.json()["__type"] == "com.amazon.coral.service#SerializationException"


def test_error_envelope_has_type_and_message() -> None:
    answer = render_error(ResourceNotFoundException("Requested resource not found"))

    assert answer.status == 400
    assert json.loads(answer.body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found",
    }


def test_unexpected_exception_becomes_a_well_formed_answer() -> None:
    def broken(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("bug")

    from dynastream_mock.errors import InternalServerError

    answer = serve(
        "dynamodb",
        "DynamoDB_20120810.ListTables",
        b"{}",
        broken,
        lambda error: InternalServerError(f"failed: {error!r}"),
    )

    assert answer.status == 500
    assert json.loads(answer.body)["__type"].endswith("#InternalServerError")


def test_client_with_its_own_endpoint_is_left_alone() -> None:
    with mock_streams():
        local = boto3.client(
            "dynamodb",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
        )
        with pytest.raises(Exception) as raised:
            local.list_tables()
        assert not isinstance(raised.value, ClientError)


def test_other_services_are_not_answered(dynastream: MockStreams) -> None:
    sqs = boto3.client(
        "sqs",
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(Exception) as raised:
        sqs.list_queues()
    assert not isinstance(raised.value, ClientError)


def test_a_users_own_responses_mock_keeps_working(dynastream: MockStreams) -> None:
    import responses

    with responses.RequestsMock() as theirs:
        theirs.add(responses.GET, "https://example.com/ping", json={"pong": True})

        assert requests.get("https://example.com/ping", timeout=5).json() == {"pong": True}
        assert post(ENDPOINT, "DynamoDB_20120810.ListTables", b"{}").json() == {"TableNames": []}


def test_nothing_is_answered_after_stop() -> None:
    with mock_streams():
        pass
    from botocore.httpsession import URLLib3Session

    assert not hasattr(URLLib3Session.send, "__wrapped__")
