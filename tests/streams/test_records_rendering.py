"""GetRecords bodies are made from each record's rendering, kept after its first read.

The kept rendering must give exactly the bytes encoding the records afresh would, and
nothing a caller does with what it got back may change what the next read returns.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams
from dynastream_mock.api.records import render_record
from dynastream_mock.wire.protocol import encode_json

STREAMS_ENDPOINT = f"https://streams.dynamodb.{REGION}.amazonaws.com/"


def _shard(ddb: Any, streams: Any) -> tuple[str, str]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return arn, shards[0]["ShardId"]


def _raw_get_records(iterator: str, limit: int | None = None) -> bytes:
    params: dict[str, Any] = {"ShardIterator": iterator}
    if limit is not None:
        params["Limit"] = limit
    answer = requests.post(
        STREAMS_ENDPOINT,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDBStreams_20120810.GetRecords",
        },
        data=json.dumps(params),
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return answer.content


def test_body_is_the_encoding_of_the_rendered_records(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Ädä ☃"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "n": {"N": "1.50"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})
    arn, shard_id = _shard(ddb, streams)
    world = dynastream._service.region(None, REGION)  # type: ignore[union-attr]
    stream = world.stream(arn)
    records = stream.shards[shard_id].retained()

    for _ in range(2):  # the first read renders, the second uses what it kept
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        body = _raw_get_records(iterator)
        parsed = json.loads(body)
        expected = {
            "Records": [render_record(r, REGION, stream.view_type) for r in records],
            "NextShardIterator": parsed["NextShardIterator"],
        }
        assert body == encode_json(expected)
        dynastream.clock.advance(seconds=2)  # the next read is another reader


def test_a_page_of_part_of_the_records_and_a_closed_shard_end(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    for index in range(3):
        ddb.put_item(TableName="Users", Item={"id": {"S": f"u{index}"}})
    arn, shard_id = _shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    first = json.loads(_raw_get_records(iterator, limit=2))
    assert len(first["Records"]) == 2

    dynastream.split_shard("Users", shard_id)
    rest = json.loads(_raw_get_records(first["NextShardIterator"]))
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in rest["Records"]] == ["u2"]
    assert "NextShardIterator" not in rest


def test_changing_what_boto3_returned_changes_no_later_read(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "tags": {"SS": ["a", "b"]}})
    arn, shard_id = _shard(ddb, streams)

    first = read_shard(streams, arn, shard_id)
    first[0]["dynamodb"]["NewImage"]["tags"]["SS"].append("c")
    first[0]["dynamodb"]["Keys"]["id"]["S"] = "changed"
    first[0]["eventName"] = "REMOVE"
    dynastream.clock.advance(seconds=2)
    second = read_shard(streams, arn, shard_id)

    assert second[0]["eventName"] == "INSERT"
    assert second[0]["dynamodb"]["Keys"] == {"id": {"S": "u1"}}
    assert sorted(second[0]["dynamodb"]["NewImage"]["tags"]["SS"]) == ["a", "b"]
    assert dynastream.stream_records("Users")[0]["dynamodb"]["Keys"] == {"id": {"S": "u1"}}


_EVERY_KIND = {
    "id": {"S": "u1"},
    "blob": {"B": b"\x00\xff"},
    "blobs": {"BS": [b"a", b"b"]},
    "names": {"SS": ["x", "y"]},
    "numbers": {"NS": ["1", "2.5"]},
    "nested": {"M": {"inner": {"L": [{"B": b"z"}, {"N": "3"}, {"NULL": True}]}}},
    "flag": {"BOOL": False},
}


def test_stream_records_are_what_boto3_parses_from_get_records(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item=_EVERY_KIND)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "blob": {"B": b"\x01"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})
    arn, shard_id = _shard(ddb, streams)

    assert dynastream.stream_records("Users") == read_shard(streams, arn, shard_id)


def test_a_trigger_event_record_is_the_get_records_record_with_its_source(
    dynastream: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item=_EVERY_KIND)
    arn, shard_id = _shard(ddb, streams)
    trigger = dynastream.add_trigger(
        "Users", lambda event, context: None, StartingPosition="TRIM_HORIZON"
    )
    dynastream.run_triggers()
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    dynastream.clock.advance(seconds=2)

    (wire,) = json.loads(_raw_get_records(iterator))["Records"]
    (event_record,) = trigger.invocations[0].event["Records"]
    assert event_record == {**wire, "eventSourceARN": arn}
    assert list(event_record) == [*wire, "eventSourceARN"]
