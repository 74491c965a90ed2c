"""ListStreams, DescribeStream, GetShardIterator and GetRecords, with their errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams

UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})


def stream_and_shard(ddb: Any, streams: Any, table: str = "Users") -> tuple[str, str]:
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    return arn, shard["ShardId"]


def put_users(ddb: Any, count: int, table: str = "Users") -> None:
    for index in range(count):
        ddb.put_item(TableName=table, Item={"id": {"S": f"u{index}"}})


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_stream_arn_and_label_follow_aws_format(ddb: Any) -> None:
    table = create_stream_table(ddb)

    arn, label = table["LatestStreamArn"], table["LatestStreamLabel"]
    assert arn == f"arn:aws:dynamodb:eu-west-1:123456789012:table/Users/stream/{label}"
    assert len(label) == len("2015-05-11T21:21:33.291")
    assert label[10] == "T" and label[19] == "."


def test_list_streams_filters_by_table_and_pages(ddb: Any, streams: Any) -> None:
    for name in ("Aaa", "Bbb", "Ccc"):
        create_stream_table(ddb, name)

    everything = streams.list_streams()["Streams"]
    assert [s["TableName"] for s in everything] == ["Ccc", "Bbb", "Aaa"]
    assert streams.list_streams(TableName="Nowhere")["Streams"] == []
    assert streams.list_streams(TableName="Bbb")["Streams"] == [everything[1]]

    first = streams.list_streams(Limit=2)
    assert first["Streams"] == everything[:2]
    second = streams.list_streams(Limit=2, ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
    assert second["Streams"] == everything[2:]
    assert "LastEvaluatedStreamArn" not in second


def test_describe_stream_shows_status_schema_and_open_shard(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb, range_key="at")
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]

    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]

    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert description["TableName"] == "Users"
    assert description["KeySchema"] == [
        {"AttributeName": "id", "KeyType": "HASH"},
        {"AttributeName": "at", "KeyType": "RANGE"},
    ]
    (shard,) = description["Shards"]
    assert shard["ShardId"].startswith("shardId-")
    assert len(shard["ShardId"].split("-")[1]) == 20
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    assert "ParentShardId" not in shard


def test_get_records_pages_by_limit_and_follows_next_iterator(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    put_users(ddb, 7)
    arn, shard_id = stream_and_shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]

    sizes = []
    for _ in range(4):
        page = streams.get_records(ShardIterator=iterator, Limit=3)
        sizes.append(len(page["Records"]))
        iterator = page["NextShardIterator"]

    assert sizes == [3, 3, 1, 0]
    assert iterator.startswith(arn + "|1|")


def test_latest_reads_only_what_comes_after(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    put_users(ddb, 3)
    arn, shard_id = stream_and_shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST"
    )["ShardIterator"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "late"}})

    records = streams.get_records(ShardIterator=iterator)["Records"]

    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["late"]


def test_at_and_after_sequence_number(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    put_users(ddb, 3)
    arn, shard_id = stream_and_shard(ddb, streams)
    second = read_shard(streams, arn, shard_id)[1]["dynamodb"]["SequenceNumber"]

    at = read_shard(
        streams, arn, shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=second
    )
    after = read_shard(
        streams, arn, shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=second
    )

    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in at] == ["u1", "u2"]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in after] == ["u2"]


def test_unknown_stream_shard_and_malformed_arn_are_refused(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    arn, _ = stream_and_shard(ddb, streams)
    unknown = arn.replace("Users", "Nobody")

    with pytest.raises(ClientError) as raised:
        streams.describe_stream(StreamArn=unknown)
    assert error_of(raised) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {unknown} not found",
        400,
    )
    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn,
            ShardId="shardId-00000000000000000000-00000000",
            ShardIteratorType="LATEST",
        )
    assert error_of(raised)[0::2] == ("ResourceNotFoundException", 400)
    with pytest.raises(ClientError) as raised:
        streams.describe_stream(StreamArn="arn:aws:dynamodb:eu-west-1:123456789012:not-a-stream")
    assert error_of(raised)[0::2] == ("ValidationException", 400)


_INVALID = "One or more parameter values were invalid: "
_NOT_PASSED = "SequenceNumber should not be passed for this iterator type"


@pytest.mark.parametrize(
    ("iterator_type", "sequence", "detail"),
    [
        ("AT_SEQUENCE_NUMBER", None, "Invalid SequenceNumber"),
        ("AFTER_SEQUENCE_NUMBER", None, "Invalid SequenceNumber"),
        ("AT_SEQUENCE_NUMBER", "10000000000000000000x", "Invalid SequenceNumber"),
        ("TRIM_HORIZON", "100000000000000000001", _NOT_PASSED),
        ("LATEST", "100000000000000000001", _NOT_PASSED),
    ],
)
def test_sequence_number_must_match_the_iterator_type(
    ddb: Any, streams: Any, iterator_type: str, sequence: str | None, detail: str
) -> None:
    create_stream_table(ddb)
    arn, shard_id = stream_and_shard(ddb, streams)
    extra = {} if sequence is None else {"SequenceNumber": sequence}

    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType=iterator_type, **extra
        )

    assert error_of(raised) == ("ValidationException", _INVALID + detail, 400)


def test_a_sequence_number_outside_the_shard_is_refused(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    arn, shard_id = stream_and_shard(ddb, streams)

    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber="0" * 20 + "1",  # before the first record of the shard
        )

    assert error_of(raised) == ("ValidationException", "Invalid SequenceNumber for the shard", 400)


def test_a_sequence_number_of_the_wrong_length_is_the_validators(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    raw = boto3.client("dynamodbstreams", region_name=REGION, config=UNCHECKED)
    arn, shard_id = stream_and_shard(ddb, raw)

    with pytest.raises(ClientError) as raised:
        raw.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber="12",
        )

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '12' at 'sequenceNumber' failed to satisfy "
        "constraint: Member must have length greater than or equal to 21",
        400,
    )


def test_describe_stream_limit_above_one_hundred_is_the_validators(
    dynastream: MockStreams, ddb: Any
) -> None:
    create_stream_table(ddb)
    raw = boto3.client("dynamodbstreams", region_name=REGION, config=UNCHECKED)
    arn, _ = stream_and_shard(ddb, raw)

    with pytest.raises(ClientError) as raised:
        raw.describe_stream(StreamArn=arn, Limit=101)

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
        400,
    )


@pytest.mark.parametrize("limit", [0, 1001])
def test_get_records_limit_out_of_range_is_a_validation_error(
    dynastream: MockStreams, ddb: Any, limit: int
) -> None:
    create_stream_table(ddb)
    raw = boto3.client("dynamodbstreams", region_name=REGION, config=UNCHECKED)
    arn, shard_id = stream_and_shard(ddb, raw)
    iterator = raw.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]

    with pytest.raises(ClientError) as raised:
        raw.get_records(ShardIterator=iterator, Limit=limit)

    code, message, status = error_of(raised)
    assert (code, status) == ("ValidationException", 400)
    assert f"Value '{limit}' at 'limit' failed to satisfy constraint" in message


@pytest.mark.parametrize("tamper", ["reshaped", "not-an-iterator"])
def test_iterators_the_service_did_not_issue_are_invalid(
    ddb: Any, streams: Any, tamper: str
) -> None:
    create_stream_table(ddb)
    arn, shard_id = stream_and_shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    forged = iterator[:-3] + ("AAA" if not iterator.endswith("AAA") else "BBB")
    if tamper == "not-an-iterator":
        forged = "x" * 30

    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=forged)

    assert error_of(raised) == ("ValidationException", "Invalid ShardIterator", 400)


def test_iterator_expires_fifteen_minutes_after_issue(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    put_users(ddb, 1)
    dynastream.clock.freeze()
    arn, shard_id = stream_and_shard(ddb, streams)
    fresh = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    dynastream.clock.advance(minutes=14, seconds=59)
    kept = streams.get_records(ShardIterator=fresh)["NextShardIterator"]
    dynastream.clock.advance(seconds=1)

    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=fresh)
    assert error_of(raised) == (
        "ExpiredIteratorException",
        "The provided iterator exceeds the maximum age allowed.",
        400,
    )
    # Every GetRecords hands out a fresh iterator with its own fifteen minutes.
    assert streams.get_records(ShardIterator=kept)["Records"] == []


def test_at_timestamp_starts_at_the_first_record_of_that_second(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    arn, shard_id = stream_and_shard(ddb, streams)
    dynastream.clock.freeze()
    dynastream.clock.advance(milliseconds=1000 - dynastream.clock.now().microsecond // 1000)
    ddb.put_item(TableName="Users", Item={"id": {"S": "early"}})
    dynastream.clock.advance(seconds=10, milliseconds=400)
    middle = dynastream.clock.now()
    ddb.put_item(TableName="Users", Item={"id": {"S": "middle"}})
    dynastream.clock.advance(seconds=5)
    ddb.put_item(TableName="Users", Item={"id": {"S": "late"}})

    def from_moment(moment: Any) -> list[str]:
        records = read_shard(
            streams, arn, shard_id, ShardIteratorType="AT_TIMESTAMP", Timestamp=moment
        )
        return [r["dynamodb"]["Keys"]["id"]["S"] for r in records]

    # ApproximateCreationDateTime is whole seconds: the record made at .400 counts from .000.
    assert from_moment(middle.replace(microsecond=0)) == ["middle", "late"]
    assert from_moment(middle) == ["late"]
    assert from_moment(middle - timedelta(days=2)) == ["early", "middle", "late"]
    assert from_moment(dynastream.clock.now()) == []

    with pytest.raises(ClientError) as raised:
        from_moment(dynastream.clock.now() + timedelta(seconds=5))
    assert error_of(raised) == ("ValidationException", _INVALID + "Timestamp is in the future", 400)
    only_with = "Timestamp must be given with ShardIteratorType AT_TIMESTAMP, and only with it"
    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_TIMESTAMP"
        )
    assert error_of(raised) == ("ValidationException", _INVALID + only_with, 400)
    with pytest.raises(ClientError) as raised:
        streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST", Timestamp=middle
        )
    assert error_of(raised) == ("ValidationException", _INVALID + only_with, 400)
