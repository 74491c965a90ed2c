"""The public objects: a trigger (an event source mapping) and one invocation of its handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..backend import readers
from ..backend.readers import Reader
from ..backend.shards import Shard
from ..backend.streams import Stream
from ..backend.world import RegionWorld
from .events import LambdaContext
from .lanes import ShardCursor, latest_position, new_cursor
from .parameters import TriggerConfig

OnFailure = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Invocation:
    """One call of a trigger's handler.

    ``event`` is what the handler received, ``result`` what it returned, ``error`` the
    exception it raised (or None), ``shard_id`` the shard the batch came from; ``ok`` is True
    when Lambda would count the batch done. A failed batch is retried whole:

    >>> import boto3
    >>> from dynastream_mock import mock_streams
    >>> def flaky(event, context):
    ...     if flaky.calls == 0:
    ...         flaky.calls += 1
    ...         raise ConnectionError("mail service down")
    >>> flaky.calls = 0
    >>> with mock_streams() as mock:
    ...     ddb = boto3.client("dynamodb", region_name="eu-west-1")
    ...     _ = ddb.create_table(
    ...         TableName="Users", BillingMode="PAY_PER_REQUEST",
    ...         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    ...         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    ...         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ...     trigger = mock.add_trigger("Users", flaky, StartingPosition="TRIM_HORIZON")
    ...     _ = ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    ...     _ = mock.run_triggers(), mock.run_triggers()
    >>> [invocation.ok for invocation in trigger.invocations]
    [False, True]
    >>> failed = trigger.invocations[0]
    >>> type(failed.error).__name__, failed.event["Records"][0]["eventName"]
    ('ConnectionError', 'INSERT')
    """

    event: dict[str, Any]
    result: Any
    error: BaseException | None
    shard_id: str
    ok: bool
    _context: LambdaContext = field(repr=False)
    _reason: str = ""


class Trigger:
    """A handler on a table's stream, as Lambda's event source mapping runs it.

    Made by ``mock.add_trigger(...)``; ``mock.run_triggers()`` delivers what is due::

        trigger = mock.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
        mock.run_triggers()
        trigger.invocations[-1].event["Records"]
        trigger.disable(); trigger.enable(); trigger.delete()

    While enabled it is a reader of every shard it has not finished, and holds that slot even
    when idle (see "The reader throttle" in the documentation's Stream behaviours page).
    """

    def __init__(
        self,
        *,
        uuid: str,
        handler: Callable[..., Any],
        function_name: str,
        function_arn: str,
        stream: Stream,
        region_world: RegionWorld,
        registry: list[Trigger],
        config: TriggerConfig,
        on_failure: OnFailure | None,
    ) -> None:
        self.uuid = uuid
        self._handler = handler
        self.function_name = function_name
        self._function_arn = function_arn
        self._stream_arn = stream.arn
        self._config = config
        self._on_failure = on_failure
        #: Every invocation so far, oldest first.
        self.invocations: list[Invocation] = []
        #: What the on-failure destination received, oldest first (also without ``on_failure``).
        self._discarded: list[dict[str, Any]] = []
        self._cursors: dict[str, ShardCursor] = {}
        self._region_world = region_world
        #: The trigger as a reader of its stream: a standing one while enabled.
        self._reader = Reader(f"trigger:{uuid}", "trigger")
        self._registry = registry
        self._state = "Enabled" if config.enabled else "Disabled"
        self._invoke_count = 0
        self._start(stream)

    # -- state ----------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """``Enabled``, ``Disabled`` or ``Deleted``, as the mapping's State would say."""
        return self._state

    @property
    def discarded(self) -> list[dict[str, Any]]:
        """What the on-failure destination received, oldest first (also without
        ``on_failure``): the records skipped after retries or by age (a copy)."""
        return list(self._discarded)

    @property
    def _enabled(self) -> bool:
        return self._state == "Enabled"

    def disable(self) -> None:
        """Stop delivering and free the reader slots; ``enable()`` resumes at the checkpoint."""
        self._check_not_deleted("disable")
        with self._region_world.lock:
            self._state = "Disabled"
            self._release_all()

    def enable(self) -> None:
        """Deliver again from the last checkpoint, taking back the reader slots."""
        self._check_not_deleted("enable")
        with self._region_world.lock:
            self._state = "Enabled"
            now = self._region_world.touch()
            stream = self._stream()
            if stream is not None:
                self._claim_all(stream, now)

    def delete(self) -> None:
        """Remove the trigger for good; its slots are freed and its history kept."""
        with self._region_world.lock:
            if self._state == "Deleted":
                return
            self._state = "Deleted"
            self._release_all()
            if self in self._registry:
                self._registry.remove(self)

    def _check_not_deleted(self, verb: str) -> None:
        if self._state == "Deleted":
            raise RuntimeError(f"cannot {verb} {self!r}: it was deleted; add a new trigger")

    # -- shards and reader slots (called with the region's lock held) ---------------------

    def _stream(self) -> Stream | None:
        return self._region_world.streams.get(self._stream_arn)

    def _start(self, stream: Stream) -> None:
        with self._region_world.lock:
            now = self._region_world.touch()
            latest = self._config.starting_position == "LATEST"
            for shard in stream.lineage_order():
                position = latest_position(shard) if latest else None
                cursor = new_cursor(shard, self._config.parallelization_factor, position)
                if latest and not shard.is_open:
                    # LATEST starts at the open shards: closed ones hold only the past.
                    for lane in cursor.lanes:
                        lane.finished = True
                self._cursors[shard.shard_id] = cursor
            if self._enabled:
                self._claim_all(stream, now)

    def _cursor(self, shard: Shard) -> ShardCursor:
        """The cursor of ``shard``; a shard born after the trigger starts at its beginning."""
        cursor = self._cursors.get(shard.shard_id)
        if cursor is None:
            cursor = new_cursor(shard, self._config.parallelization_factor)
            self._cursors[shard.shard_id] = cursor
        return cursor

    def _forget_gone_shards(self, stream: Stream) -> None:
        for shard_id in [s for s in self._cursors if s not in stream.shards]:
            del self._cursors[shard_id]

    def _claim(self, stream: Stream, shard: Shard, now: int) -> bool:
        """Hold a reader slot on an unfinished shard; False when the throttle refuses it."""
        if self._cursor(shard).finished:
            readers.release(stream, shard, self._reader)
            return True
        return readers.seat(self._region_world.settings, stream, shard, self._reader, now)

    def _claim_all(self, stream: Stream, now: int) -> None:
        readers.register_standing(stream, self._reader)
        for shard in stream.lineage_order():
            self._claim(stream, shard, now)

    def _release(self, stream: Stream, shard: Shard) -> None:
        readers.release(stream, shard, self._reader)

    def _release_all(self) -> None:
        stream = self._stream()
        if stream is not None:
            readers.unregister_standing(stream, self._reader)

    # -- bookkeeping ----------------------------------------------------------------------

    def _next_invoke_number(self) -> int:
        self._invoke_count += 1
        return self._invoke_count

    def __repr__(self) -> str:
        return (
            f"<Trigger {self.function_name} on {self._stream_arn} {self._state}, "
            f"{len(self.invocations)} invocations>"
        )
