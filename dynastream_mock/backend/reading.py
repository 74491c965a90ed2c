"""Reading a stream: shard iterators and GetRecords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import (
    ExpiredIteratorException,
    ResourceNotFoundException,
    TrimmedDataAccessException,
    ValidationException,
)
from . import due, readers
from .iterators import IteratorPosition, encode_iterator
from .readers import Reader
from .shards import Shard, StreamRecord
from .streams import Stream

if TYPE_CHECKING:
    from .world import RegionWorld

#: GetRecords returns at most about 1 MB (spec, "Reading").
MAX_READ_BYTES = 1024 * 1024


@dataclass(slots=True)
class Page:
    records: list[StreamRecord]
    next_iterator: str | None
    view_type: str


def find_shard(stream: Stream, shard_id: str) -> Shard:
    shard = stream.shards.get(shard_id)
    if shard is None:
        raise ResourceNotFoundException(
            f"Requested resource not found: Shard does not exist: {shard_id}"
        )
    return shard


def get_shard_iterator(
    world: RegionWorld,
    stream_arn: str,
    shard_id: str,
    iterator_type: str,
    sequence: int | None = None,
    timestamp_ms: int | None = None,
) -> str:
    """Issue an iterator positioned as ``iterator_type`` says (not a reader yet).

    The api has checked the parameters: ``sequence`` is given exactly for
    AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER, ``timestamp_ms`` exactly for AT_TIMESTAMP
    and not in the future. What is left depends on the stream: the shard, its range, the trim.
    """
    now = world.touch()
    stream = world.stream(stream_arn)
    shard = find_shard(stream, shard_id)
    if iterator_type == "TRIM_HORIZON":
        position = max(shard.starting_sequence, shard.trimmed_through + 1)
    elif iterator_type == "LATEST":
        ending = shard.ending_sequence
        position = world.peek_sequence() if ending is None else ending + 1
    elif iterator_type == "AT_TIMESTAMP":
        assert timestamp_ms is not None
        # The first retained record whose ApproximateCreationDateTime (whole seconds) is at
        # or after the timestamp; an older timestamp reads from the trim horizon.
        found = shard.first_created_at_or_after(timestamp_ms, second_resolution=True)
        if found is not None:
            position = found
        else:
            ending = shard.ending_sequence
            position = world.peek_sequence() if ending is None else ending + 1
    else:
        assert sequence is not None
        ending = shard.ending_sequence
        if sequence < shard.starting_sequence or (ending is not None and sequence > ending):
            raise ValidationException("Invalid SequenceNumber for the shard")
        if sequence <= shard.trimmed_through:
            raise TrimmedDataAccessException("The data you are trying to access has been trimmed.")
        position = sequence if iterator_type == "AT_SEQUENCE_NUMBER" else sequence + 1
    where = IteratorPosition(stream.arn, shard.shard_id, position, now, shard.iterator_generation)
    return encode_iterator(where)


def expire_iterators(world: RegionWorld, stream_arn: str, shard_id: str) -> None:
    """Expire every iterator of the shard issued until now, as 15 minutes would; new ones
    work. One generation per shard, nothing per iterator."""
    shard = find_shard(world.stream(stream_arn), shard_id)
    shard.iterator_generation += 1


def get_records(world: RegionWorld, where: IteratorPosition, limit: int, reader: Reader) -> Page:
    """Read from an iterator's position (decoded by the api) as ``reader``; return the
    records and the next iterator."""
    now = world.touch()
    stream = world.stream(where.stream_arn)
    shard = find_shard(stream, where.shard_id)
    if (
        due.iterator_expired(where.issued_ms, now, world.settings)
        or where.generation < shard.iterator_generation
    ):
        raise ExpiredIteratorException("The provided iterator exceeds the maximum age allowed.")
    if where.position <= shard.trimmed_through:
        raise TrimmedDataAccessException("The data you are trying to access has been trimmed.")
    readers.admit(world.settings, stream, shard, reader, now)

    records = shard.read(where.position, limit, MAX_READ_BYTES)
    position = records[-1].sequence_number + 1 if records else where.position
    if not shard.is_open and not shard.has_records_from(position):
        # A reader that reaches the end of a closed shard is released at once.
        readers.release(stream, shard, reader)
        return Page(records, None, stream.view_type)
    readers.note_read(world.settings, shard, reader, now)
    next_where = IteratorPosition(
        stream.arn, shard.shard_id, position, now, shard.iterator_generation
    )
    return Page(records, encode_iterator(next_where), stream.view_type)
