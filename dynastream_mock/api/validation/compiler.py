"""Compiling botocore's service models into validators, once per operation."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Final

from ...errors import SerializationException, ValidationException
from ...models import service_model
from .containers import ListNode, MapNode, StructNode
from .java import START_OF_MAP, Mismatch
from .nodes import (
    FIELD,
    LIST_MEMBER,
    MAP_VALUE,
    BlobNode,
    BoolNode,
    DoubleNode,
    IntNode,
    Limits,
    Node,
    StringNode,
    TimestampNode,
    Violation,
    first_mismatch,
)

Validator = Callable[[dict[str, Any]], None]

# Coral reports at most this many violations (real AWS messages never exceed
# "10 validation errors detected", even when more constraints fail).
_MAX_REPORTED: Final = 10

# Enum sets print in the order of AWS's internal model, which is neither botocore's order nor
# a hash order. These orders are taken from real AWS messages; values botocore adds later
# (AT_TIMESTAMP) follow in model order, values botocore dropped are left out.
_AWS_ENUM_ORDER: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("dynamodb", "ReturnConsumedCapacity"): ("INDEXES", "TOTAL", "NONE"),
    ("dynamodb", "ReturnValue"): ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    ("dynamodb", "ReturnItemCollectionMetrics"): ("SIZE", "NONE"),
    ("dynamodb", "ScalarAttributeType"): ("B", "N", "S"),
    ("dynamodb", "KeyType"): ("HASH", "RANGE"),
    ("dynamodb", "BillingMode"): ("PROVISIONED", "PAY_PER_REQUEST"),
    ("dynamodb", "ConditionalOperator"): ("OR", "AND"),
    ("dynamodb", "ProjectionType"): ("ALL", "INCLUDE", "KEYS_ONLY"),
    ("dynamodb", "Select"): (
        "SPECIFIC_ATTRIBUTES",
        "COUNT",
        "ALL_ATTRIBUTES",
        "ALL_PROJECTED_ATTRIBUTES",
    ),
    ("dynamodb", "ComparisonOperator"): (
        "IN",
        "NULL",
        "BETWEEN",
        "LT",
        "NOT_CONTAINS",
        "EQ",
        "GT",
        "NOT_NULL",
        "NE",
        "LE",
        "BEGINS_WITH",
        "GE",
        "CONTAINS",
    ),
    ("dynamodb", "StreamViewType"): ("OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE"),
    ("dynamodb", "ContributorInsightsAction"): ("ENABLE", "DISABLE"),
    ("dynamodb", "ContributorInsightsMode"): ("THROTTLED_KEYS", "ACCESSED_AND_THROTTLED_KEYS"),
    ("dynamodbstreams", "ShardIteratorType"): (
        "AT_SEQUENCE_NUMBER",
        "LATEST",
        "TRIM_HORIZON",
        "AFTER_SEQUENCE_NUMBER",
    ),
}

# Constraints real AWS enforces that botocore's public model omits, by (service, structure,
# member). Streams' limits are documented ("The upper limit is 1000/100") and rejected with
# ValidationException; KMSMasterKeyId '' answers "length greater than or equal to 1" (probed).
_EXTRA_CONSTRAINTS: Final[dict[tuple[str, str, str], dict[str, int]]] = {
    ("dynamodbstreams", "GetRecordsInput", "Limit"): {"max": 1000},
    ("dynamodbstreams", "DescribeStreamInput", "Limit"): {"max": 100},
    ("dynamodbstreams", "ListStreamsInput", "Limit"): {"max": 100},
    ("dynamodb", "SSESpecification", "KMSMasterKeyId"): {"min": 1},
    # A table's and an LSI's key: real AWS answers "keySchema ... Member must have length
    # less than or equal to 2" (dynalite's recordings, users' reports). botocore dropped the
    # max when GSIs gained multi-attribute keys (up to 4 HASH + 4 RANGE, checked by the api).
    ("dynamodb", "CreateTableInput", "KeySchema"): {"max": 2},
    ("dynamodb", "LocalSecondaryIndex", "KeySchema"): {"max": 2},
}
# The same, for every use of a shape.
_EXTRA_SHAPE_CONSTRAINTS: Final[dict[tuple[str, str], dict[str, int]]] = {}

# DynamoDB accepts a table name or a table ARN where botocore's model says ``TableArn``
# (length 1-1024, no pattern). Real AWS still checks plain names as ``TableName`` (length
# 3-255, pattern): DescribeTable with TableName '' answers "length greater than or equal to 3"
# and the pattern (probed 2026). So a value not starting with "arn:" gets TableName's
# constraints.
_TABLE_ARN_SHAPE: Final = "TableArn"
_TABLE_NAME_SHAPE: Final = "TableName"
# The request maps keyed by table name or ARN (BatchGetItem, BatchWriteItem).
_TABLE_KEYED_MAPS: Final = frozenset({"BatchGetRequestMap", "BatchWriteItemRequestMap"})

# Only JSON types are checked inside these (Coral's deserializer answers SerializationException
# for {"S": 123}: "NUMBER_VALUE cannot be converted to String", moto's
# test_put_item__string_as_integer_value); their deep validation belongs to backend/values.py.
_OPAQUE_STRUCTURES: Final = frozenset({"AttributeValue"})
# Blobs whose base64 backend/values.py checks (an AttributeValue's B and BS members).
_UNDECODED_BLOBS: Final = frozenset({"BinaryAttributeValue"})


def _aggregate(violations: list[Violation]) -> str:
    shown = violations[:_MAX_REPORTED]
    parts = []
    for node, value, path, phrase in shown:
        rendered = "null" if node is None else "'" + node.java_str(value) + "'"
        parts.append(f"Value {rendered} at '{path}' failed to satisfy constraint: {phrase}")
    n = len(shown)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(parts)


# --- compilation ----------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    # Coral's path segments lower only the first letter: 'sSESpecification.kMSMasterKeyId'.
    return name[:1].lower() + name[1:]


class _Compiler:
    """Turns one service model into nodes; nodes are shared between operations."""

    def __init__(self, service: str) -> None:
        model = service_model(service)
        self.service = service
        self.shapes: dict[str, dict[str, Any]] = model["shapes"]
        self.operations: dict[str, dict[str, Any]] = model["operations"]
        self.nodes: dict[tuple[str, int, str], Node] = {}
        self.lock = threading.RLock()

    def node(self, name: str, ctx: int, extra: dict[str, int] | None = None) -> Node:
        # ``extra`` (from _EXTRA_CONSTRAINTS) is rare; it keys the cache by its content.
        cache_key = (name, ctx, repr(sorted(extra.items())) if extra else "")
        found = self.nodes.get(cache_key)
        if found is not None:
            return found
        shape = self.shapes[name]
        shape_extra = _EXTRA_SHAPE_CONSTRAINTS.get((self.service, name))
        if shape_extra or extra:
            shape = {**shape, **(shape_extra or {}), **(extra or {})}
        own = ctx == FIELD
        kind = shape["type"]
        node: Node
        if kind == "structure":
            struct_node = StructNode(name, ctx, name in _OPAQUE_STRUCTURES)
            self.nodes[cache_key] = struct_node  # before members: shapes may recurse
            required = frozenset(shape.get("required", ()))
            members = []
            for member_name, ref in shape["members"].items():
                member_extra = _EXTRA_CONSTRAINTS.get((self.service, name, member_name))
                member_node = self.member_node(ref["shape"], member_name, member_extra)
                members.append(
                    (member_name, _lower_first(member_name), member_node, member_name in required)
                )
                struct_node.by_key[member_name] = member_node
            struct_node.members = tuple(members)
            return struct_node
        if kind == "list":
            member = self.node(shape["member"]["shape"], LIST_MEMBER)
            node = ListNode(Limits(shape, "length"), own, ctx, member)
        elif kind == "map":
            key_shape = shape["key"]["shape"]
            key = (
                self.table_name_node(key_shape, LIST_MEMBER)
                if name in _TABLE_KEYED_MAPS
                else (self.node(key_shape, LIST_MEMBER))
            )
            value = self.node(shape["value"]["shape"], MAP_VALUE)
            node = MapNode(Limits(shape, "length"), own, ctx, key, value)
        elif kind == "string":
            node = StringNode(Limits(shape, "length", self.enum_order(name, shape)), own)
        elif kind in ("integer", "long"):
            node = IntNode(Limits(shape, "value"), own, 32 if kind == "integer" else 64)
        elif kind in ("double", "float"):
            node = DoubleNode(Limits(shape, "value"), own)
        elif kind == "boolean":
            node = BoolNode(own)
        elif kind == "timestamp":
            node = TimestampNode(own)
        elif kind == "blob":
            node = BlobNode(Limits(shape, "length"), own, name not in _UNDECODED_BLOBS)
        else:  # pragma: no cover - no other types in these models
            raise ValueError(f"unsupported shape type {kind!r} of {name}")
        self.nodes[cache_key] = node
        return node

    def member_node(self, shape_name: str, member_name: str, extra: dict[str, int] | None) -> Node:
        if member_name == "TableName" and shape_name == _TABLE_ARN_SHAPE:
            return self.table_name_node(shape_name, FIELD)
        return self.node(shape_name, FIELD, extra)

    def table_name_node(self, shape_name: str, ctx: int) -> Node:
        cache_key = (shape_name, ctx, "table-name-or-arn")
        found = self.nodes.get(cache_key)
        if found is not None:
            return found
        node: Node = self.node(shape_name, ctx)
        if shape_name == _TABLE_ARN_SHAPE and _TABLE_NAME_SHAPE in self.shapes:
            assert isinstance(node, StringNode)
            node = StringNode(
                node.limits, node.own, Limits(self.shapes[_TABLE_NAME_SHAPE], "length")
            )
        self.nodes[cache_key] = node
        return node

    def enum_order(self, name: str, shape: dict[str, Any]) -> tuple[str, ...] | None:
        values: list[str] | None = shape.get("enum")
        if not values:
            return None
        known = _AWS_ENUM_ORDER.get((self.service, name))
        if known is None:
            return tuple(values)
        present = set(values)
        ordered = [v for v in known if v in present]
        ordered += [v for v in values if v not in set(known)]
        return tuple(ordered)

    def validator(self, operation: str, members: frozenset[str] | None = None) -> Validator:
        op = self.operations.get(operation)
        if op is None:
            raise KeyError(f"{self.service} has no operation {operation!r}")
        input_ref = op.get("input")
        with self.lock:
            root: StructNode | None = None
            if input_ref is not None:
                node = self.node(input_ref["shape"], FIELD)
                assert isinstance(node, StructNode)
                root = node if members is None else _only(node, members)
        return _make_validator(root)


def _only(root: StructNode, members: frozenset[str]) -> StructNode:
    """``root`` with only ``members``: the others are neither required nor checked."""
    unknown = members - set(root.by_key)
    if unknown:
        raise KeyError(f"{root.name} has no member(s) {', '.join(sorted(unknown))}")
    part = StructNode(root.name, root.ctx, root.opaque)
    part.members = tuple(member for member in root.members if member[0] in members)
    part.by_key = {name: node for name, node in root.by_key.items() if name in members}
    return part


def _make_validator(root: StructNode | None) -> Validator:
    if root is None:
        # No input shape: any object is accepted.
        def validate_nothing(params: dict[str, Any]) -> None:
            if type(params) is not dict:
                raise SerializationException(START_OF_MAP)

        return validate_nothing

    def validate(params: dict[str, Any]) -> None:
        out: list[Violation] = []
        try:
            root.check(params, "", out)
        except Mismatch as first_seen:
            raise SerializationException(
                first_mismatch(root, params) or first_seen.message
            ) from None
        if out:
            raise ValidationException(_aggregate(out))

    return validate


_compilers: dict[str, _Compiler] = {}
_validators: dict[tuple[str, str], Validator] = {}
_lock = threading.Lock()


def _compiler(service: str) -> _Compiler:
    found = _compilers.get(service)
    if found is None:
        with _lock:
            found = _compilers.get(service)
            if found is None:
                found = _Compiler(service)
                _compilers[service] = found
    return found


def validator_for(service: str, operation: str) -> Validator:
    """The request validator of ``operation`` (``dynamodb`` or ``dynamodbstreams``).

    It raises ``SerializationException`` for a JSON type error and ``ValidationException``
    with AWS's aggregate message for violated constraints; compiled once, then cached.
    ``KeyError`` for an operation the model does not have.
    """
    found = _validators.get((service, operation))
    if found is None:
        found = _compiler(service).validator(operation)
        _validators[(service, operation)] = found
    return found


def members_validator(service: str, operation: str, members: Iterable[str]) -> Validator:
    """A validator of some of ``operation``'s input members, the others left unchecked.

    For a Python API that takes part of an operation's parameters (``add_trigger`` takes
    CreateEventSourceMapping's stream ones): the same nodes, the same messages, in model
    order. Compiled on each call; callers cache it.

    >>> check = members_validator("lambda", "CreateEventSourceMapping", ["BatchSize"])
    >>> check({"BatchSize": 10})
    >>> check({"BatchSize": 0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dynastream_mock.errors.ValidationException: 1 validation error detected: Value '0' at ...
    """
    return _compiler(service).validator(operation, frozenset(members))


def operation_names(service: str) -> frozenset[str]:
    """All operation names of ``service``'s model."""
    return frozenset(_compiler(service).operations)
