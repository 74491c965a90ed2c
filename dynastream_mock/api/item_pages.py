"""What Query and Scan share: Select rules, parsed expressions, starting keys and paging."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..backend import keys, values
from ..backend.expressions import (
    BoundCondition,
    ParsedCondition,
    ResolvedPath,
    bind_condition,
    parse_condition,
    project,
)
from ..backend.expressions.ast import NameRef, Path
from ..backend.items import KeyTuple
from ..backend.tables import Table
from ..errors import ValidationException
from .item_requests import ONE_ERROR, Placeholders, consumed, read_units
from .router import Params, Result

#: A Query or Scan page stops once it has read this much (before filtering).
MAX_PAGE_BYTES: Final = 1024 * 1024
_BAD_START = "The provided starting key is invalid: "


def check_select(params: Params, *, is_query: bool) -> str:
    """The Select mode, after AWS's rules on combining it with projections and indexes."""
    select: str = params.get("Select") or ""
    # Query reports these inside Coral's envelope, Scan bare (captured on real AWS).
    prefix = ONE_ERROR if is_query else ""
    if params.get("ProjectionExpression") is not None and select in (
        "ALL_ATTRIBUTES",
        "ALL_PROJECTED_ATTRIBUTES",
        "COUNT",
    ):
        what = "only the Count" if select == "COUNT" else select
        raise ValidationException(
            prefix + f"Cannot specify the ProjectionExpression when choosing to get {what}"
        )
    if params.get("AttributesToGet") is not None and select not in ("", "SPECIFIC_ATTRIBUTES"):
        what = "only the Count" if select == "COUNT" else select
        raise ValidationException(
            prefix + f"Cannot specify the AttributesToGet when choosing to get {what}"
        )
    if (
        select == "SPECIFIC_ATTRIBUTES"
        and params.get("ProjectionExpression") is None
        and params.get("AttributesToGet") is None
    ):
        raise ValidationException(
            prefix + "Must specify the AttributesToGet or ProjectionExpression when choosing "
            "to get SPECIFIC_ATTRIBUTES"
        )
    if select == "ALL_PROJECTED_ATTRIBUTES" and params.get("IndexName") is None:
        raise ValidationException(
            prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    return select or "ALL_ATTRIBUTES"


def parse_filter(
    params: Params, placeholders: Placeholders
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    text = params.get("FilterExpression")
    if text is None:
        return None, None
    parsed = parse_condition(text, "FilterExpression")
    return bind_condition(parsed, placeholders.names, placeholders.values), parsed


def filter_name(parsed: ParsedCondition) -> str:
    """How DynamoDB names a Query's filter in "can only contain non-primary key attributes"."""
    return "QueryFilter" if parsed.param == "QueryFilter" else "Filter Expression"


def path_heads(node: Any, names: Mapping[str, str]) -> set[str]:
    """Top-level attribute names an expression tree refers to."""
    heads: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Path):
            head = current.elements[0]
            heads.add(names.get(head.placeholder, "") if isinstance(head, NameRef) else str(head))
        elif isinstance(current, tuple):
            stack.extend(current)
        elif dataclasses.is_dataclass(current):
            stack.extend(getattr(current, f.name) for f in dataclasses.fields(current))
    return heads


def starting_key(table: Table, params: Params) -> tuple[values.Item, KeyTuple] | None:
    """ExclusiveStartKey validated as a full primary key of the table."""
    raw = params.get("ExclusiveStartKey")
    if raw is None:
        return None
    try:
        key_item = values.normalize_item(raw)
        return key_item, keys.key_of_key(table.key_schema, key_item)
    except ValidationException as error:
        raise ValidationException(_BAD_START + error.message) from None


def invalid_start(reason: str) -> ValidationException:
    return ValidationException(_BAD_START + reason)


@dataclass(slots=True)
class Page:
    """One page of Query or Scan results, before projection."""

    items: list[values.Item]
    scanned: int
    scanned_bytes: int
    last: values.Item | None


def read_page(
    candidates: Iterable[values.Item], limit: int | None, condition: BoundCondition | None
) -> Page:
    """Read up to ``limit`` items (or 1 MB), then filter: AWS filters after the page."""
    items: list[values.Item] = []
    scanned = 0
    size = 0
    last: values.Item | None = None
    for item in candidates:
        scanned += 1
        size += values.item_size(item)
        if condition is None or condition.evaluate(item):
            items.append(item)
        if scanned == limit or size >= MAX_PAGE_BYTES:
            last = item
            break
    return Page(items, scanned, size, last)


def render_page(
    table: Table,
    params: Params,
    page: Page,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
    *,
    key_names: tuple[str, ...] | None = None,
) -> Result:
    """The response of a page; ``key_names`` are an index's keys (LastEvaluatedKey)."""
    result: Result = {}
    if select != "COUNT":
        result["Items"] = page.items if paths is None else [project(i, paths) for i in page.items]
    result["Count"] = len(page.items)
    result["ScannedCount"] = page.scanned
    if page.last is not None:
        last = page.last
        result["LastEvaluatedKey"] = (
            table.key_attributes(last)
            if key_names is None
            else {name: last[name] for name in key_names}
        )
    units = read_units(page.scanned_bytes, bool(params.get("ConsistentRead")))
    capacity = consumed(params, table.name, units)
    if capacity is not None:
        result["ConsumedCapacity"] = capacity
    return result
