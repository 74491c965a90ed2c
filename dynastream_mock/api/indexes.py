"""Secondary indexes in the API: Query and Scan on an index, GSI changes by UpdateTable, and
the figures DescribeTable shows for each index.

Reads follow AWS's rules: an unknown index, a GSI still backfilling, a consistent read on a
GSI and ``Select=ALL_ATTRIBUTES`` on a GSI that does not project everything are refused;
without ``Select`` or a projection an index answers ALL_PROJECTED_ATTRIBUTES; an LSI fetches
what it does not project from the table, a GSI cannot.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any, Final

from ..backend import keys, table_updates, values
from ..backend.expressions import BoundCondition, KeyConditionPart, ResolvedPath
from ..backend.hash_ranges import segment_bounds
from ..backend.indexes import IndexStore, Position
from ..backend.items import KeyPart, KeyTuple
from ..backend.table_updates import IndexChange, IndexCreation, IndexDeletion, IndexThroughput
from ..backend.tables import IndexDefinition, KeySchema, Table
from ..backend.world import RegionWorld
from ..errors import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
    invalid_parameters,
)
from . import table_settings
from .item_pages import invalid_start, read_page, render_page
from .router import Params, Result

_ONE_AT_A_TIME: Final = (
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
    "per table"
)
_NOT_IN_RANGE: Final = "The provided starting key does not match the range key predicate"
_first = itemgetter(0)

Bound = tuple[KeyPart, bool]


# -- reads --------------------------------------------------------------------------------


def resolve_index(
    world: RegionWorld, table: Table, params: Params, *, names_missing: bool = True
) -> IndexStore | None:
    """The index a Query or Scan names (None for the table), after AWS's read rules.

    A missing index is named in Query's and Scan's message, not in PartiQL's (moto's
    aws_verified test_execute_statement_on_unknown_gsi_table): ``names_missing``.
    """
    name = params.get("IndexName")
    if name is None:
        return None
    store = table.index_stores.get(name)
    if store is None:
        message = "The table does not have the specified index"
        raise ValidationException(f"{message}: {name}" if names_missing else message)
    if store.is_global:
        if store.status(world.now_ms()) == "CREATING":
            raise ValidationException(
                f"Cannot read from backfilling global secondary index: {name}"
            )
        if params.get("ConsistentRead"):
            raise ValidationException(
                "Consistent reads are not supported on global secondary indexes"
            )
        if params.get("Select") == "ALL_ATTRIBUTES" and store.definition.projection_type != "ALL":
            raise invalid_parameters(
                f"Select type ALL_ATTRIBUTES is not supported for global secondary "
                f"index {name} because its projection type is not ALL"
            )
    return store


def _index_select(params: Params, select: str, paths: object) -> str:
    # Without Select or a projection, an index answers what it projects (API reference).
    if params.get("Select") is None and paths is None:
        return "ALL_PROJECTED_ATTRIBUTES"
    return select


def _sources(
    table: Table,
    store: IndexStore,
    keys: Iterator[KeyTuple],
    select: str,
    paths: object,
    condition: BoundCondition | None,
) -> Iterator[values.Item]:
    """The item each entry is read as: the index's copy, or for an LSI the table's item
    when the request needs attributes the index does not project."""
    entries = store.entries
    fetch = not store.is_global and store.definition.projection_type != "ALL"
    fetch = fetch and (select == "ALL_ATTRIBUTES" or paths is not None or condition is not None)
    items = table.items
    for key in keys:
        yield items[key] if fetch else entries[key][2]


def _render(
    table: Table,
    store: IndexStore,
    params: Params,
    page: Any,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
) -> Result:
    if select == "ALL_PROJECTED_ATTRIBUTES":
        page.items = [store.project(item) for item in page.items]
    return render_page(table, params, page, select, paths, key_names=store.key_names())


def _start_item(table: Table, store: IndexStore, params: Params) -> values.Item | None:
    """ExclusiveStartKey checked as an index position: table keys plus index keys."""
    raw = params.get("ExclusiveStartKey")
    if raw is None:
        return None
    try:
        start = values.normalize_item(raw)
    except ValidationException as error:
        raise invalid_start(error.message) from None
    names = store.key_names()
    if len(start) != len(names) or any(name not in start for name in names):
        raise invalid_start(keys.KEY_MISMATCH)
    try:
        keys.key_of_key(table.key_schema, {name: start[name] for name in table.key_schema.names})
    except ValidationException as error:
        raise invalid_start(error.message) from None
    for name, kind, _is_hash in store.definition.key_schema.typed_elements:
        if kind not in start[name]:
            raise ValidationException(keys.KEY_MISMATCH)
    return start


def _position(table: Table, store: IndexStore, start: values.Item) -> tuple[KeyPart, Position]:
    index_key = store.index_key(start)
    assert index_key is not None  # _start_item checked every index key attribute's type
    table_hash, table_range = keys.key_of_key(
        table.key_schema, {name: start[name] for name in table.key_schema.names}
    )
    return index_key[0], (index_key[1], table_hash, table_range)


def query_index(
    table: Table,
    store: IndexStore,
    params: Params,
    hash_key: KeyPart,
    range_part: KeyConditionPart | None,
    bounds: tuple[Bound | None, Bound | None],
    condition: BoundCondition | None,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
) -> Result:
    """One page of a Query on ``store``, whose key condition is already checked."""
    start = _start_item(table, store, params)
    after: Position | None = None
    if start is not None:
        start_hash, after = _position(table, store, start)
        range_name = store.definition.key_schema.range_name
        if start_hash != hash_key:
            raise invalid_start(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        if (
            range_part is not None
            and range_name is not None
            and not range_part.matches(start[range_name])
        ):
            raise ValidationException(_NOT_IN_RANGE)
    return _query_page(table, store, params, hash_key, bounds, after, condition, select, paths)


def query_composite_index(
    table: Table,
    store: IndexStore,
    params: Params,
    hash_key: tuple[KeyPart, ...],
    range_parts: tuple[KeyConditionPart, ...],
    bounds: tuple[Bound | None, Bound | None],
    condition: BoundCondition | None,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
) -> Result:
    """One page of a Query on a GSI with a multi-attribute key (checked already)."""
    start = _start_item(table, store, params)
    after: Position | None = None
    if start is not None:
        start_hash, after = _position(table, store, start)
        # A start outside the partition or the RANGE conditions: one answer for both
        # (DynamoDB Local 3.3, which serves multi-attribute keys).
        if start_hash != hash_key or not all(
            part.matches(start[part.attribute]) for part in range_parts
        ):
            raise ValidationException(_NOT_IN_RANGE)
    return _query_page(table, store, params, hash_key, bounds, after, condition, select, paths)


def _query_page(
    table: Table,
    store: IndexStore,
    params: Params,
    hash_key: KeyPart,
    bounds: tuple[Bound | None, Bound | None],
    after: Position | None,
    condition: BoundCondition | None,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
) -> Result:
    select = _index_select(params, select, paths)
    forward = params.get("ScanIndexForward", True) is not False
    low, high = bounds
    table_keys = store.partition_keys(hash_key, low=low, high=high, forward=forward, after=after)
    candidates = _sources(table, store, table_keys, select, paths, condition)
    page = read_page(candidates, params.get("Limit"), condition)
    return _render(table, store, params, page, select, paths)


def scan_index(
    table: Table,
    store: IndexStore,
    params: Params,
    segment: int,
    total: int,
    condition: BoundCondition | None,
    select: str,
    paths: tuple[ResolvedPath, ...] | None,
) -> Result:
    """One page of a Scan on ``store``: partition hash order, one segment."""
    select = _index_select(params, select, paths)
    order = store.scan_order()
    low_hash, high_hash = segment_bounds(segment, total)
    begin = bisect_left(order, low_hash, key=_first)
    stop = bisect_left(order, high_hash, key=_first)
    start = _start_item(table, store, params)
    if start is not None:
        hash_key, position = _position(table, store, start)
        start_hash = store.partition_hash_of(hash_key, start)
        if total > 1 and not low_hash <= start_hash < high_hash:
            raise invalid_start(
                "Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
                f"TotalSegments: {total} Segment: {segment}"
            )
        begin = max(begin, bisect_right(order, (start_hash, hash_key, *position)))
    table_keys = ((entry[3], entry[4]) for entry in order[begin:stop])
    candidates = _sources(table, store, table_keys, select, paths, condition)
    page = read_page(candidates, params.get("Limit"), condition)
    return _render(table, store, params, page, select, paths)


# -- DescribeTable ------------------------------------------------------------------------


def describe_figures(world: RegionWorld, table: Table, index: IndexDefinition) -> dict[str, Any]:
    """IndexStatus (GSIs), Backfilling, ItemCount and IndexSizeBytes of one index."""
    store = table.index_stores.get(index.name)
    figures: dict[str, Any] = {
        "IndexSizeBytes": store.size_bytes if store is not None else 0,
        "ItemCount": len(store.entries) if store is not None else 0,
    }
    if index.kind == "GLOBAL":
        status = store.status(world.now_ms()) if store is not None else "DELETING"
        figures["IndexStatus"] = status
        if status == "CREATING":
            figures["Backfilling"] = True
    return figures


def deleting_indexes(world: RegionWorld, table: Table) -> list[IndexDefinition]:
    """GSIs removed by UpdateTable that are still DELETING."""
    return table_updates.deleting_indexes(table, world.now_ms())


# -- UpdateTable GlobalSecondaryIndexUpdates ----------------------------------------------


def plan_index_updates(
    world: RegionWorld,
    table: Table,
    params: Params,
    parse_key_schema: Callable[[list[dict[str, Any]], dict[str, str]], KeySchema],
    *,
    changes_stream: bool,
) -> tuple[IndexChange, ...]:
    """Validate ``GlobalSecondaryIndexUpdates`` whole; return the changes they ask for."""
    updates: list[dict[str, Any]] = params.get("GlobalSecondaryIndexUpdates") or []
    if not updates:
        return ()
    actions: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for update in updates:
        present = [kind for kind in ("Update", "Create", "Delete") if update.get(kind) is not None]
        if not present:
            raise invalid_parameters(
                "One of GlobalSecondaryIndexUpdate.Update, "
                "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not "
                "be null"
            )
        if len(present) > 1:
            raise invalid_parameters(
                "Only one global secondary index action is allowed per "
                "GlobalSecondaryIndexUpdate object"
            )
        action = update[present[0]]
        name = action["IndexName"]
        if name in seen:
            raise invalid_parameters(
                "Only one global secondary index update per index is allowed "
                f"simultaneously. Index: {name}"
            )
        seen.add(name)
        actions.append((present[0], action))
    structural = [kind for kind, _ in actions if kind != "Update"]
    if len(structural) > 1:
        raise LimitExceededException(_ONE_AT_A_TIME)
    now = world.now_ms()
    if structural:
        if changes_stream:
            raise invalid_parameters(
                "You cannot create or delete index while changing stream status"
            )
        busy = any(store.status(now) == "CREATING" for store in table.index_stores.values())
        if busy or deleting_indexes(world, table):
            raise LimitExceededException(_ONE_AT_A_TIME)
    billing_mode = params.get("BillingMode") or table.settings.billing_mode
    changes: list[IndexChange] = []
    for kind, action in actions:
        if kind == "Create":
            changes.append(_plan_create(table, params, action, billing_mode, parse_key_schema))
        else:
            change = _plan_change(table, kind, action, billing_mode)
            if change is not None:
                changes.append(change)
    return tuple(changes)


def _existing_global(table: Table, name: str, verb: str) -> IndexStore:
    store = table.index_stores.get(name)
    if store is not None and not store.is_global:
        raise ValidationException(
            f"Cannot {verb} an index that is not a GlobalSecondaryIndex: {name}"
        )
    if store is None:
        raise ResourceNotFoundException(
            f"Requested resource not found: Index {name} for table {table.name}"
        )
    return store


def _plan_change(
    table: Table, kind: str, action: dict[str, Any], billing_mode: str
) -> IndexChange | None:
    name = action["IndexName"]
    _existing_global(table, name, kind.lower())
    if kind == "Delete":
        return IndexDeletion(name)
    if action.get("WarmThroughput") is not None:
        raise ValidationException(
            "dynastream_mock does not support WarmThroughput in a GlobalSecondaryIndexUpdates "
            "Update yet; give it when the index is created"
        )
    throughput = action.get("ProvisionedThroughput")
    if billing_mode == "PAY_PER_REQUEST":
        if throughput is not None:
            raise invalid_parameters(
                f"The only Updates for index: {name} when TableThroughputMode is "
                "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
            )
        return None
    if throughput is None:
        raise invalid_parameters(f"ProvisionedThroughput must be specified for index: {name}")
    read, write = int(throughput["ReadCapacityUnits"]), int(throughput["WriteCapacityUnits"])
    return IndexThroughput(name, read, write)


def _plan_create(
    table: Table,
    params: Params,
    action: dict[str, Any],
    billing_mode: str,
    parse_key_schema: Callable[[list[dict[str, Any]], dict[str, str]], KeySchema],
) -> IndexCreation:
    name = action["IndexName"]
    if name in table.index_stores or name in table.deleting_indexes:
        raise ValidationException("Attempting to create an index which already exists")
    requested: dict[str, str] = {}
    for definition in params.get("AttributeDefinitions") or []:
        attribute, kind = definition["AttributeName"], definition["AttributeType"]
        if attribute in requested:
            raise ValidationException("Cannot have two attributes with the same name")
        if table.definition.attribute_definitions.get(attribute, kind) != kind:
            raise ValidationException(
                "invalid attribute, SchemaElement redefined should be of same type as "
                "previously defined"
            )
        requested[attribute] = kind
    key_names = [element["AttributeName"] for element in action["KeySchema"]]
    if "AttributeDefinitions" not in params and any(
        key not in table.definition.attribute_definitions for key in key_names
    ):
        raise invalid_parameters(f"AttributeDefinitions is not specified for index: {name}")
    definitions = {**table.definition.attribute_definitions, **requested}
    key = parse_key_schema(action["KeySchema"], definitions)
    projection = action["Projection"]
    projection_type = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if projection_type is None:
        raise invalid_parameters("Unknown ProjectionType: null")
    if projection_type == "INCLUDE" and not non_key:
        raise invalid_parameters("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if projection_type != "INCLUDE" and non_key is not None:
        raise invalid_parameters(
            f"ProjectionType is {projection_type}, but NonKeyAttributes is specified"
        )
    throughput = action.get("ProvisionedThroughput")
    read = write = None
    if billing_mode == "PAY_PER_REQUEST" and throughput is not None:
        raise invalid_parameters(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for "
            f"index: {name} when BillingMode is PAY_PER_REQUEST"
        )
    if billing_mode == "PROVISIONED":
        if throughput is None:
            raise invalid_parameters(f"ProvisionedThroughput must be specified for index: {name}")
        read, write = int(throughput["ReadCapacityUnits"]), int(throughput["WriteCapacityUnits"])
    definition = IndexDefinition(
        name=name,
        kind="GLOBAL",
        key_schema=key,
        projection_type=projection_type,
        non_key_attributes=tuple(non_key or ()),
        read_capacity=read,
        write_capacity=write,
        warm_throughput=table_settings.parse_warm_throughput(action, billing_mode, f"index {name}"),
    )
    key_definitions = {attribute: definitions[attribute] for attribute in key.names}
    return IndexCreation(definition, key_definitions)
