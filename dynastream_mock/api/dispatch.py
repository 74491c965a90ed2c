"""Dispatch one operation: shape validation, the region's lock, then the handler; then the
records of the item changes it made go to the Kinesis streaming destinations."""

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
    exports,
    imports,
    items_batch,
    kinesis_destinations,
    partiql,
    queries,
    resource_policies,
    tags,
    transactions,
    ttl,
)
from .kinesis_destinations import deliver_kinesis_records
from .outside import OutsideFinder, no_outside_services
from .router import HANDLERS, OUTSIDE_HANDLERS, READER_HANDLERS, supported_operations
from .validation import operation_names, validator_for


def dispatch(
    world: RegionWorld,
    service: str,
    operation: str,
    params: dict[str, Any],
    reader: Reader = ANONYMOUS,
    outside: OutsideFinder = no_outside_services,
) -> dict[str, Any]:
    """Run ``operation`` of ``service`` against ``world`` for ``reader``; AWS errors propagate.

    ``outside`` finds the services outside DynamoDB (S3, Kinesis) for the few handlers that
    need them, and for the delivery of Kinesis destinations' records, in the order the
    changes were made: after the handler, even a failed one (it changed nothing, but the
    time-driven changes the world ran before it, such as TTL deletions, have records).
    """
    key = (service, operation)
    handler = HANDLERS.get(key)
    reading = READER_HANDLERS.get(key) if handler is None else None
    reaching_out = OUTSIDE_HANDLERS.get(key)
    if handler is None and reading is None and reaching_out is None:
        _refuse_unknown(service, operation)
    validator_for(service, operation)(params)
    with world.lock:
        world.touch()
        try:
            if handler is not None:
                return handler(world, params)
            if reaching_out is not None:
                return reaching_out(world, params, outside)
            assert reading is not None
            return reading(world, params, reader)
        finally:
            if world.kinesis_outbox:
                deliver_kinesis_records(world, outside)


def _refuse_unknown(service: str, operation: str) -> NoReturn:
    if operation in operation_names(service):
        raise UnknownOperationException(
            f"dynastream_mock does not support {operation} yet; the supported "
            f"operations of {service} are: " + ", ".join(supported_operations(service))
        )
    raise UnknownOperationException("")
