"""Stream records through boto3: shapes, view types, what writes a record and what does not."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from helpers import create_stream_table, read_shard

from dynastream_mock import MockStreams


def only_shard_records(ddb: Any, streams: Any, table: str = "Users") -> list[Any]:
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [record for shard in shards for record in read_shard(streams, arn, shard["ShardId"])]


def test_insert_modify_remove_records_carry_the_full_shape(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Ada"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Grace"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})

    insert, modify, remove = only_shard_records(ddb, streams)

    assert [r["eventName"] for r in (insert, modify, remove)] == ["INSERT", "MODIFY", "REMOVE"]
    for record in (insert, modify, remove):
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "eu-west-1"
        assert re.fullmatch(r"[0-9a-f]{32}", record["eventID"])
        assert record["dynamodb"]["Keys"] == {"id": {"S": "u1"}}
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert record["dynamodb"]["SizeBytes"] > 0
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], datetime)
        assert "userIdentity" not in record
    assert insert["dynamodb"]["NewImage"] == {"id": {"S": "u1"}, "name": {"S": "Ada"}}
    assert "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["name"] == {"S": "Ada"}
    assert modify["dynamodb"]["NewImage"]["name"] == {"S": "Grace"}
    assert remove["dynamodb"]["OldImage"]["name"] == {"S": "Grace"}
    assert "NewImage" not in remove["dynamodb"]


@pytest.mark.parametrize(
    ("view_type", "new", "old"),
    [
        ("KEYS_ONLY", False, False),
        ("NEW_IMAGE", True, False),
        ("OLD_IMAGE", False, True),
        ("NEW_AND_OLD_IMAGES", True, True),
    ],
)
def test_view_type_decides_which_images_a_record_keeps(
    ddb: Any, streams: Any, view_type: str, new: bool, old: bool
) -> None:
    create_stream_table(ddb, view_type=view_type)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "1"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "2"}})

    modify = only_shard_records(ddb, streams)[1]["dynamodb"]

    assert modify["StreamViewType"] == view_type
    assert modify["Keys"] == {"id": {"S": "u1"}}
    assert ("NewImage" in modify) is new
    assert ("OldImage" in modify) is old


def test_writes_that_change_nothing_write_no_record(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    item = {"id": {"S": "u1"}, "tags": {"SS": ["a", "b"]}, "n": {"N": "1.50"}}
    ddb.put_item(TableName="Users", Item=item)
    ddb.put_item(TableName="Users", Item=item)
    ddb.put_item(TableName="Users", Item={**item, "tags": {"SS": ["b", "a"]}, "n": {"N": "1.5"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "missing"}})

    assert [r["eventName"] for r in only_shard_records(ddb, streams)] == ["INSERT"]


def test_sequence_numbers_are_increasing_decimal_strings(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    for index in range(20):
        ddb.put_item(TableName="Users", Item={"id": {"S": f"u{index}"}})

    numbers = [r["dynamodb"]["SequenceNumber"] for r in only_shard_records(ddb, streams)]

    assert all(re.fullmatch(r"\d{21,40}", n) for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == 20


def test_approximate_creation_time_is_rounded_down_to_the_second(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    dynastream.clock.freeze()
    now = dynastream.clock.now()
    dynastream.clock.advance(milliseconds=1999 - now.microsecond // 1000)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})

    (record,) = only_shard_records(ddb, streams)

    stamp = record["dynamodb"]["ApproximateCreationDateTime"]
    expected = dynastream.clock.now().replace(microsecond=0)
    assert stamp.astimezone(timezone.utc) == expected


def test_table_without_stream_writes_no_records_and_lists_no_stream(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb, view_type=None)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})

    table = ddb.describe_table(TableName="Users")["Table"]
    assert "LatestStreamArn" not in table
    assert "StreamSpecification" not in table
    assert streams.list_streams()["Streams"] == []


def test_partitions_spread_keys_over_shards_and_keep_each_key_in_one(
    ddb: Any, streams: Any
) -> None:
    from dynastream_mock import mock_streams

    with mock_streams(partitions=4):
        import boto3

        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        streams = boto3.client("dynamodbstreams", region_name="eu-west-1")
        create_stream_table(ddb)
        for round_ in range(3):
            for index in range(40):
                ddb.put_item(
                    TableName="Users", Item={"id": {"S": f"u{index}"}, "r": {"N": str(round_)}}
                )
        arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]

        assert len(shards) == 4
        owner: dict[str, str] = {}
        per_shard = []
        for shard in shards:
            records = read_shard(streams, arn, shard["ShardId"])
            per_shard.append(len(records))
            for record in records:
                key = record["dynamodb"]["Keys"]["id"]["S"]
                assert owner.setdefault(key, shard["ShardId"]) == shard["ShardId"]
                rounds = [
                    r["dynamodb"]["NewImage"]["r"]["N"]
                    for r in records
                    if r["dynamodb"]["Keys"]["id"]["S"] == key
                ]
                assert rounds == ["0", "1", "2"]
        assert sum(per_shard) == 120
        assert all(count > 0 for count in per_shard)
