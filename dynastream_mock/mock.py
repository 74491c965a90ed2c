"""``mock_streams``: decorator, context manager and control object, in one.

Every start makes a fresh world; the first active mock installs interception and the last
one out removes it; the innermost active mock answers.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import threading
import unittest
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar, overload

from . import intercept, tools, triggers
from .api.dispatch import dispatch
from .backend.world import RegionWorld, World
from .clock import Clock
from .errors import AwsError, InternalServerError
from .faults import Faults
from .intercept import backoff
from .intercept.hosts import Destination, resolve_host
from .intercept.responder import host_of
from .options import build_settings
from .wire.protocol import WireAnswer, serve

logger = logging.getLogger("dynastream_mock")

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

# Set on the functions the decorator made, so a class decorator never wraps one twice.
_DECORATED = "__dynastream_mock_decorated__"

#: Fake credentials while a mock is active, so no client signs with a real account's keys.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "dynastream-testing",
    "AWS_SECRET_ACCESS_KEY": "dynastream-testing",
    "AWS_SESSION_TOKEN": "dynastream-testing",
    "AWS_SECURITY_TOKEN": "dynastream-testing",
}
#: Hidden while a mock is active: an explicit profile can make botocore look for a profile
#: that is not there; a real account id would route requests to that account's hosts; an
#: expiry time would make botocore try to refresh the fake credentials.
HIDDEN_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCOUNT_ID",
    "AWS_CREDENTIAL_EXPIRATION",
)

_Environment = dict[str, "str | None"]

#: The active mocks, oldest first; the last one answers.
_active: list[MockStreams] = []
_active_lock = threading.Lock()


def current() -> MockStreams:
    """The innermost active mock; ``RuntimeError`` when none is active.

    >>> with mock_streams() as mock:
    ...     assert current() is mock
    """
    with _active_lock:
        if not _active:
            raise RuntimeError(
                "no dynastream_mock is active; use @mock_streams, `with mock_streams() as "
                "mock:`, or the `dynastream` pytest fixture"
            )
        return _active[-1]


def _respond(url: str, headers: Mapping[str, str], body: bytes | str | None) -> WireAnswer | None:
    destination = resolve_host(host_of(url))
    if destination is None:
        return None
    with _active_lock:
        mock = _active[-1] if _active else None
    if mock is None:
        return None
    # A retry back-off after this answer advances this mock's clock instead of sleeping.
    backoff.note_answered(mock.clock)
    return mock.serve(destination, headers, body)


def _clock_for(url: str) -> Clock | None:
    """The clock of the mock that would answer ``url`` (None when the URL is not ours)."""
    if resolve_host(host_of(url)) is None:
        return None
    with _active_lock:
        return _active[-1].clock if _active else None


def _internal_error(error: BaseException) -> AwsError:
    # A bug in the mock must still reach the client as a well-formed AWS answer.
    logger.exception("dynastream_mock failed to answer a request", exc_info=error)
    return InternalServerError(
        f"dynastream_mock failed on this request ({type(error).__name__}: {error}); "
        "please report it"
    )


class MockStreams:
    """An in-memory DynamoDB and DynamoDB Streams, answering every botocore client.

    Use it as a decorator, a context manager, or with ``start()`` / ``stop()``::

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

    def __init__(self, **options: Any) -> None:
        self._options = dict(options)
        self.settings = build_settings(options)
        self.clock = Clock()
        #: Injected failures (``mock.faults.add(...)``); emptied with the world.
        self.faults = Faults()
        self._world: World | None = None
        self._started = False
        # The environment as it was before this mock's start(), to put back on stop().
        self._saved_environment: _Environment | None = None
        self.clock.on_advance(self._touch_world)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether this mock is started and not yet stopped."""
        return self._world is not None

    def start(self) -> MockStreams:
        """Activate with a fresh, empty world and return the mock itself.

        Starting a mock again after ``stop()`` starts over: a fresh world, and the clock back
        on the wall clock.

        >>> mock = mock_streams().start()
        >>> mock.stop()
        """
        if self._world is not None:
            raise RuntimeError(
                f"{self!r} is already active; stop() it first, or start a new "
                "mock_streams() to nest a fresh world inside this one"
            )
        if self._started:
            # A frozen or advanced clock is state of the previous run, like its tables.
            self.clock._restart()
        saved = _snapshot_environment()
        intercept.install(_respond, _clock_for)
        try:
            os.environ.update(FAKE_CREDENTIALS)
            for name in HIDDEN_VARIABLES:
                os.environ.pop(name, None)
            world = self._new_world()
            with _active_lock:
                self._saved_environment = saved
                self._world = world
                self._started = True
                _active.append(self)
        except BaseException:
            try:
                _restore_environment(saved)
            finally:
                intercept.uninstall()
            raise
        return self

    def stop(self) -> None:
        """Deactivate, undoing exactly what ``start()`` did; harmless when not active.

        Mocks may stop in any order: the environment comes back as it was before the
        first of them started once the last one stops.
        """
        with _active_lock:
            if self._world is None:
                return
            saved = self._saved_environment
            position = _active.index(self)
            del _active[position]
            if position < len(_active):
                # A mock started after this one saw the environment this one set up;
                # hand it ours so the last one out restores what came before both.
                _active[position]._saved_environment = saved
                saved = None
            self._world = None
            self._saved_environment = None
        try:
            if saved is not None:
                _restore_environment(saved)
        finally:
            intercept.uninstall()

    def reset(self) -> None:
        """Empty the world (tables, streams, triggers, faults); stay active; keep the clock.

        >>> with mock_streams() as mock:
        ...     mock.reset()
        """
        if self._world is None:
            raise RuntimeError(f"reset() needs an active mock; start() {self!r} first")
        self._world = self._new_world()

    def _new_world(self) -> World:
        # The only place a world is made: everything a run accumulates (tables, streams,
        # and later triggers) lives in it, so replacing it clears all of it; the faults
        # belong to the request path, not the world, and are cleared with it.
        self.faults.clear()
        return World(self.settings, self.clock)

    def __enter__(self) -> MockStreams:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- decorator ------------------------------------------------------------------------

    def fresh(self) -> MockStreams:
        """A new, inactive mock with the same options (one for each decorated call)."""
        return MockStreams(**self._options)

    @overload
    def __call__(self, target: C) -> C: ...
    @overload
    def __call__(self, target: F) -> F: ...
    def __call__(self, target: Any) -> Any:
        """Decorate a function, coroutine function, method or class.

        Each call of the decorated function runs in a fresh mock with this one's options.
        """
        if inspect.isclass(target):
            return self._decorate_class(target)
        if isinstance(target, (staticmethod, classmethod)):
            return type(target)(self._decorate_function(target.__func__))
        if not callable(target):
            raise TypeError(
                "mock_streams decorates a function, a coroutine function or a class, got "
                f"{target!r}; options are keywords: mock_streams(partitions=4)"
            )
        return self._decorate_function(target)

    def _decorate_function(self, function: F) -> F:
        # functools.wraps keeps the name, the marks and (through __wrapped__) the
        # signature, so pytest still injects fixtures into a decorated test.
        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.fresh():
                    return await function(*args, **kwargs)

        elif inspect.isasyncgenfunction(function):

            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.fresh():
                    async for item in function(*args, **kwargs):
                        yield item

        elif inspect.isgeneratorfunction(function):

            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.fresh():
                    return (yield from function(*args, **kwargs))

        else:

            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.fresh():
                    return function(*args, **kwargs)

        setattr(wrapper, _DECORATED, True)
        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: C) -> C:
        if issubclass(cls, unittest.TestCase):
            # Around run(): one fresh world per test method, shared by its setUp, the test,
            # its tearDown and its cleanups, and stopped even when setUp raises.
            for name in ("run", "debug"):
                setattr(cls, name, self._around_test_case(getattr(cls, name)))
            return cls
        for name in dir(cls):
            if not name.startswith("test"):
                continue
            member = inspect.getattr_static(cls, name)
            function = (
                member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            )
            # Methods already decorated (here, or on a decorated base class) keep theirs.
            if not inspect.isfunction(function) or getattr(function, _DECORATED, False):
                continue
            setattr(cls, name, self(member))
        return cls

    def _around_test_case(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def around(test: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
            with self.fresh():
                return method(test, *args, **kwargs)

        return around

    # -- tools ----------------------------------------------------------------------------

    def _active_world(self, tool: str) -> World:
        world = self._world
        if world is None:
            raise RuntimeError(f"{tool}() needs an active mock; start() {self!r} first")
        return world

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
        world = self._active_world("split_shard")
        return tools.split_shard(world, table, shard_id, children, region=region)

    def stream_records(
        self, table_or_arn: str, *, region: str | None = None
    ) -> list[dict[str, Any]]:
        """Every retained record of the stream, in the order a correct consumer sees them.

        Parents before children, each shard in sequence order, each record shaped as
        boto3's ``get_records()["Records"]``. Not a reader: the throttle never sees it.

        >>> [r["eventName"] for r in mock.stream_records("Users")]  # doctest: +SKIP
        ['INSERT', 'MODIFY']
        """
        world = self._active_world("stream_records")
        return tools.stream_records(world, table_or_arn, region=region)

    def add_trigger(
        self,
        table_or_stream_arn: str,
        handler: Callable[[dict[str, Any], Any], Any],
        *,
        # Spelled as in the Lambda API, so a mapping's parameters can be pasted in.
        StartingPosition: str,
        BatchSize: int = 100,
        MaximumBatchingWindowInSeconds: int = 0,
        MaximumRetryAttempts: int = -1,
        MaximumRecordAgeInSeconds: int = -1,
        BisectBatchOnFunctionError: bool = False,
        ParallelizationFactor: int = 1,
        FunctionResponseTypes: list[str] | None = None,
        FilterCriteria: dict[str, Any] | None = None,
        TumblingWindowInSeconds: int = 0,
        Enabled: bool = True,
        on_failure: Callable[[dict[str, Any]], Any] | None = None,
        region: str | None = None,
    ) -> triggers.Trigger:
        """Run ``handler`` on the stream as a Lambda event source mapping would.

        The parameters are CreateEventSourceMapping's that apply to DynamoDB Streams, with
        Lambda's defaults; values Lambda refuses raise ``botocore.exceptions.ClientError``
        with Lambda's code and message. ``on_failure`` receives what an on-failure
        destination would. Nothing runs until ``run_triggers()``.

        >>> trigger = mock.add_trigger(  # doctest: +SKIP
        ...     "Users", handler, StartingPosition="TRIM_HORIZON", BatchSize=10,
        ...     FunctionResponseTypes=["ReportBatchItemFailures"], on_failure=failed.append,
        ... )
        """
        world = self._active_world("add_trigger")
        parameters = {
            "StartingPosition": StartingPosition,
            "BatchSize": BatchSize,
            "MaximumBatchingWindowInSeconds": MaximumBatchingWindowInSeconds,
            "MaximumRetryAttempts": MaximumRetryAttempts,
            "MaximumRecordAgeInSeconds": MaximumRecordAgeInSeconds,
            "BisectBatchOnFunctionError": BisectBatchOnFunctionError,
            "ParallelizationFactor": ParallelizationFactor,
            "FunctionResponseTypes": FunctionResponseTypes,
            "TumblingWindowInSeconds": TumblingWindowInSeconds,
            "Enabled": Enabled,
        }
        return triggers.add_trigger(
            world,
            table_or_stream_arn,
            handler,
            parameters=parameters,
            filter_criteria=FilterCriteria,
            on_failure=on_failure,
            region=region,
        )

    def run_triggers(self) -> list[triggers.Invocation]:
        """Make every trigger invocation that is due, now, in this thread; return them.

        Stops when no trigger can make progress. A failing batch gets one attempt per call
        (each half of a bisected batch too), so a test can count retries.

        >>> [invocation.ok for invocation in mock.run_triggers()]  # doctest: +SKIP
        [True]
        """
        return triggers.run_triggers(self._active_world("run_triggers"))

    # -- serving --------------------------------------------------------------------------

    def region_world(self, account_id: str, region: str) -> RegionWorld:
        return self._active_world("region_world").region(account_id, region)

    def serve(
        self, destination: Destination, headers: Mapping[str, str], body: bytes | str | None
    ) -> WireAnswer:
        """Answer one request addressed to ``destination``."""
        account = destination.account_id or self.settings.account_id
        world = self.region_world(account, destination.region)
        service = destination.service

        def run(operation: str, params: dict[str, Any]) -> dict[str, Any]:
            injected = self.faults.take(operation, params)
            if injected is not None:
                raise injected
            return dispatch(world, service, operation, params)

        return serve(service, headers.get("X-Amz-Target"), body, run, _internal_error)

    def _touch_world(self) -> None:
        if self._world is not None:
            self._world.touch_all()

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        options = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"<MockStreams({options}) {state}>"


def _snapshot_environment() -> _Environment:
    return {name: os.environ.get(name) for name in (*FAKE_CREDENTIALS, *HIDDEN_VARIABLES)}


def _restore_environment(saved: _Environment) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@overload
def mock_streams(target: F, /) -> F: ...
@overload
def mock_streams(target: None = None, /, **options: Any) -> MockStreams: ...
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
