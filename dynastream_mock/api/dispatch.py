"""Dispatch one operation: shape validation, the region's lock, then the handler."""

from __future__ import annotations

from typing import Any

from ..backend.world import RegionWorld
from ..errors import UnknownOperationException
from . import (  # noqa: F401  (importing a module registers its handlers)
    account,
    dynamodb_items,
    dynamodb_tables,
    dynamodbstreams,
    items_batch,
    queries,
    tags,
    transactions,
    ttl,
)
from .router import HANDLERS
from .validation import operation_names, validator_for


def dispatch(
    world: RegionWorld, service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Run ``operation`` of ``service`` against ``world``; AWS errors propagate."""
    handler = HANDLERS.get((service, operation))
    if handler is None:
        if operation in operation_names(service):
            raise UnknownOperationException(
                f"dynastream_mock does not support {operation} yet; the supported "
                f"operations of {service} are: "
                + ", ".join(sorted(op for svc, op in HANDLERS if svc == service))
            )
        raise UnknownOperationException("")
    validator_for(service, operation)(params)
    with world.lock:
        world.touch()
        return handler(world, params)
