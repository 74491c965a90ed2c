"""Shared fixtures: boto3 clients made the way users make them, inside the project's own
``dynastream`` fixture (an active mock); shared helpers are in ``helpers.py``."""

from __future__ import annotations

from typing import Any

import boto3
import http_door
import pytest
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "in_process_only(reason): what only the in-process door has; not run through the "
        "HTTP door (DYNASTREAM_TEST_DOOR=http)",
    )
    if http_door.door() == "http":
        http_door.install()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if http_door.door() != "http":
        return
    for item in items:
        marker = item.get_closest_marker("in_process_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "in-process only"
            item.add_marker(pytest.mark.skip(reason=f"in-process door only: {reason}"))


@pytest.fixture
def ddb(dynastream: MockStreams) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def streams(dynastream: MockStreams) -> Any:
    return boto3.client("dynamodbstreams", region_name=REGION)


@pytest.fixture
def table(dynastream: MockStreams, ddb: Any) -> str:
    """The Users table with a stream, on a frozen clock; its stream ARN."""
    dynastream.clock.freeze()
    arn: str = create_stream_table(ddb)["LatestStreamArn"]
    return arn
