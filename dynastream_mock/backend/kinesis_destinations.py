"""Kinesis Data Streams destinations of a table, and the changes waiting to reach them.

A destination is a Kinesis data stream that receives every item change of its table
(Developer Guide, "Change data capture for Kinesis Data Streams with DynamoDB"). Its status
moves on the virtual clock: ENABLING for ``transitions`` after the request, then ACTIVE (or
ENABLE_FAILED when the stream cannot be used, which is settled when Enable is asked);
DISABLING for ``transitions``, then DISABLED; UPDATING for ``transitions`` after a precision
change, then ACTIVE again.

The rules are those observed on DynamoDB: a table has at most one destination that is
ENABLING, ACTIVE, UPDATING or DISABLING at a time, while DISABLED and ENABLE_FAILED ones stay
listed and are re-enabled in place; every refused change is a ValidationException whose
message starts "Table is not in a valid state to enable Kinesis Streaming Destination".

While a destination delivers (ACTIVE or UPDATING), the change funnel queues one
:class:`KinesisChange` per item change in the region's outbox; the layer above renders and
puts them to the stream after the request, since the backend talks to no other service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ResourceInUseException, ValidationException
from . import due, values
from .shards import Item

if TYPE_CHECKING:
    from .tables import Table
    from .world import RegionWorld

ENABLING, ACTIVE, UPDATING = "ENABLING", "ACTIVE", "UPDATING"
DISABLING, DISABLED, ENABLE_FAILED = "DISABLING", "DISABLED", "ENABLE_FAILED"
#: The statuses of a destination in use; a table has at most one destination in them.
LIVE = (ENABLING, ACTIVE, UPDATING, DISABLING)
#: The statuses in which item changes reach the stream.
DELIVERING = (ACTIVE, UPDATING)

#: The precision DynamoDB stamps records with while none was ever set.
DEFAULT_PRECISION = "MILLISECOND"

_INVALID_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: "


@dataclass(slots=True, eq=False)
class KinesisDestination:
    """One Kinesis data stream a table streams (or streamed, or failed to stream) to."""

    stream_arn: str
    #: The precision as last set; None while never set since the last Enable (DynamoDB
    #: then describes none and stamps milliseconds).
    precision: str | None
    #: ENABLING until this virtual time.
    enabling_until_ms: int
    #: Why enabling fails (DestinationStatusDescription); None when it succeeds.
    failure: str | None = None
    #: UPDATING (a precision change) until this virtual time.
    updating_until_ms: int = 0
    #: Set by Disable: DISABLING until this virtual time, DISABLED after.
    disabling_until_ms: int | None = None

    def status(self, now_ms: int, *, table_deleting: bool = False) -> str:
        if self.disabling_until_ms is not None:
            return DISABLING if now_ms < self.disabling_until_ms else DISABLED
        if now_ms < self.enabling_until_ms:
            return ENABLING
        if self.failure is not None:
            return ENABLE_FAILED
        # DynamoDB describes an ACTIVE destination of a table being deleted as UPDATING.
        if table_deleting or now_ms < self.updating_until_ms:
            return UPDATING
        return ACTIVE

    @property
    def effective_precision(self) -> str:
        return self.precision or DEFAULT_PRECISION


@dataclass(slots=True, eq=False)
class KinesisChange:
    """One item change on its way to one destination: what its Kinesis record says."""

    stream_arn: str
    #: The destination's precision as set; None while left at the default (milliseconds).
    precision: str | None
    event_id: str
    event_name: str
    table_name: str
    created_ms: int
    keys: Item
    new_image: Item | None
    old_image: Item | None
    size_bytes: int
    by_ttl: bool


@dataclass(slots=True, eq=False)
class TableDestinations:
    """The destinations of one table, by stream ARN, in the order they were first enabled."""

    by_arn: dict[str, KinesisDestination] = field(default_factory=dict)

    def live(self, now_ms: int, *, table_deleting: bool = False) -> KinesisDestination | None:
        for destination in self.by_arn.values():
            if destination.status(now_ms, table_deleting=table_deleting) in LIVE:
                return destination
        return None

    def newest_first(self) -> list[KinesisDestination]:
        # DescribeKinesisStreamingDestination lists the most recently added entry first.
        return list(reversed(self.by_arn.values()))


def destinations_of(world: RegionWorld, table: Table) -> list[KinesisDestination]:
    """The table's destinations as DescribeKinesisStreamingDestination lists them."""
    found = world.kinesis_destinations.get(table.definition.table_id)
    return found.newest_first() if found is not None else []


def enable(
    world: RegionWorld,
    table: Table,
    stream_arn: str,
    precision: str | None,
    why_it_fails: Callable[[], str | None],
) -> KinesisDestination:
    """Start streaming ``table`` to ``stream_arn``; ``why_it_fails`` tells, once the request
    is accepted, why the stream cannot be used (the destination then ends ENABLE_FAILED)."""
    now = world.now_ms()
    deleting = table.deleting_at_ms is not None
    found = world.kinesis_destinations.get(table.definition.table_id)
    if found is not None and found.live(now, table_deleting=deleting) is not None:
        raise ValidationException(
            _INVALID_STATE + "EnableKinesisStreamingDestination must be DISABLED or "
            "ENABLE_FAILED to perform ENABLE operation."
        )
    if deleting:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being deleted: "
            f"{table.name}"
        )
    failure = why_it_fails()
    if found is None:
        found = world.kinesis_destinations[table.definition.table_id] = TableDestinations()
    # A DISABLED or ENABLE_FAILED entry for the same stream is enabled again in place.
    destination = KinesisDestination(
        stream_arn=stream_arn,
        precision=precision,
        enabling_until_ms=due.transition_done(now, world.settings),
        failure=failure,
    )
    found.by_arn[stream_arn] = destination
    return destination


def disable(world: RegionWorld, table: Table, stream_arn: str) -> KinesisDestination:
    """Stop streaming ``table`` to ``stream_arn``, which must be ACTIVE (or already DISABLING,
    which DynamoDB answers as if asked the first time)."""
    now = world.now_ms()
    destination = _destination(world, table, stream_arn)
    status = (
        None
        if destination is None
        else destination.status(now, table_deleting=table.deleting_at_ms is not None)
    )
    if destination is None or status not in (ACTIVE, DISABLING):
        raise ValidationException(
            _INVALID_STATE + "KinesisStreamingDestination must be ACTIVE to perform DISABLE "
            "operation."
        )
    if status == ACTIVE:
        destination.disabling_until_ms = due.transition_done(now, world.settings)
    return destination


def update_precision(
    world: RegionWorld, table: Table, stream_arn: str, precision: str
) -> KinesisDestination:
    """Change the ApproximateCreationDateTimePrecision of an ACTIVE destination."""
    now = world.now_ms()
    destination = _destination(world, table, stream_arn)
    if destination is None:
        raise ValidationException(
            _INVALID_STATE + f"No streaming destination with streamArn: {stream_arn} found for "
            f"table with tableName: {table.name}"
        )
    if destination.status(now, table_deleting=table.deleting_at_ms is not None) != ACTIVE:
        raise ValidationException(
            _INVALID_STATE + "Kinesis streaming is not in ACTIVE state. Updates are only allowed "
            f"in ACTIVE state. TableName: {table.name}, kdsArn: {stream_arn}"
        )
    if destination.effective_precision == precision:
        raise ValidationException(
            f"Invalid Request: Precision is already set to the desired value of {precision} "
            f"for tableId: {table.definition.table_id}, kdsArn: {stream_arn}"
        )
    destination.precision = precision
    destination.updating_until_ms = due.transition_done(now, world.settings)
    return destination


def queue_change(
    world: RegionWorld,
    found: TableDestinations,
    table: Table,
    event_name: str,
    old_item: Item | None,
    new_item: Item | None,
    sizes: tuple[int, int],
    now_ms: int,
    by_ttl: bool,
) -> None:
    """Queue the change for every destination of ``table`` that delivers now.

    Called by the change funnel only; ``sizes`` are the old and new items' sizes. A Kinesis
    record always carries both images where they exist, whatever the table's stream keeps.
    """
    delivering = [d for d in found.by_arn.values() if d.status(now_ms) in DELIVERING]
    if not delivering:
        return
    source = new_item if new_item is not None else old_item
    assert source is not None
    keys = table.key_attributes(source)
    # SizeBytes: the keys plus each image the record carries, as DynamoDB counts it.
    size = values.item_size(keys)
    if new_item is not None:
        size += sizes[1]
    if old_item is not None:
        size += sizes[0]
    for destination in delivering:
        world.kinesis_outbox.append(
            KinesisChange(
                stream_arn=destination.stream_arn,
                precision=destination.precision,
                event_id=str(uuid.uuid4()),
                event_name=event_name,
                table_name=table.name,
                created_ms=now_ms,
                keys=keys,
                new_image=new_item,
                old_image=old_item,
                size_bytes=size,
                by_ttl=by_ttl,
            )
        )


def _destination(world: RegionWorld, table: Table, stream_arn: str) -> KinesisDestination | None:
    found = world.kinesis_destinations.get(table.definition.table_id)
    return None if found is None else found.by_arn.get(stream_arn)
