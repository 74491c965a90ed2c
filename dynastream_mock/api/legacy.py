"""DynamoDB's legacy (non-expression) parameters, compiled to expression trees.

``Expected``, ``AttributeUpdates``, ``KeyConditions``, ``QueryFilter``, ``ScanFilter`` and
``ConditionalOperator`` predate expressions. Each compiles here into the trees the expression
parser builds (``backend/expressions/ast.py``), so the one binder and evaluator decide both.
A legacy attribute name is a top-level attribute, never a document path, so it becomes a
one-element ``Path``; each value becomes a synthetic placeholder (``:legacy0``, ...) bound in a
map of its own: a request with legacy parameters may not carry ExpressionAttributeValues, so
users never see them.

Messages and their order are DynamoDB's: the AWS-recorded suites of dynalite
(test/putItem.js, updateItem.js, query.js, scan.js) and DynamoDB Local where those say
nothing. Within one condition: its values, then the number of values, then each value's type,
then one type for all, then BETWEEN's bounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..backend import values
from ..backend.expressions import (
    BoundCondition,
    BoundUpdate,
    KeyCondition,
    ParsedCondition,
    ParsedUpdate,
    bind_condition,
    bind_key_condition,
    bind_update,
)
from ..backend.expressions.ast import (
    AddAction,
    And,
    Between,
    Comparison,
    Condition,
    DeleteAction,
    FunctionCall,
    In,
    Not,
    Or,
    ParsedKeyCondition,
    Path,
    RemoveAction,
    SetAction,
    UpdateAction,
    Value,
)
from ..backend.tables import KeySchema
from ..errors import ValidationException, invalid_parameters

_SCALARS: Final = frozenset({"S", "N", "B"})
_CONTAINABLE: Final = frozenset({"S", "N", "B", "BOOL", "NULL"})
_SETS: Final = frozenset({"SS", "NS", "BS"})

#: (fewest, most) values each ComparisonOperator takes; None: no upper bound.
_ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "EQ": (1, 1),
    "NE": (1, 1),
    "LE": (1, 1),
    "LT": (1, 1),
    "GE": (1, 1),
    "GT": (1, 1),
    "CONTAINS": (1, 1),
    "NOT_CONTAINS": (1, 1),
    "BEGINS_WITH": (1, 1),
    "NULL": (0, 0),
    "NOT_NULL": (0, 0),
    "IN": (1, None),
    "BETWEEN": (2, 2),
}
#: The value types each ComparisonOperator accepts; EQ and NE take every type.
_TYPES: Final[dict[str, frozenset[str]]] = {
    "LE": _SCALARS,
    "LT": _SCALARS,
    "GE": _SCALARS,
    "GT": _SCALARS,
    "CONTAINS": _CONTAINABLE,
    "NOT_CONTAINS": _CONTAINABLE,
    "BEGINS_WITH": frozenset({"S", "B"}),
    "IN": _SCALARS,
    "BETWEEN": _SCALARS,
}
_COMPARATORS: Final = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
#: The operators a key condition can use; the others are "not an indexable operation".
_INDEXABLE: Final = frozenset({"EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"})

#: A legacy ADD or DELETE that meets a stored value of another type (AWS's runtime text).
TYPE_MISMATCH: Final = "Type mismatch for attribute to update"


class _Placeholders:
    """The synthetic ``:legacyN`` placeholders of one compiled parameter."""

    def __init__(self) -> None:
        self.values: dict[str, values.AttributeValue] = {}

    def add(self, value: values.AttributeValue) -> Value:
        placeholder = f":legacy{len(self.values)}"
        self.values[placeholder] = value
        return Value(placeholder)


# -- conditions ----------------------------------------------------------------------------


def _operands(operator: str, raw: list[Any]) -> list[values.AttributeValue]:
    """An AttributeValueList validated for ``operator``, in DynamoDB's order of checks."""
    operands = [values.normalize_value(value) for value in raw]
    fewest, most = _ARITY[operator]
    if len(operands) < fewest or (most is not None and len(operands) > most):
        raise invalid_parameters(
            f"Invalid number of argument(s) for the {operator} ComparisonOperator"
        )
    allowed = _TYPES.get(operator)
    kinds = [values.attribute_type(operand) for operand in operands]
    if allowed is not None:
        for kind in kinds:
            if kind not in allowed:
                raise invalid_parameters(
                    f"ComparisonOperator {operator} is not valid for {kind} AttributeValue type"
                )
    if len(set(kinds)) > 1:
        raise invalid_parameters("AttributeValues inside AttributeValueList must be of same type")
    if operator == "BETWEEN" and (values.compare_values(operands[0], operands[1]) or 0) > 0:
        raise ValidationException(
            "The BETWEEN condition was provided a range where the lower bound is greater than "
            "the upper bound"
        )
    return operands


def _comparison(
    name: str, operator: str, operands: list[values.AttributeValue], refs: _Placeholders
) -> Condition:
    """The expression condition of ``name <operator> operands``."""
    path = Path((name,))
    if operator == "NULL":
        return FunctionCall("attribute_not_exists", (path,))
    if operator == "NOT_NULL":
        return FunctionCall("attribute_exists", (path,))
    placeholders = [refs.add(operand) for operand in operands]
    if operator in _COMPARATORS:
        return Comparison(_COMPARATORS[operator], path, placeholders[0])
    if operator == "CONTAINS":
        return FunctionCall("contains", (path, placeholders[0]))
    if operator == "NOT_CONTAINS":
        # Unlike NOT contains(...), NOT_CONTAINS fails on a missing attribute.
        return And(
            FunctionCall("attribute_exists", (path,)),
            Not(FunctionCall("contains", (path, placeholders[0]))),
        )
    if operator == "BEGINS_WITH":
        return FunctionCall("begins_with", (path, placeholders[0]))
    if operator == "IN":
        return In(path, tuple(placeholders))
    return Between(path, placeholders[0], placeholders[1])


def _expected(name: str, spec: Mapping[str, Any], refs: _Placeholders) -> Condition:
    """One entry of ``Expected``: Exists/Value, or ComparisonOperator with its values."""
    has_value = spec.get("Value") is not None
    value_list = spec.get("AttributeValueList")
    operator = spec.get("ComparisonOperator")
    exists = spec.get("Exists")
    where = f" for Attribute: {name}"
    if has_value and value_list is not None:
        raise invalid_parameters("Value and AttributeValueList cannot be used together" + where)
    if operator is not None:
        if exists is not None:
            raise invalid_parameters(
                "Exists and ComparisonOperator cannot be used together" + where
            )
        if not has_value and value_list is None and operator not in ("NULL", "NOT_NULL"):
            raise invalid_parameters(
                f"Value or AttributeValueList must be used with ComparisonOperator: {operator}"
                + where
            )
        raw = [spec["Value"]] if has_value else list(value_list or [])
        return _comparison(name, operator, _operands(operator, raw), refs)
    if value_list is not None:
        raise invalid_parameters(
            "AttributeValueList can only be used with a ComparisonOperator" + where
        )
    if exists is False:
        if has_value:
            raise invalid_parameters("Value cannot be used when Exists is false" + where)
        return FunctionCall("attribute_not_exists", (Path((name,)),))
    if not has_value:
        shown = "null" if exists is None else "true"
        raise invalid_parameters(f"Value must be provided when Exists is {shown}" + where)
    return Comparison("=", Path((name,)), refs.add(values.normalize_value(spec["Value"])))


def _joined(conditions: list[Condition], params: Mapping[str, Any]) -> Condition | None:
    """The conditions joined by ConditionalOperator (AND unless it says OR)."""
    operator = params.get("ConditionalOperator")
    if operator is not None:
        if not conditions:
            raise ValidationException(
                "ConditionalOperator cannot be used without Filter or Expected"
            )
        if len(conditions) < 2:
            raise ValidationException(
                "ConditionalOperator can only be used when Filter or Expected has two or more "
                "elements"
            )
    if not conditions:
        return None
    joined = conditions[0]
    for condition in conditions[1:]:
        joined = Or(joined, condition) if operator == "OR" else And(joined, condition)
    return joined


def _bound(
    param: str, root: Condition | None, refs: _Placeholders
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    if root is None:
        return None, None
    parsed = ParsedCondition("", param, (), tuple(refs.values), root)
    return bind_condition(parsed, None, refs.values), parsed


def expected_condition(
    params: Mapping[str, Any],
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    """``Expected`` with ``ConditionalOperator``, bound; (None, None) without them."""
    refs = _Placeholders()
    expected = params.get("Expected") or {}
    conditions = [_expected(name, spec, refs) for name, spec in expected.items()]
    return _bound("Expected", _joined(conditions, params), refs)


def filter_condition(
    params: Mapping[str, Any], param: str
) -> tuple[BoundCondition | None, ParsedCondition | None]:
    """``QueryFilter`` or ``ScanFilter`` with ``ConditionalOperator``, bound."""
    refs = _Placeholders()
    filters = params.get(param) or {}
    conditions = [
        _comparison(
            name,
            spec["ComparisonOperator"],
            _operands(spec["ComparisonOperator"], list(spec.get("AttributeValueList") or [])),
            refs,
        )
        for name, spec in filters.items()
    ]
    return _bound(param, _joined(conditions, params), refs)


# -- key conditions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegacyKeyConditions:
    """``KeyConditions`` bound as a key condition, with each attribute's operator."""

    condition: KeyCondition
    parsed: ParsedKeyCondition
    operators: dict[str, str]


def key_conditions(params: Mapping[str, Any]) -> LegacyKeyConditions | None:
    """``KeyConditions`` validated and bound (None when the request has none)."""
    raw = params.get("KeyConditions")
    if raw is None:
        return None
    refs = _Placeholders()
    nodes: list[Condition] = []
    operators: dict[str, str] = {}
    for name, spec in raw.items():
        operator = spec["ComparisonOperator"]
        operands = _operands(operator, list(spec.get("AttributeValueList") or []))
        operators[name] = operator
        path = Path((name,))
        if operator in _INDEXABLE:
            nodes.append(_comparison(name, operator, operands, refs))
        else:
            # Never evaluated: on a key attribute check_key_operators refuses it; on another
            # attribute the key schema checks refuse it as they refuse any such condition.
            stand_in = operands[0] if operands else {"NULL": True}
            nodes.append(Comparison("=", path, refs.add(stand_in)))
    # Up to eight conditions (a multi-attribute GSI key's 4 HASH and 4 RANGE attributes), as
    # the expression parser allows; the key schema checks refuse more than a key has.
    if not 1 <= len(nodes) <= 8:
        raise ValidationException("Conditions can be of length 1 or 2 only")
    root = nodes[0]
    for node in nodes[1:]:
        root = And(root, node)
    parsed = ParsedKeyCondition("", "KeyConditions", (), tuple(refs.values), root)
    return LegacyKeyConditions(bind_key_condition(parsed, None, refs.values), parsed, operators)


def check_key_operators(legacy: LegacyKeyConditions | None, schema: KeySchema) -> None:
    """Refuse NULL, NE, IN... on a key attribute, after a missing HASH attribute and a
    hash-only key with two conditions (those are reported first, by the key schema checks)."""
    if legacy is None:
        return
    operators = legacy.operators
    if any(name not in operators for name, _kind in schema.hash_elements):
        return
    if schema.range_name is None and len(operators) > 1:
        return
    for name in schema.names:
        operator = operators.get(name)
        if operator is not None and operator not in _INDEXABLE:
            raise ValidationException(
                "Attempted conditional constraint is not an indexable operation"
            )


# -- updates -------------------------------------------------------------------------------


def _update_action(name: str, spec: Mapping[str, Any], refs: _Placeholders) -> UpdateAction:
    action = spec.get("Action") or "PUT"  # PUT is the documented default
    raw = spec.get("Value")
    value = values.normalize_value(raw) if raw is not None else None
    path = Path((name,))
    if value is None:
        if action != "DELETE":
            raise invalid_parameters(
                "Only DELETE action is allowed when no attribute value is specified"
            )
        return RemoveAction(path)
    kind = values.attribute_type(value)
    if action == "PUT":
        return SetAction(path, refs.add(value))
    if action == "DELETE":
        if kind not in _SETS:
            raise invalid_parameters(
                f"DELETE action with value is not supported for the type {kind}"
            )
        return DeleteAction(path, refs.add(value))
    if kind == "L":
        # ADD of a list appends to the stored list (or starts one).
        empty = refs.add({"L": []})
        appended = FunctionCall(
            "list_append", (FunctionCall("if_not_exists", (path, empty)), refs.add(value))
        )
        return SetAction(path, appended)
    if kind != "N" and kind not in _SETS:
        raise invalid_parameters(f"ADD action is not supported for the type {kind}")
    return AddAction(path, refs.add(value))


def attribute_updates(
    params: Mapping[str, Any],
) -> tuple[BoundUpdate | None, ParsedUpdate | None]:
    """``AttributeUpdates`` bound as an update; (None, None) without it or when empty."""
    updates = params.get("AttributeUpdates")
    if not updates:
        return None, None
    refs = _Placeholders()
    actions = tuple(_update_action(name, spec, refs) for name, spec in updates.items())
    parsed = ParsedUpdate("", "AttributeUpdates", (), tuple(refs.values), actions)
    return bind_update(parsed, None, refs.values), parsed
