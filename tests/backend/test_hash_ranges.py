"""The hash space is divided in one module: shards' closed ranges and Scan's segments."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.hash_ranges import (
    HASH_SPACE,
    HASH_SPACE_END,
    segment_bounds,
    split_range,
    split_space,
)


def test_the_space_is_md5_wide() -> None:
    assert HASH_SPACE == 2**128
    assert HASH_SPACE_END == 2**128 - 1


def test_one_part_is_the_whole_range() -> None:
    assert split_range(5, 9, 1) == [(5, 9)]
    assert split_space(1) == [(0, HASH_SPACE_END)]


def test_halves_meet_in_the_middle() -> None:
    assert split_space(2) == [(0, 2**127 - 1), (2**127, HASH_SPACE_END)]


def test_no_parts_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1, got 0"):
        split_range(0, 9, 0)


@given(
    start=st.integers(0, HASH_SPACE_END),
    width=st.integers(1, 2**64),
    parts=st.integers(1, 64),
)
def test_parts_tile_the_range_evenly(start: int, width: int, parts: int) -> None:
    end = min(start + width - 1, HASH_SPACE_END)
    if end - start + 1 < parts:
        parts = end - start + 1
    ranges = split_range(start, end, parts)
    assert len(ranges) == parts
    assert ranges[0][0] == start and ranges[-1][1] == end
    for (_, left_end), (right_start, _) in pairwise(ranges):
        assert right_start == left_end + 1
    widths = {high - low + 1 for low, high in ranges}
    assert max(widths) - min(widths) <= 1


def test_a_single_segment_is_the_whole_space() -> None:
    assert segment_bounds(0, 1) == (0, HASH_SPACE)


@given(total=st.integers(1, 1_000_000))
def test_segments_tile_the_space(total: int) -> None:
    first_low, _ = segment_bounds(0, total)
    _, last_high = segment_bounds(total - 1, total)
    assert (first_low, last_high) == (0, HASH_SPACE)
    for segment in (0, total // 2, total - 2):
        if 0 <= segment < total - 1:
            assert segment_bounds(segment, total)[1] == segment_bounds(segment + 1, total)[0]
