"""mock.split_shard and mock.stream_records, and a consumer that follows shard lineage."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams, mock_streams

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from stream_consumer import StreamConsumer


def describe_shards(streams: Any, arn: str) -> list[Any]:
    shards: list[Any] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return shards


def test_split_shard_closes_the_parent_and_opens_children(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    arn = create_stream_table(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "before"}})
    (parent,) = describe_shards(streams, arn)

    children = dynastream.split_shard("Users", children=3)

    shards = describe_shards(streams, arn)
    assert [s["ShardId"] for s in shards] == [parent["ShardId"], *children]
    closed = shards[0]["SequenceNumberRange"]
    assert "EndingSequenceNumber" in closed
    for child in shards[1:]:
        assert child["ParentShardId"] == parent["ShardId"]
        start = int(child["SequenceNumberRange"]["StartingSequenceNumber"])
        assert start > int(closed["EndingSequenceNumber"])
    filtered = streams.describe_stream(
        StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": parent["ShardId"]}
    )["StreamDescription"]["Shards"]
    assert [s["ShardId"] for s in filtered] == children
    ddb.put_item(TableName="Users", Item={"id": {"S": "after"}})
    assert [
        r["dynamodb"]["Keys"]["id"]["S"] for r in read_shard(streams, arn, parent["ShardId"])
    ] == ["before"]
    after = [r for child in children for r in read_shard(streams, arn, child)]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in after] == ["after"]


def test_each_key_keeps_a_single_successor_shard(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    arn = create_stream_table(ddb)["LatestStreamArn"]
    children = dynastream.split_shard("Users")
    for round_ in range(2):
        for index in range(30):
            ddb.put_item(
                TableName="Users", Item={"id": {"S": f"k{index}"}, "r": {"N": str(round_)}}
            )

    owners: dict[str, set[str]] = {}
    for child in children:
        for record in read_shard(streams, arn, child):
            owners.setdefault(record["dynamodb"]["Keys"]["id"]["S"], set()).add(child)

    assert len(owners) == 30
    assert all(len(shards) == 1 for shards in owners.values())
    assert len({next(iter(s)) for s in owners.values()}) == 2


def test_split_shard_refuses_what_it_cannot_split(dynastream: MockStreams, ddb: Any) -> None:
    create_stream_table(ddb)
    create_stream_table(ddb, "Quiet", view_type=None)

    with pytest.raises(ValueError, match=r"no table 'Usrs'.*Users"):
        dynastream.split_shard("Usrs")
    with pytest.raises(ValueError, match="no enabled stream"):
        dynastream.split_shard("Quiet")
    with pytest.raises(ValueError, match="no open shard 'shardId-nope'"):
        dynastream.split_shard("Users", "shardId-nope")
    with pytest.raises(ValueError, match="children= of at least 1"):
        dynastream.split_shard("Users", children=0)


def test_a_table_name_in_two_regions_needs_region(dynastream: MockStreams) -> None:
    create_stream_table(boto3.client("dynamodb", region_name="eu-west-1"))
    create_stream_table(boto3.client("dynamodb", region_name="us-east-1"))

    with pytest.raises(ValueError, match="pass region="):
        dynastream.stream_records("Users")
    assert dynastream.stream_records("Users", region="us-east-1") == []


def test_stream_records_match_get_records_and_are_not_a_reader() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "b": {"B": b"\x00\x01"}})
        mock.split_shard("Users")
        ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})

        expected = [
            record
            for shard in describe_shards(streams, arn)
            for record in read_shard(streams, arn, shard["ShardId"])
        ]
        inspected = mock.stream_records("Users")

        assert inspected == expected
        assert inspected[0]["dynamodb"]["NewImage"]["b"] == {"B": b"\x00\x01"}
        assert mock.stream_records(arn) == expected
        # Mutating what the tool returned does not touch the world.
        inspected[0]["dynamodb"]["NewImage"]["b"] = {"S": "changed"}
        assert mock.stream_records("Users")[0]["dynamodb"]["NewImage"]["b"] == {"B": b"\x00\x01"}


def test_consumer_reads_every_record_exactly_once_across_splits_and_rollovers() -> None:
    chooser = random.Random(7)
    with mock_streams(partitions=2) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        consumer = StreamConsumer(streams, arn)
        seen: list[Any] = []
        expected_versions: dict[str, int] = {}
        for step in range(2000):
            key = f"k{chooser.randrange(50)}"
            version = expected_versions.get(key, 0) + 1
            expected_versions[key] = version
            ddb.put_item(TableName="Users", Item={"id": {"S": key}, "v": {"N": str(version)}})
            if step % 250 == 249:
                mock.split_shard("Users", children=chooser.choice([1, 2, 3]))
            if step % 400 == 399:
                mock.clock.advance(hours=4)  # every open shard rolls over
            if step % 300 == 0:
                seen.extend(consumer.poll())
            mock.clock.advance(seconds=1)  # readers go idle between polls
        seen.extend(consumer.poll())

        numbers = [r["dynamodb"]["SequenceNumber"] for r in seen]
        assert len(numbers) == 2000 == len(set(numbers))
        versions: dict[str, list[int]] = {}
        for record in seen:
            key = record["dynamodb"]["Keys"]["id"]["S"]
            versions.setdefault(key, []).append(int(record["dynamodb"]["NewImage"]["v"]["N"]))
        for key, observed in versions.items():
            assert observed == list(range(1, expected_versions[key] + 1)), key

        # Sibling shards interleave differently per consumer; the records are the same.
        def by_sequence(record: Any) -> int:
            return int(record["dynamodb"]["SequenceNumber"])

        assert sorted(seen, key=by_sequence) == sorted(
            mock.stream_records("Users"), key=by_sequence
        )
