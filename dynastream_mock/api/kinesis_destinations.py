"""Kinesis Data Streams destinations: Enable-, Disable-, Describe- and
UpdateKinesisStreamingDestination, and the delivery of their records.

A destination's records are put to a Kinesis data stream through the outside-services port
(moto's Kinesis while ``mock_aws`` is active). DynamoDB never checks the stream while
answering Enable: every well-formed ARN is answered ENABLING and the destination ends
ENABLE_FAILED, with a DestinationStatusDescription, when the stream cannot be used (a
missing stream is described as a missing permission). Here that is settled when Enable is
asked: a stream moto's Kinesis does not have, or no moto at all, ends ENABLE_FAILED after
``transitions``.

Records of the item changes a request made are put after the request, in the order the
changes happened; changes the clock makes on its own (Time To Live deletions after
``mock.clock.advance``) are put at the next request to the region. A record that cannot be
put (the stream was deleted, moto stopped) is dropped, as DynamoDB leaves a destination
whose stream was deleted ACTIVE and its records nowhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from ..backend import kinesis_destinations
from ..backend.arns import parse_arn
from ..backend.kinesis_destinations import ENABLE_FAILED, KinesisChange, KinesisDestination
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import ResourceNotFoundException, ValidationException
from .outside import OutsideFinder, StreamUnavailable
from .router import Params, Result, handles, handles_outside

logger = logging.getLogger("dynastream_mock")

_PRECISION = "ApproximateCreationDateTimePrecision"

# DestinationStatusDescription of an ENABLE_FAILED destination, in DynamoDB's words.
_NO_PERMISSION = "User does not have a permission to use kinesis stream"
_OTHER_REGION = (
    "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in "
    "the current region"
)
_NOT_ACTIVE = (
    "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in "
    "Active state"
)
_NO_KINESIS = (
    "; dynastream_mock reaches Kinesis only through moto: start moto's mock_aws and create "
    "the stream there"
)

#: ``stream/<name>`` of a Kinesis data stream ARN (a consumer's ARN has more after it).
_STREAM_RESOURCE = re.compile(r"stream/[a-zA-Z0-9_.-]+")

#: How a TTL deletion names its maker in a Kinesis record (the camel-case record format).
_TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def _table(world: RegionWorld, name: str) -> Table:
    """The table; a missing one, or one still CREATING, is not found (as DynamoDB answers
    these operations in a table's first seconds)."""
    table = world.find_table(name)
    if table is None or table.status(world.now_ms()) == "CREATING":
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    return table


def _why_enable_fails(world: RegionWorld, stream_arn: str, outside: OutsideFinder) -> str | None:
    """Why the stream cannot be a destination of a table here; None when it can."""
    arn = parse_arn(stream_arn)
    assert arn is not None
    if arn.service != "kinesis" or _STREAM_RESOURCE.fullmatch(arn.resource) is None:
        return _NO_PERMISSION
    if (arn.partition, arn.region) != (world.partition, world.region):
        return _OTHER_REGION
    if arn.account != world.account_id:
        return _NOT_ACTIVE
    services = outside(world.region)
    streams = services.kinesis if services is not None else None
    if streams is None:
        return _NO_PERMISSION + _NO_KINESIS
    status = streams.stream_status(stream_arn)
    # DynamoDB describes a missing stream, and one still being created, as not permitted.
    if status not in ("ACTIVE", "UPDATING"):
        return _NO_PERMISSION
    return None


@handles_outside("dynamodb", "EnableKinesisStreamingDestination")
def enable_kinesis_streaming_destination(
    world: RegionWorld, params: Params, outside: OutsideFinder
) -> Result:
    table = _table(world, params["TableName"])
    stream_arn: str = params["StreamArn"]
    if parse_arn(stream_arn) is None:
        raise ValidationException(
            f"Invalid StreamArn: {stream_arn} is not the ARN of a Kinesis data stream "
            "(arn:<partition>:kinesis:<region>:<account>:stream/<name>)"
        )
    configuration: dict[str, Any] = params.get("EnableKinesisStreamingConfiguration") or {}
    kinesis_destinations.enable(
        world,
        table,
        stream_arn,
        configuration.get(_PRECISION),
        lambda: _why_enable_fails(world, stream_arn, outside),
    )
    return {
        "TableName": table.name,
        "StreamArn": stream_arn,
        "DestinationStatus": "ENABLING",
        # Echoed as sent: an empty object when none was.
        "EnableKinesisStreamingConfiguration": dict(configuration),
    }


@handles("dynamodb", "DisableKinesisStreamingDestination")
def disable_kinesis_streaming_destination(world: RegionWorld, params: Params) -> Result:
    table = _table(world, params["TableName"])
    stream_arn: str = params["StreamArn"]
    configuration = params.get("EnableKinesisStreamingConfiguration") or {}
    if configuration.get(_PRECISION) is not None:
        raise ValidationException(
            "Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters"
        )
    kinesis_destinations.disable(world, table, stream_arn)
    return {"TableName": table.name, "StreamArn": stream_arn, "DestinationStatus": "DISABLING"}


@handles("dynamodb", "UpdateKinesisStreamingDestination")
def update_kinesis_streaming_destination(world: RegionWorld, params: Params) -> Result:
    table = _table(world, params["TableName"])
    stream_arn: str = params["StreamArn"]
    configuration = params.get("UpdateKinesisStreamingConfiguration") or {}
    precision = configuration.get(_PRECISION)
    if precision is None:
        raise ValidationException(
            "Streaming destination cannot be updated with given parameters: "
            "UpdateKinesisStreamingConfiguration cannot be null or contain only null values"
        )
    kinesis_destinations.update_precision(world, table, stream_arn, precision)
    return {
        "TableName": table.name,
        "StreamArn": stream_arn,
        "DestinationStatus": "UPDATING",
        "UpdateKinesisStreamingConfiguration": {_PRECISION: precision},
    }


def _described(destination: KinesisDestination, now_ms: int, table_deleting: bool) -> Result:
    status = destination.status(now_ms, table_deleting=table_deleting)
    described: Result = {"StreamArn": destination.stream_arn, "DestinationStatus": status}
    if status == ENABLE_FAILED and destination.failure is not None:
        described["DestinationStatusDescription"] = destination.failure
    # Absent until set: DynamoDB describes no precision for a destination left at its
    # default (milliseconds).
    if destination.precision is not None:
        described[_PRECISION] = destination.precision
    return described


@handles("dynamodb", "DescribeKinesisStreamingDestination")
def describe_kinesis_streaming_destination(world: RegionWorld, params: Params) -> Result:
    table = _table(world, params["TableName"])
    now = world.now_ms()
    deleting = table.deleting_at_ms is not None
    return {
        "TableName": table.name,
        "KinesisDataStreamDestinations": [
            _described(destination, now, deleting)
            for destination in kinesis_destinations.destinations_of(world, table)
        ],
    }


# -- delivery ---------------------------------------------------------------------------


def render_kinesis_record(change: KinesisChange, region: str) -> dict[str, Any]:
    """The change as the JSON a Kinesis streaming destination receives (Developer Guide,
    "Change data capture for Kinesis Data Streams with DynamoDB"), members in DynamoDB's
    order. Unlike a DynamoDB Streams record it has no SequenceNumber, StreamViewType or
    eventVersion, and it carries both images wherever they exist."""
    stamp = change.created_ms * 1000 if change.precision == "MICROSECOND" else change.created_ms
    data: dict[str, Any] = {"ApproximateCreationDateTime": stamp, "Keys": change.keys}
    if change.new_image is not None:
        data["NewImage"] = change.new_image
    if change.old_image is not None:
        data["OldImage"] = change.old_image
    data["SizeBytes"] = change.size_bytes
    # Like DescribeKinesisStreamingDestination, a record names its precision only once one
    # was set (records DynamoDB recorded for a destination left at its default have none).
    if change.precision is not None:
        data[_PRECISION] = change.precision
    return {
        "awsRegion": region,
        "eventID": change.event_id,
        "eventName": change.event_name,
        "userIdentity": dict(_TTL_IDENTITY) if change.by_ttl else None,
        "recordFormat": "application/json",
        "tableName": change.table_name,
        "dynamodb": data,
        "eventSource": "aws:dynamodb",
    }


def partition_key_of(change: KinesisChange) -> str:
    """The record's Kinesis partition key: 32 upper-case hex digits, as DynamoDB's are, a
    stable hash of the item's primary key, so every change of one item reaches one shard."""
    canonical = json.dumps(change.keys, sort_keys=True, separators=(",", ":"))
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest().upper()


def deliver_kinesis_records(world: RegionWorld, outside: OutsideFinder) -> None:
    """Put every queued change to its Kinesis stream, oldest first (callers hold the lock).

    Without a Kinesis to talk to, or for a stream that is gone, the records are dropped.
    """
    changes = world.take_kinesis_outbox()
    if not changes:
        return
    services = outside(world.region)
    streams = services.kinesis if services is not None else None
    if streams is None:
        return
    for change in changes:
        data = json.dumps(render_kinesis_record(change, world.region), separators=(",", ":"))
        try:
            streams.put_record(change.stream_arn, partition_key_of(change), data.encode())
        except StreamUnavailable as error:
            logger.debug("dynastream_mock dropped a Kinesis record: %s", error)
