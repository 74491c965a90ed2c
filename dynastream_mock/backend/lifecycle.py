"""Time-driven changes: shard rollover, trimming, expiry of closed shards and old streams,
Time To Live deletions.

They happen lazily: whenever the world is touched (a request, a clock advance) and the
earliest deadline has passed, ``run_due`` replays every change that fell due, each at the
virtual time it was due, so the result is the same as if the world had been watching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import RegionWorld

_NEVER = 2**63


def run_due(world: RegionWorld, now: int) -> int:
    """Apply every change due at or before ``now``; return the next deadline."""
    settings = world.settings
    retention = settings.retention_ms
    rollover = settings.shard_rollover_ms
    next_due = _NEVER

    for name, table in list(world.tables.items()):
        if table.deleting_at_ms is not None:
            if table.deleting_at_ms <= now:
                del world.tables[name]
            else:
                next_due = min(next_due, table.deleting_at_ms)

    for arn, stream in list(world.streams.items()):
        if stream.disabled_at_ms is not None and stream.disabled_at_ms + retention <= now:
            del world.streams[arn]
            continue
        if rollover is not None and stream.is_enabled:
            # Each open shard hands over to one child every ``rollover`` (spec, "Shards").
            for shard in stream.open_shards():
                current = shard
                while current.created_ms + rollover <= now:
                    (current,) = stream.split(current, 1, current.created_ms + rollover)
                next_due = min(next_due, current.created_ms + rollover)
        for shard_id, shard in list(stream.shards.items()):
            shard.trim_before(now - retention)
            if shard.closed_ms is not None and shard.closed_ms + retention <= now:
                del stream.shards[shard_id]
                continue
            oldest = shard.oldest_retained_ms()
            if oldest is not None:
                next_due = min(next_due, oldest + retention)
            if shard.closed_ms is not None:
                next_due = min(next_due, shard.closed_ms + retention)
        if stream.disabled_at_ms is not None:
            next_due = min(next_due, stream.disabled_at_ms + retention)

    # Time To Live: expired items go when the world is next touched, after the shards have
    # caught up, so each REMOVE lands in the shard that is open now (spec, "Time To Live").
    for table in world.tables.values():
        if table.ttl.enabled and table.deleting_at_ms is None:
            if table.expire_due(now) and table.stream_view_type is not None:
                next_due = min(next_due, now + retention)
            ttl_due = table.ttl.next_due_ms()
            if ttl_due is not None:
                next_due = min(next_due, ttl_due)
    return next_due
