"""DynamoDB PartiQL operations: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction."""

from __future__ import annotations

from typing import Any, Final

from ...backend import keys
from ...backend.items import KeyTuple
from ...backend.partiql import ast as pq
from ...backend.partiql import parse_statement
from ...backend.world import RegionWorld
from ...errors import (
    INVALID_PARAMETERS,
    AwsError,
    ConditionalCheckFailedException,
    DuplicateItemException,
    ItemCollectionSizeLimitExceededException,
    ResourceNotFoundException,
    TransactionCanceledException,
    ValidationException,
)
from ..item_requests import consumed, merge_capacities, read_units
from ..router import Params, Result, handles
from ..transactions import request_fingerprint
from .statements import (
    CONDITION_FAILED,
    DUPLICATE_ITEM,
    Plan,
    WriteOutcome,
    apply_write,
    decode_token,
    encode_token,
    evaluate_write,
    has_extra_condition,
    plan_statement,
    project_flat,
    read_select,
)

_BATCH_CODES: Final = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "ResourceNotFoundException": "ResourceNotFound",
    "ValidationException": "ValidationError",
}
_SINGLE_SELECT: Final = "Only single item select is supported"
_DUPLICATES: Final = "Provided list of item keys contains duplicates"


@handles("dynamodb", "ExecuteStatement")
def execute_statement(world: RegionWorld, params: Params) -> Result:
    consistent = bool(params.get("ConsistentRead"))
    plan = plan_statement(
        world, params["Statement"], params.get("Parameters"), consistent=consistent
    )
    if plan.is_read:
        token = params.get("NextToken")
        start = decode_token(token) if token is not None else None
        page = read_select(plan, params.get("Limit"), start)
        select = plan.statement
        assert isinstance(select, pq.Select)
        result: Result = {"Items": [project_flat(item, select.projection) for item in page.items]}
        if page.next_start is not None:
            result["NextToken"] = encode_token(page.next_start)
            result["LastEvaluatedKey"] = page.next_start[1]
        return _with_capacity(result, params, plan, read_units(page.scanned_bytes, consistent))
    wants_old = params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    outcome = evaluate_write(plan, wants_old)
    units = apply_write(world, plan, outcome)
    items = [outcome.returned] if outcome.returned else []
    return _with_capacity({"Items": items}, params, plan, units)


def _with_capacity(result: Result, params: Params, plan: Plan, units: float) -> Result:
    capacity = consumed(params, plan.table.name, units)
    if capacity is not None:
        result["ConsumedCapacity"] = capacity
    return result


# -- BatchExecuteStatement ------------------------------------------------------------------


def _batch_error(error: AwsError, table: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Error": {"Code": _BATCH_CODES.get(error.code, error.code), "Message": error.message}
    }
    if "Item" in error.extra:
        entry["Error"]["Item"] = error.extra["Item"]
    if table is not None and error.code != "ValidationException":
        entry["TableName"] = table
    return entry


def _single_item(plan: Plan) -> bool:
    """A read of one item by its full key, and nothing else (batch and transaction reads)."""
    select = plan.statement
    if not isinstance(select, pq.Select) or select.target.index is not None:
        return False
    schema = plan.table.key_schema
    return all(name in plan.equalities for name in schema.names) and not has_extra_condition(plan)


def _kind_of(text: str) -> set[bool]:
    """Whether a statement refused when planned reads (one member) or writes; empty when it
    does not parse or is an EXISTS check. A batch is reads or writes (developer guide, PartiQL
    batch operations) whatever becomes of each statement."""
    try:
        statement = parse_statement(text).statement
    except ValidationException:
        return set()
    if isinstance(statement, pq.Exists):
        return set()
    return {isinstance(statement, pq.Select)}


@handles("dynamodb", "BatchExecuteStatement")
def batch_execute_statement(world: RegionWorld, params: Params) -> Result:
    requests: list[dict[str, Any]] = params["Statements"]
    plans: list[Plan | dict[str, Any]] = []
    kinds: set[bool] = set()  # is_read of each statement that parsed, refused or not
    for request in requests:
        try:
            plan = plan_statement(
                world,
                request["Statement"],
                request.get("Parameters"),
                consistent=bool(request.get("ConsistentRead")),
            )
        except (ValidationException, ResourceNotFoundException) as error:
            plans.append(_batch_error(error, None))
            kinds.update(_kind_of(request["Statement"]))
            continue
        plans.append(plan)
        kinds.add(plan.is_read)
    if len(kinds) > 1:
        raise ValidationException(
            "Read and write requests together in the same batch is not supported."
        )
    seen: set[tuple[str, KeyTuple]] = set()
    for index, entry in enumerate(plans):
        if not isinstance(entry, Plan):
            continue
        plan = entry
        if plan.is_read:
            if not _single_item(plan):
                plans[index] = {"Error": {"Code": "ValidationError", "Message": _SINGLE_SELECT}}
                continue
            schema = plan.table.key_schema
            plan.key_item = {name: plan.equalities[name] for name in schema.names}
            plan.key = keys.key_of_key(schema, plan.key_item)
        if plan.key is None:
            continue
        target = (plan.table.name, plan.key)
        if target in seen:
            raise ValidationException(_DUPLICATES)
        seen.add(target)
    responses: list[dict[str, Any]] = []
    units: dict[str, float] = {}
    for entry, request in zip(plans, requests, strict=True):
        if not isinstance(entry, Plan):
            responses.append(entry)
            continue
        plan = entry
        name = plan.table.name
        if plan.is_read:
            assert plan.key is not None
            select = plan.statement
            assert isinstance(select, pq.Select)
            item = plan.table.items.get(plan.key)
            response: dict[str, Any] = {"TableName": name}
            if item is not None:
                response["Item"] = project_flat(item, select.projection)
            size = plan.table.items.size_of(plan.key)
            units[name] = units.get(name, 0.0) + read_units(
                size, bool(request.get("ConsistentRead"))
            )
            responses.append(response)
            continue
        wants_old = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        try:
            outcome = evaluate_write(plan, wants_old)
        except (
            ValidationException,
            ConditionalCheckFailedException,
            DuplicateItemException,
            ItemCollectionSizeLimitExceededException,
        ) as error:
            responses.append(_batch_error(error, name))
            continue
        units[name] = units.get(name, 0.0) + apply_write(world, plan, outcome)
        response = {"TableName": name}
        if outcome.returned:
            response["Item"] = outcome.returned
        responses.append(response)
    result: Result = {"Responses": responses}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result


# -- ExecuteTransaction ---------------------------------------------------------------------


def _plan_transaction(world: RegionWorld, index: int, request: dict[str, Any]) -> tuple[Plan, bool]:
    """The statement's plan, and whether it is an EXISTS condition check."""
    text = request["Statement"]
    parsed = parse_statement(text)
    statement = parsed.statement
    exists = isinstance(statement, pq.Exists)
    try:
        if exists:
            assert isinstance(statement, pq.Exists)
            inner = parsed.text[parsed.text.index("(") + 1 : parsed.text.rindex(")")]
            plan = plan_statement(world, inner, request.get("Parameters"))
        else:
            plan = plan_statement(world, text, request.get("Parameters"))
    except ResourceNotFoundException:
        raise ResourceNotFoundException("Requested resource not found") from None
    except ValidationException as error:
        if error.message.startswith(("Statement wasn't well formed", "One or more parameter")):
            raise
        raise ValidationException(
            f"Validation failed in TransactStatements[{index}]: {error.message}"
        ) from None
    returning = getattr(plan.statement, "returning", None)
    if returning is not None:
        raise ValidationException(
            f"Validation failed in TransactStatements[{index}]: RETURNING clause is not "
            "supported in ExecuteTransaction."
        )
    if plan.is_read:
        if exists:
            if (
                not _single_item(plan)
                and has_extra_condition(plan)
                and all(name in plan.equalities for name in plan.table.key_schema.names)
            ):
                _key_of_read(plan)
                return plan, True
            raise ValidationException(
                f"Validation failed in TransactStatements[{index}]: EXISTS() must contain a "
                "single item read with additional condition"
            )
        if not _single_item(plan):
            raise ValidationException(
                f"Validation failed in TransactStatements[{index}]: Select statements within "
                "ExecuteTransaction must specify the primary key in the where clause."
            )
        _key_of_read(plan)
    return plan, False


def _key_of_read(plan: Plan) -> None:
    schema = plan.table.key_schema
    plan.key_item = {name: plan.equalities[name] for name in schema.names}
    plan.key = keys.key_of_key(schema, plan.key_item)


@handles("dynamodb", "ExecuteTransaction")
def execute_transaction(world: RegionWorld, params: Params) -> Result:
    requests: list[dict[str, Any]] = params["TransactStatements"]
    plans = [_plan_transaction(world, index, request) for index, request in enumerate(requests)]
    reads = [plan.is_read and not exists for plan, exists in plans]
    if any(reads) and not all(reads):
        raise ValidationException(
            "ExecuteTransaction API does not support both read and write operations in the "
            "same request."
        )
    seen: set[tuple[str, KeyTuple]] = set()
    for plan, _exists in plans:
        if plan.key is None:
            continue
        target = (plan.table.name, plan.key)
        if target in seen:
            raise ValidationException(
                "Transaction request cannot include multiple operations on one item"
            )
        seen.add(target)
    if all(reads):
        return _read_transaction(params, [plan for plan, _ in plans])
    token = params.get("ClientRequestToken")
    fingerprint = request_fingerprint(params) if token is not None else ""
    if token is not None and world.token_ledger.lookup(token, fingerprint, world.now_ms()):
        return {"Responses": []}
    outcomes: list[WriteOutcome | None] = []
    reasons: list[dict[str, Any]] = []
    for (plan, exists), request in zip(plans, requests, strict=True):
        wants_old = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        reason: dict[str, Any] = {"Code": "None"}
        outcome = None
        if exists:
            assert plan.key is not None and plan.condition is not None
            old = plan.table.items.get(plan.key)
            if old is None or not plan.condition.evaluate(old):
                reason = {"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED + "."}
                if wants_old and old is not None:
                    reason["Item"] = old
        else:
            try:
                outcome = evaluate_write(plan, wants_old)
            except ConditionalCheckFailedException as error:
                reason = {"Code": "ConditionalCheckFailed", "Message": error.message}
                if "Item" in error.extra:
                    reason["Item"] = error.extra["Item"]
            except DuplicateItemException:
                reason = {"Code": "ValidationError", "Message": DUPLICATE_ITEM}
            except ItemCollectionSizeLimitExceededException as error:
                reason = {"Code": "ItemCollectionSizeLimitExceeded", "Message": error.message}
            except ValidationException as error:
                if error is not plan.deferred and not error.message.startswith(INVALID_PARAMETERS):
                    raise
                reason = {"Code": "ValidationError", "Message": error.message}
        outcomes.append(outcome)
        reasons.append(reason)
    if any(reason["Code"] != "None" for reason in reasons):
        raise TransactionCanceledException.for_reasons(reasons)
    units: dict[str, float] = {}
    for (plan, _exists), outcome in zip(plans, outcomes, strict=True):
        if outcome is not None:
            spent = 2 * apply_write(world, plan, outcome)
            units[plan.table.name] = units.get(plan.table.name, 0.0) + spent
    if token is not None:
        world.token_ledger.record(token, fingerprint, world.now_ms())
    result: Result = {"Responses": []}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result


def _read_transaction(params: Params, plans: list[Plan]) -> Result:
    responses: list[dict[str, Any]] = []
    units: dict[str, float] = {}
    for plan in plans:
        assert plan.key is not None
        select = plan.statement
        assert isinstance(select, pq.Select)
        item = plan.table.items.get(plan.key)
        responses.append(
            {"Item": project_flat(item, select.projection)} if item is not None else {}
        )
        spent = 2 * read_units(plan.table.items.size_of(plan.key), True)
        units[plan.table.name] = units.get(plan.table.name, 0.0) + spent
    result: Result = {"Responses": responses}
    capacities = merge_capacities(params, units)
    if capacities is not None:
        result["ConsumedCapacity"] = capacities
    return result
