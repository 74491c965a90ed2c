"""One PartiQL statement, planned and run: SELECT as a Query or a Scan, INSERT, UPDATE and
DELETE as PutItem, UpdateItem and DeleteItem would run them.

``plan_statement`` validates everything (the statement, its parameters, table and key) and
changes nothing; a plan's ``run`` then reads or writes. Writes pass the change funnel, so each
one makes exactly the stream record its item operation would.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ...backend import keys, values
from ...backend.changes import change_item
from ...backend.expressions import (
    BoundCondition,
    BoundUpdate,
    bind_condition,
    bind_update,
    get_path,
    project,
)
from ...backend.expressions import ast as expr
from ...backend.expressions.update import check_overlaps
from ...backend.indexes import IndexStore
from ...backend.items import KeyTuple, partition_hash
from ...backend.partiql import ast as pq
from ...backend.partiql import parse_statement
from ...backend.partiql.compiler import Constants, bind_constants, compile_condition, compile_update
from ...backend.tables import KeySchema, Table
from ...backend.world import RegionWorld
from ...errors import (
    ConditionalCheckFailedException,
    DuplicateItemException,
    ValidationException,
    invalid_parameters,
)
from ..indexes import query_index, resolve_index, scan_index
from ..item_pages import read_page
from ..item_requests import check_item_size, read_units, write_units

CONDITION_FAILED: Final = "The conditional request failed"
DUPLICATE_ITEM: Final = "Duplicate primary key exists in table"
_KEY_TYPE: Final = "Key attribute's data type should match its data type in table's schema: Key "
_NO_KEY: Final = "Where clause does not contain a mandatory equality on all key attributes"
_ON_INDEX: Final = "This operation is not supported on an index"
_UPDATE_TOO_BIG: Final = "Item size to update has exceeded the maximum allowed size"
_ORDERING: Final = frozenset({"<", "<=", ">", ">="})


@dataclass(slots=True)
class Plan:
    """A validated statement, ready to run against its table."""

    parsed: pq.ParsedStatement
    table: Table
    bound: dict[str, values.AttributeValue]
    condition: BoundCondition | None = None
    #: Equalities of the WHERE clause's top-level conjuncts: attribute -> value.
    equalities: dict[str, values.AttributeValue] = field(default_factory=dict)
    conjuncts: list[expr.Condition] = field(default_factory=list)
    key: KeyTuple | None = None
    key_item: values.Item | None = None
    item: values.Item | None = None
    update: BoundUpdate | None = None
    index: IndexStore | None = None
    #: An INSERT's key of the wrong type: raised when it runs (a transaction's reason).
    deferred: ValidationException | None = None

    @property
    def statement(self) -> pq.Statement:
        return self.parsed.statement

    @property
    def is_read(self) -> bool:
        return isinstance(self.statement, pq.Select)


def plan_statement(
    world: RegionWorld,
    text: str,
    parameters: Sequence[Any] | None,
    *,
    consistent: bool = False,
) -> Plan:
    parsed = parse_statement(text)
    statement = parsed.statement
    if isinstance(statement, pq.Exists):
        raise ValidationException("EXISTS can only be used in ExecuteTransaction write requests.")
    constants = Constants()
    where = getattr(statement, "where", None)
    parsed_condition = compile_condition(text, where, constants) if where is not None else None
    parsed_update = None
    if isinstance(statement, pq.Update):
        parsed_update = compile_update(text, statement.actions, constants)
    item_constant = None
    if isinstance(statement, pq.Insert):
        item_constant = constants.placeholder(statement.item)
    bound = bind_constants(constants.nodes, parameters, parsed.parameter_count)
    target = statement.target if not isinstance(statement, pq.Exists) else statement.select.target
    if target.index is not None and not isinstance(statement, pq.Select):
        if isinstance(statement, pq.Insert):
            raise ValidationException(
                "FROM clause may only contain a single table name in data manipulation statements"
            )
        raise ValidationException(_ON_INDEX)
    plan = Plan(parsed, world.table_for_items(target.table), bound)
    if parsed_condition is not None:
        plan.condition = bind_condition(parsed_condition, None, bound)
        plan.conjuncts = _conjuncts(parsed_condition.root)
        plan.equalities = _equalities(plan.conjuncts, bound)
    if isinstance(statement, pq.Select):
        _plan_select(world, plan, statement, consistent)
    elif isinstance(statement, pq.Insert):
        assert item_constant is not None
        item = values.normalize_item(bound[item_constant.placeholder]["M"])
        for name, _kind, _hash in plan.table.key_schema.typed_elements:
            if name not in item:
                raise ValidationException(
                    f"Key attribute should be present in the item: Key {name}"
                )
        plan.item = item
        try:
            _check_key_types(plan.table.key_schema, item)
        except ValidationException as error:
            plan.deferred = error
            return plan
        check_item_size(item)
        plan.key = keys.key_of_item(plan.table.key_schema, item)
        plan.table.check_index_keys(item)
    else:
        _plan_key(plan)
        if parsed_update is not None:
            plan.update = bind_update(parsed_update, None, bound)
            for action in parsed_update.actions:
                head = action.path.elements[0]
                if head in plan.table.key_schema.names:
                    raise invalid_parameters(
                        f"Cannot update attribute {head}. This attribute is part of the key"
                    )
        returning = statement.returning
        if (
            isinstance(statement, pq.Delete)
            and returning is not None
            and str(returning) != ("RETURNING ALL OLD *")
        ):
            raise ValidationException(
                f"Invalid returning clause: {returning}. Only RETURNING ALL OLD * is allowed in "
                "DELETE statements."
            )
    return plan


def _conjuncts(root: expr.Condition) -> list[expr.Condition]:
    if isinstance(root, expr.And):
        return _conjuncts(root.left) + _conjuncts(root.right)
    return [root]


def _key_comparison(
    part: expr.Condition, bound: dict[str, values.AttributeValue]
) -> tuple[str, str, list[values.AttributeValue]] | None:
    """``(attribute, op, constants)`` of a top-level comparison of one attribute."""
    if isinstance(part, expr.Comparison):
        left, right, op = part.left, part.right, part.op
        if isinstance(right, expr.Path) and isinstance(left, expr.Value):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if (
            isinstance(left, expr.Path)
            and isinstance(right, expr.Value)
            and len(left.elements) == 1
        ):
            return str(left.elements[0]), op, [bound[right.placeholder]]
    if isinstance(part, expr.Between) and isinstance(part.operand, expr.Path):
        low, high = part.low, part.high
        if (
            isinstance(low, expr.Value)
            and isinstance(high, expr.Value)
            and len(part.operand.elements) == 1
        ):
            bounds = [bound[low.placeholder], bound[high.placeholder]]
            return str(part.operand.elements[0]), "BETWEEN", bounds
    if isinstance(part, expr.FunctionCall) and part.name == "begins_with":
        path, prefix = part.args
        if (
            isinstance(path, expr.Path)
            and isinstance(prefix, expr.Value)
            and len(path.elements) == 1
        ):
            return str(path.elements[0]), "begins_with", [bound[prefix.placeholder]]
    return None


def _equalities(
    conjuncts: list[expr.Condition], bound: dict[str, values.AttributeValue]
) -> dict[str, values.AttributeValue]:
    found: dict[str, values.AttributeValue] = {}
    for part in conjuncts:
        comparison = _key_comparison(part, bound)
        if comparison is not None and comparison[1] == "=":
            found.setdefault(comparison[0], comparison[2][0])
    return found


def _check_key_types(schema: KeySchema, item: values.Item) -> None:
    for name, kind, _is_hash in schema.typed_elements:
        value = item.get(name)
        if value is not None and kind not in value:
            raise ValidationException(_KEY_TYPE + name)


def _plan_key(plan: Plan) -> None:
    """UPDATE and DELETE name one item: an equality on every key attribute."""
    schema = plan.table.key_schema
    key_item: values.Item = {}
    for name, kind, _is_hash in schema.typed_elements:
        found = [
            comparison[2][0]
            for part in plan.conjuncts
            if (comparison := _key_comparison(part, plan.bound)) is not None
            and comparison[0] == name
            and comparison[1] == "="
        ]
        if not found:
            raise ValidationException(_NO_KEY)
        if any(not values.values_equal(found[0], other) for other in found[1:]):
            raise ValidationException(
                f"Multiple conditions on same key {name}. Only single item Update/Insert/Delete "
                "are supported"
            )
        if kind not in found[0]:
            raise ValidationException(_KEY_TYPE + name)
        keys.check_not_empty(name, found[0])
        key_item[name] = found[0]
    plan.key_item = key_item
    plan.key = keys.key_of_key(schema, key_item)


def has_extra_condition(plan: Plan) -> bool:
    """Whether the WHERE clause says more than the item's key."""
    names = plan.table.key_schema.names
    for part in plan.conjuncts:
        comparison = _key_comparison(part, plan.bound)
        if comparison is None or comparison[0] not in names or comparison[1] != "=":
            return True
    return False


# -- SELECT -------------------------------------------------------------------------------


def _plan_select(world: RegionWorld, plan: Plan, select: pq.Select, consistent: bool) -> None:
    if select.target.index is not None:
        params = {"IndexName": select.target.index, "ConsistentRead": consistent}
        plan.index = resolve_index(world, plan.table, params, names_missing=False)
    schema = _schema(plan)
    if select.order_by:
        if select.where is None:
            raise ValidationException(
                "Must have WHERE clause in the statement when using ORDER BY clause."
            )
        for order in select.order_by:
            if order.name not in schema.names:
                raise ValidationException(
                    f"Variable reference {order.name} in ORDER BY clause must be part of the "
                    "primary key"
                )
        if schema.hash_name not in plan.equalities and not _hash_options(plan, schema):
            raise ValidationException(
                "Must have at least one non-optional hash key condition in WHERE clause when "
                "using ORDER BY clause."
            )
    querying = schema.hash_name in plan.equalities or bool(_hash_options(plan, schema))
    for part in plan.conjuncts:
        comparison = _key_comparison(part, plan.bound)
        if comparison is None or comparison[0] not in schema.names:
            continue
        name, op, constants = comparison
        kind = schema.hash_type if name == schema.hash_name else schema.range_type
        if any(kind not in constant for constant in constants):
            if querying:
                raise ValidationException(_KEY_TYPE + name)
            if op in _ORDERING or op in ("BETWEEN", "begins_with"):
                raise invalid_parameters("Condition parameter type does not match schema type")
        if querying and op == "=":
            keys.check_not_empty(name, constants[0])
    if select.projection is not None:
        labels = [projection_label(path.elements) for path in select.projection]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValidationException(
                "Duplicate identifiers in select clause: " + ", ".join(duplicates)
            )
        check_overlaps("", [path.elements for path in select.projection])


def _schema(plan: Plan) -> KeySchema:
    return plan.index.definition.key_schema if plan.index is not None else plan.table.key_schema


def _hash_options(plan: Plan, schema: KeySchema) -> list[values.AttributeValue]:
    """``hash IN [...]`` among the conjuncts: the partitions to query."""
    for part in plan.conjuncts:
        if (
            isinstance(part, expr.In)
            and isinstance(part.operand, expr.Path)
            and part.operand.elements == (schema.hash_name,)
            and all(isinstance(option, expr.Value) for option in part.options)
        ):
            options = [plan.bound[option.placeholder] for option in part.options]  # type: ignore[union-attr]
            return [option for option in options if schema.hash_type in option]
    return []


def projection_label(path: Sequence[str | int]) -> str:
    """The name DynamoDB gives a projected path: its last name and the indexes after it."""
    names = [position for position, element in enumerate(path) if isinstance(element, str)]
    last = names[-1]
    return str(path[last]) + "".join(f"[{element}]" for element in path[last + 1 :])


def project_flat(item: values.Item, projection: tuple[pq.PathExpr, ...] | None) -> values.Item:
    if projection is None:
        return item
    result: values.Item = {}
    for path in projection:
        found = get_path(item, path.elements)
        if found is not None:
            result[projection_label(path.elements)] = found
    return result


@dataclass(slots=True)
class Page:
    items: list[values.Item]
    scanned_bytes: int
    #: Where the next page starts: (partition option, last evaluated key), or None.
    next_start: tuple[int, values.Item] | None


def read_select(plan: Plan, limit: int | None, start: tuple[int, values.Item] | None) -> Page:
    """One page of a SELECT: a Query per partition it names, else a Scan."""
    select = plan.statement
    assert isinstance(select, pq.Select)
    schema = _schema(plan)
    descending = any(
        order.descending for order in select.order_by if order.name == schema.range_name
    )
    hash_value = plan.equalities.get(schema.hash_name)
    options = [hash_value] if hash_value is not None else _hash_options(plan, schema)
    if hash_value is None and not options:
        return _scan(plan, limit, start)
    ordered = sorted(
        {json.dumps(option, sort_keys=True): option for option in options}.values(),
        key=keys.canonical_key_value,
    )
    items: list[values.Item] = []
    scanned = 0
    first, start_key = start if start is not None else (0, None)
    for position in range(first, len(ordered)):
        # Limit counts items, across the partitions an IN list names (not bytes read).
        remaining = None if limit is None else limit - len(items)
        page = _query(plan, ordered[position], not descending, remaining, start_key)
        start_key = None
        items.extend(page.items)
        scanned += page.scanned_bytes
        if page.next_start is not None:
            return Page(items, scanned, (position, page.next_start[1]))
    return Page(items, scanned, None)


def _bounds(plan: Plan, schema: KeySchema) -> tuple[Any, Any]:
    if schema.range_name is None:
        return None, None
    for part in plan.conjuncts:
        comparison = _key_comparison(part, plan.bound)
        if comparison is None or comparison[0] != schema.range_name:
            continue
        _, op, constants = comparison
        first = keys.canonical_key_value(constants[0])
        if op == "=":
            return (first, True), (first, True)
        if op in ("<", "<="):
            return None, (first, op == "<=")
        if op in (">", ">="):
            return (first, op == ">="), None
        if op == "BETWEEN":
            return (first, True), (keys.canonical_key_value(constants[1]), True)
    return None, None


def _query(
    plan: Plan,
    hash_value: values.AttributeValue,
    forward: bool,
    limit: int | None,
    start: values.Item | None,
) -> Page:
    table, schema = plan.table, _schema(plan)
    hash_key = keys.canonical_key_value(hash_value)
    low, high = _bounds(plan, schema)
    if plan.index is not None:
        params: dict[str, Any] = {"Limit": limit, "ScanIndexForward": forward}
        if start is not None:
            params["ExclusiveStartKey"] = start
        result = query_index(
            table, plan.index, params, hash_key, None, (low, high), plan.condition,
            "ALL_ATTRIBUTES", None,
        )  # fmt: skip
        return _index_page(result)
    if start is not None:
        start_key = keys.key_of_key(table.key_schema, start)
        if schema.range_name is None:
            return Page([], 0, None)
        if forward:
            low = (start_key[1], False)
        else:
            high = (start_key[1], False)
    candidates = table.items.partition_range(hash_key, low=low, high=high, forward=forward)
    page = read_page(candidates, limit, plan.condition)
    last = table.key_attributes(page.last) if page.last is not None else None
    return Page(page.items, page.scanned_bytes, (0, last) if last is not None else None)


def _index_page(result: dict[str, Any]) -> Page:
    last = result.get("LastEvaluatedKey")
    # An index page reports what it read in its capacity; count its items' sizes instead.
    size = sum(values.item_size(item) for item in result.get("Items", []))
    return Page(list(result.get("Items", [])), size, (0, last) if last is not None else None)


def _scan(plan: Plan, limit: int | None, start: tuple[int, values.Item] | None) -> Page:
    table = plan.table
    if plan.index is not None:
        params: dict[str, Any] = {"Limit": limit}
        if start is not None:
            params["ExclusiveStartKey"] = start[1]
        result = scan_index(table, plan.index, params, 0, 1, plan.condition, "ALL_ATTRIBUTES", None)
        return _index_page(result)
    page = read_page(_scan_candidates(table, start), limit, plan.condition)
    last = table.key_attributes(page.last) if page.last is not None else None
    return Page(page.items, page.scanned_bytes, (0, last) if last is not None else None)


def _scan_candidates(table: Table, start: tuple[int, values.Item] | None) -> Iterator[values.Item]:
    order = table.items.scan_order()
    items, hash_name = table.items, table.key_schema.hash_name
    begin = 0
    if start is not None:
        start_key = keys.key_of_key(table.key_schema, start[1])
        position = (partition_hash(start[1][hash_name]), start_key[1])
        for index, key in enumerate(order):
            if (partition_hash(items[key][hash_name]), key[1]) > position:
                begin = index
                break
        else:
            begin = len(order)
    return (items[order[index]] for index in range(begin, len(order)))


def encode_token(start: tuple[int, values.Item]) -> str:
    data = json.dumps({"version": "V1", "op": start[0], "key": start[1]}, sort_keys=True)
    return base64.b64encode(data.encode()).decode()


def decode_token(token: str) -> tuple[int, values.Item]:
    try:
        data = json.loads(base64.b64decode(token, validate=True))
        op, key = data["op"], values.normalize_item(data["key"])
        if not isinstance(op, int) or data.get("version") != "V1":
            raise ValueError(op)
    except (ValueError, KeyError, TypeError, binascii.Error, ValidationException):
        raise ValidationException("Invalid NextToken") from None
    return op, key


def read_units_of(plan: Plan, size: int, consistent: bool) -> float:
    return read_units(size, consistent)


# -- writes -------------------------------------------------------------------------------


@dataclass(slots=True)
class WriteOutcome:
    """What a write did: the new item (None: deleted or unchanged) and what it returns."""

    old: values.Item | None
    new: values.Item | None
    size: int
    returned: values.Item | None
    deletes: bool = False


def evaluate_write(plan: Plan, wants_old: bool) -> WriteOutcome:
    """The write against the item as it is now; raises what its item operation would."""
    if plan.deferred is not None:
        raise plan.deferred
    table, key = plan.table, plan.key
    assert key is not None
    old = table.items.get(key)
    statement = plan.statement
    if isinstance(statement, pq.Insert):
        if old is not None:
            raise DuplicateItemException(DUPLICATE_ITEM)
        assert plan.item is not None
        size = values.item_size(plan.item)
        table.check_item_collection(key, plan.item, size)
        return WriteOutcome(None, plan.item, size, None)
    condition_holds = plan.condition is None or (old is not None and plan.condition.evaluate(old))
    if isinstance(statement, pq.Delete):
        # Deleting an item that is not there succeeds with nothing deleted (AWS's "PartiQL
        # delete statements"); only an item that fails the condition is refused.
        if old is not None and has_extra_condition(plan) and not condition_holds:
            _fail(old, wants_old)
        returned = old if statement.returning is not None else None
        return WriteOutcome(old, None, 0, returned, deletes=True)
    assert isinstance(statement, pq.Update) and plan.update is not None
    if old is None or not condition_holds:
        _fail(old, wants_old)
    assert old is not None
    new = plan.update.apply(old)
    size = check_item_size(new, _UPDATE_TOO_BIG)
    table.check_index_keys(new, by_update=True)
    table.check_item_collection(key, new, size)
    return WriteOutcome(old, new, size, _returned(statement.returning, plan, old, new))


def _fail(old: values.Item | None, wants_old: bool) -> None:
    if wants_old and old is not None:
        raise ConditionalCheckFailedException(CONDITION_FAILED, Item=old)
    raise ConditionalCheckFailedException(CONDITION_FAILED)


def _returned(
    returning: pq.Returning | None, plan: Plan, old: values.Item, new: values.Item
) -> values.Item | None:
    if returning is None:
        return None
    image = old if returning.image == "OLD" else new
    if returning.scope == "ALL":
        return image
    assert plan.update is not None
    targets = [
        tuple(e if isinstance(e, int) else str(e) for e in action.path.elements)
        for action in plan.update.parsed.actions
    ]
    return project(image, targets)


def apply_write(world: RegionWorld, plan: Plan, outcome: WriteOutcome) -> float:
    """Store the outcome through the change funnel; return the write units spent."""
    assert plan.key is not None
    old_size = plan.table.items.size_of(plan.key)
    if outcome.deletes:
        change_item(world, plan.table, plan.key, None)
    elif outcome.new is not None:
        change_item(world, plan.table, plan.key, outcome.new, outcome.size)
    return write_units(outcome.size, old_size)
