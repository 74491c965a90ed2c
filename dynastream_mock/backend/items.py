"""The item store of one table: items by key, their sizes, and the orders reads need."""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from typing import Any

from . import values
from .shards import Item

#: A canonical key value (str, Decimal or bytes), comparable within one attribute type.
KeyPart = Any
KeyTuple = tuple[KeyPart, KeyPart]


def partition_hash(value: dict[str, Any]) -> int:
    """A stable 128-bit hash of a partition key value (never Python's ``hash()``)."""
    ((kind, raw),) = value.items()
    data = raw.encode() if kind != "N" else values.normalize_number(raw).encode()
    return int.from_bytes(hashlib.md5(data, usedforsecurity=False).digest(), "big")


class ItemStore:
    """Items by storage key, with per-partition sort-key order and a stable scan order.

    Only the change funnel (``changes.py``) stores and removes; everything else reads.
    """

    __slots__ = (
        "_hash_name",
        "_items",
        "_partition_bytes",
        "_scan",
        "_sizes",
        "_sort_keys",
        "_sorted",
        "get",
        "size_bytes",
    )

    def __init__(
        self, hash_name: str, *, sorted_partitions: bool, track_partition_bytes: bool = False
    ) -> None:
        self._items: dict[KeyTuple, Item] = {}
        #: The item under a key, or None (the dict's own ``get``: the hottest read).
        self.get: Callable[[KeyTuple], Item | None] = self._items.get
        self._sizes: dict[KeyTuple, int] = {}
        self.size_bytes = 0
        self._hash_name = hash_name
        self._sorted = sorted_partitions
        self._sort_keys: dict[KeyPart, list[KeyPart]] = {}
        self._scan: list[KeyTuple] | None = None
        #: Bytes stored per partition key: only tables with LSIs need it (item collections).
        self._partition_bytes: dict[KeyPart, int] | None = {} if track_partition_bytes else None

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: KeyTuple) -> bool:
        return key in self._items

    def __getitem__(self, key: KeyTuple) -> Item:
        return self._items[key]

    def size_of(self, key: KeyTuple) -> int:
        """The stored size of the item under ``key`` (0 when there is none)."""
        return self._sizes.get(key, 0)

    def partition_bytes(self, hash_key: KeyPart) -> int:
        """The bytes stored under one partition key (a store tracking them only)."""
        assert self._partition_bytes is not None, "partition bytes are not tracked"
        return self._partition_bytes.get(hash_key, 0)

    def entries(self) -> Iterator[tuple[KeyTuple, Item]]:
        """Every (key, item) pair, in no promised order."""
        return iter(self._items.items())

    def all_items(self) -> Iterator[Item]:
        return iter(self._items.values())

    # -- changes (the funnel only) --------------------------------------------------------

    def store(self, key: KeyTuple, item: Item, size: int) -> None:
        if key not in self._items:
            self._remember_key(key)
        self._items[key] = item
        growth = size - self._sizes.get(key, 0)
        self.size_bytes += growth
        self._sizes[key] = size
        if self._partition_bytes is not None:
            self._partition_bytes[key[0]] = self._partition_bytes.get(key[0], 0) + growth

    def remove(self, key: KeyTuple) -> None:
        del self._items[key]
        size = self._sizes.pop(key)
        self.size_bytes -= size
        self._forget_key(key)
        if self._partition_bytes is not None:
            left = self._partition_bytes[key[0]] - size
            if left:
                self._partition_bytes[key[0]] = left
            else:
                del self._partition_bytes[key[0]]

    # -- ordered reads --------------------------------------------------------------------

    def partition_items(self, hash_key: KeyPart, *, forward: bool = True) -> Iterator[Item]:
        """Items of one partition in sort-key order."""
        yield from self.partition_range(hash_key, forward=forward)

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
        items = self._items
        if not self._sorted:
            item = items.get((hash_key, None))
            if item is not None:
                yield item
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
        for position in positions:
            found = items.get((hash_key, ranges[position]))
            if found is not None:
                yield found

    def scan_order(self) -> list[KeyTuple]:
        """Every key in a stable order (by partition hash, then sort key), as Scan pages."""
        if self._scan is None:
            items, hash_name = self._items, self._hash_name
            self._scan = sorted(
                items, key=lambda key: (partition_hash(items[key][hash_name]), key[1])
            )
        return self._scan

    def _remember_key(self, key: KeyTuple) -> None:
        self._scan = None
        if self._sorted:
            insort(self._sort_keys.setdefault(key[0], []), key[1])

    def _forget_key(self, key: KeyTuple) -> None:
        self._scan = None
        if self._sorted:
            ranges = self._sort_keys[key[0]]
            del ranges[bisect_left(ranges, key[1])]
            if not ranges:
                del self._sort_keys[key[0]]
