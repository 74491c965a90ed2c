"""Every deadline of the world, computed in one place, on the virtual clock (milliseconds).

A table or index finishes CREATING/UPDATING/DELETING ``transitions`` after the request; a
record is trimmed ``retention`` after it was made, and so is a closed shard after it closed
and a disabled stream after it was disabled; an open shard rolls over to a child
``rollover`` after it opened; an iterator expires ``iterator_ttl`` after it was issued; a
reader's slot frees ``reader_idle`` after its last read; a TTL setting change settles
``transitions`` after it was made and an item expires the millisecond after its TTL
attribute's time; a transaction's ClientRequestToken is forgotten 10 minutes after use.
"""

from __future__ import annotations

import math
from decimal import Decimal

from .settings import Settings

#: How long a ClientRequestToken is remembered (API reference, TransactWriteItems).
TOKEN_WINDOW_MS = 10 * 60_000

#: TTL values further in the past than this are never expired (AWS: "no more than five
#: years in the past"); five years of 365 days.
TTL_IGNORED_AGE_MS = 5 * 365 * 86_400_000


def transition_done(start_ms: int, settings: Settings) -> int:
    """When a change of status begun at ``start_ms`` (table, index, stream, TTL) is over."""
    return start_ms + settings.transitions_ms


def trimmed_at(since_ms: int, settings: Settings) -> int:
    """When what happened at ``since_ms`` (a record made, a shard closed, a stream
    disabled) falls out of the retention window."""
    return since_ms + settings.retention_ms


def trim_cutoff(now_ms: int, settings: Settings) -> int:
    """Records made at or before this moment are trimmed by ``now_ms``."""
    return now_ms - settings.retention_ms


def rollover_at(shard_created_ms: int, settings: Settings) -> int | None:
    """When an open shard made at ``shard_created_ms`` hands over to its child, if ever."""
    if settings.shard_rollover_ms is None:
        return None
    return shard_created_ms + settings.shard_rollover_ms


def iterator_expired(issued_ms: int, now_ms: int, settings: Settings) -> bool:
    return now_ms - issued_ms >= settings.iterator_ttl_ms


def reader_idle(last_read_ms: int, now_ms: int, settings: Settings) -> bool:
    """Whether a reader's slot on a shard is free again (no read for ``reader_idle``)."""
    return now_ms - last_read_ms >= settings.reader_idle_ms


def token_forgotten_at(used_ms: int) -> int:
    return used_ms + TOKEN_WINDOW_MS


def ttl_expiry(epoch_seconds: Decimal, now_ms: int) -> int | None:
    """The first millisecond at which an item whose TTL attribute holds ``epoch_seconds``
    has expired, or None when it never does (more than five years in the past)."""
    expiry_ms = epoch_seconds * 1000
    if now_ms - expiry_ms > TTL_IGNORED_AGE_MS:
        return None
    # Expired once the stored time is *less than* now: one millisecond after it.
    return math.floor(expiry_ms) + 1
