"""moto's mock_aws for other services beside mock_streams, in either nesting order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from typing import Any

import boto3
import pytest
from helpers import create_stream_table

from dynastream_mock import MockStreams, mock_streams

moto = pytest.importorskip("moto", reason="moto is not installed (it is in the test extra)")
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402

REGION = "eu-west-1"


def moto_tables() -> list[str]:
    return list(dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables)


@pytest.fixture(params=["moto outside", "moto inside"])
def both(request: pytest.FixtureRequest) -> Iterator[MockStreams]:
    order: list[AbstractContextManager[Any]] = [moto.mock_aws(), mock_streams()]
    if request.param == "moto inside":
        order.reverse()
    with ExitStack() as stack:
        entered = [stack.enter_context(manager) for manager in order]
        yield next(m for m in entered if isinstance(m, MockStreams))


def test_dynamodb_and_streams_come_from_dynastream_and_the_rest_from_moto(
    both: MockStreams,
) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)

    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    queue = sqs.create_queue(QueueName="signups")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="u1")
    s3.create_bucket(Bucket="exports", CreateBucketConfiguration={"LocationConstraint": REGION})

    assert [r["eventName"] for r in both.stream_records("Users")] == ["INSERT"]
    assert streams.list_streams()["Streams"][0]["TableName"] == "Users"
    assert moto_tables() == []  # moto neither answered nor recorded the table
    messages = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert [m["Body"] for m in messages] == ["u1"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["exports"]


def test_moto_answers_dynamodb_again_once_our_mock_stops() -> None:
    with moto.mock_aws():
        with mock_streams():
            create_stream_table(boto3.client("dynamodb", region_name=REGION))
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb, "MotoTable")

        assert ddb.list_tables()["TableNames"] == ["MotoTable"]
        assert moto_tables() == ["MotoTable"]
