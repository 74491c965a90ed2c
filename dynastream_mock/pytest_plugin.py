"""The pytest plugin: the ``dynastream`` and ``dynastream_server`` fixtures and the marker.

Registered through the package's ``pytest11`` entry point, so installing the package is
enough::

    def test_signup(dynastream):
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        ...
        dynastream.clock.advance(minutes=16)

    @pytest.mark.dynastream(partitions=3, max_readers_per_shard=None)
    def test_three_shards(dynastream): ...

The marker takes the keyword options of ``mock_streams(...)``. Markers on the module, the
class and the function are merged, the closest one winning for each option. A test with the
marker gets the fixture even when it does not name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from .mock import MockStreams, mock_streams
from .server import MockServer

MARKER = "dynastream"


def pytest_configure(config: pytest.Config) -> None:
    # Registered so that --strict-markers accepts it.
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test in a fresh mock_streams(**options), "
        "the `dynastream` fixture",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixturenames = getattr(item, "fixturenames", None)
        if (
            isinstance(fixturenames, list)
            and MARKER not in fixturenames
            and "dynastream_server" not in fixturenames  # it makes its own mock
            and item.get_closest_marker(MARKER) is not None
        ):
            # Put first, so the test's other fixtures already see the mock.
            fixturenames.insert(0, MARKER)


def marker_options(markers: Iterable[pytest.Mark]) -> dict[str, Any]:
    """The ``mock_streams`` options that ``dynastream`` markers, closest first, ask for.

    >>> marker_options([pytest.mark.dynastream(partitions=3).mark])
    {'partitions': 3}
    """
    options: dict[str, Any] = {}
    # Apply the farthest first so that closer markers win.
    for marker in reversed(list(markers)):
        if marker.args:
            raise TypeError(
                f"@pytest.mark.{MARKER} takes keyword options only, got positional "
                f"{marker.args!r}; e.g. @pytest.mark.{MARKER}(partitions=3)"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def dynastream(request: pytest.FixtureRequest) -> Iterator[MockStreams]:
    """An active ``mock_streams``, fresh for each test and stopped after it.

    >>> def test_clock(dynastream):
    ...     dynastream.clock.freeze()
    ...     dynastream.clock.advance(seconds=5)
    """
    options = marker_options(request.node.iter_markers(MARKER))
    chaos = options.pop("chaos", None)
    with mock_streams(**options) as mock:
        _start_chaos(mock, chaos)
        yield mock


@pytest.fixture
def dynastream_server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """An active ``mock_streams`` (options from the ``dynastream`` marker) and its HTTP
    server on a free loopback port, fresh for each test; ``.mock`` is the control object.

    >>> def test_node_consumer(dynastream_server):
    ...     env = dynastream_server.env()    # for a child process's AWS SDK
    ...     dynastream_server.mock.clock.advance(minutes=16)
    """
    options = marker_options(request.node.iter_markers(MARKER))
    chaos = options.pop("chaos", None)
    with mock_streams(**options) as mock, mock.serve_http(port=0) as server:
        _start_chaos(mock, chaos)
        yield server


def _start_chaos(mock: MockStreams, chaos: Any) -> None:
    # The marker's chaos={"seed": N, ...} key is mock.chaos(**value), not a mock option.
    if chaos is None:
        return
    if not isinstance(chaos, dict) or "seed" not in chaos:
        raise TypeError(
            f"@pytest.mark.{MARKER}(chaos=...) takes a dict of mock.chaos() arguments with a "
            f'"seed", e.g. chaos={{"seed": 7}}; got {chaos!r}'
        )
    mock.chaos(**chaos)
