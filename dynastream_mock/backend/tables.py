"""Tables: what a table is (definition, item store, settings); its key rules are keys.py's."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import keys
from .indexes import IndexStore
from .items import ItemStore
from .shards import Item
from .streams import Stream
from .ttl import TimeToLive


@dataclass(frozen=True, slots=True)
class KeySchema:
    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None
    #: (name, declared type, is the hash key) of each key attribute, hash first; made once,
    #: since every key check walks it.
    typed_elements: tuple[tuple[str, str, bool], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        typed: tuple[tuple[str, str, bool], ...] = ((self.hash_name, self.hash_type, True),)
        if self.range_name is not None:
            assert self.range_type is not None
            typed += ((self.range_name, self.range_type, False),)
        object.__setattr__(self, "typed_elements", typed)

    @property
    def names(self) -> tuple[str, ...]:
        if self.range_name is None:
            return (self.hash_name,)
        return (self.hash_name, self.range_name)

    def elements(self) -> tuple[tuple[str, str], ...]:
        """(name, key type) pairs in AWS's order: HASH first, then RANGE."""
        if self.range_name is None:
            return ((self.hash_name, "HASH"),)
        return ((self.hash_name, "HASH"), (self.range_name, "RANGE"))


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    name: str
    kind: str  # "LOCAL" or "GLOBAL"
    key_schema: KeySchema
    projection_type: str
    non_key_attributes: tuple[str, ...] = ()
    read_capacity: int | None = None
    write_capacity: int | None = None


@dataclass(slots=True, eq=False)
class TableDefinition:
    """What CreateTable declared (indexes and attribute definitions change by UpdateTable)."""

    name: str
    arn: str
    table_id: str
    key_schema: KeySchema
    attribute_definitions: dict[str, str]
    created_ms: int
    indexes: tuple[IndexDefinition, ...] = ()

    def key_attributes(self, item: Item) -> Item:
        return {name: item[name] for name in self.key_schema.names}


@dataclass(slots=True, eq=False)
class TableSettings:
    """Capacity and the settings infrastructure code sets (api/table_settings.py, tags)."""

    billing_mode: str
    read_capacity: int
    write_capacity: int
    deletion_protection_enabled: bool = False
    #: ARN of the KMS key of SSE type KMS; None while the AWS owned key encrypts the table.
    sse_kms_key_arn: str | None = None
    #: The table class as last set; None while never set (STANDARD, no TableClassSummary).
    table_class: str | None = None
    table_class_updated_ms: int | None = None
    #: OnDemandThroughput maxima; -1 means no maximum.
    max_read_request_units: int = -1
    max_write_request_units: int = -1
    tags: dict[str, str] = field(default_factory=dict)
    #: When the table last became PAY_PER_REQUEST, and the billing mode settings last saw.
    pay_per_request_ms: int | None = None
    settled_billing_mode: str | None = None


@dataclass(slots=True, eq=False)
class Table:
    """One table: its definition, its items, its settings, and the state time moves.

    Changes to any of them go through the backend's commands (``changes.py`` for items,
    ``table_updates.py`` for the rest); the api only reads.
    """

    definition: TableDefinition
    settings: TableSettings
    #: Virtual time from which the table is ACTIVE (CREATING/UPDATING before).
    active_at_ms: int
    status_while_pending: str = "CREATING"
    #: The enabled stream's view type; None while no stream is enabled.
    stream_view_type: str | None = None
    #: The most recent stream, enabled or not (DescribeTable's LatestStreamArn).
    latest_stream: Stream | None = None
    deleting_at_ms: int | None = None
    items: ItemStore = field(init=False)
    #: The storage of each index, by name; kept by the change funnel like the items.
    index_stores: dict[str, IndexStore] = field(default_factory=dict)
    #: GSIs removed by UpdateTable, described as DELETING until the time given.
    deleting_indexes: dict[str, tuple[IndexDefinition, int]] = field(default_factory=dict)
    ttl: TimeToLive = field(default_factory=TimeToLive)
    # Copies of the definition's, which nearly every request reads: plain attributes.
    name: str = field(init=False)
    arn: str = field(init=False)
    key_schema: KeySchema = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.definition.name
        self.arn = self.definition.arn
        self.key_schema = self.definition.key_schema
        schema = self.definition.key_schema
        self.items = ItemStore(schema.hash_name, sorted_partitions=schema.range_name is not None)
        for index in self.definition.indexes:
            self.index_stores[index.name] = IndexStore(index, schema)

    def status(self, now_ms: int) -> str:
        if self.deleting_at_ms is not None:
            return "DELETING"
        return self.status_while_pending if now_ms < self.active_at_ms else "ACTIVE"

    # -- keys -----------------------------------------------------------------------------

    def key_attributes(self, item: Item) -> Item:
        return self.definition.key_attributes(item)

    def check_index_keys(
        self, item: Item, *, by_update: bool = False, types: bool = True, empties: bool = True
    ) -> None:
        """:func:`keys.check_index_keys` over this table's indexes."""
        if not self.index_stores:
            return
        keys.check_index_keys(
            (store.definition for store in self.index_stores.values()),
            self.key_schema,
            item,
            by_update=by_update,
            types=types,
            empties=empties,
        )
