"""Syntax trees of DynamoDB's PartiQL statements, as the parser reads them.

Frozen dataclasses holding tuples only, so a parsed statement is cached and shared. Nodes
keep the token they came from where DynamoDB's messages name a place (``at 1:43:1``).
Constants (literals and ``?`` parameters) are :data:`Constant` trees, bound to
AttributeValues per request by ``compiler.bind_constants``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from .tokens import Token

# -- constants ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scalar:
    """A literal string, number, boolean or NULL, already an AttributeValue."""

    value: dict[str, Any]
    token: Token


@dataclass(frozen=True, slots=True)
class Parameter:
    """The ``index``-th ``?`` of the statement (from 0)."""

    index: int
    token: Token


@dataclass(frozen=True, slots=True)
class ListOf:
    elements: tuple[Constant, ...]
    token: Token


@dataclass(frozen=True, slots=True)
class MapOf:
    """A ``{'name': value, ...}`` tuple: an item in INSERT, a map value elsewhere."""

    members: tuple[tuple[str, Constant], ...]
    token: Token


@dataclass(frozen=True, slots=True)
class BagOf:
    """``<<...>>``: a string or number set."""

    elements: tuple[Constant, ...]
    token: Token


Constant: TypeAlias = "Scalar | Parameter | ListOf | MapOf | BagOf"

# -- expressions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathExpr:
    """A document path: a name, then ``.name``, ``[index]`` or ``['name']`` steps."""

    elements: tuple[str | int, ...]
    token: Token


@dataclass(frozen=True, slots=True)
class ConstantExpr:
    constant: Constant


@dataclass(frozen=True, slots=True)
class MissingExpr:
    token: Token


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args)``; ``name`` is lower-cased, as DynamoDB reports it."""

    name: str
    args: tuple[Expr, ...]
    token: Token


@dataclass(frozen=True, slots=True)
class ExistsCall:
    """``EXISTS(SELECT ...)``: a transaction's condition check."""

    select: Select
    token: Token


@dataclass(frozen=True, slots=True)
class Binary:
    """An arithmetic or string operator: ``+ - * / % ||``."""

    op: str
    left: Expr
    right: Expr
    token: Token


@dataclass(frozen=True, slots=True)
class Compare:
    """``= <> != < <= > >=``."""

    op: str
    left: Expr
    right: Expr
    token: Token


@dataclass(frozen=True, slots=True)
class BetweenExpr:
    operand: Expr
    low: Expr
    high: Expr


@dataclass(frozen=True, slots=True)
class InExpr:
    operand: Expr
    #: Empty when the right-hand side is no list of at least one member (the compiler
    #: refuses it, as DynamoDB does once the statement has parsed).
    options: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IsExpr:
    """``operand IS [NOT] MISSING`` or ``IS [NOT] NULL``."""

    operand: Expr
    what: str  # "MISSING" or "NULL"
    negated: bool


@dataclass(frozen=True, slots=True)
class LikeExpr:
    operand: Expr
    pattern: Expr
    token: Token


@dataclass(frozen=True, slots=True)
class AndExpr:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class OrExpr:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class NotExpr:
    operand: Expr


Expr: TypeAlias = (
    "PathExpr | ConstantExpr | MissingExpr | Call | ExistsCall | Binary | Compare"
    " | BetweenExpr | InExpr | IsExpr | LikeExpr | AndExpr | OrExpr | NotExpr"
)

# -- statements -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """``table`` or ``table.index`` (``"Table"."Index"``)."""

    table: str
    index: str | None


@dataclass(frozen=True, slots=True)
class OrderKey:
    name: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Select:
    #: The projected paths; None for ``*``.
    projection: tuple[PathExpr, ...] | None
    target: Target
    where: Expr | None
    order_by: tuple[OrderKey, ...]


@dataclass(frozen=True, slots=True)
class Insert:
    target: Target
    item: MapOf


@dataclass(frozen=True, slots=True)
class Assignment:
    """``SET path = value``."""

    path: PathExpr
    value: Expr


@dataclass(frozen=True, slots=True)
class Removal:
    path: PathExpr


@dataclass(frozen=True, slots=True)
class Returning:
    """``RETURNING ALL|MODIFIED OLD|NEW *``."""

    scope: str  # "ALL" or "MODIFIED"
    image: str  # "OLD" or "NEW"

    def __str__(self) -> str:
        return f"RETURNING {self.scope} {self.image} *"


@dataclass(frozen=True, slots=True)
class Update:
    target: Target
    actions: tuple[Assignment | Removal, ...]
    where: Expr | None
    returning: Returning | None


@dataclass(frozen=True, slots=True)
class Delete:
    target: Target
    where: Expr | None
    returning: Returning | None


@dataclass(frozen=True, slots=True)
class Exists:
    """A statement that is only ``EXISTS(SELECT ...)``."""

    select: Select


Statement: TypeAlias = "Select | Insert | Update | Delete | Exists"


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A statement with its text and how many ``?`` parameters it takes."""

    text: str
    statement: Statement
    parameter_count: int
