"""ParallelizationFactor (order per key) and tumbling windows on the mock's clock."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from trigger_support import ids_of

from dynastream_mock import MockStreams


def put(ddb: Any, item_id: str, version: int = 0) -> None:
    ddb.put_item(TableName="Users", Item={"id": {"S": item_id}, "v": {"N": str(version)}})


# -- ParallelizationFactor ----------------------------------------------------------------


def test_parallelization_makes_concurrent_batches_and_keeps_order_per_key(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    trigger = dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        ParallelizationFactor=4,
    )
    for version in range(3):
        for key in range(12):
            put(ddb, f"k{key}", version)

    made = dynastream.run_triggers()

    assert 1 < len(made) <= 4
    assert len({i.shard_id for i in made}) == 1
    versions: dict[str, list[int]] = defaultdict(list)
    for invocation in trigger.invocations:
        for record in invocation.event["Records"]:
            key = record["dynamodb"]["Keys"]["id"]["S"]
            versions[key].append(int(record["dynamodb"]["NewImage"]["v"]["N"]))
    assert dict(versions) == {f"k{key}": [0, 1, 2] for key in range(12)}
    # Each key lives in a single concurrent batch.
    for key in versions:
        assert sum(key in ids_of(i.event) for i in made) == 1


def test_a_failing_key_blocks_only_its_own_batch(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    def handler(event: dict[str, Any], context: Any) -> None:
        if "poison" in ids_of(event):
            raise ValueError("poison")

    dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", ParallelizationFactor=10
    )
    put(ddb, "poison")
    for key in range(20):
        put(ddb, f"k{key}")

    made = dynastream.run_triggers()

    delivered = {x for i in made if i.ok for x in ids_of(i.event)}
    assert [i.ok for i in made].count(False) == 1
    assert len(delivered) > 10 and "poison" not in delivered


def test_without_parallelization_one_batch_per_shard(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    dynastream.add_trigger("Users", lambda event, context: None, StartingPosition="TRIM_HORIZON")
    for key in range(12):
        put(ddb, f"k{key}")

    assert len(dynastream.run_triggers()) == 1


# -- tumbling windows ---------------------------------------------------------------------


class Counter:
    """A tumbling-window handler counting records in ``state``; keeps every event."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.__name__ = "counter"

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        state = dict(event["state"])
        state["count"] = state.get("count", 0) + len(event["Records"])
        return {"state": state}


def to_window_start(dynastream: MockStreams, width: int) -> None:
    now = dynastream.clock.now()
    into = (now.timestamp() * 1000) % (width * 1000)
    dynastream.clock.advance(milliseconds=width * 1000 - into)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_window_state_is_carried_and_the_final_invoke_closes_the_window(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    to_window_start(dynastream, 30)
    start = dynastream.clock.now()
    handler = Counter()
    trigger = dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", TumblingWindowInSeconds=30
    )
    put(ddb, "a")
    put(ddb, "b")
    dynastream.run_triggers()
    dynastream.clock.advance(seconds=10)
    put(ddb, "c")
    dynastream.run_triggers()
    dynastream.clock.advance(seconds=20)  # the window is over
    put(ddb, "d")

    dynastream.run_triggers()

    first, second, final, next_window = handler.events
    assert first["window"] == {"start": iso(start), "end": iso(start + timedelta(seconds=30))}
    assert (first["state"], second["state"], final["state"]) == ({}, {"count": 2}, {"count": 3})
    assert [ids_of(e) for e in handler.events] == [["a", "b"], ["c"], [], ["d"]]
    assert [e["isFinalInvokeForWindow"] for e in handler.events] == [False, False, True, False]
    assert not any(e["isWindowTerminatedEarly"] for e in handler.events)
    assert next_window["state"] == {}
    assert next_window["window"]["start"] == first["window"]["end"]
    assert first["shardId"] == trigger.invocations[0].shard_id
    assert first["eventSourceARN"] == table


def test_records_left_when_the_window_ends_come_in_the_final_invoke(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    to_window_start(dynastream, 60)
    handler = Counter()
    dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", TumblingWindowInSeconds=60
    )
    put(ddb, "a")
    dynastream.clock.advance(seconds=61)
    put(ddb, "b")

    dynastream.run_triggers()

    assert [(ids_of(e), e["isFinalInvokeForWindow"]) for e in handler.events] == [
        (["a"], True),
        (["b"], False),
    ]


def test_a_window_handler_that_returns_no_state_fails_and_is_retried(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    answers: list[Any] = [None, {"batchItemFailures": []}, {"state": {"n": 1}}]

    def forgetful(event: dict[str, Any], context: Any) -> Any:
        return answers.pop(0)

    trigger = dynastream.add_trigger(
        "Users", forgetful, StartingPosition="TRIM_HORIZON", TumblingWindowInSeconds=60
    )
    put(ddb, "a")

    results = [[i.ok for i in dynastream.run_triggers()] for _ in range(3)]

    assert results == [[False], [False], [True]]
    assert "state" in trigger.invocations[0]._reason


def test_a_state_over_one_megabyte_ends_the_window_early(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    to_window_start(dynastream, 60)
    events: list[dict[str, Any]] = []

    def hoarder(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        if event["isWindowTerminatedEarly"]:
            return {"state": {}}
        return {"state": {"log": "x" * (1024 * 1024 + 1)}}

    dynastream.add_trigger(
        "Users", hoarder, StartingPosition="TRIM_HORIZON", TumblingWindowInSeconds=60
    )
    put(ddb, "a")
    dynastream.run_triggers()
    put(ddb, "b")
    dynastream.run_triggers()

    flags = [(e["isFinalInvokeForWindow"], e["isWindowTerminatedEarly"]) for e in events]
    assert flags[:3] == [(False, False), (True, True), (False, False)]
    assert ids_of(events[1]) == [] and len(events[1]["state"]["log"]) > 1024 * 1024
    # The same window goes on, with a fresh state.
    assert events[2]["window"] == events[0]["window"] and events[2]["state"] == {}
