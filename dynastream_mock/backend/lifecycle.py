"""Time-driven changes: shard rollover, trimming, expiry of closed shards and old streams,
Time To Live deletions.

They happen lazily: whenever the world is touched (a request, a clock advance) and the
earliest deadline has passed, ``run_due`` replays every change that fell due, each at the
virtual time it was due, so the result is the same as if the world had been watching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import due
from .changes import expire_items

if TYPE_CHECKING:
    from .world import RegionWorld

_NEVER = 2**63


def run_due(world: RegionWorld, now: int) -> int:
    """Apply every change due at or before ``now``; return the next deadline."""
    settings = world.settings
    next_due = _NEVER

    for name, table in list(world.tables.items()):
        if table.deleting_at_ms is not None:
            if table.deleting_at_ms <= now:
                del world.tables[name]
            else:
                next_due = min(next_due, table.deleting_at_ms)

    for arn, stream in list(world.streams.items()):
        if (
            stream.disabled_at_ms is not None
            and due.trimmed_at(stream.disabled_at_ms, settings) <= now
        ):
            del world.streams[arn]
            continue
        if settings.shard_rollover_ms is not None and stream.is_enabled:
            # Each open shard hands over to one child every ``rollover`` (spec, "Shards").
            for shard in stream.open_shards():
                current = shard
                handover = due.rollover_at(current.created_ms, settings)
                while handover is not None and handover <= now:
                    (current,) = stream.split(current, 1, handover)
                    handover = due.rollover_at(current.created_ms, settings)
                assert handover is not None
                next_due = min(next_due, handover)
        for shard_id, shard in list(stream.shards.items()):
            shard.trim_before(due.trim_cutoff(now, settings))
            if shard.closed_ms is not None and due.trimmed_at(shard.closed_ms, settings) <= now:
                del stream.shards[shard_id]
                continue
            oldest = shard.oldest_retained_ms()
            if oldest is not None:
                next_due = min(next_due, due.trimmed_at(oldest, settings))
            if shard.closed_ms is not None:
                next_due = min(next_due, due.trimmed_at(shard.closed_ms, settings))
        if stream.disabled_at_ms is not None:
            next_due = min(next_due, due.trimmed_at(stream.disabled_at_ms, settings))

    # Time To Live: expired items go when the world is next touched, after the shards have
    # caught up, so each REMOVE lands in the shard that is open now (spec, "Time To Live").
    for table in world.tables.values():
        if table.ttl.enabled and table.deleting_at_ms is None:
            if expire_items(world, table, now) and table.stream_view_type is not None:
                next_due = min(next_due, due.trimmed_at(now, settings))
            ttl_due = table.ttl.next_due_ms()
            if ttl_due is not None:
                next_due = min(next_due, ttl_due)
    return next_due
