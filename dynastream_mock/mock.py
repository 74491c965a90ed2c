"""``mock_streams``: decorator, context manager and control object, in one.

Every start makes a fresh world; the first active mock installs interception and the last
one out removes it; the innermost active mock answers.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from . import tools, triggers
from .clock import Clock
from .decorating import decorate
from .faults import Faults
from .intercept import active
from .options import DEFAULTS, MockOptions, build_settings
from .service import Service
from .triggers import Invocation, Trigger, TriggerParameters

if TYPE_CHECKING:
    from typing_extensions import Unpack

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


def current() -> MockStreams:
    """The innermost active mock; ``RuntimeError`` when none is active.

    >>> with mock_streams() as mock:
    ...     assert current() is mock
    """
    found = active.innermost_owner()
    if not isinstance(found, MockStreams):
        raise RuntimeError(
            "no dynastream_mock is active; use @mock_streams, `with mock_streams() as "
            "mock:`, or the `dynastream` pytest fixture"
        )
    return found


class MockStreams:
    """An in-memory DynamoDB and DynamoDB Streams, answering every botocore client.

    Use it as a decorator, a context manager (``with`` or ``async with``), or with
    ``start()`` / ``stop()``::

        with mock_streams(partitions=2) as mock:
            ddb = boto3.client("dynamodb", region_name="eu-west-1")
            ...
            mock.clock.advance(minutes=16)

    As a decorator it runs each call in a fresh mock with the same options (a fresh world
    and a fresh clock): a function, coroutine function or generator function; every
    ``test*`` method of a plain class (inherited ones too); on a ``unittest.TestCase``
    each test method's ``setUp``, test, ``tearDown`` and cleanups share one world
    (``setUpClass`` runs outside it). Mocks nest: the innermost active one answers.
    """

    def __init__(self, **options: Unpack[MockOptions]) -> None:
        self._options: dict[str, Any] = dict(options)
        self._settings = build_settings(options)
        #: Virtual time; usable whether or not the mock is active.
        self.clock = Clock()
        #: Injected failures (``mock.faults.add(...)``), while active; emptied with the world.
        self.faults = Faults(self._running)
        self._service: Service | None = None
        self._started = False
        self.clock.on_advance(self._touch)

    @property
    def options(self) -> dict[str, Any]:
        """Every option this mock runs with, defaults included (a copy)."""
        return {**DEFAULTS, **self._options}

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether this mock is started and not yet stopped."""
        return self._service is not None

    def start(self) -> MockStreams:
        """Activate with a fresh, empty world and return the mock itself.

        Starting a mock again after ``stop()`` starts over: a fresh world, and the clock back
        on the wall clock.

        >>> mock = mock_streams().start()
        >>> mock.stop()
        """
        if self._service is not None:
            raise RuntimeError(
                f"{self!r} is already active; stop() it first, or start a new "
                "mock_streams() to nest a fresh world inside this one"
            )
        if self._started:
            # A frozen or advanced clock is state of the previous run, like its tables.
            self.clock._restart()
        self.faults._clear()
        service = Service(self._settings, self.clock, self.faults)
        active.activate(self, service)
        self._service = service
        self._started = True
        return self

    def stop(self) -> None:
        """Deactivate, undoing exactly what ``start()`` did; harmless when not active.

        Mocks may stop in any order: the environment comes back as it was before the
        first of them started once the last one stops.
        """
        if self._service is not None:
            self._service = None
            active.deactivate(self)

    def reset(self) -> None:
        """Empty the world (tables, streams, triggers, faults); stay active; keep the clock.

        >>> with mock_streams() as mock:
        ...     mock.reset()
        """
        self._running("reset").reset()

    def __enter__(self) -> MockStreams:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MockStreams:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @overload
    def __call__(self, target: C) -> C: ...
    @overload
    def __call__(self, target: F) -> F: ...
    def __call__(self, target: Any) -> Any:
        """Decorate a function, coroutine function, method or class.

        Each call of the decorated function runs in a fresh mock with this one's options.
        """
        return decorate(target, lambda: MockStreams(**self._options))

    # -- tools ----------------------------------------------------------------------------

    def _running(self, tool: str) -> Service:
        service = self._service
        if service is None:
            raise RuntimeError(f"{tool}() needs an active mock; start() {self!r} first")
        return service

    def split_shard(
        self,
        table: str,
        shard_id: str | None = None,
        children: int = 2,
        *,
        region: str | None = None,
    ) -> list[str]:
        """Close one open shard (or all) of the table's stream and open ``children`` children.

        The children's hash ranges divide the parent's, so every key keeps a single
        successor and per-key order holds. Returns the new shard ids.

        >>> mock.split_shard("Orders")  # doctest: +SKIP
        ['shardId-00000001700000000000-1a2b3c4d', 'shardId-00000001700000000000-5e6f7a8b']
        """
        return tools.split_shard(
            self._running("split_shard").world, table, shard_id, children, region=region
        )

    def stream_records(
        self, table_or_arn: str, *, region: str | None = None
    ) -> list[dict[str, Any]]:
        """Every retained record of the stream, in the order a correct consumer sees them.

        Parents before children, each shard in sequence order, each record shaped as
        boto3's ``get_records()["Records"]``. Not a reader: the throttle never sees it.

        >>> [r["eventName"] for r in mock.stream_records("Users")]  # doctest: +SKIP
        ['INSERT', 'MODIFY']
        """
        return tools.stream_records(
            self._running("stream_records").world, table_or_arn, region=region
        )

    def add_trigger(
        self,
        table_or_stream_arn: str,
        handler: Callable[[dict[str, Any], Any], Any],
        *,
        on_failure: Callable[[dict[str, Any]], Any] | None = None,
        region: str | None = None,
        **parameters: Unpack[TriggerParameters],
    ) -> Trigger:
        """Run ``handler`` on the stream as a Lambda event source mapping would.

        ``parameters`` are CreateEventSourceMapping's that apply to DynamoDB Streams, spelled
        as in the Lambda API (``StartingPosition`` is required), with Lambda's defaults;
        values Lambda refuses raise ``botocore.exceptions.ClientError`` with Lambda's code and
        message. ``on_failure`` receives what an on-failure destination would. Nothing runs
        until ``run_triggers()``.
        """
        service = self._running("add_trigger")
        return triggers.add_trigger(
            service.world,
            service.triggers,
            table_or_stream_arn,
            handler,
            parameters=parameters,
            on_failure=on_failure,
            region=region,
        )

    def run_triggers(self) -> list[Invocation]:
        """Make every trigger invocation that is due, now, in this thread; return them.

        Stops when no trigger can make progress. A failing batch gets one attempt per call
        (each half of a bisected batch too), so a test can count retries.

        >>> [invocation.ok for invocation in mock.run_triggers()]  # doctest: +SKIP
        [True]
        """
        return triggers.run_triggers(self._running("run_triggers").triggers)

    def _touch(self) -> None:
        service = self._service
        if service is not None:
            service.touch()

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        options = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"<MockStreams({options}) {state}>"


@overload
def mock_streams(target: F, /) -> F: ...
@overload
def mock_streams(target: None = None, /, **options: Unpack[MockOptions]) -> MockStreams: ...
def mock_streams(target: Any = None, /, **options: Any) -> Any:
    """Fake DynamoDB and DynamoDB Streams for a function, a class or a ``with`` block.

    >>> @mock_streams
    ... def test_signup(): ...
    >>> @mock_streams(partitions=4)
    ... def test_parallel(): ...
    >>> with mock_streams() as mock:
    ...     mock.clock.freeze()
    """
    if target is None:
        return MockStreams(**options)
    if options:
        raise TypeError("use @mock_streams(option=...) with keywords only, not with a target")
    return MockStreams()(target)
