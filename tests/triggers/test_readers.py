"""Enabled triggers are readers of every shard they have not finished, and never idle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams, mock_streams

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def put(ddb: Any, *ids: str) -> None:
    for item_id in ids:
        ddb.put_item(TableName="Users", Item={"id": {"S": item_id}})


def handler_named(name: str, seen: list[str] | None = None) -> Any:
    def handler(event: dict[str, Any], context: Any) -> None:
        if seen is not None:
            seen.extend(r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"])

    handler.__name__ = name
    return handler


def read_once(arn: str, shard_id: str) -> list[Any]:
    once = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
    iterator = once.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[Any] = once.get_records(ShardIterator=iterator)["Records"]
    return records


def only_shard(streams: Any, arn: str) -> str:
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    open_shards = [s for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
    shard_id: str = open_shards[0]["ShardId"]
    return shard_id


@pytest.fixture
def table(dynastream: MockStreams, ddb: Any) -> str:
    dynastream.clock.freeze()
    arn: str = create_stream_table(ddb)["LatestStreamArn"]
    put(ddb, "a")
    return arn


def test_two_triggers_and_a_reader_throttle_the_reader(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    dynastream.add_trigger("Users", handler_named("email"), StartingPosition="TRIM_HORIZON")
    dynastream.add_trigger("Users", handler_named("analytics"), StartingPosition="TRIM_HORIZON")
    dynastream.run_triggers()
    # Triggers hold their slots even when idle, however long.
    dynastream.clock.advance(hours=1)

    with pytest.raises(ClientError) as raised:
        read_once(table, only_shard(streams, table))

    error = raised.value.response["Error"]
    assert error["Code"] == "LimitExceededException"
    assert "2 active readers" in error["Message"]


def test_triggers_hold_their_slots_before_their_first_run(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    dynastream.add_trigger("Users", handler_named("email"), StartingPosition="LATEST")
    dynastream.add_trigger("Users", handler_named("analytics"), StartingPosition="LATEST")

    with pytest.raises(ClientError, match="LimitExceededException"):
        read_once(table, only_shard(streams, table))


def test_one_trigger_leaves_room_for_a_reader(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    dynastream.add_trigger("Users", handler_named("email"), StartingPosition="TRIM_HORIZON")

    assert len(read_once(table, only_shard(streams, table))) == 1


def test_a_third_trigger_is_accepted_but_makes_no_progress_until_a_slot_frees(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    third_seen: list[str] = []
    email = dynastream.add_trigger("Users", handler_named("email"), StartingPosition="TRIM_HORIZON")
    dynastream.add_trigger("Users", handler_named("analytics"), StartingPosition="TRIM_HORIZON")
    search = dynastream.add_trigger(
        "Users", handler_named("search", third_seen), StartingPosition="TRIM_HORIZON"
    )

    made = dynastream.run_triggers()
    dynastream.clock.advance(minutes=5)
    made += dynastream.run_triggers()

    assert len(made) == 2 and search.invocations == [] and third_seen == []
    email.delete()
    dynastream.run_triggers()
    assert third_seen == ["a"]


def test_disabling_a_trigger_frees_its_slot(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    email = dynastream.add_trigger("Users", handler_named("email"), StartingPosition="TRIM_HORIZON")
    analytics = dynastream.add_trigger(
        "Users", handler_named("analytics"), StartingPosition="TRIM_HORIZON"
    )
    shard_id = only_shard(streams, table)
    with pytest.raises(ClientError):
        read_once(table, shard_id)

    email.disable()
    assert len(read_once(table, shard_id)) == 1

    # The reader now holds the slot; enabling the trigger again waits for it to idle.
    email.enable()
    put(ddb, "b")
    dynastream.run_triggers()
    assert len(analytics.invocations) == 1
    assert email.invocations == []
    dynastream.clock.advance(seconds=1)
    dynastream.run_triggers()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in email.invocations[0].event["Records"]] == [
        "a",
        "b",
    ]


def test_finishing_a_closed_shard_frees_the_slot(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    parent = only_shard(streams, table)
    dynastream.add_trigger("Users", handler_named("email"), StartingPosition="TRIM_HORIZON")
    dynastream.add_trigger("Users", handler_named("analytics"), StartingPosition="TRIM_HORIZON")
    children = dynastream.split_shard("Users")

    with pytest.raises(ClientError):
        read_once(table, parent)
    dynastream.run_triggers()

    assert len(read_once(table, parent)) == 1
    # The children are not finished: the triggers still hold them.
    with pytest.raises(ClientError, match="LimitExceededException"):
        read_once(table, children[0])


def test_no_limit_without_the_throttle() -> None:
    with mock_streams(max_readers_per_shard=None) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        put(ddb, "a")
        triggers = [
            mock.add_trigger("Users", handler_named(name), StartingPosition="TRIM_HORIZON")
            for name in ("email", "analytics", "search")
        ]

        mock.run_triggers()

        assert all(len(t.invocations) == 1 for t in triggers)
        assert len(read_once(arn, only_shard(streams, arn))) == 1
