"""mock.check_consumed: what a consumer processed, against what the stream retains."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams


def _write(ddb: Any, key: str, version: int) -> None:
    ddb.put_item(TableName="Users", Item={"id": {"S": key}, "v": {"N": str(version)}})


@pytest.fixture
def split_stream(dynastream: MockStreams) -> tuple[Any, str]:
    """u1 and u2 written twice, the shard split between the two writes."""
    dynastream.clock.freeze()
    ddb = boto3.client("dynamodb", region_name=REGION)
    arn = create_stream_table(ddb)["LatestStreamArn"]
    _write(ddb, "u1", 1)
    _write(ddb, "u2", 1)
    dynastream.split_shard("Users")
    _write(ddb, "u1", 2)
    _write(ddb, "u2", 2)
    return boto3.client("dynamodbstreams", region_name=REGION), arn


def _read_in_lineage(streams: Any, arn: str) -> list[dict[str, Any]]:
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [r for shard in shards for r in read_shard(streams, arn, shard["ShardId"])]


def test_a_correct_consumer_passes(dynastream: MockStreams, split_stream: tuple[Any, str]) -> None:
    streams, arn = split_stream
    seen = _read_in_lineage(streams, arn)

    report = dynastream.check_consumed("Users", seen)

    assert report.ok and bool(report)
    assert (report.missing, report.duplicated, report.out_of_order, report.unknown) == (
        [],
        [],
        [],
        [],
    )
    assert str(report) == (
        "consumed correctly: all 4 retained records, each once, every key in order "
        "(0 unknown ignored)"
    )
    assert dynastream.check_consumed(arn, [r["eventID"] for r in seen]).ok


def test_a_consumer_that_skips_the_children_misses_records(
    dynastream: MockStreams, split_stream: tuple[Any, str]
) -> None:
    streams, arn = split_stream
    parent = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    seen = read_shard(streams, arn, parent["ShardId"])

    report = dynastream.check_consumed("Users", seen)

    assert not report.ok
    assert [r["dynamodb"]["NewImage"]["v"]["N"] for r in report.missing] == ["2", "2"]
    text = str(report)
    assert text.startswith("consumed incorrectly: 2 missing, 0 duplicated, 0 out of order")
    missing = report.missing[0]
    assert "missing: INSERT of key id=" in text or "missing: MODIFY of key id=" in text
    assert missing["dynamodb"]["SequenceNumber"] in text
    assert "in shard shardId-" in text


def test_duplicates_and_a_key_out_of_order(
    dynastream: MockStreams, split_stream: tuple[Any, str]
) -> None:
    streams, arn = split_stream
    in_order = _read_in_lineage(streams, arn)
    first_u1, first_u2, second_u1, second_u2 = sorted(
        in_order,
        key=lambda r: (r["dynamodb"]["NewImage"]["v"]["N"], r["dynamodb"]["Keys"]["id"]["S"]),
    )
    seen = [second_u1, first_u1, first_u2, second_u2, first_u2]

    report = dynastream.check_consumed("Users", seen)

    assert report.duplicated == [first_u2]
    assert report.out_of_order == [second_u1]
    assert report.missing == []
    assert "out of order: MODIFY of key id=u1" in str(report)


def test_lambda_event_records_are_accepted(dynastream: MockStreams) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    create_stream_table(ddb)
    seen: list[dict[str, Any]] = []
    dynastream.add_trigger(
        "Users",
        lambda event, context: seen.extend(event["Records"]),
        StartingPosition="TRIM_HORIZON",
    )
    _write(ddb, "u1", 1)
    _write(ddb, "u1", 2)
    dynastream.run_triggers()

    assert seen and "eventSourceARN" in seen[0]
    assert dynastream.check_consumed("Users", seen).ok


def test_trimmed_records_seen_are_unknown_not_wrong(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    ddb = boto3.client("dynamodb", region_name=REGION)
    create_stream_table(ddb)
    _write(ddb, "old", 1)
    (old,) = dynastream.stream_records("Users")
    dynastream.clock.advance(hours=25)
    _write(ddb, "new", 1)
    (new,) = dynastream.stream_records("Users")

    report = dynastream.check_consumed("Users", [old, new, "not-an-event-id"])

    assert report.ok
    assert report.unknown == [old, {"eventID": "not-an-event-id"}]
    assert "(2 unknown ignored)" in str(report)


@pytest.mark.parametrize("seen", [42, [42], "one-event-id", {"eventID": "x"}])
def test_what_is_not_a_list_of_records_is_refused(dynastream: MockStreams, seen: Any) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    with pytest.raises(TypeError, match="check_consumed\\(\\) takes"):
        dynastream.check_consumed("Users", seen)


def test_check_consumed_needs_an_active_mock() -> None:
    from dynastream_mock import mock_streams

    with pytest.raises(RuntimeError, match="check_consumed\\(\\) needs an active mock"):
        mock_streams().check_consumed("Users", [])
