"""The partition-key hash space and the ways it is divided: shards and Scan segments.

A partition key hashes into ``[0, HASH_SPACE)`` (MD5, as DynamoDB partitions do; see
``items.partition_hash``). Shards own closed ranges ``(start, end)``; a parallel Scan's
segments are half-open ranges ``[low, high)``. Both divide a range proportionally, so every
part is as wide as its neighbours to within one hash and the parts tile the whole.
"""

from __future__ import annotations

from typing import Final

#: Number of distinct partition hashes (128-bit MD5).
HASH_SPACE: Final = 2**128
#: The highest partition hash: shards end their ranges inclusively.
HASH_SPACE_END: Final = HASH_SPACE - 1


def split_range(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    """Divide the closed range ``start..end`` into ``parts`` adjacent closed ranges.

    >>> split_range(0, 9, 3)
    [(0, 2), (3, 5), (6, 9)]
    >>> split_range(0, HASH_SPACE_END, 2)[1] == (2**127, HASH_SPACE_END)
    True
    """
    if parts < 1:
        raise ValueError(f"split_range() needs parts of at least 1, got {parts!r}")
    span = end - start + 1
    return [
        (start + span * index // parts, start + span * (index + 1) // parts - 1)
        for index in range(parts)
    ]


def split_space(parts: int) -> list[tuple[int, int]]:
    """The whole hash space in ``parts`` closed ranges: a new stream's root shards."""
    return split_range(0, HASH_SPACE_END, parts)


def segment_bounds(segment: int, total: int) -> tuple[int, int]:
    """The half-open hash range ``[low, high)`` of Scan segment ``segment`` of ``total``.

    Bounds round up, so segment 0 starts at 0 and the last one ends at ``HASH_SPACE``.

    >>> segment_bounds(0, 1) == (0, HASH_SPACE)
    True
    >>> segment_bounds(1, 3) == (-(-HASH_SPACE // 3), -(-2 * HASH_SPACE // 3))
    True
    """
    return -(-segment * HASH_SPACE // total), -(-(segment + 1) * HASH_SPACE // total)
