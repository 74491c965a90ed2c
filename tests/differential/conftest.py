"""The differential suite's DynamoDB Local: fetched, started once per session, stopped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import Scenario, run_both
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
def differential(
    dynamodb_local: LocalServer, request: pytest.FixtureRequest
) -> Callable[[Scenario], None]:
    """Run a scenario against DynamoDB Local and dynastream_mock and compare the answers."""
    test_id = request.node.name

    def run(scenario: Scenario) -> None:
        run_both(dynamodb_local.endpoint, test_id, scenario)

    return run
