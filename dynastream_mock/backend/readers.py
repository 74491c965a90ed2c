"""Readers of a shard and the readers-per-shard throttle (api.md, "Readers and the throttle").

A reader is whoever sends the requests: one client in-process, one access key id over HTTP,
one trigger. Who is reading comes with each request as a :class:`Reader`; nothing about it
is stored in an iterator. Readers that are not requests (triggers) hold their slots through
a standing registration on the stream, which covers every shard they have not released,
shards born later by a rollover or a split included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LimitExceededException
from . import due
from .shards import Shard
from .streams import Stream

if TYPE_CHECKING:
    from .settings import Settings

#: The last-read time of a standing reader's slot: it never goes idle.
_NEVER_IDLE_MS = 2**62


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: ``key`` tells readers apart, ``kind`` says in words what one reader is."""

    key: str
    kind: str


#: The reader of a request that names no caller (a direct call of the api in a unit test).
ANONYMOUS = Reader("anonymous", "caller")


def register_standing(stream: Stream, reader: Reader) -> None:
    """Let ``reader`` hold a slot on every shard of ``stream`` it has not released."""
    stream.standing_readers.setdefault(reader.key, set())


def unregister_standing(stream: Stream, reader: Reader) -> None:
    """End a standing registration and free every slot it holds."""
    stream.standing_readers.pop(reader.key, None)
    for shard in stream.shards.values():
        shard.readers.pop(reader.key, None)


def release(stream: Stream, shard: Shard, reader: Reader) -> None:
    """``reader`` is done with ``shard`` (it read a closed shard to its end): free the slot."""
    shard.readers.pop(reader.key, None)
    released = stream.standing_readers.get(reader.key)
    if released is not None:
        released.add(shard.shard_id)


def seat(settings: Settings, stream: Stream, shard: Shard, reader: Reader, now: int) -> bool:
    """Whether ``reader`` may read ``shard`` now; a standing reader takes its slot.

    Standing readers are seated first, oldest registration first: they poll all the time.
    """
    limit = settings.max_readers_per_shard
    if limit is None:
        return True
    readers = shard.readers
    if len(readers) >= limit:
        _drop_idle(settings, shard, now)
    _seat_standing(stream, shard, limit)
    return reader.key in readers or len(readers) < limit


def admit(settings: Settings, stream: Stream, shard: Shard, reader: Reader, now: int) -> None:
    """Let a request's reader read ``shard``, or raise ``LimitExceededException``."""
    if seat(settings, stream, shard, reader, now):
        return
    limit = settings.max_readers_per_shard
    raise LimitExceededException(
        "Too many operations for a given subscriber. "
        f"Shard {shard.shard_id} already has {len(shard.readers)} active readers "
        f"(max_readers_per_shard={limit}); a reader is one {reader.kind} and counts until it "
        "has been idle for reader_idle on the mock's clock. Pass max_readers_per_shard=None "
        "to mock_streams() to turn the throttle off."
    )


def note_read(settings: Settings, shard: Shard, reader: Reader, now: int) -> None:
    """Count a read by a request's reader: it holds the slot until ``reader_idle`` passes."""
    if settings.max_readers_per_shard is not None:
        shard.readers[reader.key] = now


def _seat_standing(stream: Stream, shard: Shard, limit: int) -> None:
    readers = shard.readers
    for key, released in stream.standing_readers.items():
        if len(readers) >= limit:
            return
        if key not in readers and shard.shard_id not in released:
            readers[key] = _NEVER_IDLE_MS


def _drop_idle(settings: Settings, shard: Shard, now: int) -> None:
    readers = shard.readers
    for other, last in list(readers.items()):
        if due.reader_idle(last, now, settings):
            del readers[other]
