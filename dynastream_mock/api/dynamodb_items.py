"""DynamoDB data plane, single items: PutItem, GetItem, UpdateItem, DeleteItem."""

from __future__ import annotations

from collections.abc import Mapping

from ..backend import keys, values
from ..backend.changes import change_item
from ..backend.expressions import (
    BoundCondition,
    BoundUpdate,
    ParsedCondition,
    ParsedUpdate,
    ResolvedPath,
    bind_condition,
    bind_update,
    check_placeholders,
    parse_condition,
    parse_update,
    project,
)
from ..backend.expressions.evaluate import INCORRECT_DATA_TYPE, Binder
from ..backend.world import RegionWorld
from ..errors import ConditionalCheckFailedException, ValidationException, invalid_parameters
from . import legacy
from .item_requests import (
    Placeholders,
    add_collection_metrics,
    add_consumed,
    check_expression_params,
    check_item_size,
    check_return_values,
    in_one_error_envelope,
    normalize_key,
    projection_paths,
    read_units,
    write_units,
)
from .router import Params, Result, handles

CONDITION_FAILED = "The conditional request failed"


def parse_bound_condition(
    params: Mapping[str, object], placeholders: Placeholders
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    """ConditionExpression parsed and bound (None when the request has none)."""
    text = params.get("ConditionExpression")
    if text is None:
        return None, None
    assert isinstance(text, str)
    parsed = parse_condition(text)
    return bind_condition(parsed, placeholders.names, placeholders.values), parsed


def write_condition(
    params: Mapping[str, object], placeholders: Placeholders
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    """ConditionExpression, or the legacy Expected with ConditionalOperator, bound."""
    if params.get("ConditionExpression") is None:
        return legacy.expected_condition(params)
    return parse_bound_condition(params, placeholders)


def check_condition(
    condition: BoundCondition | None, old: values.Item | None, params: Params
) -> None:
    """Raise ConditionalCheckFailedException (with the old item when asked) on a miss."""
    if condition is None or condition.evaluate(old):
        return
    if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
        raise ConditionalCheckFailedException(CONDITION_FAILED, Item=old)
    raise ConditionalCheckFailedException(CONDITION_FAILED)


@handles("dynamodb", "PutItem")
@in_one_error_envelope
def put_item(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("PutItem", params)
    return_values = check_return_values("PutItem", params)
    item = values.normalize_item(params["Item"])
    size = check_item_size(item)
    condition, parsed = write_condition(params, placeholders)
    check_placeholders(placeholders.names, placeholders.values, parsed)
    table = world.table_for_items(params["TableName"])
    key = keys.key_of_item(table.key_schema, item)
    table.check_index_keys(item)
    old = table.items.get(key)
    old_size = table.items.size_of(key)
    check_condition(condition, old, params)
    table.check_item_collection(key, item, size)
    change_item(world, table, key, item, size)
    result: Result = {}
    if return_values == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    add_collection_metrics(result, params, table, key, item)
    return add_consumed(result, params, table.name, write_units(size, old_size))


@handles("dynamodb", "GetItem")
def get_item(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("GetItem", params)
    paths, parsed = projection_paths(params, placeholders.names)
    check_placeholders(placeholders.names, placeholders.values, parsed)
    table = world.table_for_items(params["TableName"])
    _, key = normalize_key(table, params["Key"])
    item = table.items.get(key)
    result: Result = {}
    if item is not None:
        result["Item"] = item if paths is None else project(item, paths)
    units = read_units(table.items.size_of(key), bool(params.get("ConsistentRead")))
    return add_consumed(result, params, table.name, units)


@handles("dynamodb", "DeleteItem")
@in_one_error_envelope
def delete_item(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("DeleteItem", params)
    return_values = check_return_values("DeleteItem", params)
    condition, parsed = write_condition(params, placeholders)
    check_placeholders(placeholders.names, placeholders.values, parsed)
    table = world.table_for_items(params["TableName"])
    key_item, key = normalize_key(table, params["Key"])
    old = table.items.get(key)
    old_size = table.items.size_of(key)
    check_condition(condition, old, params)
    change_item(world, table, key, None)
    result: Result = {}
    if return_values == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    add_collection_metrics(result, params, table, key, key_item)
    return add_consumed(result, params, table.name, write_units(old_size))


def update_targets(parsed: ParsedUpdate, names: Mapping[str, str]) -> list[ResolvedPath]:
    """The document paths an UpdateExpression writes, placeholders resolved."""
    binder = Binder(parsed, names, None)
    return [binder.path(path) for path in parsed.targets]


def check_key_not_updated(key_names: tuple[str, ...], targets: list[ResolvedPath]) -> None:
    for path in targets:
        if path[0] in key_names:
            raise invalid_parameters(
                f"Cannot update attribute {path[0]}. This attribute is part of the key"
            )


@handles("dynamodb", "UpdateItem")
@in_one_error_envelope
def update_item(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("UpdateItem", params)
    return_values = check_return_values("UpdateItem", params)
    names, eav = placeholders.names, placeholders.values
    text = params.get("UpdateExpression")
    update: BoundUpdate | None
    parsed_update: ParsedUpdate | None
    if text is not None:
        parsed_update = parse_update(text)
        update = bind_update(parsed_update, names, eav)
    else:
        update, parsed_update = legacy.attribute_updates(params)
    condition, parsed_condition = write_condition(params, placeholders)
    check_placeholders(names, eav, parsed_update, parsed_condition)
    table = world.table_for_items(params["TableName"])
    key_item, key = normalize_key(table, params["Key"])
    targets = update_targets(parsed_update, names) if parsed_update is not None else []
    check_key_not_updated(table.key_schema.names, targets)
    old = table.items.get(key)
    old_size = table.items.size_of(key)
    check_condition(condition, old, params)
    if update is not None:
        new = _upsert(update, old, key_item)
        if new is None:
            result = add_collection_metrics({}, params, table, key, key_item)
            return add_consumed(result, params, table.name, write_units(0))
    else:
        # No actions: a missing item is still created from its key (AWS's upsert).
        new = dict(old if old is not None else key_item)
    size = check_item_size(new, "Item size to update has exceeded the maximum allowed size")
    table.check_index_keys(new, by_update=True)
    table.check_item_collection(key, new, size)
    change_item(world, table, key, new, size)
    result = {}
    attributes = _returned_attributes(return_values, old, new, targets)
    if attributes:
        result["Attributes"] = attributes
    add_collection_metrics(result, params, table, key, key_item)
    return add_consumed(result, params, table.name, write_units(size, old_size))


def _upsert(
    update: BoundUpdate, old: values.Item | None, key_item: values.Item
) -> values.Item | None:
    if update.parsed.param != "AttributeUpdates":
        return update.upsert(old, key_item)
    try:
        return update.upsert(old, key_item)
    except ValidationException as error:
        # The evaluator's operand-type error reads differently for AttributeUpdates.
        if error.message == INCORRECT_DATA_TYPE:
            raise ValidationException(legacy.TYPE_MISMATCH) from None
        raise


def _returned_attributes(
    return_values: str, old: values.Item | None, new: values.Item, targets: list[ResolvedPath]
) -> values.Item | None:
    if return_values == "ALL_OLD":
        return old
    if return_values == "ALL_NEW":
        return new
    if return_values == "UPDATED_OLD":
        return project(old, targets) if old is not None else None
    if return_values == "UPDATED_NEW":
        return project(new, targets)
    return None
