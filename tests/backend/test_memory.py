"""Bounded memory: iterators cost nothing to keep; trimmed records and old streams are freed."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from dataclasses import replace

from dynastream_mock.backend import reading
from dynastream_mock.backend.changes import change_item
from dynastream_mock.backend.iterators import decode_iterator
from dynastream_mock.backend.keys import key_of_item
from dynastream_mock.backend.readers import Reader
from dynastream_mock.backend.tables import KeySchema, TableSettings
from dynastream_mock.backend.world import RegionWorld
from dynastream_mock.clock import Clock
from dynastream_mock.options import build_settings

HOUR_MS = 3_600_000


def make_world(**settings: object) -> tuple[RegionWorld, Clock]:
    clock = Clock()
    clock.freeze()
    chosen = replace(build_settings({}), **settings)  # type: ignore[arg-type]
    world = RegionWorld("123456789012", "eu-west-1", chosen, clock)
    table = world.create_table(
        "Users",
        KeySchema("id", "S"),
        {"id": "S"},
        (),
        TableSettings("PAY_PER_REQUEST", 0, 0),
        "NEW_IMAGE",
    )
    for index in range(100):
        item = {"id": {"S": f"u{index}"}, "payload": {"S": "x" * 100}}
        change_item(world, table, key_of_item(table.key_schema, item), item, 120)
    return world, clock


def allocated_by(action: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = action()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    return after - before


def test_a_hundred_thousand_iterators_leave_nothing_behind() -> None:
    world, _ = make_world()
    stream = next(iter(world.streams.values()))
    shard_id = next(iter(stream.shards))

    def issue_many() -> None:
        for _ in range(100_000):
            reading.get_shard_iterator(world, stream.arn, shard_id, "TRIM_HORIZON")

    assert allocated_by(issue_many) < 64 * 1024


def test_readers_that_went_idle_are_forgotten() -> None:
    world, clock = make_world(reader_idle_ms=1000)
    stream = next(iter(world.streams.values()))
    shard_id, shard = next(iter(stream.shards.items()))

    for number in range(1000):
        iterator = reading.get_shard_iterator(world, stream.arn, shard_id, "LATEST")
        reading.get_records(
            world, decode_iterator(iterator), 1, Reader(f"client-{number}", "client")
        )
        clock.advance_ms(1000)

    assert len(shard.readers) <= 2


def test_trimmed_records_are_freed() -> None:
    world, clock = make_world(shard_rollover_ms=None)
    table = world.tables["Users"]

    def write_and_trim() -> None:
        for index in range(5000):
            item = {"id": {"S": f"t{index}"}, "payload": {"S": "y" * 200}}
            change_item(
                world, table, key_of_item(table.key_schema, item), None if index % 2 else item, 220
            )
        clock.advance_ms(25 * HOUR_MS)
        world.touch()
        # Deleting the items too leaves only what the world needs to remember.
        for index in range(0, 5000, 2):
            key = key_of_item(table.key_schema, {"id": {"S": f"t{index}"}})
            change_item(world, table, key, None, 0)
        clock.advance_ms(25 * HOUR_MS)
        world.touch()

    assert allocated_by(write_and_trim) < 512 * 1024


def test_disabled_streams_are_freed_after_retention() -> None:
    world, clock = make_world()
    table = world.tables["Users"]
    world.disable_stream(table)

    clock.advance_ms(24 * HOUR_MS)
    world.touch()

    assert world.streams == {}
