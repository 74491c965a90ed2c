"""The switch that runs the boto3 suites a second time through the server's HTTP door.

``DYNASTREAM_TEST_DOOR=http``: every ``dynamodb`` / ``dynamodbstreams`` client a test makes
while a mock is active gets ``endpoint_url`` pointed at that mock's own server
(``mock.serve_http()``, started on first use) and an access key id of its own, so a reader
is one client over both doors. Tests of what only one door has (host names, botocore's
sessions, the fake environment) carry ``@pytest.mark.in_process_only(reason)``.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import botocore.session

import dynastream_mock

VARIABLE = "DYNASTREAM_TEST_DOOR"
_SERVICES = ("dynamodb", "dynamodbstreams")
_numbers = itertools.count(1)


def door() -> str:
    chosen = os.environ.get(VARIABLE, "") or "in-process"
    if chosen not in ("in-process", "http"):
        raise ValueError(f"{VARIABLE}={chosen!r}: use in-process (the default) or http")
    return chosen


def _server_url(mock: Any) -> str:
    for server in mock._servers:
        if server.running:
            return str(server.url)
    return str(mock.serve_http().url)


def install() -> None:
    """Route clients made under an active mock through its HTTP server."""
    original = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        mock = dynastream_mock.current()
        if mock is not None and service_name in _SERVICES and not kwargs.get("endpoint_url"):
            kwargs["endpoint_url"] = _server_url(mock)
            if not kwargs.get("aws_access_key_id"):
                kwargs["aws_access_key_id"] = f"door-client-{next(_numbers)}"
                kwargs["aws_secret_access_key"] = "door-secret"
        return original(self, service_name, *args, **kwargs)

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
