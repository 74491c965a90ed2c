"""The change funnel: the one place an item changes, and so the one place that makes the
stream record, queues the Kinesis destinations' records, keeps the indexes and Time To
Live in step, and wakes the world for them.

Every write path (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems, TTL)
comes through ``change_item``, so none can forget its record. A change that changes nothing
stores nothing and publishes nothing (spec, "Stream records"), so callers need no guards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import due, kinesis_destinations, values
from .items import KeyTuple, partition_hash
from .shards import Item

if TYPE_CHECKING:
    from .tables import Table
    from .world import RegionWorld

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"


def change_item(
    world: RegionWorld,
    table: Table,
    key: KeyTuple,
    new_item: Item | None,
    new_size: int = 0,
    *,
    by_ttl: bool = False,
    replicated: bool = False,
) -> Item | None:
    """Store ``new_item`` under ``key`` (None deletes) and publish the stream record.

    Callers hold the region's lock and have validated the whole request first, the item's
    table and index keys included (``keys.py``; a batch or a transaction checks every item
    before its first change), so a failed request changes nothing. Returns the old item.
    A change to a global table's replica is posted to the other replicas unless it is
    ``replicated`` from one of them (``replication.py``).
    """
    items = table.items
    old_item = items.get(key)
    old_size = items.size_of(key)
    if new_item is None:
        if old_item is None:
            return None
        items.remove(key)
        event = REMOVE
    else:
        if old_item is not None and (
            old_item == new_item or values.values_equal({"M": old_item}, {"M": new_item})
        ):
            return old_item
        items.store(key, new_item, new_size)
        event = INSERT if old_item is None else MODIFY
    for store in table.index_stores.values():
        store.apply(key, new_item)
    now = world.now_ms()
    recovery = world.recovery.get(table.definition.table_id) if world.recovery else None
    if recovery is not None:
        recovery.record(now, key, old_item, old_size)
    if table.replica_group is not None and not replicated:
        table.replica_group.post_change(world, table, key, new_item, new_size)
    if table.ttl.enabled:
        table.ttl.track(key, new_item, now)
        world.schedule_ttl(table)
    if table.latest_stream is not None and table.stream_view_type is not None:
        sizes = (old_size, new_size if new_item is not None else 0)
        _publish(table, event, old_item, new_item, sizes, now, by_ttl)
        world.schedule(due.trimmed_at(now, world.settings))
    destinations = (
        world.kinesis_destinations.get(table.definition.table_id)
        if world.kinesis_destinations
        else None
    )
    if destinations is not None:
        sizes = (old_size, new_size if new_item is not None else 0)
        kinesis_destinations.queue_change(
            world, destinations, table, event, old_item, new_item, sizes, now, by_ttl
        )
    return old_item


def expire_items(world: RegionWorld, table: Table, now_ms: int) -> int:
    """Delete, as the TTL service does, every item expired by now; return how many."""
    deleted = 0
    for key in table.ttl.due_keys(now_ms):
        if key in table.items:
            change_item(world, table, key, None, by_ttl=True)
            deleted += 1
    return deleted


def _publish(
    table: Table,
    event: str,
    old_item: Item | None,
    new_item: Item | None,
    sizes: tuple[int, int],
    now_ms: int,
    by_ttl: bool,
) -> None:
    """Publish the change; ``sizes`` are the old and new items' sizes, already known."""
    stream = table.latest_stream
    assert stream is not None
    source = new_item if new_item is not None else old_item
    assert source is not None
    keys = table.key_attributes(source)
    view = stream.view_type
    # SizeBytes: the keys plus each image the record keeps (as DynamoDB counts it).
    size = values.item_size(keys)
    if new_item is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        size += sizes[1]
    if old_item is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        size += sizes[0]
    stream.publish(
        partition_hash(keys[table.key_schema.hash_name]),
        event,
        keys,
        new_item,
        old_item,
        size,
        now_ms,
        by_ttl,
    )
