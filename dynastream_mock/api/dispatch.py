"""Dispatch one operation: shape validation, the region's lock, then the handler."""

from __future__ import annotations

from typing import Any, NoReturn

from ..backend.readers import ANONYMOUS, Reader
from ..backend.world import RegionWorld
from ..errors import UnknownOperationException
from . import (  # noqa: F401  (importing a module registers its handlers)
    account,
    backups,
    dynamodb_items,
    dynamodb_tables,
    dynamodbstreams,
    items_batch,
    partiql,
    queries,
    resource_policies,
    tags,
    transactions,
    ttl,
)
from .router import HANDLERS, READER_HANDLERS, supported_operations
from .validation import operation_names, validator_for


def dispatch(
    world: RegionWorld,
    service: str,
    operation: str,
    params: dict[str, Any],
    reader: Reader = ANONYMOUS,
) -> dict[str, Any]:
    """Run ``operation`` of ``service`` against ``world`` for ``reader``; AWS errors propagate."""
    key = (service, operation)
    handler = HANDLERS.get(key)
    reading = READER_HANDLERS.get(key) if handler is None else None
    if handler is None and reading is None:
        _refuse_unknown(service, operation)
    validator_for(service, operation)(params)
    with world.lock:
        world.touch()
        if handler is not None:
            return handler(world, params)
        assert reading is not None
        return reading(world, params, reader)


def _refuse_unknown(service: str, operation: str) -> NoReturn:
    if operation in operation_names(service):
        raise UnknownOperationException(
            f"dynastream_mock does not support {operation} yet; the supported "
            f"operations of {service} are: " + ", ".join(supported_operations(service))
        )
    raise UnknownOperationException("")
