"""DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator, GetRecords."""

from __future__ import annotations

from typing import Any

from ..backend import reading
from ..backend.arns import parse_arn
from ..backend.iterators import InvalidIterator, decode_iterator
from ..backend.readers import Reader
from ..backend.shards import Shard, StreamRecord
from ..backend.streams import Stream
from ..backend.world import RegionWorld
from ..errors import ValidationException, invalid_parameters
from ..wire.protocol import RenderedResult, encode_json
from ..wire.renderings import Renderings
from .records import render_record
from .router import Params, Result, handles, handles_reading

_SERVICE = "dynamodbstreams"
#: The iterator types that start at a given SequenceNumber.
_FROM_SEQUENCE = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
#: GetRecords bodies of records already read once: consumers that read one stream several
#: times (replication and search indexing, say) pay for each rendering once.
_RENDERINGS: Renderings[StreamRecord] = Renderings()


def check_stream_arn(text: str) -> None:
    """Refuse what is not ``arn:<partition>:dynamodb:<region>:<account>:table/<t>/stream/<l>``."""
    arn = parse_arn(text)
    if arn is None or not arn.account.isdigit() or arn.stream_label is None:
        raise ValidationException(f"Invalid StreamArn: {text}")


def render_shard(shard: Shard) -> dict[str, Any]:
    sequence_range: dict[str, str] = {"StartingSequenceNumber": str(shard.starting_sequence)}
    if shard.ending_sequence is not None:
        sequence_range["EndingSequenceNumber"] = str(shard.ending_sequence)
    rendered: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": sequence_range}
    if shard.parent_id is not None:
        rendered["ParentShardId"] = shard.parent_id
    return rendered


@handles(_SERVICE, "ListStreams")
def list_streams(world: RegionWorld, params: Params) -> Result:
    table_name = params.get("TableName")
    # Newest first, as DynamoDB lists them, so a table's current stream comes first; a
    # table without streams (or no such table) lists none.
    streams = list(reversed(world.streams.values()))
    if table_name is not None:
        streams = [stream for stream in streams if stream.table_name == table_name]
    start = params.get("ExclusiveStartStreamArn")
    if start is not None:
        check_stream_arn(start)
        arns = [stream.arn for stream in streams]
        streams = streams[arns.index(start) + 1 :] if start in arns else []
    limit = params.get("Limit") or 100
    result: Result = {
        "Streams": [
            {"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label}
            for s in streams[:limit]
        ]
    }
    if len(streams) > limit:
        result["LastEvaluatedStreamArn"] = streams[limit - 1].arn
    return result


def _shards_after(stream: Stream, shards: list[Shard], start: str | None) -> list[Shard]:
    if start is None:
        return shards
    ids = [shard.shard_id for shard in shards]
    if start in ids:
        return shards[ids.index(start) + 1 :]
    # The start shard may have expired meanwhile: shard ids sort by creation time.
    return [shard for shard in shards if shard.shard_id > start]


@handles(_SERVICE, "DescribeStream")
def describe_stream(world: RegionWorld, params: Params) -> Result:
    arn = params["StreamArn"]
    check_stream_arn(arn)
    shard_filter = params.get("ShardFilter")
    if shard_filter is not None:
        # The model makes both members optional; DynamoDB requires them.
        for member, path in (("Type", "type"), ("ShardId", "shardId")):
            if shard_filter.get(member) is None:
                raise ValidationException(
                    f"1 validation error detected: Value null at 'shardFilter.{path}' failed "
                    "to satisfy constraint: Member must not be null"
                )
    stream = world.stream(arn)
    shards = list(stream.lineage_order())
    if shard_filter is not None:
        # CHILD_SHARDS is the only filter type (the validator refuses others).
        parent = shard_filter["ShardId"]
        shards = [shard for shard in shards if shard.parent_id == parent]
    shards = _shards_after(stream, shards, params.get("ExclusiveStartShardId"))
    limit = params.get("Limit") or 100
    description: dict[str, Any] = {
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": stream.status(world.now_ms()),
        "StreamViewType": stream.view_type,
        "CreationRequestDateTime": stream.created_ms / 1000,
        "TableName": stream.table_name,
        "KeySchema": [{"AttributeName": n, "KeyType": k} for n, k in stream.key_schema],
        "Shards": [render_shard(shard) for shard in shards[:limit]],
    }
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = shards[limit - 1].shard_id
    return {"StreamDescription": description}


@handles(_SERVICE, "GetShardIterator")
def get_shard_iterator(world: RegionWorld, params: Params) -> Result:
    arn = params["StreamArn"]
    check_stream_arn(arn)
    iterator_type = params["ShardIteratorType"]
    sequence, timestamp_ms = _starting_point(world, params, iterator_type)
    iterator = reading.get_shard_iterator(
        world, arn, params["ShardId"], iterator_type, sequence, timestamp_ms
    )
    return {"ShardIterator": iterator}


def _starting_point(
    world: RegionWorld, params: Params, iterator_type: str
) -> tuple[int | None, int | None]:
    """SequenceNumber and Timestamp checked against the iterator type: (sequence, epoch ms)."""
    timestamp_ms = _epoch_ms(params.get("Timestamp"))
    text: str | None = params.get("SequenceNumber")
    if (iterator_type == "AT_TIMESTAMP") != (timestamp_ms is not None):
        raise invalid_parameters(
            "Timestamp must be given with ShardIteratorType AT_TIMESTAMP, and only with it"
        )
    if timestamp_ms is not None and timestamp_ms > world.now_ms():
        # The model documents a ValidationException for a timestamp in the future.
        raise invalid_parameters("Timestamp is in the future")
    if iterator_type in _FROM_SEQUENCE:
        # The validator has bounded its length (21 to 40); it must also read as a number.
        if text is None or not text.isdigit():
            raise invalid_parameters("Invalid SequenceNumber")
        return int(text), timestamp_ms
    if text is not None:
        raise invalid_parameters("SequenceNumber should not be passed for this iterator type")
    return None, timestamp_ms


def _epoch_ms(timestamp: float | None) -> int | None:
    """A JSON timestamp (epoch seconds, milliseconds as a fraction) in whole milliseconds."""
    return None if timestamp is None else round(timestamp * 1000)


@handles_reading(_SERVICE, "GetRecords")
def get_records(world: RegionWorld, params: Params, reader: Reader) -> Result:
    # The validator keeps Limit within 1 to 1000.
    limit = params.get("Limit") or 1000
    try:
        where = decode_iterator(params["ShardIterator"])
    except InvalidIterator:
        raise ValidationException("Invalid ShardIterator") from None
    page = reading.get_records(world, where, limit, reader)
    region = world.region
    view_type = page.view_type
    # The body is exactly what encoding {"Records": [...], "NextShardIterator": ...} gives,
    # joined from each record's rendering, made at its first read and kept while the record
    # is retained. A record never changes once made (nor its stream's region and view type).

    def render(record: StreamRecord) -> bytes:
        return encode_json(render_record(record, region, view_type))

    body = b'{"Records":[' + b",".join(_RENDERINGS.of(record, render) for record in page.records)
    if page.next_iterator is None:
        return RenderedResult(body + b"]}")
    return RenderedResult(body + b'],"NextShardIterator":' + encode_json(page.next_iterator) + b"}")
