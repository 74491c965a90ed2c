"""Enabling, disabling and re-enabling streams, and what stays readable afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table, read_shard

from dynastream_mock import MockStreams


def test_enabling_an_enabled_stream_answers_like_the_live_service(ddb: Any) -> None:
    create_stream_table(ddb)

    with pytest.raises(ClientError) as raised:
        ddb.update_table(
            TableName="Users",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )

    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "Table already has an enabled stream: TableName: Users"


def test_disabling_without_a_stream_is_refused(ddb: Any) -> None:
    create_stream_table(ddb, view_type=None)

    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})

    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == "Table has no stream to disable: TableName: Users"


def test_enabling_without_a_view_type_is_refused(ddb: Any) -> None:
    create_stream_table(ddb, view_type=None)

    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": True})

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "LatestStreamArn" not in ddb.describe_table(TableName="Users")["Table"]


def test_disable_closes_shards_and_keeps_records_readable(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]

    ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName="Users", Item={"id": {"S": "u2"}})

    table = ddb.describe_table(TableName="Users")["Table"]
    assert "StreamSpecification" not in table
    assert table["LatestStreamArn"] == arn
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    (shard,) = description["Shards"]
    ending = shard["SequenceNumberRange"]["EndingSequenceNumber"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in page["Records"]] == ["u1"]
    assert page["Records"][-1]["dynamodb"]["SequenceNumber"] == ending
    assert "NextShardIterator" not in page
    assert [s["StreamArn"] for s in streams.list_streams()["Streams"]] == [arn]


def test_re_enabling_makes_a_new_stream_even_in_the_same_millisecond(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    dynastream.clock.freeze()
    first = create_stream_table(ddb)["LatestStreamArn"]
    ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})
    ddb.update_table(
        TableName="Users",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})

    table = ddb.describe_table(TableName="Users")["Table"]
    second = table["LatestStreamArn"]
    assert second != first
    listed = streams.list_streams(TableName="Users")["Streams"]
    assert [s["StreamArn"] for s in listed] == [second, first]  # the current one first
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    first_label = datetime.fromisoformat(first.rsplit("/", 1)[1])
    second_label = datetime.fromisoformat(second.rsplit("/", 1)[1])
    assert second_label - first_label == timedelta(milliseconds=1)
    shard = streams.describe_stream(StreamArn=second)["StreamDescription"]["Shards"][0]
    (record,) = read_shard(streams, second, shard["ShardId"])
    assert record["dynamodb"]["StreamViewType"] == "KEYS_ONLY"
    assert "NewImage" not in record["dynamodb"]


def test_delete_table_keeps_its_stream_readable_as_disabled(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]

    ddb.delete_table(TableName="Users")

    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    shard_id = description["Shards"][0]["ShardId"]
    assert [r["eventName"] for r in read_shard(streams, arn, shard_id)] == ["INSERT"]
