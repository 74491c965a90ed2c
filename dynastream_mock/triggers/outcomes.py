"""How Lambda reads a handler's answer, and what it sends to an on-failure destination."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..backend.shards import StreamRecord
from .events import iso_millis, iso_seconds

SUCCESS, PARTIAL, FAILED = "success", "partial", "failed"

RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an invocation means for its batch.

    ``kind`` is success, partial (``failed_from`` is the lowest reported sequence number)
    or failed; ``reason`` says why it did not succeed; ``state`` is a tumbling window's new
    state when the answer carried one.
    """

    kind: str
    reason: str = ""
    failed_from: int | None = None
    state: dict[str, Any] | None = None


def read_outcome(
    result: Any,
    error: BaseException | None,
    sequences: Sequence[int],
    *,
    report_item_failures: bool,
    tumbling: bool,
) -> Outcome:
    """Judge one invocation as Lambda would (spec, "Lambda event source mappings")."""
    if error is not None:
        return Outcome(FAILED, f"the handler raised {type(error).__name__}: {error}")
    try:
        # Lambda serialises the answer; one that cannot be is a failed invocation.
        json.dumps(result)
    except (TypeError, ValueError) as problem:
        return Outcome(FAILED, f"the handler's answer is not JSON: {problem}")
    state: dict[str, Any] | None = None
    if tumbling:
        # A tumbling-window handler must return its state, or the invocation failed.
        if not isinstance(result, dict) or not isinstance(result.get("state"), dict):
            return Outcome(FAILED, "a tumbling-window handler must return {'state': {...}}")
        state = result["state"]
    if not report_item_failures:
        return Outcome(SUCCESS, state=state)
    return _read_item_failures(result, sequences, state)


def _read_item_failures(
    result: Any, sequences: Sequence[int], state: dict[str, Any] | None
) -> Outcome:
    # None, {}, and an empty or null list all mean success (Lambda's documentation).
    if result is None:
        return Outcome(SUCCESS, state=state)
    if not isinstance(result, dict):
        return Outcome(FAILED, f"the answer is not a batchItemFailures response: {result!r}")
    failures = result.get("batchItemFailures")
    if not failures:
        if failures is None or isinstance(failures, list):
            return Outcome(SUCCESS, state=state)
        return Outcome(FAILED, f"batchItemFailures is not a list: {failures!r}")
    if not isinstance(failures, list):
        return Outcome(FAILED, f"batchItemFailures is not a list: {failures!r}")
    known = set(sequences)
    reported: list[int] = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        # An empty, null or unknown identifier fails the whole batch.
        if not isinstance(identifier, str) or not identifier.isdigit():
            return Outcome(FAILED, f"malformed batch item failure: {failure!r}")
        if int(identifier) not in known:
            return Outcome(FAILED, f"itemIdentifier {identifier!r} is not in the batch")
        reported.append(int(identifier))
    lowest = min(reported)
    return Outcome(
        PARTIAL,
        f"the handler reported {len(reported)} failed item(s), the first {lowest}",
        failed_from=lowest,
        state=state,
    )


def on_failure_payload(
    *,
    condition: str,
    request_id: str,
    function_arn: str,
    invoke_count: int,
    function_error: str | None,
    shard_id: str,
    records: Sequence[StreamRecord],
    stream_arn: str,
    now_ms: int,
) -> dict[str, Any]:
    """The invocation record an on-failure destination receives for discarded records."""
    first, last = records[0], records[-1]
    response = {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        # "Unhandled" when the handler raised; records never handed over, or failed through
        # batchItemFailures or a missing state, had no function error.
        "functionError": function_error or "",
    }
    return {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": iso_millis(now_ms),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": str(first.sequence_number),
            "endSequenceNumber": str(last.sequence_number),
            "approximateArrivalOfFirstRecord": iso_seconds(first.created_ms),
            "approximateArrivalOfLastRecord": iso_seconds(last.created_ms),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }
