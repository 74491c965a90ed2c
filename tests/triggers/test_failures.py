"""Failing batches: retries, bisecting, partial batch responses, expiry, on-failure records."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import create_stream_table
from trigger_support import ids_of

from dynastream_mock import MockStreams


def put(ddb: Any, *ids: str) -> None:
    for item_id in ids:
        ddb.put_item(TableName="Users", Item={"id": {"S": item_id}})


def sequence_of(dynastream: MockStreams, item_id: str) -> str:
    for record in dynastream.stream_records("Users"):
        if record["dynamodb"]["Keys"]["id"]["S"] == item_id:
            sequence: str = record["dynamodb"]["SequenceNumber"]
            return sequence
    raise AssertionError(item_id)


class Poisoned:
    """Raises on any batch holding a poisoned id; remembers every batch it saw."""

    def __init__(self, *poison: str) -> None:
        self.poison = set(poison)
        self.batches: list[list[str]] = []
        self.__name__ = "poisoned"

    def __call__(self, event: dict[str, Any], context: Any) -> None:
        ids = ids_of(event)
        self.batches.append(ids)
        if self.poison & set(ids):
            raise ValueError(f"cannot handle {sorted(self.poison & set(ids))}")


def test_a_raising_handler_is_retried_whole_once_per_call(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Poisoned("b")
    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=2)
    put(ddb, "a", "b", "c")

    first = dynastream.run_triggers()
    second = dynastream.run_triggers()

    assert [ids_of(i.event) for i in first] == [["a", "b"]]
    assert not first[0].ok and isinstance(first[0].error, ValueError)
    assert "ValueError" in first[0]._reason
    # The failing batch blocks its shard: "c" waits.
    assert [ids_of(i.event) for i in second] == [["a", "b"]]
    handler.poison.clear()
    assert [ids_of(i.event) for i in dynastream.run_triggers()] == [["a", "b"], ["c"]]


def test_retries_stop_at_maximum_retry_attempts_and_go_to_on_failure(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    handler = Poisoned("a")
    trigger = dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=2,
        on_failure=failed.append,
    )
    put(ddb, "a")
    sequence = sequence_of(dynastream, "a")
    arrival = dynastream.stream_records("Users")[0]["dynamodb"]["ApproximateCreationDateTime"]

    attempts = [len(dynastream.run_triggers()) for _ in range(4)]

    assert attempts == [1, 1, 1, 0]  # the first attempt and two retries
    assert trigger.discarded == failed
    (payload,) = failed
    last = trigger.invocations[-1]
    assert payload == {
        "requestContext": {
            "requestId": last._context.aws_request_id,
            "functionArn": trigger._function_arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 3,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "version": "1.0",
        "timestamp": payload["timestamp"],
        "DDBStreamBatchInfo": {
            "shardId": last.shard_id,
            "startSequenceNumber": sequence,
            "endSequenceNumber": sequence,
            "approximateArrivalOfFirstRecord": arrival.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "approximateArrivalOfLastRecord": arrival.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "batchSize": 1,
            "streamArn": table,
        },
    }
    now = dynastream.clock.now()
    assert payload["timestamp"] == now.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{now.microsecond // 1000:03d}Z"
    )


def test_after_a_discarded_batch_the_shard_moves_on_in_the_same_call(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Poisoned("a")
    dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=1, MaximumRetryAttempts=0
    )
    put(ddb, "a", "b")

    made = dynastream.run_triggers()

    assert [(ids_of(i.event), i.ok) for i in made] == [(["a"], False), (["b"], True)]


def test_zero_retries_discards_after_one_attempt_without_on_failure(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    trigger = dynastream.add_trigger(
        "Users", Poisoned("a"), StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=0
    )
    put(ddb, "a")

    assert len(dynastream.run_triggers()) == 1
    assert dynastream.run_triggers() == []
    assert [p["requestContext"]["condition"] for p in trigger.discarded] == [
        "RetryAttemptsExhausted"
    ]


def test_bisect_splits_the_failed_batch_one_half_per_attempt(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    handler = Poisoned("c")
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        on_failure=failed.append,
    )
    put(ddb, "a", "b", "c", "d")

    calls = [[ids_of(i.event) for i in dynastream.run_triggers()] for _ in range(4)]

    # Bisecting spends no retry; a batch of one cannot split, so "c" then uses its quota.
    assert calls == [
        [["a", "b", "c", "d"]],
        [["a", "b"], ["c", "d"]],
        [["c"], ["d"]],
        [],
    ]
    (payload,) = failed
    assert payload["DDBStreamBatchInfo"]["batchSize"] == 1
    assert payload["DDBStreamBatchInfo"]["startSequenceNumber"] == sequence_of(dynastream, "c")
    assert payload["requestContext"]["approximateInvokeCount"] == 3


def test_bisected_halves_inherit_the_retry_quota(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    handler = Poisoned("b")
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
    )
    put(ddb, "a", "b")

    calls = [[ids_of(i.event) for i in dynastream.run_triggers()] for _ in range(4)]

    assert calls == [[["a", "b"]], [["a"], ["b"]], [["b"]], []]


def report(*sequences: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": s} for s in sequences]}


def test_reported_item_failures_checkpoint_at_the_lowest_and_read_on_from_there(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    answers: list[Any] = []
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        batches.append(ids_of(event))
        return answers.pop(0) if answers else None

    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    put(ddb, "a", "b", "c", "d")
    answers.append(report(sequence_of(dynastream, "d"), sequence_of(dynastream, "b")))

    first = dynastream.run_triggers()
    put(ddb, "e")
    second = dynastream.run_triggers()

    assert [i.ok for i in first] == [False]
    assert "2 failed item(s)" in first[0]._reason
    # Retried from "b", the lowest failure, with the newer record "e" too.
    assert batches == [["a", "b", "c", "d"], ["b", "c", "d", "e"]]
    assert [i.ok for i in second] == [True]


@pytest.mark.parametrize(
    "answer",
    [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}],
    ids=["none", "empty-response", "empty-list", "null-list"],
)
def test_empty_reports_are_success(
    dynastream: MockStreams, ddb: Any, table: str, answer: Any
) -> None:
    dynastream.add_trigger(
        "Users",
        lambda event, context: answer,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    put(ddb, "a")

    assert [i.ok for i in dynastream.run_triggers()] == [True]
    assert dynastream.run_triggers() == []


@pytest.mark.parametrize(
    "failure",
    [{"itemIdentifier": ""}, {"itemIdentifier": None}, {"itemId": "1"}, {"itemIdentifier": "1"}],
    ids=["empty", "null", "wrong-key", "unknown"],
)
def test_malformed_reports_fail_the_whole_batch(
    dynastream: MockStreams, ddb: Any, table: str, failure: dict[str, Any]
) -> None:
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        batches.append(ids_of(event))
        return {"batchItemFailures": [failure]} if len(batches) == 1 else None

    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    put(ddb, "a", "b")

    first = dynastream.run_triggers()
    dynastream.run_triggers()

    assert not first[0].ok and first[0].error is None
    assert batches == [["a", "b"], ["a", "b"]]


def test_reports_are_ignored_without_report_batch_item_failures(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    dynastream.add_trigger(
        "Users", lambda event, context: report("1"), StartingPosition="TRIM_HORIZON"
    )
    put(ddb, "a")

    assert [i.ok for i in dynastream.run_triggers()] == [True]


def test_partial_failures_count_against_the_retry_quota(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        batches.append(ids_of(event))
        return report(sequence_of(dynastream, "b"))

    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
        on_failure=failed.append,
    )
    put(ddb, "a", "b", "c")

    for _ in range(3):
        dynastream.run_triggers()

    assert batches == [["a", "b", "c"], ["b", "c"]]
    (payload,) = failed
    assert payload["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert payload["responseContext"]["functionError"] == ""
    info = payload["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        sequence_of(dynastream, "b"),
        sequence_of(dynastream, "c"),
        2,
    )


def test_bisect_with_reports_retries_only_from_the_reported_record(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        batches.append(ids_of(event))
        return report(sequence_of(dynastream, "b")) if len(batches) == 1 else None

    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
        BisectBatchOnFunctionError=True,
    )
    put(ddb, "a", "b", "c")
    dynastream.run_triggers()
    put(ddb, "d")

    dynastream.run_triggers()

    # The rest of the split batch goes alone, then the newer record.
    assert batches == [["a", "b", "c"], ["b", "c"], ["d"]]


def test_records_older_than_maximum_record_age_are_skipped_to_on_failure(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    handler = Poisoned("a")
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        BatchSize=1,
        MaximumRecordAgeInSeconds=60,
        on_failure=failed.append,
    )
    put(ddb, "a")
    dynastream.run_triggers()
    dynastream.clock.advance(seconds=30)
    put(ddb, "b")
    dynastream.clock.advance(seconds=31)  # "a" is 61 s old, "b" 31 s

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["b"]]
    (payload,) = failed
    assert payload["requestContext"]["condition"] == "RecordAgeExceeded"
    assert payload["requestContext"]["approximateInvokeCount"] == 1
    assert payload["DDBStreamBatchInfo"]["startSequenceNumber"] == sequence_of(dynastream, "a")


def test_records_too_old_before_any_attempt_are_skipped_without_invocation(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    handler = Poisoned()
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60,
        on_failure=failed.append,
    )
    put(ddb, "a", "b")
    dynastream.clock.advance(minutes=2)
    put(ddb, "c")

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["c"]]
    (payload,) = failed
    assert payload["requestContext"]["approximateInvokeCount"] == 0
    assert payload["DDBStreamBatchInfo"]["batchSize"] == 2


def test_with_infinite_retries_a_batch_is_retried_until_its_records_are_trimmed(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    failed: list[dict[str, Any]] = []
    handler = Poisoned("a")
    dynastream.add_trigger(
        "Users", handler, StartingPosition="TRIM_HORIZON", on_failure=failed.append
    )
    put(ddb, "a")
    for _ in range(3):
        dynastream.run_triggers()
    dynastream.clock.advance(hours=23)
    put(ddb, "b")
    assert [ids_of(i.event) for i in dynastream.run_triggers()] == [["a"]]

    dynastream.clock.advance(hours=1, seconds=1)  # "a" is trimmed, "b" is not
    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["b"]]
    (payload,) = failed
    assert payload["requestContext"]["condition"] == "RecordAgeExceeded"
    assert payload["requestContext"]["approximateInvokeCount"] == 4


def test_an_answer_that_is_not_json_fails_the_invocation(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    dynastream.add_trigger("Users", lambda event, context: {1, 2}, StartingPosition="TRIM_HORIZON")
    put(ddb, "a")

    (invocation,) = dynastream.run_triggers()

    assert not invocation.ok
    assert "not JSON" in invocation._reason


@pytest.mark.in_process_only(
    "a client made under an outer mock is answered by the innermost one only in-process"
)
def test_a_failing_batch_blocks_only_its_own_shard(dynastream: MockStreams, ddb: Any) -> None:
    from dynastream_mock import mock_streams

    with mock_streams(partitions=2) as two:
        two.clock.freeze()
        create_stream_table(ddb)
        handler = Poisoned("a")
        two.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=1)
        ids = [f"k{i}" for i in range(8)]
        put(ddb, "a", *ids)

        made = two.run_triggers()

        delivered = [x for i in made if i.ok for x in ids_of(i.event)]
        blocked_shard = next(i.shard_id for i in made if not i.ok)
        assert 0 < len(delivered) < len(ids)
        assert all(i.shard_id != blocked_shard for i in made if i.ok)
