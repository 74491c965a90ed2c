"""run_triggers delivers batches per shard, in order, as Lambda's event source mapping does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import create_stream_table
from trigger_support import ids_of

from dynastream_mock import MockStreams


def put(ddb: Any, *ids: str, **attributes: str) -> None:
    for item_id in ids:
        item = {"id": {"S": item_id}, **{k: {"S": v} for k, v in attributes.items()}}
        ddb.put_item(TableName="Users", Item=item)


class Recorder:
    """A handler that keeps every event it gets."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.__name__ = "recorder"

    def __call__(self, event: dict[str, Any], context: Any) -> None:
        self.events.append(event)


def test_batches_never_exceed_batch_size_and_keep_sequence_order(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    trigger = dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=2)
    put(ddb, "a", "b", "c", "d", "e")

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["a", "b"], ["c", "d"], ["e"]]
    assert all(i.ok and i.error is None and i.result is None for i in made)
    assert trigger.invocations == made
    assert len({i.shard_id for i in made}) == 1
    assert dynastream.run_triggers() == []


def test_nothing_runs_until_run_triggers(dynastream: MockStreams, ddb: Any, table: str) -> None:
    handler = Recorder()
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")

    assert handler.events == []
    dynastream.run_triggers()
    assert [ids_of(e) for e in handler.events] == [["a"]]


def test_latest_skips_what_was_written_before_the_trigger(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    put(ddb, "old")
    latest, horizon = Recorder(), Recorder()
    dynastream.add_trigger("Users", latest, StartingPosition="LATEST")
    dynastream.add_trigger("Users", horizon, StartingPosition="TRIM_HORIZON")
    put(ddb, "new")

    dynastream.run_triggers()

    assert [ids_of(e) for e in latest.events] == [["new"]]
    assert [ids_of(e) for e in horizon.events] == [["old", "new"]]


def test_parents_are_delivered_before_children(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    put(ddb, "a", "b")
    children = dynastream.split_shard("Users")
    put(ddb, "c", "d")
    put(ddb, "a", name="changed")

    made = dynastream.run_triggers()

    parent_records = ids_of(made[0].event)
    assert parent_records == ["a", "b"]
    assert made[0].shard_id not in children
    assert {i.shard_id for i in made[1:]} <= set(children)
    assert sorted(x for i in made[1:] for x in ids_of(i.event)) == ["a", "c", "d"]


def test_shard_rollover_is_followed(dynastream: MockStreams, ddb: Any, table: str) -> None:
    handler = Recorder()
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")
    dynastream.clock.advance(hours=4, seconds=1)
    put(ddb, "b")

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["a"], ["b"]]
    assert made[0].shard_id != made[1].shard_id


def test_batching_window_waits_on_the_mock_clock(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        BatchSize=3,
        MaximumBatchingWindowInSeconds=10,
    )
    put(ddb, "a")
    dynastream.clock.advance(seconds=4)
    put(ddb, "b")

    assert dynastream.run_triggers() == []
    dynastream.clock.advance(seconds=5.999)
    assert dynastream.run_triggers() == []
    dynastream.clock.advance(milliseconds=1)  # ten seconds after the first record arrived
    made = dynastream.run_triggers()
    assert [ids_of(i.event) for i in made] == [["a", "b"]]


def test_a_full_batch_does_not_wait_for_the_window(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        BatchSize=2,
        MaximumBatchingWindowInSeconds=300,
    )
    put(ddb, "a", "b", "c")

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["a", "b"]]


def test_payload_is_cut_at_six_megabytes_and_nothing_is_lost(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=10000)
    # 20 items of about 390 KB: about 7.8 MB, more than one invocation may carry.
    for index in range(20):
        put(ddb, f"big{index:02d}", blob="x" * 390_000)

    made = dynastream.run_triggers()

    sizes = [len(json.dumps(i.event, separators=(",", ":"))) for i in made]
    assert len(made) == 2
    assert all(size <= 6_291_456 for size in sizes)
    assert [x for i in made for x in ids_of(i.event)] == [f"big{i:02d}" for i in range(20)]


def test_disable_stops_delivery_and_enable_resumes_from_the_checkpoint(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    trigger = dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")
    dynastream.run_triggers()

    trigger.disable()
    put(ddb, "b")
    assert dynastream.run_triggers() == []
    assert trigger.state == "Disabled" and not trigger._enabled

    trigger.enable()
    put(ddb, "c")
    assert [ids_of(i.event) for i in dynastream.run_triggers()] == [["b", "c"]]


def test_a_trigger_created_disabled_waits_for_enable(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    trigger = dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", Enabled=False
    )
    put(ddb, "a")

    assert dynastream.run_triggers() == []
    trigger.enable()
    assert [ids_of(i.event) for i in dynastream.run_triggers()] == [["a"]]


def test_deleted_trigger_runs_no_more_and_keeps_its_history(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Recorder()
    trigger = dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")
    dynastream.run_triggers()

    trigger.delete()
    put(ddb, "b")

    assert dynastream.run_triggers() == []
    assert trigger.state == "Deleted"
    assert len(trigger.invocations) == 1
    with pytest.raises(RuntimeError, match="deleted"):
        trigger.enable()


def test_reset_removes_the_triggers(dynastream: MockStreams, ddb: Any, table: str) -> None:
    handler = Recorder()
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    dynastream.reset()
    create_stream_table(ddb)
    put(ddb, "a")

    assert dynastream.run_triggers() == []


def test_a_handler_that_writes_to_the_table_sees_its_own_writes_next(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    seen: list[list[str]] = []

    def audit(event: dict[str, Any], context: Any) -> None:
        seen.append(ids_of(event))
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["id"]["S"]
            if not key.startswith("audit-"):
                put(ddb, f"audit-{key}")

    dynastream.add_trigger("Users", audit, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")

    dynastream.run_triggers()

    assert seen == [["a"], ["audit-a"]]


def test_triggers_run_oldest_first(dynastream: MockStreams, ddb: Any, table: str) -> None:
    first, second = Recorder(), Recorder()
    one = dynastream.add_trigger("Users", first, StartingPosition="TRIM_HORIZON")
    two = dynastream.add_trigger("Users", second, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")

    made = dynastream.run_triggers()

    assert made == [one.invocations[0], two.invocations[0]]
