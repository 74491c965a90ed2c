"""Time To Live: a table's TTL setting and the expiry times of its items.

The change funnel (``changes.change_item``) tells ``TimeToLive.track`` about every change,
so the expiries live in a heap keyed by due time and nothing ever scans the table per
request. ``due_keys`` pops the items whose time has come; ``changes.expire_items`` deletes
them through the funnel with ``by_ttl=True`` (a REMOVE record made by the service).

AWS's rules (Developer Guide, "Using DynamoDB Time to Live"): the attribute must be a
top-level Number of epoch seconds; an item expires once that time is less than the current
time; other types, a missing attribute, and values more than five years in the past are
ignored.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from . import due

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .items import KeyTuple
    from .shards import Item

ENABLED, ENABLING, DISABLED, DISABLING = "ENABLED", "ENABLING", "DISABLED", "DISABLING"


def due_ms_of(item: Item, attribute: str, now_ms: int) -> int | None:
    """The first millisecond at which ``item`` has expired, or None when it never does."""
    value = item.get(attribute)
    if value is None or "N" not in value:
        return None
    try:
        seconds = Decimal(value["N"])
    except InvalidOperation:
        return None
    return due.ttl_expiry(seconds, now_ms)


@dataclass(slots=True)
class TimeToLive:
    """One table's TTL setting and pending expiries."""

    enabled: bool = False
    attribute: str | None = None
    #: Virtual time until which the last change is still ENABLING / DISABLING.
    settles_at_ms: int = 0
    _heap: list[tuple[int, KeyTuple]] = field(default_factory=list)
    _due: dict[KeyTuple, int] = field(default_factory=dict)

    def status(self, now_ms: int) -> str:
        if self.enabled:
            return ENABLING if now_ms < self.settles_at_ms else ENABLED
        if self.attribute is not None and now_ms < self.settles_at_ms:
            return DISABLING
        return DISABLED

    def enable(
        self,
        attribute: str,
        items: Iterable[tuple[KeyTuple, Item]],
        now_ms: int,
        settles_at_ms: int,
    ) -> None:
        """Turn TTL on for ``attribute``: one pass over the existing items, then the heap."""
        self.enabled = True
        self.attribute = attribute
        self.settles_at_ms = settles_at_ms
        self._heap.clear()
        self._due.clear()
        for key, item in items:
            self.track(key, item, now_ms)

    def disable(self, settles_at_ms: int) -> None:
        self.enabled = False
        self.settles_at_ms = settles_at_ms
        self._heap.clear()
        self._due.clear()

    def track(self, key: KeyTuple, item: Item | None, now_ms: int) -> int | None:
        """Record ``item``'s expiry (None: deleted); return its due time when it has one."""
        if not self.enabled:
            return None
        assert self.attribute is not None
        due = due_ms_of(item, self.attribute, now_ms) if item is not None else None
        if due is None:
            self._due.pop(key, None)
            return None
        if self._due.get(key) != due:
            self._due[key] = due
            heapq.heappush(self._heap, (due, key))
            if len(self._heap) > 2 * len(self._due) + 64:
                # Superseded entries are skipped lazily; compact when they dominate.
                self._heap = [(when, k) for k, when in self._due.items()]
                heapq.heapify(self._heap)
        return due

    def next_due_ms(self) -> int | None:
        """When the earliest pending expiry falls due (deletions wait for ENABLED)."""
        heap, due = self._heap, self._due
        while heap and due.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)
        if not heap:
            return None
        return max(heap[0][0], self.settles_at_ms)

    def due_keys(self, now_ms: int) -> list[KeyTuple]:
        """Pop the keys of items expired at ``now_ms``, earliest first."""
        if not self.enabled or now_ms < self.settles_at_ms:
            return []
        heap, due = self._heap, self._due
        expired: list[KeyTuple] = []
        while heap and heap[0][0] <= now_ms:
            when, key = heapq.heappop(heap)
            if due.get(key) == when:
                del due[key]
                expired.append(key)
        return expired
