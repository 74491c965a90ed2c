"""Tables: what a table is (definition, item store, settings); its key rules are keys.py's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ..errors import ItemCollectionSizeLimitExceededException
from . import keys
from .indexes import IndexStore
from .items import ItemStore, KeyPart, KeyTuple
from .shards import Item
from .streams import Stream
from .ttl import TimeToLive

if TYPE_CHECKING:
    from .replication import ReplicaGroup, Stamp

#: (attribute name, declared type) of one key attribute.
TypedName = tuple[str, str]


#: An item collection (a partition key's items plus their LSI entries) stops growing here
#: (Developer Guide, "Item collection size limit").
ITEM_COLLECTION_LIMIT_BYTES: Final = 10 * 1024**3
#: The CancellationReasons message of the same limit (API reference, TransactWriteItems).
COLLECTION_TOO_LARGE: Final = "Collection size exceeded."


@dataclass(frozen=True, slots=True)
class KeySchema:
    """A key schema: its HASH attributes, then its RANGE ones, each with its declared type.

    A table or an LSI has one HASH and at most one RANGE attribute; a GSI may have up to
    four of each (multi-attribute keys, AWS November 2025). ``hash_name``/``range_name``
    are the first of each part, the single-attribute key every table uses; ``more_hash`` and
    ``more_range`` hold a multi-attribute GSI key's further attributes, in order.
    """

    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None
    more_hash: tuple[TypedName, ...] = ()
    more_range: tuple[TypedName, ...] = ()
    #: (name, declared type, is a HASH attribute) of each key attribute, HASH first; made
    #: once, since every key check walks it.
    typed_elements: tuple[tuple[str, str, bool], ...] = field(init=False, repr=False, compare=False)
    hash_elements: tuple[TypedName, ...] = field(init=False, repr=False, compare=False)
    range_elements: tuple[TypedName, ...] = field(init=False, repr=False, compare=False)
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: More than one attribute in the HASH or the RANGE part: the index's keys are tuples.
    composite: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hash_elements = ((self.hash_name, self.hash_type), *self.more_hash)
        range_elements: tuple[TypedName, ...] = ()
        if self.range_name is not None:
            assert self.range_type is not None
            range_elements = ((self.range_name, self.range_type), *self.more_range)
        typed = tuple((name, kind, True) for name, kind in hash_elements) + tuple(
            (name, kind, False) for name, kind in range_elements
        )
        object.__setattr__(self, "hash_elements", hash_elements)
        object.__setattr__(self, "range_elements", range_elements)
        object.__setattr__(self, "typed_elements", typed)
        object.__setattr__(self, "names", tuple(name for name, _kind, _is_hash in typed))
        object.__setattr__(self, "composite", len(hash_elements) > 1 or len(range_elements) > 1)

    @classmethod
    def of(cls, hash_elements: list[TypedName], range_elements: list[TypedName]) -> KeySchema:
        """The schema of these HASH and RANGE attributes (one or more HASH ones)."""
        (hash_name, hash_type), *more_hash = hash_elements
        if not range_elements:
            return cls(hash_name, hash_type, more_hash=tuple(more_hash))
        (range_name, range_type), *more_range = range_elements
        return cls(
            hash_name, hash_type, range_name, range_type, tuple(more_hash), tuple(more_range)
        )

    def elements(self) -> tuple[tuple[str, str], ...]:
        """(name, key type) pairs in AWS's order: HASH first, then RANGE."""
        return tuple(
            (name, "HASH" if is_hash else "RANGE") for name, _kind, is_hash in self.typed_elements
        )


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    name: str
    kind: str  # "LOCAL" or "GLOBAL"
    key_schema: KeySchema
    projection_type: str
    non_key_attributes: tuple[str, ...] = ()
    read_capacity: int | None = None
    write_capacity: int | None = None
    #: WarmThroughput asked for (read, write units per second); None: the default.
    warm_throughput: tuple[int, int] | None = None


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
    #: WarmThroughput asked for (read, write units per second); None: the default.
    warm_throughput: tuple[int, int] | None = None


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
    #: The global table this table is a replica of; None for a regional table.
    replica_group: ReplicaGroup | None = None
    #: When and where each item (or its deletion) was last written, while a replica.
    write_stamps: dict[KeyTuple, Stamp] = field(default_factory=dict)
    # Copies of the definition's, which nearly every request reads: plain attributes.
    name: str = field(init=False)
    arn: str = field(init=False)
    key_schema: KeySchema = field(init=False)
    #: The LSIs' stores: with them, each partition key's items form a bounded item collection.
    local_index_stores: tuple[IndexStore, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.definition.name
        self.arn = self.definition.arn
        self.key_schema = self.definition.key_schema
        schema = self.definition.key_schema
        # LSIs are fixed at creation, so whether item collections are measured is too.
        measured = any(index.kind == "LOCAL" for index in self.definition.indexes)
        self.items = ItemStore(
            schema.hash_name,
            sorted_partitions=schema.range_name is not None,
            track_partition_bytes=measured,
        )
        for index in self.definition.indexes:
            self.index_stores[index.name] = IndexStore(index, schema)
        self.local_index_stores = tuple(
            store for store in self.index_stores.values() if not store.is_global
        )

    def status(self, now_ms: int) -> str:
        if self.deleting_at_ms is not None:
            return "DELETING"
        return self.status_while_pending if now_ms < self.active_at_ms else "ACTIVE"

    # -- item collections -----------------------------------------------------------------

    def item_collection_bytes(self, hash_key: KeyPart) -> int:
        """The size of one item collection: its items plus their entries in every LSI."""
        return self.items.partition_bytes(hash_key) + sum(
            store.partition_bytes(hash_key) for store in self.local_index_stores
        )

    def check_item_collection(self, key: KeyTuple, new_item: Item | None, new_size: int) -> None:
        """Refuse a write that would grow an item collection past its limit.

        Only tables with LSIs have the limit; a write that shrinks or keeps a collection's
        size is allowed even above it (Developer Guide, "Item collection size limit").
        """
        if not self.local_index_stores:
            return
        growth = new_size - self.items.size_of(key)
        for store in self.local_index_stores:
            growth += store.entry_size(new_item) - store.sizes.get(key, 0)
        if growth > 0 and self.item_collection_bytes(key[0]) + growth > ITEM_COLLECTION_LIMIT_BYTES:
            raise ItemCollectionSizeLimitExceededException(COLLECTION_TOO_LARGE)

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
