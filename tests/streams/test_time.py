"""Time-driven stream behaviour: trimming after retention, shard rollover, expiring shards."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import mock_streams


def clients() -> tuple[Any, Any]:
    return (
        boto3.client("dynamodb", region_name=REGION),
        boto3.client("dynamodbstreams", region_name=REGION),
    )


def shards_of(streams: Any, arn: str) -> list[Any]:
    shards: list[Any] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return shards


def test_records_older_than_retention_are_trimmed() -> None:
    with mock_streams(shard_rollover=None, iterator_ttl=48 * 3600) as mock:
        mock.clock.freeze()
        ddb, streams = clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        ddb.put_item(TableName="Users", Item={"id": {"S": "old"}})
        (shard,) = shards_of(streams, arn)
        old_iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        (old_record,) = read_shard(streams, arn, shard["ShardId"])
        mock.clock.advance(hours=12)
        ddb.put_item(TableName="Users", Item={"id": {"S": "new"}})
        mock.clock.advance(hours=12)

        kept = read_shard(streams, arn, shard["ShardId"])
        assert [r["dynamodb"]["Keys"]["id"]["S"] for r in kept] == ["new"]
        with pytest.raises(ClientError) as raised:
            streams.get_records(ShardIterator=old_iterator)
        assert raised.value.response["Error"] == {
            "Code": "TrimmedDataAccessException",
            "Message": "The data you are trying to access has been trimmed.",
        }
        with pytest.raises(ClientError) as raised:
            streams.get_shard_iterator(
                StreamArn=arn,
                ShardId=shard["ShardId"],
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=old_record["dynamodb"]["SequenceNumber"],
            )
        assert raised.value.response["Error"]["Code"] == "TrimmedDataAccessException"


def test_open_shard_rolls_over_to_a_child_every_four_hours() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb, streams = clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        ddb.put_item(TableName="Users", Item={"id": {"S": "before"}})
        mock.clock.advance(hours=3, minutes=59)
        assert len(shards_of(streams, arn)) == 1

        mock.clock.advance(minutes=1)
        ddb.put_item(TableName="Users", Item={"id": {"S": "after"}})

        parent, child = shards_of(streams, arn)
        assert child["ParentShardId"] == parent["ShardId"]
        parent_end = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
        assert int(child["SequenceNumberRange"]["StartingSequenceNumber"]) > parent_end
        assert [
            r["dynamodb"]["Keys"]["id"]["S"] for r in read_shard(streams, arn, parent["ShardId"])
        ] == ["before"]
        assert [
            r["dynamodb"]["Keys"]["id"]["S"] for r in read_shard(streams, arn, child["ShardId"])
        ] == ["after"]


def test_a_long_advance_replays_every_rollover_at_its_own_time() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb, streams = clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        start_ms = int(mock.clock.now().timestamp() * 1000)

        mock.clock.advance(hours=12)

        shards = shards_of(streams, arn)
        assert len(shards) == 4
        created = [int(s["ShardId"].split("-")[1]) - start_ms for s in shards]
        assert created == [0, 4 * 3_600_000, 8 * 3_600_000, 12 * 3_600_000]
        assert [s.get("ParentShardId") for s in shards[1:]] == [s["ShardId"] for s in shards[:-1]]


def test_closed_shards_disappear_once_retention_has_passed_since_they_closed() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb, streams = clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        first = shards_of(streams, arn)[0]["ShardId"]

        mock.clock.advance(hours=4 + 24)

        ids = [s["ShardId"] for s in shards_of(streams, arn)]
        assert first not in ids
        with pytest.raises(ClientError) as raised:
            streams.get_shard_iterator(StreamArn=arn, ShardId=first, ShardIteratorType="LATEST")
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_disabled_stream_leaves_list_streams_after_retention() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb, streams = clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})
        mock.clock.advance(hours=23, minutes=59)
        assert [s["StreamArn"] for s in streams.list_streams()["Streams"]] == [arn]

        mock.clock.advance(minutes=1)

        assert streams.list_streams()["Streams"] == []
        with pytest.raises(ClientError) as raised:
            streams.describe_stream(StreamArn=arn)
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
