"""The rendered-bytes cache: one rendering per object, gone with the object."""

from __future__ import annotations

import gc

from dynastream_mock.backend.shards import StreamRecord
from dynastream_mock.wire.renderings import Renderings


def record(sequence: int) -> StreamRecord:
    keys = {"id": {"S": f"u{sequence}"}}
    return StreamRecord(sequence, f"event-{sequence}", "INSERT", 0, keys, keys, None, 10)


def test_renders_each_object_once() -> None:
    cache: Renderings[StreamRecord] = Renderings()
    calls: list[int] = []

    def render(thing: StreamRecord) -> bytes:
        calls.append(thing.sequence_number)
        return str(thing.sequence_number).encode()

    first, second = record(1), record(2)
    assert cache.of(first, render) == b"1"
    assert cache.of(first, render) == b"1"
    assert cache.of(second, render) == b"2"
    assert calls == [1, 2]


def test_a_rendering_goes_with_its_record() -> None:
    cache: Renderings[StreamRecord] = Renderings()
    kept = record(1)
    trimmed = record(2)
    cache.of(kept, lambda r: b"kept")
    cache.of(trimmed, lambda r: b"trimmed")
    del trimmed
    gc.collect()
    assert len(cache) == 1
    assert cache.of(kept, lambda r: b"never called") == b"kept"


def test_the_backend_record_holds_no_bytes() -> None:
    assert not any("render" in name for name in StreamRecord.__slots__)
