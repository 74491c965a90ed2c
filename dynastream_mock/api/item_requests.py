"""What the item operations share: request-level checks, capacity and projections.

Each item handler validates the whole request first (legacy parameters, placeholders,
expressions, values, keys), then reads and writes through ``RegionWorld.write_item``. The
helpers here raise AWS's messages in AWS's order.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..backend import keys, values
from ..backend.expressions import (
    ParsedExpression,
    ResolvedPath,
    parse_projection,
    resolve_projection,
    validate_expression_names,
    validate_expression_values,
)
from ..backend.items import KeyPart, KeyTuple
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import EnvelopedValidationException, ValidationException, invalid_parameters
from .router import Handler, Params, Result

MAX_ITEM_BYTES: Final = 400 * 1024

#: Coral's one-error envelope, in which some operations report some request checks.
ONE_ERROR: Final = "1 validation error detected: "
ITEM_TOO_BIG: Final = "Item size has exceeded the maximum allowed size"

#: The legacy counterpart of each expression parameter, per operation, in AWS's order.
_LEGACY: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "PutItem": (("Expected", "ConditionalOperator"), ("ConditionExpression",)),
    "DeleteItem": (("Expected", "ConditionalOperator"), ("ConditionExpression",)),
    "UpdateItem": (
        ("AttributeUpdates", "Expected", "ConditionalOperator"),
        ("UpdateExpression", "ConditionExpression"),
    ),
    "GetItem": (("AttributesToGet",), ("ProjectionExpression",)),
    "BatchGetItem": (("AttributesToGet",), ("ProjectionExpression",)),
    "Query": (
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
    ),
    "Scan": (
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
        ("ProjectionExpression", "FilterExpression"),
    ),
}


def in_one_error_envelope(handler: Handler) -> Handler:
    """PutItem, UpdateItem and DeleteItem answer ``EnvelopedValidationException`` checks
    inside Coral's envelope: '1 validation error detected: Value provided in
    ExpressionAttributeNames unused in expressions: ...', '... Invalid UpdateExpression: The
    "SET" section can only be used once ...' (moto's aws_verified tests, run on real AWS);
    GetItem, Query, Scan, the batches and transactions answer the same checks bare."""

    @functools.wraps(handler)
    def enveloped(world: RegionWorld, params: Params) -> Result:
        try:
            return handler(world, params)
        except EnvelopedValidationException as error:
            raise ValidationException(ONE_ERROR + error.message) from None

    return enveloped


@dataclass(frozen=True, slots=True)
class Placeholders:
    names: dict[str, str]
    values: dict[str, values.AttributeValue]


def check_expression_params(operation: str, params: Params) -> Placeholders:
    """Legacy/expression mixing, placeholder maps without expressions, empty maps.

    Returns the validated ExpressionAttributeNames/Values. The legacy parameters themselves
    are compiled by ``legacy.py``.
    """
    legacy, expressions = _LEGACY[operation]
    used_expressions = [name for name in expressions if params.get(name) is not None]
    used_legacy = [name for name in legacy if params.get(name) is not None]
    if params.get("KeyConditionExpression") is None and "KeyConditions" in used_legacy:
        # KeyConditions clashes only with KeyConditionExpression: a Query may combine it
        # with FilterExpression and ProjectionExpression (dynalite's AWS-recorded query.js).
        used_legacy.remove("KeyConditions")
    if used_expressions and used_legacy:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(used_legacy)}}} "
            f"Expression parameters: {{{', '.join(used_expressions)}}}"
        )
    names = params.get("ExpressionAttributeNames")
    eav = params.get("ExpressionAttributeValues")
    if names is not None and not used_expressions:
        raise EnvelopedValidationException(
            "ExpressionAttributeNames can only be specified when using expressions"
        )
    value_expressions = [name for name in used_expressions if name != "ProjectionExpression"]
    if eav is not None and not value_expressions:
        raise EnvelopedValidationException(
            "ExpressionAttributeValues can only be specified when using expressions"
        )
    if names is not None and not names:
        raise EnvelopedValidationException("ExpressionAttributeNames must not be empty")
    if eav is not None and not eav:
        raise EnvelopedValidationException("ExpressionAttributeValues must not be empty")
    return Placeholders(validate_expression_names(names), validate_expression_values(eav))


def check_return_values(operation: str, params: Params) -> str:
    """ReturnValues as the operation allows it (PutItem/DeleteItem: ALL_OLD or NONE)."""
    wanted: str = params.get("ReturnValues") or "NONE"
    if operation in ("PutItem", "DeleteItem") and wanted not in ("NONE", "ALL_OLD"):
        # AWS's own text, without the "1 validation error detected" envelope (reported by
        # users of the live service; DynamoDB Local answers the same).
        raise ValidationException("Return values set to invalid value")
    return wanted


# -- keys ---------------------------------------------------------------------------------


def normalize_key(table: Table, key: Mapping[str, Any]) -> tuple[values.Item, KeyTuple]:
    """A ``Key`` parameter validated as AttributeValues and against the schema."""
    normalized = values.normalize_item(key)
    return normalized, keys.key_of_key(table.key_schema, normalized)


def check_item_size(item: values.Item, message: str = ITEM_TOO_BIG) -> int:
    size = values.item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(message)
    return size


# -- projections --------------------------------------------------------------------------


def projection_paths(
    params: Mapping[str, Any], names: Mapping[str, str]
) -> tuple[tuple[ResolvedPath, ...] | None, ParsedExpression | None]:
    """The paths of ProjectionExpression (or legacy AttributesToGet); None for everything."""
    text = params.get("ProjectionExpression")
    if text is not None:
        parsed = parse_projection(text)
        return resolve_projection(parsed, names), parsed
    attributes = params.get("AttributesToGet")
    if attributes is not None:
        seen: set[str] = set()
        for name in attributes:
            if name in seen:
                raise invalid_parameters(f"Duplicate value in attribute name: {name}")
            seen.add(name)
        return tuple((name,) for name in attributes), None
    return None, None


# -- consumed capacity --------------------------------------------------------------------


def write_units(*sizes: int) -> float:
    """One write unit per started KB of the larger of the old and new item (at least 1)."""
    return float(max(1, *(math.ceil(size / 1024) for size in sizes)))


def read_units(size: int, consistent: bool) -> float:
    """One read unit per started 4 KB, halved for eventually consistent reads (at least 1)."""
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def consumed(params: Params, table_name: str, units: float) -> dict[str, Any] | None:
    """The ConsumedCapacity member, or None when not asked for."""
    mode = params.get("ReturnConsumedCapacity")
    if mode not in ("TOTAL", "INDEXES"):
        return None
    capacity: dict[str, Any] = {"TableName": table_name, "CapacityUnits": units}
    if mode == "INDEXES":
        capacity["Table"] = {"CapacityUnits": units}
    return capacity


def add_consumed(result: Result, params: Params, table_name: str, units: float) -> Result:
    capacity = consumed(params, table_name, units)
    if capacity is not None:
        result["ConsumedCapacity"] = capacity
    return result


def merge_capacities(params: Params, per_table: Mapping[str, float]) -> list[dict[str, Any]] | None:
    """Batch operations answer one ConsumedCapacity per table touched."""
    if params.get("ReturnConsumedCapacity") not in ("TOTAL", "INDEXES"):
        return None
    return [
        capacity
        for name, units in per_table.items()
        if (capacity := consumed(params, name, units)) is not None
    ]


# -- item collection metrics --------------------------------------------------------------

BYTES_PER_GB: Final = 1024**3


def wants_collection_metrics(params: Params, table: Table) -> bool:
    """Whether the answer carries ItemCollectionMetrics: asked for, on a table with LSIs."""
    return params.get("ReturnItemCollectionMetrics") == "SIZE" and bool(table.local_index_stores)


def collection_metrics(table: Table, key: KeyTuple, key_item: values.Item) -> dict[str, Any]:
    """One ItemCollectionMetrics: the partition key and its collection's size band in GB.

    AWS promises only an estimate between two bounds; ours is the whole gigabyte the
    collection's exact size falls in.
    """
    low = float(table.item_collection_bytes(key[0]) // BYTES_PER_GB)
    hash_name = table.key_schema.hash_name
    return {
        "ItemCollectionKey": {hash_name: key_item[hash_name]},
        "SizeEstimateRangeGB": [low, low + 1.0],
    }


def add_collection_metrics(
    result: Result, params: Params, table: Table, key: KeyTuple, key_item: values.Item
) -> Result:
    if wants_collection_metrics(params, table):
        result["ItemCollectionMetrics"] = collection_metrics(table, key, key_item)
    return result


def collection_metrics_per_table(
    params: Params, writes: Iterable[tuple[str, Table, KeyTuple, values.Item]]
) -> dict[str, list[dict[str, Any]]] | None:
    """Batches and transactions: per table (as the request named it), one ItemCollectionMetrics
    per item collection written, in the order first written; None when there are none."""
    per_table: dict[str, dict[KeyPart, dict[str, Any]]] = {}
    for name, table, key, key_item in writes:
        if not wants_collection_metrics(params, table):
            continue
        seen = per_table.setdefault(name, {})
        if key[0] not in seen:
            seen[key[0]] = collection_metrics(table, key, key_item)
    if not per_table:
        return None
    return {name: list(metrics.values()) for name, metrics in per_table.items()}
