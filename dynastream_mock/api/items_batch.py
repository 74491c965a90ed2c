"""DynamoDB data plane, batches: BatchWriteItem and BatchGetItem.

A batch is validated whole before anything changes; then every put and delete passes
the change funnel (``changes.change_item``), so each one makes its own stream record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..backend import keys, values
from ..backend.changes import change_item
from ..backend.expressions import check_placeholders, project
from ..backend.items import KeyTuple
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import ValidationException
from .item_requests import (
    check_expression_params,
    check_item_size,
    collection_metrics_per_table,
    merge_capacities,
    projection_paths,
    read_units,
    write_units,
)
from .router import Params, Result, handles

MAX_WRITES: Final = 25
MAX_GETS: Final = 100
#: BatchGetItem answers at most this much; the rest comes back as UnprocessedKeys.
MAX_GET_BYTES: Final = 16 * 1024 * 1024
_DUPLICATES = "Provided list of item keys contains duplicates"
_EMPTY_WRITES = "The batch write request list for a table cannot be null or empty"
# AWS reuses the AttributeValue text for a WriteRequest that is not exactly one request.
_NOT_ONE_REQUEST = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)

#: (table as the request names it, table, key, key attributes, new item or None for a
#: delete, new item size)
_Write = tuple[str, Table, KeyTuple, "values.Item", "values.Item | None", int]


def _key_part_of(table: Table, item: Mapping[str, Any]) -> dict[str, Any]:
    # A put's key is checked like a Key parameter: every mismatch reads the same.
    return {name: item[name] for name in table.key_schema.names if name in item}


@handles("dynamodb", "BatchWriteItem")
def batch_write_item(world: RegionWorld, params: Params) -> Result:
    request_items: dict[str, list[dict[str, Any]]] = params["RequestItems"]
    for name, requests in request_items.items():
        if requests is None:  # the validator passes a null list on, as Coral does
            raise ValidationException(f"{_EMPTY_WRITES}: {name}")
    if sum(len(requests) for requests in request_items.values()) > MAX_WRITES:
        raise ValidationException("Too many items requested for the BatchWriteItem call")
    normalized: dict[str, list[tuple[values.Item, int] | values.Item]] = {}
    for name, requests in request_items.items():
        entries: list[tuple[values.Item, int] | values.Item] = []
        for request in requests:
            put = request.get("PutRequest")
            delete = request.get("DeleteRequest")
            if (put is None) == (delete is None):
                raise ValidationException(_NOT_ONE_REQUEST)
            if put is not None:
                item = values.normalize_item(put["Item"])
                entries.append((item, check_item_size(item)))
            else:
                assert delete is not None
                entries.append(values.normalize_item(delete["Key"]))
        normalized[name] = entries
    writes: list[_Write] = []
    for name, entries in normalized.items():
        table = world.table_for_items(name)
        seen: set[KeyTuple] = set()
        for entry in entries:
            if isinstance(entry, tuple):
                item, size = entry
                key = keys.key_of_key(table.key_schema, _key_part_of(table, item))
                table.check_index_keys(item)
                writes.append((name, table, key, item, item, size))
            else:
                key = keys.key_of_key(table.key_schema, entry)
                writes.append((name, table, key, entry, None, 0))
            if key in seen:
                raise ValidationException(_DUPLICATES)
            seen.add(key)
    for _, table, key, _, new_item, size in writes:
        table.check_item_collection(key, new_item, size)
    units: dict[str, float] = {}
    for _, table, key, _, new_item, size in writes:
        old_size = table.items.size_of(key)
        change_item(world, table, key, new_item, size)
        units[table.name] = units.get(table.name, 0.0) + write_units(size, old_size)
    result: Result = {"UnprocessedItems": {}}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    metrics = collection_metrics_per_table(
        params, ((name, table, key, key_item) for name, table, key, key_item, _, _ in writes)
    )
    if metrics is not None:
        result["ItemCollectionMetrics"] = metrics
    return result


@handles("dynamodb", "BatchGetItem")
def batch_get_item(world: RegionWorld, params: Params) -> Result:
    request_items: dict[str, dict[str, Any]] = params["RequestItems"]
    for name, request in request_items.items():
        if request is None:
            raise ValidationException(
                f"The list of keys in RequestItems for BatchGetItem is required: {name} has "
                "empty list"
            )
    if sum(len(request["Keys"]) for request in request_items.values()) > MAX_GETS:
        raise ValidationException("Too many items requested for the BatchGetItem call")
    plans = []
    for name, request in request_items.items():
        placeholders = check_expression_params("BatchGetItem", request)
        paths, parsed = projection_paths(request, placeholders.names)
        check_placeholders(placeholders.names, placeholders.values, parsed)
        key_items = [values.normalize_item(key) for key in request["Keys"]]
        plans.append((name, request, paths, key_items))
    resolved = []
    for name, request, paths, key_items in plans:
        table = world.table_for_items(name)
        seen: set[KeyTuple] = set()
        storage_keys: list[KeyTuple] = []
        for key_item in key_items:
            key = keys.key_of_key(table.key_schema, key_item)
            if key in seen:
                raise ValidationException(_DUPLICATES)
            seen.add(key)
            storage_keys.append(key)
        resolved.append(
            (name, table, request, paths, list(zip(key_items, storage_keys, strict=True)))
        )
    responses: dict[str, list[values.Item]] = {}
    unprocessed: dict[str, dict[str, Any]] = {}
    units: dict[str, float] = {}
    answered = 0
    # Responses and UnprocessedKeys are keyed as the request named the table: by name or
    # by ARN (moto's aws_verified test_batch_write_using_arn).
    for name, table, request, paths, pairs in resolved:
        found = responses.setdefault(name, [])
        consistent = bool(request.get("ConsistentRead"))
        for key_item, key in pairs:
            size = table.items.size_of(key)
            if answered + size > MAX_GET_BYTES:
                left = unprocessed.setdefault(name, {**request, "Keys": []})
                left["Keys"].append(key_item)
                continue
            units[table.name] = units.get(table.name, 0.0) + read_units(size, consistent)
            item = table.items.get(key)
            if item is not None:
                answered += size
                found.append(item if paths is None else project(item, paths))
    result: Result = {"Responses": responses, "UnprocessedKeys": unprocessed}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result
