"""Shared fixtures: boto3 clients made the way users make them, inside the project's own
``dynastream`` fixture (an active mock); shared helpers are in ``helpers.py``."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams


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
