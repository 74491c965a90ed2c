"""Table commands: every change to a table other than its items, decided by the backend.

The api validates a request whole and then asks for one command here (``update_table``,
``set_time_to_live``, ``tag``, ``untag``), so a failed request changes nothing and no api
code writes backend objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import due
from .indexes import IndexStore
from .tables import IndexDefinition, Table

if TYPE_CHECKING:
    from .world import RegionWorld


@dataclass(frozen=True, slots=True)
class IndexCreation:
    definition: IndexDefinition
    #: Definitions of the new index's key attributes, added to the table's.
    attribute_definitions: dict[str, str]


@dataclass(frozen=True, slots=True)
class IndexDeletion:
    name: str


@dataclass(frozen=True, slots=True)
class IndexThroughput:
    name: str
    read_capacity: int
    write_capacity: int


IndexChange = IndexCreation | IndexDeletion | IndexThroughput

#: Stands for "leave as it is" where None is a value (the AWS owned key).
KEEP = "keep"


@dataclass(frozen=True, slots=True)
class TableUpdate:
    """What one accepted UpdateTable request changes; a None member changes nothing."""

    index_changes: tuple[IndexChange, ...] = ()
    billing_mode: str | None = None
    #: (read, write) capacity units, given with ``billing_mode``.
    throughput: tuple[int, int] | None = None
    #: The view type of a stream to enable, or "" to disable the enabled one.
    stream: str | None = None
    deletion_protection_enabled: bool | None = None
    #: The KMS key ARN to encrypt with (None: the AWS owned key); KEEP leaves it.
    sse_kms_key_arn: str | None = KEEP
    table_class: str | None = None
    #: OnDemandThroughput members as given (MaxReadRequestUnits, MaxWriteRequestUnits).
    on_demand: dict[str, int] | None = None
    #: WarmThroughput asked for (read, write units per second); it only ever goes up.
    warm_throughput: tuple[int, int] | None = None


def update_table(world: RegionWorld, table: Table, update: TableUpdate) -> None:
    """Apply an UpdateTable the api accepted; the table is UPDATING for ``transitions``."""
    now = world.now_ms()
    changed = False
    for change in update.index_changes:
        _change_index(world, table, change, now)
        changed = True
    settings = table.settings
    if update.throughput is not None:
        assert update.billing_mode is not None
        settings.billing_mode = update.billing_mode
        settings.read_capacity, settings.write_capacity = update.throughput
        changed = True
    if update.stream:
        world.enable_stream(table, update.stream)
        changed = True
    elif update.stream == "":
        world.disable_stream(table)
        changed = True
    if update.deletion_protection_enabled is not None:
        settings.deletion_protection_enabled = update.deletion_protection_enabled
    if update.sse_kms_key_arn != KEEP:
        settings.sse_kms_key_arn = update.sse_kms_key_arn
    # Asking for the class the table has is a no-op: a table never given one stays without
    # TableClassSummary.
    if update.table_class is not None and update.table_class != (
        settings.table_class or "STANDARD"
    ):
        settings.table_class = update.table_class
        settings.table_class_updated_ms = now
        changed = True
    if update.on_demand is not None:
        settings.max_read_request_units = update.on_demand.get(
            "MaxReadRequestUnits", settings.max_read_request_units
        )
        settings.max_write_request_units = update.on_demand.get(
            "MaxWriteRequestUnits", settings.max_write_request_units
        )
    if update.warm_throughput is not None:
        before = settings.warm_throughput or (0, 0)
        settings.warm_throughput = (
            max(before[0], update.warm_throughput[0]),
            max(before[1], update.warm_throughput[1]),
        )
        changed = True
    settle_billing_mode(table, now)
    if changed and world.settings.transitions_ms:
        table.active_at_ms = due.transition_done(now, world.settings)
        table.status_while_pending = "UPDATING"


def settle_billing_mode(table: Table, now_ms: int) -> None:
    """Note when the table became PAY_PER_REQUEST; drop maxima a provisioned table lacks."""
    settings = table.settings
    if settings.billing_mode != settings.settled_billing_mode:
        settings.settled_billing_mode = settings.billing_mode
        if settings.billing_mode == "PAY_PER_REQUEST":
            settings.pay_per_request_ms = now_ms
    if settings.billing_mode != "PAY_PER_REQUEST":
        settings.max_read_request_units = settings.max_write_request_units = -1


def _change_index(world: RegionWorld, table: Table, change: IndexChange, now: int) -> None:
    definition = table.definition
    if isinstance(change, IndexCreation):
        store = IndexStore(
            change.definition,
            definition.key_schema,
            active_at_ms=due.transition_done(now, world.settings),
        )
        store.backfill(table.items.entries())
        table.index_stores[change.definition.name] = store
        definition.indexes = (*definition.indexes, change.definition)
        for attribute, kind in change.attribute_definitions.items():
            definition.attribute_definitions.setdefault(attribute, kind)
    elif isinstance(change, IndexDeletion):
        name = change.name
        removed = table.index_stores.pop(name)
        definition.indexes = tuple(i for i in definition.indexes if i.name != name)
        if world.settings.transitions_ms:
            until = due.transition_done(now, world.settings)
            table.deleting_indexes[name] = (removed.definition, until)
        used = set(definition.key_schema.names)
        for index in definition.indexes:
            used.update(index.key_schema.names)
        for attribute in list(definition.attribute_definitions):
            if attribute not in used:
                del definition.attribute_definitions[attribute]
    else:
        store = table.index_stores[change.name]
        changed = replace(
            store.definition,
            read_capacity=change.read_capacity,
            write_capacity=change.write_capacity,
        )
        store.definition = changed
        definition.indexes = tuple(
            changed if i.name == change.name else i for i in definition.indexes
        )


def deleting_indexes(table: Table, now_ms: int) -> list[IndexDefinition]:
    """GSIs removed by UpdateTable that are still DELETING (forgotten once they are gone)."""
    for name, (_, until) in list(table.deleting_indexes.items()):
        if until <= now_ms:
            del table.deleting_indexes[name]
    return [definition for definition, _ in table.deleting_indexes.values()]


def set_time_to_live(world: RegionWorld, table: Table, attribute: str, enabled: bool) -> None:
    """Turn TTL on or off for ``attribute``; the change settles after ``transitions``."""
    now = world.now_ms()
    settles_at = due.transition_done(now, world.settings)
    if enabled:
        table.ttl.enable(attribute, table.items.entries(), now, settles_at)
        world.schedule_ttl(table)
    else:
        table.ttl.disable(settles_at)


def tag(table: Table, tags: dict[str, str]) -> None:
    table.settings.tags.update(tags)


def untag(table: Table, keys: list[str]) -> None:
    # Removing a key the table does not have is no error (API reference, UntagResource).
    for key in keys:
        table.settings.tags.pop(key, None)
