"""Immutable syntax trees for DynamoDB expressions.

Trees are frozen dataclasses holding tuples only, so one parsed tree can be cached and shared
between threads. Placeholders stay unresolved here; binding (``evaluate``, ``update``,
``projection``, ``keycondition``) substitutes ExpressionAttributeNames/Values per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class NameRef:
    """A ``#name`` placeholder inside a document path."""

    placeholder: str


PathElement: TypeAlias = "str | NameRef | int"
"""A literal attribute name, a ``#name`` placeholder or a list index."""

ResolvedPath: TypeAlias = "tuple[str | int, ...]"
"""A document path once names are substituted: attribute names and list indexes."""


@dataclass(frozen=True, slots=True)
class Path:
    """A document path such as ``a.#b[2].c``; the first element is never an index."""

    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class Value:
    """A ``:value`` placeholder."""

    placeholder: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """``name(arg, ...)``: a condition function or an operand function (size, if_not_exists...)."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left + right`` or ``left - right`` (UpdateExpression SET values only)."""

    op: str
    left: Operand
    right: Operand


Operand: TypeAlias = "Path | Value | FunctionCall | Arithmetic"


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left <op> right`` with op one of ``= <> < <= > >=``."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True, slots=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition


Condition: TypeAlias = "Comparison | Between | In | And | Or | Not | FunctionCall"
"""A boolean expression; a FunctionCall here is one of the condition functions."""


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    value: Operand


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True, slots=True)
class AddAction:
    path: Path
    value: Value


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: Path
    value: Value


UpdateAction: TypeAlias = "SetAction | RemoveAction | AddAction | DeleteAction"


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    """What every parsed expression carries: its text, parameter and placeholders.

    ``param`` is the request parameter the text came from (``ConditionExpression``,
    ``FilterExpression``...); it prefixes error messages (``Invalid <param>: ...``).
    ``name_refs``/``value_refs`` list the placeholders in the order they appear.
    """

    text: str
    param: str
    name_refs: tuple[str, ...]
    value_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedCondition(ParsedExpression):
    """A ConditionExpression or FilterExpression."""

    root: Condition


@dataclass(frozen=True, slots=True)
class ParsedKeyCondition(ParsedExpression):
    """A KeyConditionExpression: one or two conditions joined by AND."""

    root: Condition


@dataclass(frozen=True, slots=True)
class ParsedUpdate(ParsedExpression):
    """An UpdateExpression: its actions in the order they appear in the text."""

    actions: tuple[UpdateAction, ...]

    @property
    def targets(self) -> tuple[Path, ...]:
        """The paths written by the update, in order of appearance."""
        return tuple(action.path for action in self.actions)


@dataclass(frozen=True, slots=True)
class ParsedProjection(ParsedExpression):
    """A ProjectionExpression: the listed document paths."""

    paths: tuple[Path, ...]


def render_path(path: ResolvedPath) -> str:
    """A resolved path as DynamoDB prints it in messages: ``[a, b, [2]]``."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"
