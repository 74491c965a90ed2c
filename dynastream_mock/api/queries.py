"""DynamoDB data plane, many items: Query and Scan."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from ..backend import keys
from ..backend.expressions import (
    KeyCondition,
    KeyConditionPart,
    ParsedCondition,
    ParsedKeyCondition,
    bind_key_condition,
    check_placeholders,
    parse_key_condition,
)
from ..backend.hash_ranges import segment_bounds
from ..backend.items import KeyPart, partition_hash
from ..backend.tables import KeySchema, Table
from ..backend.world import RegionWorld
from ..errors import ValidationException, invalid_parameters
from . import legacy
from .indexes import query_composite_index, query_index, resolve_index, scan_index
from .item_pages import (
    check_select,
    filter_name,
    invalid_start,
    parse_filter,
    path_heads,
    read_page,
    render_page,
    starting_key,
)
from .item_requests import check_expression_params, projection_paths
from .router import Params, Result, handles

_NOT_SUPPORTED = "Query key condition not supported"
_TYPE_MISMATCH = "Condition parameter type does not match schema type"

Bound = tuple[KeyPart, bool]


@handles("dynamodb", "Query")
def query(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("Query", params)
    text = params.get("KeyConditionExpression")
    if text is None and params.get("KeyConditions") is None:
        raise ValidationException(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified "
            "in the request."
        )
    # The legacy parameters are checked before Select, as DynamoDB does.
    legacy_keys = legacy.key_conditions(params)
    condition, parsed_filter = legacy.filter_condition(params, "QueryFilter")
    select = check_select(params, is_query=True)
    names, eav = placeholders.names, placeholders.values
    parsed_key: ParsedKeyCondition
    if legacy_keys is None:
        assert text is not None
        parsed_key = parse_key_condition(text)
        key_condition = bind_key_condition(parsed_key, names, eav)
    else:
        key_condition, parsed_key = legacy_keys.condition, legacy_keys.parsed
    if parsed_filter is None:
        condition, parsed_filter = parse_filter(params, placeholders)
    paths, parsed_projection = projection_paths(params, names)
    check_placeholders(names, eav, parsed_key, parsed_filter, parsed_projection)
    key_condition.parts  # noqa: B018  (KeyConditionExpression's own checks, after the above)
    table = world.table_for_items(params["TableName"])
    index = resolve_index(world, table, params)
    schema = table.key_schema if index is None else index.definition.key_schema
    legacy.check_key_operators(legacy_keys, schema)
    if schema.composite:
        assert index is not None  # only a GSI has a multi-attribute key
        hash_values, range_parts, bounds = _composite_key_range(schema, key_condition)
        _check_filter_keys(schema, parsed_filter, names)
        return query_composite_index(
            table, index, params, hash_values, range_parts, bounds, condition, select, paths
        )
    hash_part, range_part = _key_parts(schema, key_condition)
    _check_filter_keys(schema, parsed_filter, names)
    forward = params.get("ScanIndexForward", True) is not False
    hash_key = keys.canonical_key_value(hash_part.values[0])
    low, high = _range_bounds(range_part)
    if index is not None:
        return query_index(
            table, index, params, hash_key, range_part, (low, high), condition, select, paths
        )
    start = starting_key(table, params)
    if start is not None:
        start_item, start_key = start
        range_name = table.key_schema.range_name
        if range_part is None or range_name is None:
            if start_key[0] != hash_key:
                raise invalid_start(
                    "The provided starting key is outside query boundaries based on provided "
                    "conditions"
                )
        elif not range_part.matches(start_item[range_name]):
            raise ValidationException(
                "The provided starting key does not match the range key predicate"
            )
        elif start_key[0] != hash_key:
            raise ValidationException(
                "The query can return at most one row and cannot be restarted"
            )
        if range_name is None:
            return render_page(table, params, read_page((), None, None), select, paths)
        if forward:
            low = (start_key[1], False)
        else:
            high = (start_key[1], False)
    candidates = table.items.partition_range(hash_key, low=low, high=high, forward=forward)
    page = read_page(candidates, params.get("Limit"), condition)
    return render_page(table, params, page, select, paths)


def _key_parts(
    schema: KeySchema, key_condition: KeyCondition
) -> tuple[KeyConditionPart, KeyConditionPart | None]:
    """The hash and sort key conditions, checked against the table's or index's key schema."""
    parts = {part.attribute: part for part in key_condition.parts}
    if len(parts) > 2:
        # Up to eight conditions parse (a multi-attribute GSI key's), two fit this key.
        raise ValidationException("Conditions can be of length 1 or 2 only")
    if schema.range_name is None and len(parts) > 1:
        raise ValidationException(_NOT_SUPPORTED)
    hash_part = parts.get(schema.hash_name)
    if hash_part is None:
        raise ValidationException(f"Query condition missed key schema element: {schema.hash_name}")
    if any(schema.hash_type not in value for value in hash_part.values):
        raise invalid_parameters(_TYPE_MISMATCH)
    if hash_part.op != "=":
        raise ValidationException(_NOT_SUPPORTED)
    keys.check_not_empty(schema.hash_name, hash_part.values[0])
    if schema.range_name is None:
        return hash_part, None
    range_part = parts.get(schema.range_name)
    if range_part is None:
        if len(parts) > 1:
            raise ValidationException(
                f"Query condition missed key schema element: {schema.range_name}"
            )
        return hash_part, None
    if any(schema.range_type not in value for value in range_part.values):
        raise invalid_parameters(_TYPE_MISMATCH)
    if range_part.op == "=":
        keys.check_not_empty(schema.range_name, range_part.values[0])
    return hash_part, range_part


def _check_filter_keys(
    schema: KeySchema, parsed_filter: ParsedCondition | None, names: Mapping[str, str]
) -> None:
    """A Query's filter may name no key attribute of the table or index it reads."""
    if parsed_filter is None:
        return
    for name in schema.names:
        if name in path_heads(parsed_filter.root, names):
            raise ValidationException(
                f"{filter_name(parsed_filter)} can only contain non-primary key attributes: "
                f"Primary key attribute: {name}"
            )


def _composite_key_range(
    schema: KeySchema, key_condition: KeyCondition
) -> tuple[tuple[KeyPart, ...], tuple[KeyConditionPart, ...], tuple[Bound | None, Bound | None]]:
    """A key condition on a multi-attribute GSI key, checked in DynamoDB's order: the index
    hash key (a tuple), the RANGE conditions, and the sort-key interval they select.

    Every HASH attribute needs an equality condition; RANGE attributes take conditions left
    to right, each but the last one used an equality (developer guide, "Multi-attribute
    keys pattern"; DynamoDB Local 3.3's texts and order of checks).
    """
    parts = {part.attribute: part for part in key_condition.parts}
    if len(parts) > len(schema.names):
        raise ValidationException(_NOT_SUPPORTED)
    unequal = [name for name, _kind in schema.hash_elements if _op(parts.get(name)) != "="]
    if unequal:
        raise ValidationException(
            f"HASH key attributes {', '.join(unequal)} must have equality conditions "
            "specified in the query"
        )
    hash_values = []
    for name, kind in schema.hash_elements:
        value = parts[name].values[0]
        if kind not in value:
            raise invalid_parameters(_TYPE_MISMATCH)
        keys.check_not_empty(name, value)
        hash_values.append(keys.canonical_key_value(value))
    range_names = [name for name, _kind in schema.range_elements]
    used = [index for index, name in enumerate(range_names) if name in parts]
    if used:
        last = used[-1]
        # Before the last RANGE attribute with a condition, every one needs an equality.
        unequal = [name for name in range_names[:last] if _op(parts.get(name)) != "="]
        if unequal:
            raise ValidationException(
                f"RANGE key attributes {', '.join(unequal)} must have equality conditions "
                "specified in the query because a condition is present on key attribute "
                f"{range_names[last]}"
            )
    range_parts = tuple(parts[name] for name in range_names[: len(used)])
    for part, (name, kind) in zip(range_parts, schema.range_elements, strict=False):
        if any(kind not in value for value in part.values):
            raise invalid_parameters(_TYPE_MISMATCH)
        if part.op == "=":
            keys.check_not_empty(name, part.values[0])
    if len(parts) > len(schema.hash_elements) + len(range_parts):
        # A condition on an attribute outside the index's key: AWS names the key attribute
        # it expected instead, as for a single-attribute key.
        missing = range_names[len(range_parts)]
        raise ValidationException(f"Query condition missed key schema element: {missing}")
    return tuple(hash_values), range_parts, _composite_bounds(range_parts)


def _op(part: KeyConditionPart | None) -> str | None:
    return None if part is None else part.op


class _Top:
    """Greater than every key value: closes a sort-key interval after a tuple prefix."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __le__(self, other: object) -> bool:
        return other is self

    def __ge__(self, other: object) -> bool:
        return True


_TOP = _Top()


def _composite_bounds(
    range_parts: tuple[KeyConditionPart, ...],
) -> tuple[Bound | None, Bound | None]:
    """The interval of sort-key tuples the RANGE conditions select, as inclusive low and
    exclusive high bounds: equalities fix a prefix, the last condition bounds what follows.

    A tuple sorts after each of its prefixes, and ``prefix + (_TOP,)`` after every tuple
    that starts with ``prefix``.
    """
    if not range_parts:
        return None, None
    *equal, last = range_parts
    prefix = tuple(keys.canonical_key_value(part.values[0]) for part in equal)
    first = keys.canonical_key_value(last.values[0])
    op = last.op
    after_prefix = (*prefix, _TOP)
    low: tuple[Any, ...] = prefix
    high: tuple[Any, ...] = after_prefix
    if op == "=":
        low, high = (*prefix, first), (*prefix, first, _TOP)
    elif op == "<":
        high = (*prefix, first)
    elif op == "<=":
        high = (*prefix, first, _TOP)
    elif op == ">":
        low = (*prefix, first, _TOP)
    elif op == ">=":
        low = (*prefix, first)
    elif op == "BETWEEN":
        low = (*prefix, first)
        high = (*prefix, keys.canonical_key_value(last.values[1]), _TOP)
    else:  # begins_with
        low = (*prefix, first)
        successor = _prefix_successor(first)
        if successor is not None:
            high = (*prefix, successor)
    return (low, True), (high, False)


def _range_bounds(part: KeyConditionPart | None) -> tuple[Bound | None, Bound | None]:
    """The sort-key interval of a condition, as (low, high) bounds for a binary search."""
    if part is None:
        return None, None
    first = keys.canonical_key_value(part.values[0])
    op = part.op
    if op == "=":
        return (first, True), (first, True)
    if op == "<":
        return None, (first, False)
    if op == "<=":
        return None, (first, True)
    if op == ">":
        return (first, False), None
    if op == ">=":
        return (first, True), None
    if op == "BETWEEN":
        return (first, True), (keys.canonical_key_value(part.values[1]), True)
    successor = _prefix_successor(first)
    return (first, True), (None if successor is None else (successor, False))


def _prefix_successor(prefix: Any) -> Any:
    """The smallest value greater than every value that starts with ``prefix`` (or None)."""
    if isinstance(prefix, bytes):
        trimmed = prefix.rstrip(b"\xff")
        return trimmed[:-1] + bytes([trimmed[-1] + 1]) if trimmed else None
    trimmed = prefix.rstrip(chr(0x10FFFF))
    return trimmed[:-1] + chr(ord(trimmed[-1]) + 1) if trimmed else None


@handles("dynamodb", "Scan")
def scan(world: RegionWorld, params: Params) -> Result:
    placeholders = check_expression_params("Scan", params)
    condition, parsed_filter = legacy.filter_condition(params, "ScanFilter")
    select = check_select(params, is_query=False)
    segment = params.get("Segment")
    total = params.get("TotalSegments")
    if segment is not None and total is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if total is not None:
        if segment is None:
            raise ValidationException(
                "The Segment parameter is required but was not present in the request when "
                "parameter TotalSegments is present"
            )
        if segment >= total:
            raise ValidationException(
                "The Segment parameter is zero-based and must be less than parameter "
                f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
            )
    names, eav = placeholders.names, placeholders.values
    if parsed_filter is None:
        condition, parsed_filter = parse_filter(params, placeholders)
    paths, parsed_projection = projection_paths(params, names)
    check_placeholders(names, eav, parsed_filter, parsed_projection)
    table = world.table_for_items(params["TableName"])
    index = resolve_index(world, table, params)
    if index is not None:
        return scan_index(table, index, params, segment or 0, total or 1, condition, select, paths)
    candidates = _scan_candidates(table, params, segment or 0, total or 1)
    page = read_page(candidates, params.get("Limit"), condition)
    return render_page(table, params, page, select, paths)


def _scan_candidates(table: Table, params: Params, segment: int, total: int) -> Iterator[Any]:
    """Items of one segment in scan order, after ExclusiveStartKey."""
    order = table.items.scan_order()
    items = table.items
    hash_name = table.key_schema.hash_name

    def hash_of(key: Any) -> int:
        return partition_hash(items[key][hash_name])

    def position(key: Any) -> tuple[int, Any]:
        return partition_hash(items[key][hash_name]), key[1]

    # A segment is a contiguous range of partition hashes, so of the scan order.
    low_hash, high_hash = segment_bounds(segment, total)
    start = bisect_left(order, low_hash, key=hash_of)
    stop = bisect_left(order, high_hash, key=hash_of)
    begin = starting_key(table, params)
    if begin is not None:
        start_item, start_key = begin
        start_hash = partition_hash(start_item[hash_name])
        if total > 1 and not low_hash <= start_hash < high_hash:
            raise invalid_start(
                "Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
                f"TotalSegments: {total} Segment: {segment}"
            )
        start = max(start, bisect_right(order, (start_hash, start_key[1]), key=position))
    return (items[order[index]] for index in range(start, stop))
