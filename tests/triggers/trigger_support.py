"""What the trigger tests share beside the ``table`` fixture of ``tests/conftest.py``."""

from __future__ import annotations

from typing import Any


def ids_of(event: dict[str, Any]) -> list[str]:
    """The ``id`` of every record in a Lambda event, in order."""
    return [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
