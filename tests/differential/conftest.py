"""The differential suite: DynamoDB Local's side replayed from recordings, or run live.

See ``recordings.py`` for the modes (``DYNASTREAM_DIFFERENTIAL``); only ``live`` and
``record`` start DynamoDB Local, once per session.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import recordings
from harness import Scenario, check_against, run_local
from local_server import LocalServer, LocalUnavailable

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.differential)


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[LocalServer]:
    try:
        server = LocalServer()
    except LocalUnavailable as reason:
        pytest.skip(f"DynamoDB Local unavailable: {reason}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def differential(request: pytest.FixtureRequest) -> Callable[[Scenario], None]:
    """Run a scenario against dynastream_mock and compare with DynamoDB Local's answers."""
    test_id = request.node.name
    module = Path(str(request.node.fspath))
    mode = recordings.mode()
    server: LocalServer | None = (
        None if mode == "replay" else request.getfixturevalue("dynamodb_local")
    )

    def run(scenario: Scenario) -> None:
        if server is None:
            try:
                local_steps = recordings.load(module, test_id)
            except recordings.RecordingUnusable as reason:
                pytest.fail(str(reason), pytrace=False)
        else:
            local_steps = run_local(server.endpoint, scenario)
            if mode == "record":
                recordings.save(module, test_id, local_steps, server.version)
        check_against(test_id, scenario, local_steps)

    return run
