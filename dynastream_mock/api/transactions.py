"""DynamoDB transactions: TransactWriteItems and TransactGetItems.

A write transaction runs in three passes. First every action is validated as its single-item
operation would be (expressions, placeholders, tables, keys, sizes); a fault there is the
request's own ``ValidationException``. Then every action is evaluated against the current
items (conditions, updates, index key types), each giving a cancellation reason; one reason
other than ``None`` cancels the whole transaction, which then writes nothing. Only then does
each change pass ``RegionWorld.write_item``, so each yields exactly one stream record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from ..backend import keys, values
from ..backend.changes import change_item
from ..backend.expressions import (
    BoundCondition,
    BoundUpdate,
    ResolvedPath,
    bind_update,
    check_placeholders,
    parse_update,
    project,
)
from ..backend.items import KeyTuple
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import (
    ItemCollectionSizeLimitExceededException,
    TransactionCanceledException,
    ValidationException,
)
from .dynamodb_items import (
    CONDITION_FAILED,
    check_key_not_updated,
    parse_bound_condition,
    update_targets,
)
from .item_requests import (
    check_expression_params,
    check_item_size,
    collection_metrics_per_table,
    merge_capacities,
    normalize_key,
    projection_paths,
    read_units,
    write_units,
)
from .router import Params, Result, handles

_KINDS: Final = ("ConditionCheck", "Put", "Delete", "Update")
#: The single-item operation whose parameter rules each action follows.
_OPERATION: Final = {
    "ConditionCheck": "DeleteItem",
    "Put": "PutItem",
    "Delete": "DeleteItem",
    "Update": "UpdateItem",
}
_SAME_ITEM: Final = "Transaction request cannot include multiple operations on one item"
_UPDATE_TOO_BIG: Final = "Item size to update has exceeded the maximum allowed size"
_MAX_TRANSACTION_BYTES: Final = 4 * 1024 * 1024
_TOO_LARGE: Final = "Transaction request cannot be larger than 4 MB"


@dataclass(slots=True)
class _Action:
    kind: str
    request: dict[str, Any]
    condition: BoundCondition | None
    update: BoundUpdate | None = None
    item: values.Item | None = None
    size: int = 0
    table: Table | None = None
    key: KeyTuple | None = None
    key_item: values.Item | None = None
    #: Set by evaluation: the item before and after (None: deleted or unchanged).
    old: values.Item | None = None
    new: values.Item | None = None


def _parse(entry: dict[str, Any]) -> _Action:
    """An action's own parameters, checked as its single-item operation checks them."""
    present = [kind for kind in _KINDS if entry.get(kind) is not None]
    if not present:
        raise ValidationException(
            "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"
        )
    if len(present) > 1:
        raise ValidationException(
            "TransactItems can only contain one of Check, Put, Update or Delete"
        )
    kind = present[0]
    request: dict[str, Any] = entry[kind]
    placeholders = check_expression_params(_OPERATION[kind], request)
    condition, parsed_condition = parse_bound_condition(request, placeholders)
    action = _Action(kind, request, condition)
    parsed_update = None
    if kind == "Update":
        parsed_update = parse_update(request["UpdateExpression"])
        action.update = bind_update(parsed_update, placeholders.names, placeholders.values)
    check_placeholders(placeholders.names, placeholders.values, parsed_update, parsed_condition)
    if kind == "Put":
        action.item = values.normalize_item(request["Item"])
        action.size = check_item_size(action.item)
    return action


def _resolve(world: RegionWorld, action: _Action) -> None:
    """The action's table and key; index keys that are empty fail the whole request."""
    table = world.table_for_items(action.request["TableName"])
    action.table = table
    if action.item is not None:
        action.key = keys.key_of_item(table.key_schema, action.item)
        action.key_item = table.key_attributes(action.item)
        table.check_index_keys(action.item, types=False)
        return
    action.key_item, action.key = normalize_key(table, action.request["Key"])
    if action.update is not None:
        names = action.request.get("ExpressionAttributeNames") or {}
        targets = update_targets(action.update.parsed, names)
        check_key_not_updated(table.key_schema.names, targets)


def _key_type_mismatch(action: _Action, error: ValidationException) -> str | None:
    """The cancellation message when ``error`` says the action's key has a wrong type."""
    if error.message.startswith(keys.KEY_TYPE_MISMATCH):
        return error.message
    key = action.request.get("Key")
    names_match = (
        action.table is not None
        and isinstance(key, dict)
        and set(key) == set(action.table.key_schema.names)
    )
    # A Key with the schema's names that still does not match has a value of the wrong type.
    if error.message == keys.KEY_MISMATCH and names_match:
        return keys.KEY_TYPE_MISMATCH
    return None


def _evaluate(action: _Action) -> dict[str, Any]:
    """The action's cancellation reason against the items as they are now."""
    table, key = action.table, action.key
    assert table is not None and key is not None
    old = table.items.get(key)
    action.old = old
    if action.condition is not None and not action.condition.evaluate(old):
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED}
        wants_old = action.request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        if wants_old and old is not None:
            reason["Item"] = old
        return reason
    try:
        if action.kind == "Put":
            assert action.item is not None
            table.check_index_keys(action.item, empties=False)
            action.new = action.item
        elif action.kind == "Update":
            assert action.update is not None and action.key_item is not None
            new = action.update.upsert(old, action.key_item)
            if new is None:
                return {"Code": "None"}
            action.size = check_item_size(new, _UPDATE_TOO_BIG)
            # An empty index key is the request's fault even here (recorded on AWS).
            table.check_index_keys(new, by_update=True, types=False)
            table.check_index_keys(new, empties=False)
            action.new = new
        if action.new is not None:
            table.check_item_collection(key, action.new, action.size)
    except ItemCollectionSizeLimitExceededException as error:
        return {"Code": "ItemCollectionSizeLimitExceeded", "Message": error.message}
    except ValidationException as error:
        if error.message.startswith("One or more parameter values are not valid"):
            raise
        return {"Code": "ValidationError", "Message": error.message}
    return {"Code": "None"}


def request_fingerprint(params: Params) -> str:
    """What makes two requests with one ClientRequestToken the same request."""
    ignored = ("ClientRequestToken", "ReturnConsumedCapacity")
    return json.dumps(
        {name: value for name, value in params.items() if name not in ignored},
        sort_keys=True,
        default=repr,
    )


@handles("dynamodb", "TransactWriteItems")
def transact_write_items(world: RegionWorld, params: Params) -> Result:
    actions = [_parse(entry) for entry in params["TransactItems"]]
    seen: set[tuple[str, KeyTuple]] = set()
    # A key of the wrong type cancels the transaction, with that action's reason (AWS).
    mistyped: dict[int, dict[str, Any]] = {}
    for position, action in enumerate(actions):
        try:
            _resolve(world, action)
        except ValidationException as error:
            message = _key_type_mismatch(action, error)
            if message is None:
                raise
            mistyped[position] = {"Code": "ValidationError", "Message": message}
            continue
        assert action.table is not None and action.key is not None
        target = (action.table.name, action.key)
        if target in seen:
            raise ValidationException(_SAME_ITEM)
        seen.add(target)
    token = params.get("ClientRequestToken")
    ledger = world.token_ledger
    fingerprint = request_fingerprint(params) if token is not None else ""
    now = world.now_ms()
    if token is not None and not mistyped and ledger.lookup(token, fingerprint, now):
        # A replay changes nothing; it reports the reads it made (API reference).
        return _with_collection_metrics(
            _with_capacity({}, params, actions, replay=True), params, actions
        )
    reasons = [
        mistyped[position] if position in mistyped else _evaluate(action)
        for position, action in enumerate(actions)
    ]
    if any(reason["Code"] != "None" for reason in reasons):
        raise TransactionCanceledException.for_reasons(reasons)
    # "The aggregate size of the items in the transaction cannot exceed 4 MB" (Developer
    # Guide, "Amazon DynamoDB Transactions", limits).
    if sum(action.size for action in actions if action.new is not None) > _MAX_TRANSACTION_BYTES:
        raise ValidationException(_TOO_LARGE)
    result = _with_capacity({}, params, actions, replay=False)
    for action in actions:
        assert action.table is not None and action.key is not None
        if action.new is not None:
            change_item(world, action.table, action.key, action.new, action.size)
        elif action.kind == "Delete":
            change_item(world, action.table, action.key, None)
    if token is not None:
        ledger.record(token, fingerprint, world.now_ms())
    return _with_collection_metrics(result, params, actions)


def _with_collection_metrics(result: Result, params: Params, actions: list[_Action]) -> Result:
    writes = []
    for action in actions:
        if action.kind == "ConditionCheck":
            continue
        assert action.table is not None and action.key is not None
        assert action.key_item is not None
        writes.append((action.request["TableName"], action.table, action.key, action.key_item))
    metrics = collection_metrics_per_table(params, writes)
    if metrics is not None:
        result["ItemCollectionMetrics"] = metrics
    return result


def _with_capacity(
    result: Result, params: Params, actions: list[_Action], *, replay: bool
) -> Result:
    units: dict[str, float] = {}
    for action in actions:
        assert action.table is not None and action.key is not None
        table = action.table
        old_size = table.items.size_of(action.key)
        # A transactional write costs two writes of the item (Developer Guide); a replay
        # only reads it.
        spent = read_units(old_size, True) if replay else 2 * write_units(action.size, old_size)
        units[table.name] = units.get(table.name, 0.0) + spent
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result


@handles("dynamodb", "TransactGetItems")
def transact_get_items(world: RegionWorld, params: Params) -> Result:
    plans: list[tuple[dict[str, Any], tuple[ResolvedPath, ...] | None]] = []
    for entry in params["TransactItems"]:
        get: dict[str, Any] = entry["Get"]
        placeholders = check_expression_params("GetItem", get)
        paths, parsed = projection_paths(get, placeholders.names)
        check_placeholders(placeholders.names, placeholders.values, parsed)
        plans.append((get, paths))
    reads: list[tuple[Table, KeyTuple, tuple[ResolvedPath, ...] | None]] = []
    seen: set[tuple[str, KeyTuple]] = set()
    for get, paths in plans:
        table = world.table_for_items(get["TableName"])
        _, key = normalize_key(table, get["Key"])
        if (table.name, key) in seen:
            raise ValidationException(_SAME_ITEM)
        seen.add((table.name, key))
        reads.append((table, key, paths))
    responses: list[dict[str, Any]] = []
    units: dict[str, float] = {}
    for table, key, paths in reads:
        item = table.items.get(key)
        response: dict[str, Any] = {}
        if item is not None:
            response["Item"] = item if paths is None else project(item, paths)
        responses.append(response)
        # A transactional read costs two strongly consistent reads (Developer Guide).
        spent = 2 * read_units(table.items.size_of(key), True)
        units[table.name] = units.get(table.name, 0.0) + spent
    result: Result = {"Responses": responses}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result
