"""Secondary indexes: the storage of one LSI or GSI, kept by the change funnel.

An index entry holds the table's keys, the index's keys and the projected attributes
(ALL: the whole item, shared, never copied). Items without the index's key attributes are
not in the index (a sparse index). Entries are ordered, per index partition, by the
index's sort key, then the table's hash and sort keys, so a Query pages by binary search
and a Scan walks a stable order.

>>> from dynastream_mock.backend.tables import IndexDefinition, KeySchema
>>> by_email = IndexDefinition("ByEmail", "GLOBAL", KeySchema("email", "S"), "KEYS_ONLY")
>>> store = IndexStore(by_email, KeySchema("id", "S"))  # one per index of a table
>>> store.index_key({"id": {"S": "u1"}})  # no email: not in the (sparse) index
>>> store.apply(("u1", None), {"id": {"S": "u1"}, "email": {"S": "a@example.com"}})
>>> list(store.partition_keys("a@example.com"))
[('u1', None)]
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import ValidationException
from . import keys, values

if TYPE_CHECKING:
    from .items import KeyPart, KeyTuple
    from .shards import Item
    from .tables import IndexDefinition, KeySchema

#: (index sort key, table hash key, table sort key): the order inside an index partition.
Position = tuple[Any, Any, Any]
#: (partition hash, index hash key, index sort key, table hash key, table sort key).
ScanPosition = tuple[int, Any, Any, Any, Any]

_first = itemgetter(0)


@dataclass(slots=True, eq=False)
class IndexStore:
    """The entries of one secondary index of one table."""

    definition: IndexDefinition
    table_schema: KeySchema
    #: Virtual time from which a GSI added by UpdateTable is ACTIVE (CREATING before).
    active_at_ms: int = 0
    #: table key -> (index hash key, position, projected item)
    entries: dict[KeyTuple, tuple[KeyPart, Position, Item]] = field(default_factory=dict)
    sizes: dict[KeyTuple, int] = field(default_factory=dict)
    size_bytes: int = 0
    _partitions: dict[KeyPart, list[Position]] = field(default_factory=dict)
    _partition_hashes: dict[KeyPart, int] = field(default_factory=dict)
    _scan_order: list[ScanPosition] | None = None
    #: Bytes of the entries per index partition key (an LSI's part of item collections).
    _partition_bytes: dict[KeyPart, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def is_global(self) -> bool:
        return self.definition.kind == "GLOBAL"

    def status(self, now_ms: int) -> str:
        return "CREATING" if now_ms < self.active_at_ms else "ACTIVE"

    # -- keys and projection --------------------------------------------------------------

    def key_names(self) -> tuple[str, ...]:
        """The attributes every index entry holds as keys: the index's, then the table's."""
        names = list(self.definition.key_schema.names)
        names.extend(name for name in self.table_schema.names if name not in names)
        return tuple(names)

    def index_key(self, item: Item) -> tuple[KeyPart, KeyPart] | None:
        """The index's (hash, sort) key of ``item``; None when the item is not indexed."""
        return keys.index_key_of_item(self.definition.key_schema, item)

    def partition_hash_of_item(self, item: Item) -> int:
        """Where ``item``'s index partition falls in the hash space (the scan order)."""
        from .items import partition_hash

        schema = self.definition.key_schema
        if not schema.composite:
            return partition_hash(item[schema.hash_name])
        # A multi-attribute partition key: its attributes hashed together (developer
        # guide, "Multi-attribute keys pattern": DynamoDB hashes them together).
        digest = hashlib.md5(usedforsecurity=False)
        for name, _kind in schema.hash_elements:
            digest.update(partition_hash(item[name]).to_bytes(16, "big"))
        return int.from_bytes(digest.digest(), "big")

    def project(self, item: Item) -> Item:
        """The index's copy of ``item``: keys plus the projected attributes."""
        kind = self.definition.projection_type
        if kind == "ALL":
            return item
        names = self.key_names()
        if kind == "INCLUDE":
            names = names + self.definition.non_key_attributes
        return {name: item[name] for name in names if name in item}

    def entry_size(self, item: Item | None) -> int:
        """The bytes ``item``'s entry takes in this index (0 when it is not indexed)."""
        if item is None or self.index_key(item) is None:
            return 0
        return values.item_size(self.project(item))

    def partition_bytes(self, hash_key: KeyPart) -> int:
        """The bytes of the entries under one index partition key."""
        return self._partition_bytes.get(hash_key, 0)

    # -- maintenance (called by Table.write only) -----------------------------------------

    def apply(self, key: KeyTuple, new_item: Item | None) -> None:
        """Make the entry of table key ``key`` reflect ``new_item`` (None: removed)."""
        old = self.entries.get(key)
        index_key = self.index_key(new_item) if new_item is not None else None
        if old is not None:
            self._remove(key, old[0], old[1])
        if new_item is None or index_key is None:
            return
        hash_key, range_key = index_key
        position: Position = (range_key, key[0], key[1])
        projected = self.project(new_item)
        size = values.item_size(projected)
        self.entries[key] = (hash_key, position, projected)
        self.sizes[key] = size
        self.size_bytes += size
        self._partition_bytes[hash_key] = self._partition_bytes.get(hash_key, 0) + size
        insort(self._partitions.setdefault(hash_key, []), position)
        if hash_key not in self._partition_hashes:
            self._partition_hashes[hash_key] = self.partition_hash_of_item(new_item)
        self._scan_order = None

    def _remove(self, key: KeyTuple, hash_key: KeyPart, position: Position) -> None:
        del self.entries[key]
        size = self.sizes.pop(key)
        self.size_bytes -= size
        left = self._partition_bytes[hash_key] - size
        if left:
            self._partition_bytes[hash_key] = left
        else:
            del self._partition_bytes[hash_key]
        positions = self._partitions[hash_key]
        del positions[bisect_left(positions, position)]
        if not positions:
            del self._partitions[hash_key]
            del self._partition_hashes[hash_key]
        self._scan_order = None

    def backfill(self, items: Iterable[tuple[KeyTuple, Item]]) -> None:
        """Index every existing item; items whose index keys do not fit are left out."""
        for key, item in items:
            try:
                keys.check_index_key(self.definition, self.table_schema, item)
            except ValidationException:
                continue
            self.apply(key, item)

    # -- reads ----------------------------------------------------------------------------

    def partition_keys(
        self,
        hash_key: KeyPart,
        *,
        low: tuple[KeyPart, bool] | None = None,
        high: tuple[KeyPart, bool] | None = None,
        forward: bool = True,
        after: Position | None = None,
    ) -> Iterator[KeyTuple]:
        """Table keys of one index partition, sort key between ``low`` and ``high``.

        ``after`` (an ExclusiveStartKey's position) resumes past that position in the
        direction of reading. Bounds are found by binary search.
        """
        positions = self._partitions.get(hash_key)
        if not positions:
            return
        start, stop = 0, len(positions)
        if low is not None:
            start = (bisect_left if low[1] else bisect_right)(positions, low[0], key=_first)
        if high is not None:
            stop = (bisect_right if high[1] else bisect_left)(positions, high[0], key=_first)
        if after is not None:
            if forward:
                start = max(start, bisect_right(positions, after))
            else:
                stop = min(stop, bisect_left(positions, after))
        order = range(start, stop) if forward else range(stop - 1, start - 1, -1)
        for index in order:
            _, table_hash, table_range = positions[index]
            yield (table_hash, table_range)

    def scan_order(self) -> list[ScanPosition]:
        """Every entry in a stable order: partition hash, index keys, table keys."""
        if self._scan_order is None:
            hashes = self._partition_hashes
            self._scan_order = sorted(
                (hashes[hash_key], hash_key, *position)
                for hash_key, positions in self._partitions.items()
                for position in positions
            )
        return self._scan_order

    def partition_hash_of(self, hash_key: KeyPart, item: Item) -> int:
        """The partition hash of index hash key ``hash_key``, held by ``item``."""
        found = self._partition_hashes.get(hash_key)
        if found is not None:
            return found
        return self.partition_hash_of_item(item)
