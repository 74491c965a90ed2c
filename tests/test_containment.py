"""While a mock is active nothing for DynamoDB or DynamoDB Streams reaches the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from helpers import create_stream_table

from dynastream_mock import mock_streams

NO_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=1)


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every host lookup and connection attempted; each refused before it leaves the machine."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(f"test refused a connection to {address!r}")

    def refuse_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise socket.gaierror(f"test refused to look up {host!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    yield attempts


@pytest.mark.parametrize(
    ("region", "config"),
    [
        ("eu-west-1", Config()),
        ("us-gov-west-1", Config(use_fips_endpoint=True)),
        ("eu-central-1", Config(use_dualstack_endpoint=True)),
        ("cn-north-1", Config()),
        ("ap-southeast-2", Config(use_fips_endpoint=True, use_dualstack_endpoint=True)),
    ],
)
def test_every_endpoint_form_is_answered_without_a_connection(
    connections: list[Any], region: str, config: Config
) -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=region, config=config.merge(NO_RETRIES))
        streams = boto3.client(
            "dynamodbstreams", region_name=region, config=config.merge(NO_RETRIES)
        )
        arn = create_stream_table(ddb)["LatestStreamArn"]
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        assert len(streams.get_records(ShardIterator=iterator)["Records"]) == 1

    assert connections == []


def test_account_based_hosts_are_answered_without_a_connection(
    connections: list[Any],
) -> None:
    with mock_streams():
        session = boto3.Session(
            aws_access_key_id="k",
            aws_secret_access_key="s",
            aws_account_id="111122223333",
            region_name="eu-west-1",
        )
        ddb = session.client("dynamodb", config=NO_RETRIES)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        assert ":111122223333:" in arn
        assert boto3.client("dynamodb", region_name="eu-west-1").list_tables()["TableNames"] == []

    assert connections == []


def test_plain_requests_are_answered_without_a_connection(connections: list[Any]) -> None:
    with mock_streams():
        answer = requests.post(
            "https://dynamodb.eu-west-1.amazonaws.com/",
            headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"},
            data=b"{}",
            timeout=5,
        )
        assert answer.json() == {"TableNames": []}

    assert connections == []


def test_a_stopped_mock_answers_nothing(connections: list[Any]) -> None:
    with mock_streams():
        pass
    ddb = boto3.client(
        "dynamodb",
        region_name="eu-west-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=NO_RETRIES,
    )

    with pytest.raises(Exception, match="Could not connect"):
        ddb.list_tables()

    # The request really went for the network: nothing answered it.
    assert connections == ["dynamodb.eu-west-1.amazonaws.com"]
