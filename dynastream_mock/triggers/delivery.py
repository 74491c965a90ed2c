"""Delivery: ``run_triggers`` reads each shard in batches and invokes the handlers.

Everything runs in the calling thread and in a fixed order (triggers oldest first, shards
parents before children, each lane in sequence order), so a test sees the same invocations
on every run. A failing batch gets one attempt per call (each bisected half too), and blocks
its lane until it succeeds, is discarded, or its records expire (spec, "Lambda event source
mappings on a stream"). The region's lock is never held while a handler runs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..backend.shards import Shard, StreamRecord
from ..backend.streams import Stream
from .events import (
    DEFAULT_TIMEOUT_MS,
    LambdaContext,
    encode,
    event_record_text,
    iso_seconds,
    payload_size,
    stable_uuid,
)
from .filtering import passes
from .lanes import Batch, Lane, lane_of
from .outcomes import (
    PARTIAL,
    RECORD_AGE_EXCEEDED,
    RETRY_ATTEMPTS_EXHAUSTED,
    SUCCESS,
    Outcome,
    on_failure_payload,
    read_outcome,
)
from .parameters import MAX_PAYLOAD_BYTES
from .trigger import Invocation, Trigger
from .windows import fields_size, state_too_large, window_fields, window_start

# One delivery at a time per process: two threads calling run_triggers would otherwise hand
# the same batch to a handler twice.
_RUN_LOCK = threading.RLock()

_READ_CHUNK = 1000


#: Asked after a batch succeeded whether to deliver it a second time (chaos: Lambda's
#: at-least-once delivery); given the stream ARN and the shard id.
DuplicateHook = Callable[[str, str], bool]


def run_triggers(
    registry: list[Trigger], duplicate: DuplicateHook | None = None
) -> list[Invocation]:
    """Make every invocation that is due, until no trigger can make progress."""
    made: list[Invocation] = []
    with _RUN_LOCK:
        for trigger in list(registry):
            for cursor in trigger._cursors.values():
                for lane in cursor.lanes:
                    lane.blocked = False
            _claim_slots(trigger)
        progress = True
        while progress:
            progress = False
            for trigger in list(registry):
                if trigger._enabled and _advance(trigger, made, duplicate):
                    progress = True
    return made


def _claim_slots(trigger: Trigger) -> None:
    # Oldest triggers first: each holds a slot on every shard it has not finished, shards
    # born since its last poll included (api.md, "Readers and the throttle").
    if not trigger._enabled:
        return
    with trigger._region_world.lock:
        now = trigger._region_world.touch()
        stream = trigger._stream()
        if stream is not None:
            trigger._claim_all(stream, now)


def _advance(trigger: Trigger, made: list[Invocation], duplicate: DuplicateHook | None) -> bool:
    region = trigger._region_world
    with region.lock:
        region.touch()
        stream = trigger._stream()
        if stream is None:
            return False
        trigger._forget_gone_shards(stream)
        shards = list(stream.lineage_order())
    progress = False
    for shard in shards:
        if not trigger._enabled:
            break  # a handler may disable or delete its own trigger
        with region.lock:
            cursor = trigger._cursor(shard)
            if cursor.finished:
                trigger._release(stream, shard)
                continue
            parent = stream.shards.get(shard.parent_id) if shard.parent_id else None
            if parent is not None and not trigger._cursor(parent).finished:
                continue  # parents before children
            if not trigger._claim(stream, shard, region.touch()):
                continue  # throttled: two other readers hold the shard
        for lane in cursor.lanes:
            while _step(trigger, stream, shard, lane, made, duplicate):
                progress = True
        with region.lock:
            if cursor.finished:
                # Finishing a closed shard frees the trigger's slot on it.
                trigger._release(stream, shard)
    return progress


@dataclass(slots=True)
class _Notices:
    """On-failure payloads to hand over once the region's lock is released."""

    payloads: list[dict[str, Any]] = field(default_factory=list)


def _step(
    trigger: Trigger,
    stream: Stream,
    shard: Shard,
    lane: Lane,
    made: list[Invocation],
    duplicate: DuplicateHook | None = None,
) -> bool:
    """Do one thing on a lane (an invocation, or passing records over); False when idle."""
    region = trigger._region_world
    notices = _Notices()
    try:
        with region.lock:
            now = region.touch()
            if lane.finished or lane.blocked or not trigger._enabled:
                return False
            plan = _plan(trigger, stream, shard, lane, now, notices)
            if isinstance(plan, bool):
                return plan
            event, context = _build_invocation(trigger, stream, shard, lane, plan, now)
        invocation, outcome = _invoke(trigger, shard, plan, event, context)
        made.append(invocation)
        trigger.invocations.append(invocation)
        if (
            outcome.kind == SUCCESS
            and duplicate is not None
            and duplicate(stream.arn, shard.shard_id)
        ):
            # Delivered again after it succeeded; progress is already made.
            again, _ = _invoke(trigger, shard, plan, event, context)
            made.append(again)
            trigger.invocations.append(again)
        with region.lock:
            _apply(trigger, stream, shard, lane, plan, outcome, region.touch(), notices)
        return True
    finally:
        for payload in notices.payloads:
            trigger._discarded.append(payload)
            if trigger._on_failure is not None:
                trigger._on_failure(payload)


# -- planning -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Scan:
    records: list[StreamRecord] = field(default_factory=list)
    expired: list[StreamRecord] = field(default_factory=list)
    next_position: int = 0
    window_start: int | None = None
    full: bool = False
    window_ended: bool = False
    exhausted: bool = True


def _plan(
    trigger: Trigger, stream: Stream, shard: Shard, lane: Lane, now: int, notices: _Notices
) -> Batch | bool:
    config = trigger._config
    width = config.tumbling_window_in_seconds * 1000
    if lane.end_window_early:
        return Batch(
            [], lane.position, window_start=lane.window_start, final=True, terminated_early=True
        )
    if lane.pending:
        batch = lane.pending[0]
        expired = _expired_prefix(trigger, shard, batch.records, now)
        if not expired:
            return batch
        batch.records = batch.records[len(expired) :]
        _discard(trigger, stream, shard, expired, RECORD_AGE_EXCEEDED, batch, now, notices)
        if not batch.records and not batch.final:
            _complete(lane, batch)
        return True
    progress = False
    if lane.position <= shard.trimmed_through:
        # Records trimmed before this trigger read them are gone (spec, "Reading").
        lane.position = shard.trimmed_through + 1
        progress = True
    scan = _scan(trigger, stream, shard, lane, now)
    if scan.expired:
        _discard(trigger, stream, shard, scan.expired, RECORD_AGE_EXCEEDED, None, now, notices)
        lane.position = scan.expired[-1].sequence_number + 1
        return True
    open_window = lane.window_start
    if open_window is not None and scan.window_start != open_window:
        # The open window has no records left: once it has ended, close it.
        if now >= open_window + width:
            return Batch([], lane.position, window_start=open_window, final=True)
        return progress
    if not scan.records:
        if scan.next_position > lane.position:
            lane.position = scan.next_position  # filtered out: passed over for good
            return True
        if not shard.is_open and open_window is None:
            lane.finished = True
            return True
        return progress
    final = False
    if width and scan.window_start is not None:
        final = now >= scan.window_start + width and (scan.window_ended or scan.exhausted)
    if not (final or _due(trigger, shard, scan, now)):
        return progress
    return Batch(
        scan.records,
        scan.next_position,
        retries=lane.carried_retries,
        window_start=scan.window_start,
        final=final,
    )


def _due(trigger: Trigger, shard: Shard, scan: _Scan, now: int) -> bool:
    """Whether a batch may go now, or should wait for its batching window to fill."""
    waiting_ms = trigger._config.maximum_batching_window_in_seconds * 1000
    if scan.full or scan.window_ended or waiting_ms == 0:
        return True
    if not shard.is_open and scan.exhausted:
        return True  # a closed shard will bring nothing more
    return now - scan.records[0].created_ms >= waiting_ms


def _expired(trigger: Trigger, shard: Shard, record: StreamRecord, now: int) -> bool:
    if record.sequence_number <= shard.trimmed_through:
        return True
    max_age = trigger._config.maximum_record_age_in_seconds
    return max_age != -1 and now - record.created_ms > max_age * 1000


def _expired_prefix(
    trigger: Trigger, shard: Shard, records: list[StreamRecord], now: int
) -> list[StreamRecord]:
    count = 0
    while count < len(records) and _expired(trigger, shard, records[count], now):
        count += 1
    return records[:count]


def _lane_records(
    stream: Stream, shard: Shard, trigger: Trigger, lane: Lane
) -> Iterator[StreamRecord]:
    factor = trigger._config.parallelization_factor
    partition_key = next(name for name, kind in stream.key_schema if kind == "HASH")
    position = lane.position
    while True:
        chunk = shard.read(position, _READ_CHUNK, 0)
        if not chunk:
            return
        for record in chunk:
            if lane_of(record, partition_key, factor) == lane.index:
                yield record
        position = chunk[-1].sequence_number + 1


def _scan(trigger: Trigger, stream: Stream, shard: Shard, lane: Lane, now: int) -> _Scan:
    """Gather the next batch from the lane's checkpoint, as Lambda would read it."""
    config = trigger._config
    width = config.tumbling_window_in_seconds * 1000
    region = trigger._region_world.region
    extra = _window_extra(trigger, shard, lane) if width else 0
    scan = _Scan(next_position=lane.position)
    texts: list[str] = []
    for record in _lane_records(stream, shard, trigger, lane):
        if not scan.records and _expired(trigger, shard, record, now):
            scan.expired.append(record)
            scan.next_position = record.sequence_number + 1
            continue
        if scan.expired:
            scan.exhausted = False
            break
        if width:
            start = window_start(record.created_ms, width)
            if scan.window_start is None:
                scan.window_start = start
            elif start != scan.window_start:
                scan.window_ended, scan.exhausted = True, False
                break
        text = event_record_text(record, region, stream.view_type, stream.arn)
        if not passes(config.filters, json.loads(text)):
            scan.next_position = record.sequence_number + 1
            continue
        too_many = len(scan.records) >= config.batch_size
        too_big = payload_size([*texts, text], extra) > MAX_PAYLOAD_BYTES
        if too_many or (too_big and scan.records):
            scan.full, scan.exhausted = True, False
            break
        scan.records.append(record)
        texts.append(text)
        scan.next_position = record.sequence_number + 1
    return scan


def _window_extra(trigger: Trigger, shard: Shard, lane: Lane) -> int:
    width = trigger._config.tumbling_window_in_seconds * 1000
    fields = window_fields(
        lane.window_start or 0,
        width,
        lane.state,
        shard.shard_id,
        trigger._stream_arn,
        final=False,
        terminated_early=False,
    )
    return fields_size(fields)


# -- invoking -----------------------------------------------------------------------------


def _build_invocation(
    trigger: Trigger, stream: Stream, shard: Shard, lane: Lane, batch: Batch, now: int
) -> tuple[dict[str, Any], LambdaContext]:
    region = trigger._region_world
    texts = [
        event_record_text(record, region.region, stream.view_type, stream.arn)
        for record in batch.records
    ]
    text = '{"Records":[' + ",".join(texts) + "]"
    width = trigger._config.tumbling_window_in_seconds * 1000
    if width:
        assert batch.window_start is not None
        fields = window_fields(
            batch.window_start,
            width,
            lane.state,
            shard.shard_id,
            stream.arn,
            final=batch.final,
            terminated_early=batch.terminated_early,
        )
        text += "," + encode(fields)[1:-1]
    # Parsed from the payload's text: the handler gets its own copy, as from the wire.
    event: dict[str, Any] = json.loads(text + "}")
    number = trigger._next_invoke_number()
    request_id = stable_uuid(f"{trigger.uuid}/{number}")
    context = LambdaContext(
        function_name=trigger.function_name,
        invoked_function_arn=trigger._function_arn,
        aws_request_id=request_id,
        log_stream_name=f"{_day(now)}/[$LATEST]{stable_uuid(trigger.uuid).replace('-', '')}",
        _deadline_ms=now + DEFAULT_TIMEOUT_MS,
        _now_ms=region.clock.now_ms,
    )
    return event, context


def _day(now_ms: int) -> str:
    return iso_seconds(now_ms)[:10].replace("-", "/")


def _invoke(
    trigger: Trigger, shard: Shard, batch: Batch, event: dict[str, Any], context: LambdaContext
) -> tuple[Invocation, Outcome]:
    error: BaseException | None = None
    result: Any = None
    try:
        result = trigger._handler(event, context)
    except Exception as raised:  # the function failed; Lambda retries, it does not crash
        error = raised
    batch.invocations += 1
    batch.request_id = context.aws_request_id
    batch.function_error = "Unhandled" if error is not None else None
    outcome = read_outcome(
        result,
        error,
        batch.sequences(),
        report_item_failures=trigger._config.report_batch_item_failures,
        tumbling=trigger._config.tumbling_window_in_seconds > 0,
    )
    invocation = Invocation(
        event=event,
        result=result,
        error=error,
        shard_id=shard.shard_id,
        ok=outcome.kind == SUCCESS,
        _context=context,
        _reason=outcome.reason,
    )
    return invocation, outcome


# -- applying the outcome -----------------------------------------------------------------


def _apply(
    trigger: Trigger,
    stream: Stream,
    shard: Shard,
    lane: Lane,
    batch: Batch,
    outcome: Outcome,
    now: int,
    notices: _Notices,
) -> None:
    config = trigger._config
    if outcome.kind == SUCCESS:
        _complete(lane, batch)
        _carry_window(trigger, lane, batch, outcome.state)
        return
    # A failed batch gets no second attempt in this call (api.md, "Triggers").
    lane.blocked = True
    exhausted = (
        config.maximum_retry_attempts != -1 and batch.retries >= config.maximum_retry_attempts
    )
    if outcome.kind == PARTIAL:
        assert outcome.failed_from is not None
        failed = [r for r in batch.records if r.sequence_number >= outcome.failed_from]
        if outcome.state is not None:
            lane.state = outcome.state
            lane.window_start = batch.window_start
        if exhausted:
            _discard(trigger, stream, shard, failed, RETRY_ATTEMPTS_EXHAUSTED, batch, now, notices)
            _complete(lane, batch)
            _close_if_final(lane, batch)
            lane.blocked = False
        elif config.bisect_batch_on_function_error:
            # With bisecting on, Lambda splits at the reported record and retries the rest.
            rest = _derived(batch, failed, batch.next_position, final=batch.final)
            rest.retries += 1
            _replace(lane, batch, [rest])
            lane.position = outcome.failed_from
        else:
            # The checkpoint moves to the lowest failure; the next read starts there and may
            # take newer records too. Partial failures count against the retry quota.
            _remove(lane, batch)
            lane.position = outcome.failed_from
            lane.carried_retries = batch.retries + 1
        return
    if config.bisect_batch_on_function_error and len(batch.records) > 1:
        # Bisecting uses no retry; a batch of one cannot split.
        half = len(batch.records) // 2
        first, second = batch.records[:half], batch.records[half:]
        halves = [
            _derived(batch, first, second[0].sequence_number, final=False),
            _derived(batch, second, batch.next_position, final=batch.final),
        ]
        _replace(lane, batch, halves)
    elif not exhausted:
        batch.retries += 1
        if not any(b is batch for b in lane.pending):
            lane.pending.insert(0, batch)
    else:
        _discard(
            trigger, stream, shard, batch.records, RETRY_ATTEMPTS_EXHAUSTED, batch, now, notices
        )
        _complete(lane, batch)
        _close_if_final(lane, batch)
        lane.blocked = False  # the next batch is a new one


def _derived(
    batch: Batch, records: list[StreamRecord], next_position: int, *, final: bool
) -> Batch:
    return Batch(
        records,
        next_position,
        retries=batch.retries,
        invocations=batch.invocations,
        request_id=batch.request_id,
        function_error=batch.function_error,
        window_start=batch.window_start,
        final=final,
    )


def _replace(lane: Lane, batch: Batch, replacements: list[Batch]) -> None:
    for index, pending in enumerate(lane.pending):
        if pending is batch:
            lane.pending[index : index + 1] = replacements
            return
    lane.pending[0:0] = replacements


def _remove(lane: Lane, batch: Batch) -> None:
    lane.pending[:] = [pending for pending in lane.pending if pending is not batch]


def _complete(lane: Lane, batch: Batch) -> None:
    _remove(lane, batch)
    lane.position = max(lane.position, batch.next_position)
    lane.carried_retries = 0


def _carry_window(trigger: Trigger, lane: Lane, batch: Batch, state: dict[str, Any] | None) -> None:
    if not trigger._config.tumbling_window_in_seconds:
        return
    if batch.terminated_early:
        # The window goes on with a fresh state.
        lane.end_window_early = False
        lane.state = {}
    elif batch.final:
        lane.window_start = None
        lane.state = {}
    else:
        lane.window_start = batch.window_start
        lane.state = state if state is not None else {}
        lane.end_window_early = state_too_large(lane.state)


def _close_if_final(lane: Lane, batch: Batch) -> None:
    if batch.final or batch.terminated_early:
        lane.end_window_early = False
        lane.state = {}
        if batch.final and not batch.terminated_early:
            lane.window_start = None


def _discard(
    trigger: Trigger,
    stream: Stream,
    shard: Shard,
    records: list[StreamRecord],
    condition: str,
    batch: Batch | None,
    now: int,
    notices: _Notices,
) -> None:
    """Skip records for good and tell the on-failure destination which ones."""
    if not records:
        return
    number = trigger._next_invoke_number()
    notices.payloads.append(
        on_failure_payload(
            condition=condition,
            request_id=(batch.request_id if batch else None)
            or stable_uuid(f"{trigger.uuid}/{number}"),
            function_arn=trigger._function_arn,
            invoke_count=batch.invocations if batch else 0,
            function_error=batch.function_error if batch else None,
            shard_id=shard.shard_id,
            records=records,
            stream_arn=stream.arn,
            now_ms=now,
        )
    )
