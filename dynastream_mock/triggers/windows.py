"""Tumbling windows: fixed, back-to-back spans of the mock's clock, and their event fields."""

from __future__ import annotations

from typing import Any

from .events import encode, iso_seconds

#: A window's state may hold at most 1 MB per shard; beyond it Lambda ends the window early.
MAX_STATE_BYTES = 1024 * 1024


def window_start(created_ms: int, width_ms: int) -> int:
    """The start of the window a record belongs to; windows are aligned on the epoch.

    >>> window_start(90_500, 60_000)
    60000
    """
    return created_ms - created_ms % width_ms


def window_fields(
    start_ms: int,
    width_ms: int,
    state: dict[str, Any],
    shard_id: str,
    stream_arn: str,
    *,
    final: bool,
    terminated_early: bool,
) -> dict[str, Any]:
    """The keys a tumbling-window event carries besides ``Records``."""
    return {
        "window": {"start": iso_seconds(start_ms), "end": iso_seconds(start_ms + width_ms)},
        "state": state,
        "shardId": shard_id,
        "eventSourceARN": stream_arn,
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": terminated_early,
    }


def fields_size(fields: dict[str, Any]) -> int:
    """Bytes the window keys add to an event's JSON (a comma and the members)."""
    return len(encode(fields)) - 1


def state_too_large(state: dict[str, Any]) -> bool:
    return len(encode(state)) > MAX_STATE_BYTES
