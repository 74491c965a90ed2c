"""``mock_streams``: decorator, context manager and control object, in one.

Every start makes a fresh world; the first active mock installs interception and the last
one out removes it; the innermost active mock answers.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .clock import Clock
from .controls import Controls
from .decorating import decorate
from .faults import Faults
from .intercept import active
from .intercept.moto_services import moto_outside_services
from .options import DEFAULTS, MockOptions, build_settings
from .service import Service

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


class MockStreams(Controls):
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
        self._servers = []
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
        service = Service(self._settings, self.clock, self.faults, moto_outside_services)
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
            self._stop_servers()
            self._service = None
            active.deactivate(self)

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
