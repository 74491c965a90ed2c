"""Streams: one per enable of a table's stream, holding its shard lineage."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .hash_ranges import split_range, split_space
from .shards import Item, Shard, StreamRecord

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")

ENABLING, ENABLED, DISABLING, DISABLED = "ENABLING", "ENABLED", "DISABLING", "DISABLED"


def stream_label(created_ms: int) -> str:
    """ISO 8601 with milliseconds, as AWS labels streams: ``2015-05-11T21:21:33.291``."""
    moment = datetime.fromtimestamp(created_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created_ms % 1000:03d}"


def _hex4(seed: str) -> str:
    # Deterministic, so that a test sees the same shard ids on every run.
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()[:4]


@dataclass(slots=True, eq=False)
class Stream:
    """A table's stream. Shards are kept in creation order, so parents precede children."""

    arn: str
    label: str
    table_name: str
    key_schema: tuple[tuple[str, str], ...]
    view_type: str
    created_ms: int
    next_sequence: Callable[[], int]
    #: Virtual time from which the stream counts as ENABLED (ENABLING before).
    enabled_at_ms: int
    #: Set when the stream is disabled; DISABLING until ``disabled_at_ms``.
    disable_requested_ms: int | None = None
    disabled_at_ms: int | None = None
    shards: dict[str, Shard] = field(default_factory=dict)
    #: Standing readers (triggers), oldest first: reader key -> ids of shards it released.
    standing_readers: dict[str, set[str]] = field(default_factory=dict)
    _open: list[Shard] = field(default_factory=list)
    _open_starts: list[int] = field(default_factory=list)
    _shard_counter: int = 0

    # -- status -------------------------------------------------------------------------

    def status(self, now_ms: int) -> str:
        if self.disable_requested_ms is not None:
            assert self.disabled_at_ms is not None
            return DISABLING if now_ms < self.disabled_at_ms else DISABLED
        return ENABLING if now_ms < self.enabled_at_ms else ENABLED

    @property
    def is_enabled(self) -> bool:
        return self.disable_requested_ms is None

    # -- shards -------------------------------------------------------------------------

    def open_partitions(self, count: int, now_ms: int) -> None:
        """Open ``count`` root shards dividing the hash space evenly."""
        for start, end in split_space(count):
            self._open_shard(None, start, end, now_ms)

    def _open_shard(self, parent_id: str | None, start: int, end: int, now_ms: int) -> Shard:
        self._shard_counter += 1
        # Ids sort in creation order, so ShardId order is lineage order (children after
        # parents, partitions of one instant in hash order): the counter leads the suffix.
        counter = self._shard_counter % 0x10000
        shard_id = f"shardId-{now_ms:020d}-{counter:04x}{_hex4(self.arn)}"
        shard = Shard(
            shard_id=shard_id,
            parent_id=parent_id,
            hash_start=start,
            hash_end=end,
            created_ms=now_ms,
            starting_sequence=self.next_sequence(),
        )
        self.shards[shard_id] = shard
        self._open.append(shard)
        self._open.sort(key=lambda s: s.hash_start)
        self._open_starts = [s.hash_start for s in self._open]
        return shard

    def _close_shard(self, shard: Shard, now_ms: int) -> None:
        last = shard.last_sequence
        shard.close(last if last is not None else shard.starting_sequence, now_ms)
        self._open.remove(shard)
        self._open_starts = [s.hash_start for s in self._open]

    def open_shards(self) -> list[Shard]:
        return list(self._open)

    def shard_for_hash(self, key_hash: int) -> Shard:
        return self._open[bisect_right(self._open_starts, key_hash) - 1]

    def split(self, shard: Shard, children: int, now_ms: int) -> list[Shard]:
        """Close ``shard`` and open ``children`` shards that divide its hash range."""
        self._close_shard(shard, now_ms)
        return [
            self._open_shard(shard.shard_id, start, end, now_ms)
            for start, end in split_range(shard.hash_start, shard.hash_end, children)
        ]

    def close_all(self, now_ms: int) -> None:
        for shard in list(self._open):
            self._close_shard(shard, now_ms)

    def lineage_order(self) -> Iterator[Shard]:
        """Shards in creation order, which is ShardId order: every parent before its children.

        DescribeStream lists and pages in this order.
        """
        return iter(self.shards.values())

    # -- records ------------------------------------------------------------------------

    def publish(
        self,
        key_hash: int,
        event_name: str,
        keys: Item,
        new_image: Item | None,
        old_image: Item | None,
        size_bytes: int,
        now_ms: int,
        by_ttl: bool = False,
    ) -> StreamRecord:
        """Append a record to the open shard that owns ``key_hash``."""
        view = self.view_type
        sequence = self.next_sequence()
        record = StreamRecord(
            sequence_number=sequence,
            event_id=hashlib.md5(
                f"{self.arn}/{sequence}".encode(), usedforsecurity=False
            ).hexdigest(),
            event_name=event_name,
            created_ms=now_ms,
            keys=keys,
            new_image=new_image if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") else None,
            old_image=old_image if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") else None,
            size_bytes=size_bytes,
            by_ttl=by_ttl,
        )
        self.shard_for_hash(key_hash).append(record)
        return record
