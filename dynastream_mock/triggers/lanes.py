"""A trigger's progress through a stream: per shard, one lane per concurrent batch.

With ``ParallelizationFactor`` N a shard is read by N lanes; each record goes to the lane its
partition key hashes to, so the order of each item's changes holds (spec: "keeps order per
item key only"). A lane has its own checkpoint, failing batches and tumbling-window state.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..backend.shards import Shard, StreamRecord


@dataclass(slots=True, eq=False)
class Batch:
    """Records handed to the handler together, with what their failures used up so far.

    ``next_position`` is where the lane's checkpoint goes once the batch is done (it may lie
    past filtered-out records). A tumbling window's closing invocation may have no records.
    """

    records: list[StreamRecord]
    next_position: int
    retries: int = 0
    invocations: int = 0
    request_id: str | None = None
    function_error: str | None = None
    window_start: int | None = None
    final: bool = False
    terminated_early: bool = False

    def sequences(self) -> list[int]:
        return [record.sequence_number for record in self.records]


@dataclass(slots=True, eq=False)
class Lane:
    """One lane of a shard: a checkpoint and the batches that wait for another attempt."""

    index: int
    #: The checkpoint: every record of this lane below it is done.
    position: int
    #: Batches kept for another attempt, head first (a failed batch, or bisected halves).
    pending: list[Batch] = field(default_factory=list)
    #: Retries already spent on records from ``position`` on (partial failures re-read).
    carried_retries: int = 0
    #: The open tumbling window and its state.
    window_start: int | None = None
    state: dict[str, Any] = field(default_factory=dict)
    #: The state outgrew its limit: the next invocation ends the window early.
    end_window_early: bool = False
    finished: bool = False
    #: A batch of this lane failed during the current run: no more attempts until the next.
    blocked: bool = False


@dataclass(slots=True, eq=False)
class ShardCursor:
    """A trigger's progress through one shard."""

    shard_id: str
    lanes: list[Lane]

    @property
    def finished(self) -> bool:
        return all(lane.finished for lane in self.lanes)


def new_cursor(shard: Shard, lanes: int, position: int | None = None) -> ShardCursor:
    """A cursor at ``position``, or at the oldest record the shard still holds."""
    start = position if position is not None else _trim_horizon(shard)
    return ShardCursor(shard.shard_id, [Lane(index, start) for index in range(lanes)])


def _trim_horizon(shard: Shard) -> int:
    return max(shard.starting_sequence, shard.trimmed_through + 1)


def latest_position(shard: Shard) -> int:
    """Just after the newest record: where LATEST starts."""
    last = shard.last_sequence
    return max(shard.starting_sequence, last if last is not None else 0) + 1


def lane_of(record: StreamRecord, partition_key: str, lanes: int) -> int:
    """The lane of a record's partition key (a stable hash, never Python's ``hash()``)."""
    if lanes == 1:
        return 0
    key = json.dumps(record.keys.get(partition_key), sort_keys=True)
    digest = hashlib.md5(key.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % lanes
