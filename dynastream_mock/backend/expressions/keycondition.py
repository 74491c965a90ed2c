"""KeyConditionExpression binding.

The bound form lists one ``KeyConditionPart`` per key attribute named, with the operator
normalised so the attribute is on the left (``:v < sk`` becomes ``sk > :v``). Checking the
parts against the table's key schema ("Query condition missed key schema element", "Query key
condition not supported", type mismatches) is the caller's job: it knows the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from dynastream_mock.errors import ValidationException

from ..values import AttributeValue, b64_bytes, compare_values, values_equal
from .ast import (
    And,
    Between,
    Comparison,
    Condition,
    FunctionCall,
    Operand,
    ParsedKeyCondition,
    Path,
    ResolvedPath,
    Value,
)
from .evaluate import Binder, check_between_bounds
from .parser import BEGINS_WITH_TYPES, SCALAR_TYPES

_FLIPPED: Final = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class KeyConditionPart:
    """``attribute <op> values``; op is one of ``= < <= > >= BETWEEN begins_with``."""

    attribute: str
    op: str
    values: tuple[AttributeValue, ...]

    def matches(self, value: AttributeValue | None) -> bool:
        """Whether a key attribute value satisfies this part (False for other types)."""
        if value is None:
            return False
        op = self.op
        first = self.values[0]
        if op == "=":
            return values_equal(value, first)
        if op == "begins_with":
            if "S" in value and "S" in first:
                return bool(value["S"].startswith(first["S"]))
            if "B" in value and "B" in first:
                return b64_bytes(value["B"]).startswith(b64_bytes(first["B"]))
            return False
        order = compare_values(value, first)
        if order is None:
            return False
        if op == "BETWEEN":
            upper = compare_values(value, self.values[1])
            return upper is not None and order >= 0 and upper <= 0
        if op == "<":
            return order < 0
        if op == "<=":
            return order <= 0
        if op == ">":
            return order > 0
        return order >= 0


_Resolved = tuple[str, "ResolvedPath | AttributeValue"]
"""("path", resolved path) or ("value", attribute value)."""


class KeyCondition:
    """The bound key condition: one or two parts, in the order written.

    Binding runs the checks every expression gets (placeholders, operand types, BETWEEN
    bounds); the KeyConditionExpression-specific ones ("Invalid condition in
    KeyConditionExpression: ...", scalar keys, one condition per key) run on first use of
    ``parts``, because DynamoDB reports them after unused ExpressionAttributeValues.
    """

    __slots__ = ("_parts", "_raw")

    def __init__(self, raw: list[tuple[str, list[_Resolved]]]) -> None:
        self._raw = raw
        self._parts: tuple[KeyConditionPart, ...] | None = None

    @property
    def parts(self) -> tuple[KeyConditionPart, ...]:
        """The parts; raises ValidationException if the condition is not a valid key condition."""
        if self._parts is None:
            self._parts = _structure(self._raw)
        return self._parts

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """Key attribute names used, in the order written."""
        return tuple(part.attribute for part in self.parts)

    def part_for(self, attribute: str) -> KeyConditionPart | None:
        """The condition on ``attribute``, if any."""
        for part in self.parts:
            if part.attribute == attribute:
                return part
        return None


def _flatten(node: Condition) -> list[Condition]:
    if isinstance(node, And):
        return _flatten(node.left) + _flatten(node.right)
    return [node]


def _invalid(reason: str) -> ValidationException:
    return ValidationException(f"Invalid condition in KeyConditionExpression: {reason}")


def bind_key_condition(
    parsed: ParsedKeyCondition,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> KeyCondition:
    """Resolve placeholders and run the value-dependent checks; raises ValidationException."""
    binder = Binder(parsed, names, values)
    raw: list[tuple[str, list[_Resolved]]] = []
    for node in _flatten(parsed.root):
        operands: tuple[Operand, ...]
        if isinstance(node, Comparison):
            op = node.op
            operands = (node.left, node.right)
        elif isinstance(node, Between):
            op = "BETWEEN"
            operands = (node.operand, node.low, node.high)
        else:
            assert isinstance(node, FunctionCall)  # begins_with, per the parser's checks
            op = "begins_with"
            operands = node.args
        resolved: list[_Resolved] = []
        for operand in operands:
            if isinstance(operand, Path):
                resolved.append(("path", binder.path(operand)))
            else:
                resolved.append(("value", binder.value(_as_value(operand))))
        binder.check_distinct(op, operands[0], operands[1:])
        constants = [v for kind, v in resolved if kind == "value"]
        if op == "begins_with":
            for constant in constants:
                binder.check_type(op, constant, BEGINS_WITH_TYPES)  # type: ignore[arg-type]
        elif op != "=":
            for constant in constants:
                binder.check_type(op, constant, SCALAR_TYPES)  # type: ignore[arg-type]
        if op == "BETWEEN" and resolved[1][0] == "value" and resolved[2][0] == "value":
            check_between_bounds(binder.param, resolved[1][1], resolved[2][1])  # type: ignore[arg-type]
        raw.append((op, resolved))
    return KeyCondition(raw)


def _key_name(path: ResolvedPath) -> str:
    if len(path) != 1:
        raise ValidationException(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
            f"not allowed: Key: {path[0]}"
        )
    return str(path[0])


def _structure(raw: list[tuple[str, list[_Resolved]]]) -> tuple[KeyConditionPart, ...]:
    parts: list[KeyConditionPart] = []
    for op, resolved in raw:
        paths = [value for kind, value in resolved if kind == "path"]
        if len(paths) > 1:
            raise _invalid("Multiple attribute names used in one condition")
        if not paths:
            raise _invalid("No key attribute specified")
        if resolved[0][0] != "path":
            if op == "begins_with":
                raise _invalid(
                    "begins_with operator must have the key attribute as its first operand"
                )
            if op == "BETWEEN":
                raise _invalid("No key attribute specified")
            op = _FLIPPED[op]
            resolved = [resolved[1], resolved[0]]
        name = _key_name(resolved[0][1])  # type: ignore[arg-type]
        if any(existing.attribute == name for existing in parts):
            raise ValidationException(
                "KeyConditionExpressions must only contain one condition per key"
            )
        part_values = tuple(value for kind, value in resolved[1:])
        parts.append(KeyConditionPart(name, op, part_values))  # type: ignore[arg-type]
    return tuple(parts)


def _as_value(node: Operand) -> Value:
    assert isinstance(node, Value)
    return node
