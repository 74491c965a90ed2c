"""Status transitions that last the ``transitions`` option's virtual time."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams, mock_streams


@pytest.fixture
def slow() -> Any:
    with mock_streams(transitions=10) as mock:
        mock.clock.freeze()
        yield mock


def clients() -> tuple[Any, Any]:
    return (
        boto3.client("dynamodb", region_name=REGION),
        boto3.client("dynamodbstreams", region_name=REGION),
    )


def stream_status(streams: Any, arn: str) -> str:
    status: str = streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"]
    return status


def table_status(ddb: Any) -> str:
    status: str = ddb.describe_table(TableName="Users")["Table"]["TableStatus"]
    return status


def test_a_new_stream_is_enabling_then_enabled(slow: MockStreams) -> None:
    ddb, streams = clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]

    assert (table_status(ddb), stream_status(streams, arn)) == ("CREATING", "ENABLING")
    slow.clock.advance(seconds=10)
    assert (table_status(ddb), stream_status(streams, arn)) == ("ACTIVE", "ENABLED")


def test_disabling_lasts_then_the_stream_is_disabled(slow: MockStreams) -> None:
    ddb, streams = clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]
    slow.clock.advance(seconds=10)

    ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})

    assert (table_status(ddb), stream_status(streams, arn)) == ("UPDATING", "DISABLING")
    with pytest.raises(ClientError) as raised:
        ddb.update_table(
            TableName="Users",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )
    assert raised.value.response["Error"]["Code"] == "ResourceInUseException"
    slow.clock.advance(seconds=10)
    assert (table_status(ddb), stream_status(streams, arn)) == ("ACTIVE", "DISABLED")


def test_delete_table_is_deleting_for_a_while(slow: MockStreams) -> None:
    ddb, streams = clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]
    slow.clock.advance(seconds=10)

    assert ddb.delete_table(TableName="Users")["TableDescription"]["TableStatus"] == "DELETING"

    assert table_status(ddb) == "DELETING"
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    slow.clock.advance(seconds=10)
    with pytest.raises(ClientError) as raised:
        ddb.describe_table(TableName="Users")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert stream_status(streams, arn) == "DISABLED"


def test_waiters_never_sleep_with_the_default_transitions(
    dynastream: MockStreams, ddb: Any
) -> None:
    create_stream_table(ddb)

    ddb.get_waiter("table_exists").wait(TableName="Users", WaiterConfig={"Delay": 60})

    assert table_status(ddb) == "ACTIVE"
