"""``--credentials``: every request's SigV4 signature verified as AWS verifies it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from dynastream_mock import mock_streams
from dynastream_mock.server import MockServer
from dynastream_mock.server.http import DoorSettings
from dynastream_mock.wire.signing import verify_signature

KEY, SECRET = "AKIDDYNASTREAM", "the-secret"


@pytest.fixture
def server() -> Iterator[MockServer]:
    with mock_streams() as mock:
        settings = DoorSettings(credentials={KEY: SECRET})
        with mock._serve("127.0.0.1", 0, settings, allow_remote=False) as served:
            yield served


def _client(server: MockServer, key: str = KEY, secret: str = SECRET, **extra: Any) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=server.url,
        region_name="eu-west-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}),
        **extra,
    )


def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call()
    response: dict[str, Any] = raised.value.response
    return {
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
        "code": response["Error"]["Code"],
        "message": response["Error"]["Message"],
    }


def test_a_request_signed_with_a_known_key_is_served(server: MockServer) -> None:
    ddb = _client(server)
    ddb.create_table(
        TableName="Signed",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="Signed", Item={"id": {"S": "ünïcode"}, "b": {"B": b"\x00\xff"}})
    assert ddb.get_item(TableName="Signed", Key={"id": {"S": "ünïcode"}})["Item"]["b"] == {
        "B": b"\x00\xff"
    }
    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=server.url,
        region_name="eu-west-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )
    assert streams.list_streams()["Streams"] == []


def test_an_unknown_key_is_an_unrecognized_client(server: MockServer) -> None:
    assert _error(_client(server, key="AKIDSTRANGER").list_tables) == {
        "status": 400,
        "code": "UnrecognizedClientException",
        "message": "The security token included in the request is invalid.",
    }


def test_a_wrong_secret_is_an_invalid_signature(server: MockServer) -> None:
    error = _error(_client(server, secret="not-the-secret").list_tables)
    assert (error["status"], error["code"]) == (400, "InvalidSignatureException")
    assert error["message"].startswith("The request signature we calculated does not match")


def test_a_request_changed_after_signing_is_an_invalid_signature(server: MockServer) -> None:
    ddb = _client(server)

    def tamper(request: Any, **_: Any) -> None:
        request.body = request.body.replace(b'"Limit": 5', b'"Limit": 6')

    ddb.meta.events.register_last("before-send.dynamodb.ListTables", tamper)
    assert _error(lambda: ddb.list_tables(Limit=5))["code"] == "InvalidSignatureException"


@pytest.mark.parametrize(
    ("shift", "words"),
    [
        (dt.timedelta(minutes=-6), "Signature expired: "),
        (dt.timedelta(minutes=6), "Signature not yet current: "),
    ],
)
def test_a_signature_too_far_from_now_is_refused(
    server: MockServer, monkeypatch: pytest.MonkeyPatch, shift: dt.timedelta, words: str
) -> None:
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: real() + shift)

    error = _error(_client(server).list_tables)

    assert (error["status"], error["code"]) == (400, "InvalidSignatureException")
    assert error["message"].startswith(words)
    assert error["message"].endswith(" 5 min.)")


def test_an_unsigned_request_is_refused_when_credentials_are_required() -> None:
    with pytest.raises(Exception) as raised:
        verify_signature("POST", "/", {}, b"{}", {KEY: SECRET}, dt.datetime.now(dt.timezone.utc))
    assert type(raised.value).__name__ == "MissingAuthenticationTokenException"


def test_without_credentials_any_signature_is_accepted(dynastream_server: MockServer) -> None:
    assert (
        _client(dynastream_server, key="anything", secret="whatever").list_tables()["TableNames"]
        == []
    )
