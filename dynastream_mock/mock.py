"""``mock_streams``: decorator, context manager and control object, in one.

Every start makes a fresh world; the first active mock installs interception and the last
one out removes it; the innermost active mock answers.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import unittest
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar, overload

import wrapt

from . import intercept
from .api.dispatch import dispatch
from .backend.world import RegionWorld, World
from .clock import Clock
from .errors import AwsError, InternalServerError
from .intercept.hosts import Destination, resolve_host
from .intercept.responder import host_of
from .options import build_settings
from .wire.protocol import WireAnswer, serve

logger = logging.getLogger("dynastream_mock")

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

#: Fake credentials while a mock is active, so no client signs with a real account's keys.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "dynastream-testing",
    "AWS_SECRET_ACCESS_KEY": "dynastream-testing",
    "AWS_SESSION_TOKEN": "dynastream-testing",
    "AWS_SECURITY_TOKEN": "dynastream-testing",
}
# An explicit profile makes botocore skip environment credentials: hide it while active.
_HIDDEN_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")

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
    return mock.serve(destination, headers, body)


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
    """

    def __init__(self, **options: Any) -> None:
        self._options = dict(options)
        self.settings = build_settings(options)
        self.clock = Clock()
        self._world: World | None = None
        self._saved_environment: dict[str, str | None] | None = None
        self.clock.on_advance(self._touch_world)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._world is not None

    def start(self) -> MockStreams:
        """Activate with a fresh, empty world. Returns the mock itself."""
        if self._world is not None:
            raise RuntimeError("this mock_streams is already active; stop() it first")
        saved = {name: os.environ.get(name) for name in (*FAKE_CREDENTIALS, *_HIDDEN_VARIABLES)}
        intercept.install(_respond)
        try:
            os.environ.update(FAKE_CREDENTIALS)
            for name in _HIDDEN_VARIABLES:
                os.environ.pop(name, None)
            self._saved_environment = saved
            self._world = World(self.settings, self.clock)
            with _active_lock:
                _active.append(self)
        except BaseException:
            _restore_environment(saved)
            intercept.uninstall()
            raise
        return self

    def stop(self) -> None:
        """Deactivate: undo exactly what ``start()`` did."""
        if self._world is None:
            return
        try:
            with _active_lock:
                _active.remove(self)
            self._world = None
        finally:
            try:
                if self._saved_environment is not None:
                    _restore_environment(self._saved_environment)
                    self._saved_environment = None
            finally:
                intercept.uninstall()

    def reset(self) -> None:
        """Empty the world (tables, streams, triggers, faults); stay active; keep the clock."""
        if self._world is None:
            raise RuntimeError("reset() needs an active mock; start() it first")
        self._world = World(self.settings, self.clock)

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
        """A new, inactive mock with the same options (for each decorated call)."""
        return MockStreams(**self._options)

    @overload
    def __call__(self, target: F) -> F: ...
    @overload
    def __call__(self, target: C) -> C: ...
    def __call__(self, target: Any) -> Any:
        if inspect.isclass(target):
            return self._decorate_class(target)
        if not callable(target):
            raise TypeError(
                f"mock_streams decorates a function, a coroutine function or a class, "
                f"got {target!r}"
            )
        return self._decorate_function(target)

    def _decorate_function(self, function: F) -> F:
        if inspect.iscoroutinefunction(function):

            @wrapt.decorator
            async def run_async(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
                with self.fresh():
                    return await wrapped(*args, **kwargs)

            return run_async(function)  # type: ignore[no-any-return]

        @wrapt.decorator
        def run(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
            with self.fresh():
                return wrapped(*args, **kwargs)

        return run(function)  # type: ignore[no-any-return]

    def _decorate_class(self, cls: C) -> C:
        if issubclass(cls, unittest.TestCase):
            # One fresh world per test method, shared by its setUp, the test and tearDown;
            # addCleanup runs even when setUp fails.
            original_setup = cls.setUp
            template = self

            def setUp(test: unittest.TestCase) -> None:  # noqa: N802 (unittest's name)
                mock = template.fresh().start()
                test.addCleanup(mock.stop)
                original_setup(test)

            cls.setUp = setUp  # type: ignore[method-assign]
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and callable(member):
                setattr(cls, name, self._decorate_function(member))
        return cls

    # -- serving --------------------------------------------------------------------------

    def region_world(self, account_id: str, region: str) -> RegionWorld:
        world = self._world
        if world is None:
            raise RuntimeError("this mock is not active; start() it first")
        return world.region(account_id, region)

    def serve(
        self, destination: Destination, headers: Mapping[str, str], body: bytes | str | None
    ) -> WireAnswer:
        """Answer one request addressed to ``destination``."""
        account = destination.account_id or self.settings.account_id
        world = self.region_world(account, destination.region)
        service = destination.service

        def run(operation: str, params: dict[str, Any]) -> dict[str, Any]:
            return dispatch(world, service, operation, params)

        return serve(service, headers.get("X-Amz-Target"), body, run, _internal_error)

    def _touch_world(self) -> None:
        if self._world is not None:
            self._world.touch_all()

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        options = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"<MockStreams({options}) {state}>"


def _restore_environment(saved: dict[str, str | None]) -> None:
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
