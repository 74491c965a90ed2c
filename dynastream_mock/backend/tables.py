"""Tables: definitions, item storage and the single write funnel that feeds the stream."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ValidationException
from . import values
from .indexes import IndexStore
from .shards import Item
from .streams import Stream
from .ttl import TimeToLive

#: A canonical key value (str, Decimal or bytes), comparable within one attribute type.
KeyPart = Any
KeyTuple = tuple[KeyPart, KeyPart]

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"


@dataclass(frozen=True, slots=True)
class KeySchema:
    hash_name: str
    hash_type: str
    range_name: str | None = None
    range_type: str | None = None

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


def partition_hash(value: dict[str, Any]) -> int:
    """A stable 128-bit hash of a partition key value (never Python's ``hash()``)."""
    ((kind, raw),) = value.items()
    data = raw.encode() if kind != "N" else values.normalize_number(raw).encode()
    return int.from_bytes(hashlib.md5(data, usedforsecurity=False).digest(), "big")


@dataclass(slots=True, eq=False)
class Table:
    name: str
    arn: str
    table_id: str
    key_schema: KeySchema
    attribute_definitions: dict[str, str]
    billing_mode: str
    read_capacity: int
    write_capacity: int
    created_ms: int
    #: Virtual time from which the table is ACTIVE (CREATING/UPDATING before).
    active_at_ms: int
    status_while_pending: str = "CREATING"
    indexes: tuple[IndexDefinition, ...] = ()
    #: The enabled stream's view type; None while no stream is enabled.
    stream_view_type: str | None = None
    #: The most recent stream, enabled or not (DescribeTable's LatestStreamArn).
    latest_stream: Stream | None = None
    deleting_at_ms: int | None = None
    items: dict[KeyTuple, Item] = field(default_factory=dict)
    item_sizes: dict[KeyTuple, int] = field(default_factory=dict)
    size_bytes: int = 0
    _sort_keys: dict[KeyPart, list[KeyPart]] = field(default_factory=dict)
    _scan_order: list[KeyTuple] | None = None
    # -- settings infrastructure code sets (api/table_settings.py, api/tags.py) ----------
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
    # -- secondary indexes and Time To Live (backend/indexes.py, backend/ttl.py) ---------
    #: The storage of each index, by name; kept by ``write`` like the items themselves.
    index_stores: dict[str, IndexStore] = field(default_factory=dict)
    #: GSIs removed by UpdateTable, described as DELETING until the time given.
    deleting_indexes: dict[str, tuple[IndexDefinition, int]] = field(default_factory=dict)
    ttl: TimeToLive = field(default_factory=TimeToLive)

    def __post_init__(self) -> None:
        for index in self.indexes:
            self.index_stores[index.name] = IndexStore(index, self.key_schema)

    def status(self, now_ms: int) -> str:
        if self.deleting_at_ms is not None:
            return "DELETING"
        return self.status_while_pending if now_ms < self.active_at_ms else "ACTIVE"

    # -- keys -----------------------------------------------------------------------------

    def key_of(self, item: Item, *, what: str = "item") -> KeyTuple:
        """The storage key of ``item`` (a full item or a key), checked against the schema.

        Raises ``ValidationException`` with AWS's messages for missing or mistyped keys.
        """
        schema = self.key_schema
        hash_value = item.get(schema.hash_name)
        if hash_value is None:
            raise ValidationException(
                f"One or more parameter values were invalid: Missing the key "
                f"{schema.hash_name} in the {what}"
            )
        canonical_hash = self._key_part(schema.hash_name, schema.hash_type, hash_value)
        if schema.range_name is None:
            return (canonical_hash, None)
        range_value = item.get(schema.range_name)
        if range_value is None:
            raise ValidationException(
                f"One or more parameter values were invalid: Missing the key "
                f"{schema.range_name} in the {what}"
            )
        assert schema.range_type is not None
        return (canonical_hash, self._key_part(schema.range_name, schema.range_type, range_value))

    @staticmethod
    def _key_part(name: str, expected: str, value: dict[str, Any]) -> KeyPart:
        actual = next(iter(value), "")
        if actual != expected or len(value) != 1:
            raise ValidationException(
                "One or more parameter values were invalid: Type mismatch for key "
                f"{name} expected: {expected} actual: {actual}"
            )
        raw = value[actual]
        if raw == "":
            raise ValidationException(
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty string value. Key: {name}"
            )
        return values.canonical_key_value(value)

    def key_attributes(self, item: Item) -> Item:
        return {name: item[name] for name in self.key_schema.names}

    def check_key_only(self, key: Item) -> KeyTuple:
        """Check a ``Key`` parameter: exactly the schema's attributes, nothing more."""
        if len(key) != len(self.key_schema.names) or any(
            name not in key for name in self.key_schema.names
        ):
            raise ValidationException("The provided key element does not match the schema")
        return self.key_of(key, what="key")

    # -- reads ----------------------------------------------------------------------------

    def get(self, key: KeyTuple) -> Item | None:
        return self.items.get(key)

    def partition_items(self, hash_key: KeyPart, *, forward: bool = True) -> Iterator[Item]:
        """Items of one partition in sort-key order."""
        if self.key_schema.range_name is None:
            item = self.items.get((hash_key, None))
            if item is not None:
                yield item
            return
        ranges = self._sort_keys.get(hash_key, [])
        ordered = ranges if forward else reversed(ranges)
        items = self.items
        for range_key in list(ordered):
            found = items.get((hash_key, range_key))
            if found is not None:
                yield found

    def partition_range(
        self,
        hash_key: KeyPart,
        *,
        low: tuple[KeyPart, bool] | None = None,
        high: tuple[KeyPart, bool] | None = None,
        forward: bool = True,
    ) -> Iterator[Item]:
        """Items of one partition whose sort key lies between ``low`` and ``high``.

        Each bound is ``(canonical sort key, inclusive)``; the start is found by binary
        search, so a page costs what it returns, not the size of the partition.
        """
        if self.key_schema.range_name is None:
            yield from self.partition_items(hash_key, forward=forward)
            return
        ranges = self._sort_keys.get(hash_key)
        if not ranges:
            return
        start = 0
        if low is not None:
            start = (bisect_left if low[1] else bisect_right)(ranges, low[0])
        stop = len(ranges)
        if high is not None:
            stop = (bisect_right if high[1] else bisect_left)(ranges, high[0])
        positions = range(start, stop) if forward else range(stop - 1, start - 1, -1)
        items = self.items
        for position in positions:
            found = items.get((hash_key, ranges[position]))
            if found is not None:
                yield found

    def scan_order(self) -> list[KeyTuple]:
        """Every key in a stable order (by partition hash, then sort key), as Scan pages."""
        if self._scan_order is None:
            hash_name = self.key_schema.hash_name
            self._scan_order = sorted(
                self.items,
                key=lambda key: (partition_hash(self.items[key][hash_name]), key[1]),
            )
        return self._scan_order

    # -- the write funnel -----------------------------------------------------------------

    def write(
        self,
        key: KeyTuple,
        new_item: Item | None,
        new_size: int,
        now_ms: int,
        *,
        by_ttl: bool = False,
    ) -> Item | None:
        """Store ``new_item`` under ``key`` (None deletes) and publish the stream record.

        The only code that changes items, so no write path can forget its record. A write
        that changes nothing stores nothing and publishes nothing (spec, "Stream records").
        Returns the old item.
        """
        items = self.items
        old_item = items.get(key)
        old_size = self.item_sizes.get(key, 0)
        if new_item is not None and self.index_stores:
            # Validate fully, then mutate: a mistyped index key changes nothing.
            self.check_index_keys(new_item)
        if new_item is None:
            if old_item is None:
                return None
            del items[key]
            del self.item_sizes[key]
            self.size_bytes -= old_size
            self._forget_key(key)
            event = REMOVE
        else:
            if old_item is not None and (
                old_item == new_item or values.values_equal({"M": old_item}, {"M": new_item})
            ):
                return old_item
            items[key] = new_item
            self.size_bytes += new_size - old_size
            self.item_sizes[key] = new_size
            if old_item is None:
                self._remember_key(key)
                event = INSERT
            else:
                event = MODIFY
        for store in self.index_stores.values():
            store.apply(key, new_item)
        if self.ttl.enabled:
            self.ttl.track(key, new_item, now_ms)
        stream = self.latest_stream
        if stream is not None and self.stream_view_type is not None:
            sizes = (old_size, new_size if new_item is not None else 0)
            self._publish(stream, event, old_item, new_item, sizes, now_ms, by_ttl)
        return old_item

    def check_index_keys(
        self, item: Item, *, by_update: bool = False, types: bool = True, empties: bool = True
    ) -> None:
        """Refuse an item whose secondary index keys have the wrong type or are empty.

        Indexes are checked in name order: AWS names the alphabetically first index that
        keys on the offending attribute.
        """
        for name in sorted(self.index_stores):
            self.index_stores[name].check_item(
                item, by_update=by_update, types=types, empties=empties
            )

    def expire_due(self, now_ms: int) -> int:
        """Delete, as the TTL service does, every item expired by now; return how many."""
        deleted = 0
        for key in self.ttl.due_keys(now_ms):
            if key in self.items:
                self.write(key, None, 0, now_ms, by_ttl=True)
                deleted += 1
        return deleted

    def _publish(
        self,
        stream: Stream,
        event: str,
        old_item: Item | None,
        new_item: Item | None,
        sizes: tuple[int, int],
        now_ms: int,
        by_ttl: bool,
    ) -> None:
        """Publish the change; ``sizes`` are the old and new items' sizes, already known."""
        source = new_item if new_item is not None else old_item
        assert source is not None
        keys = self.key_attributes(source)
        view = stream.view_type
        # SizeBytes: the keys plus each image the record keeps (as DynamoDB counts it).
        size = values.item_size(keys)
        if new_item is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            size += sizes[1]
        if old_item is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            size += sizes[0]
        stream.publish(
            partition_hash(keys[self.key_schema.hash_name]),
            event,
            keys,
            new_item,
            old_item,
            size,
            now_ms,
            by_ttl,
        )

    def _remember_key(self, key: KeyTuple) -> None:
        self._scan_order = None
        if self.key_schema.range_name is not None:
            insort(self._sort_keys.setdefault(key[0], []), key[1])

    def _forget_key(self, key: KeyTuple) -> None:
        self._scan_order = None
        if self.key_schema.range_name is not None:
            ranges = self._sort_keys[key[0]]
            del ranges[bisect_left(ranges, key[1])]
            if not ranges:
                del self._sort_keys[key[0]]
