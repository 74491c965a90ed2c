"""Request and answer encodings both doors share: compressed bodies, gzip answers, the
request size cap and the Date header."""

from __future__ import annotations

import gzip
import json
import zlib
from email.utils import parsedate_to_datetime
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION

from dynastream_mock import MockStreams
from dynastream_mock.errors import RequestEntityTooLargeException, SerializationException
from dynastream_mock.wire.protocol import MAX_REQUEST_BYTES, request_body, serve_request

ENDPOINT = f"https://dynamodb.{REGION}.amazonaws.com/"
LIST_TABLES = "DynamoDB_20120810.ListTables"


def _post(body: bytes, **headers: str) -> requests.Response:
    sent = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": LIST_TABLES}
    sent.update(headers)
    return requests.post(ENDPOINT, headers=sent, data=body, timeout=5, stream=True)


def _echo(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"operation": operation, "params": params}


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("gzip, deflate", lambda data: zlib.compress(gzip.compress(data))),
    ],
)
def test_compressed_request_bodies_are_decoded(encoding: str, compress: Any) -> None:
    body = json.dumps({"Limit": 3}).encode()
    answer = serve_request(
        "dynamodb",
        {"X-Amz-Target": LIST_TABLES, "Content-Encoding": encoding},
        compress(body),
        _echo,
    )

    assert answer.status == 200
    assert json.loads(answer.body) == {"operation": "ListTables", "params": {"Limit": 3}}


def test_a_body_that_is_not_what_its_encoding_says_is_a_serialization_error() -> None:
    with pytest.raises(SerializationException, match="not valid gzip data"):
        request_body({"Content-Encoding": "gzip"}, b"{}")
    with pytest.raises(SerializationException, match="Unsupported Content-Encoding: br"):
        request_body({"Content-Encoding": "br"}, b"{}")


def test_an_oversized_request_is_refused_with_413_and_nothing_runs() -> None:
    ran: list[str] = []

    def dispatch(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        ran.append(operation)
        return {}

    body = b'{"ExclusiveStartTableName":"' + b"a" * MAX_REQUEST_BYTES + b'"}'
    answer = serve_request("dynamodb", {"X-Amz-Target": LIST_TABLES}, body, dispatch)

    assert answer.status == 413
    assert json.loads(answer.body) == {
        "__type": "com.amazon.coral.service#RequestEntityTooLargeException",
        "message": f"Request size {len(body)} bytes exceeds the limit of {MAX_REQUEST_BYTES} bytes",
    }
    assert ran == []


def test_a_small_gzip_body_that_inflates_past_the_cap_is_refused() -> None:
    bomb = gzip.compress(b" " * (MAX_REQUEST_BYTES + 10))
    assert len(bomb) < 100_000
    with pytest.raises(RequestEntityTooLargeException):
        request_body({"Content-Encoding": "gzip"}, bomb)


def test_answers_are_gzipped_for_clients_that_accept_it(dynastream: MockStreams) -> None:
    answer = _post(b"{}", **{"Accept-Encoding": "gzip"})
    sent = answer.raw.read(decode_content=False)

    assert answer.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(sent)) == {"TableNames": []}
    assert int(answer.headers["Content-Length"]) == len(sent)
    assert int(answer.headers["x-amz-crc32"]) == zlib.crc32(sent)


@pytest.mark.parametrize("accept", ["identity", "gzip;q=0", ""])
def test_answers_are_plain_otherwise(dynastream: MockStreams, accept: str) -> None:
    answer = _post(b"{}", **{"Accept-Encoding": accept})

    assert "Content-Encoding" not in answer.headers
    assert answer.raw.read(decode_content=False) == b'{"TableNames":[]}'


def test_a_gzip_request_through_requests_round_trips(dynastream: MockStreams) -> None:
    answer = _post(gzip.compress(b'{"Limit": 1}'), **{"Content-Encoding": "gzip"})

    assert answer.status_code == 200
    assert answer.json() == {"TableNames": []}


def test_answers_carry_a_date_from_the_wall_clock(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    dynastream.clock.advance(days=3)
    ddb = boto3.client("dynamodb", region_name=REGION)

    headers = ddb.list_tables()["ResponseMetadata"]["HTTPHeaders"]

    from datetime import datetime, timezone

    sent = parsedate_to_datetime(headers["date"])
    assert abs((datetime.now(timezone.utc) - sent).total_seconds()) < 60


def test_an_oversized_boto3_request_gets_413(dynastream: MockStreams) -> None:
    ddb = boto3.client(
        "dynamodb",
        region_name=REGION,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=False),
    )
    with pytest.raises(ClientError) as raised:
        ddb.list_tables(ExclusiveStartTableName="a" * (MAX_REQUEST_BYTES + 1))

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert raised.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
