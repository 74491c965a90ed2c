"""Shards: ordered, append-only runs of stream records for one slice of the key space."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

Item = dict[str, dict[str, Any]]

#: Sequence numbers are this offset plus a counter, so they are 21-digit decimal strings
#: that sort the same as strings and as numbers (spec, "Stream records").
SEQUENCE_BASE = 10**20

# Compacting the record list costs a copy; do it only once enough records were trimmed.
_COMPACT_AFTER = 1024


class _WeaklyReferable:
    # A weak reference lets layers above cache per record (wire/renderings.py) without the
    # backend keeping anything for them; a slots dataclass has no __weakref__ of its own.
    __slots__ = ("__weakref__",)


@dataclass(slots=True, eq=False)
class StreamRecord(_WeaklyReferable):
    """One item-level change, with the images its stream's view type keeps."""

    sequence_number: int
    event_id: str
    event_name: str
    created_ms: int
    keys: Item
    new_image: Item | None
    old_image: Item | None
    size_bytes: int
    by_ttl: bool = False


@dataclass(slots=True, eq=False)
class Shard:
    """A shard of a stream. Open while ``ending_sequence`` is None."""

    shard_id: str
    parent_id: str | None
    hash_start: int
    hash_end: int
    created_ms: int
    starting_sequence: int
    ending_sequence: int | None = None
    closed_ms: int | None = None
    #: Highest sequence number trimmed away (0: nothing trimmed yet).
    trimmed_through: int = 0
    #: Iterators issued at an older generation have expired (see ``expire_iterators``).
    iterator_generation: int = 0
    #: Reader key -> virtual time of its last GetRecords, for the throttle (readers.py).
    readers: dict[str, int] = field(default_factory=dict)
    _records: list[StreamRecord] = field(default_factory=list)
    _sequences: list[int] = field(default_factory=list)
    _first: int = 0

    @property
    def is_open(self) -> bool:
        return self.ending_sequence is None

    def append(self, record: StreamRecord) -> None:
        self._records.append(record)
        self._sequences.append(record.sequence_number)

    def close(self, ending_sequence: int, now_ms: int) -> None:
        self.ending_sequence = ending_sequence
        self.closed_ms = now_ms

    @property
    def last_sequence(self) -> int | None:
        """The sequence number of the newest record, retained or not."""
        return self._sequences[-1] if self._sequences else None

    def retained(self) -> list[StreamRecord]:
        """Every record not yet trimmed, oldest first (a copy of the list, not the records)."""
        return self._records[self._first :]

    def read(self, position: int, limit: int, max_bytes: int) -> list[StreamRecord]:
        """Records with sequence number >= ``position``: at most ``limit``, about ``max_bytes``.

        A binary search, so reading costs the same however long the shard is.
        """
        start = bisect_left(self._sequences, position, self._first)
        records = self._records
        end = min(start + limit, len(records))
        if max_bytes <= 0:
            return records[start:end]
        taken = 0
        index = start
        while index < end:
            taken += records[index].size_bytes
            if taken > max_bytes and index > start:
                break
            index += 1
        return records[start:index]

    def trim_before(self, cutoff_ms: int) -> int:
        """Drop records created at or before ``cutoff_ms``; return how many were dropped."""
        records = self._records
        first = self._first
        index = first
        while index < len(records) and records[index].created_ms <= cutoff_ms:
            index += 1
        dropped = index - first
        if dropped:
            self.trimmed_through = records[index - 1].sequence_number
            self._first = index
            if index >= _COMPACT_AFTER and index * 2 >= len(records):
                del records[:index]
                del self._sequences[:index]
                self._first = 0
        return dropped

    def oldest_retained_ms(self) -> int | None:
        if self._first < len(self._records):
            return self._records[self._first].created_ms
        return None

    def first_created_at_or_after(
        self, moment_ms: int, *, second_resolution: bool = False
    ) -> int | None:
        """The sequence number of the first retained record made at or after ``moment_ms``.

        With ``second_resolution`` a record's time counts rounded down to the second, as its
        ApproximateCreationDateTime shows it.
        """
        step = 1000 if second_resolution else 1
        index = bisect_left(
            self._records, moment_ms, self._first, key=lambda r: r.created_ms // step * step
        )
        return self._records[index].sequence_number if index < len(self._records) else None

    def has_records_from(self, position: int) -> bool:
        return bool(self._sequences) and self._sequences[-1] >= position
