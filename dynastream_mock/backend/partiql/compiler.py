"""PartiQL to DynamoDB expression trees, so the one expression evaluator decides.

A WHERE clause becomes a ``ParsedCondition`` and SET/REMOVE a ``ParsedUpdate`` of
``backend/expressions``; constants become ``:cN`` value placeholders bound per request by
:func:`bind_constants` (literals, and the request's ``Parameters`` for ``?``). ``set_add`` and
``set_delete`` are the expression language's ADD and DELETE. Expression errors keep the
expression language's words without its ``Invalid <param>:`` prefix, as DynamoDB words them
for PartiQL (the trees carry the empty ``param``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from dynastream_mock.errors import ValidationException

from .. import values
from ..expressions.ast import (
    AddAction,
    And,
    Arithmetic,
    Between,
    Comparison,
    Condition,
    DeleteAction,
    FunctionCall,
    In,
    Not,
    Operand,
    Or,
    ParsedCondition,
    ParsedUpdate,
    Path,
    RemoveAction,
    SetAction,
    UpdateAction,
    Value,
)
from ..expressions.parser import _check_condition_functions, _check_operand_functions
from .ast import (
    AndExpr,
    Assignment,
    BagOf,
    BetweenExpr,
    Binary,
    Call,
    Compare,
    Constant,
    ConstantExpr,
    ExistsCall,
    Expr,
    InExpr,
    IsExpr,
    LikeExpr,
    ListOf,
    MapOf,
    MissingExpr,
    NotExpr,
    OrExpr,
    Parameter,
    PathExpr,
    Removal,
    Scalar,
)

#: The ``param`` of compiled trees: expression errors then carry no prefix.
PARTIQL: Final = ""
_CONDITION_FUNCTIONS: Final = frozenset(
    {
        "begins_with",
        "contains",
        "attribute_type",
        "attribute_exists",
        "attribute_not_exists",
        "size",
    }
)
_UPDATE_FUNCTIONS: Final = frozenset({"list_append", "if_not_exists"})
_NULL_TYPE: Final = ":null"
_MISSING: Final = "MISSING must be compared using IS operator"
_NOT_BOOLEAN: Final = "WHERE clause must contain an expression that resolves to a boolean"
INVALID_IN: Final = (
    "IN operator must have a left hand argument of type Variable Reference and right hand "
    "argument of type Seq with at least one member"
)


class Constants:
    """The constants of one statement, as ``:cN`` placeholders in order of appearance."""

    def __init__(self) -> None:
        self.nodes: list[Constant] = []

    def placeholder(self, constant: Constant) -> Value:
        self.nodes.append(constant)
        return Value(f":c{len(self.nodes) - 1}")


def bind_constants(
    constants: Sequence[Constant], parameters: Sequence[Any] | None, needed: int
) -> dict[str, values.AttributeValue]:
    """The AttributeValue of each ``:cN``; raises on too few parameters or bad values."""
    given = list(parameters or ())
    if len(given) < needed:
        raise ValidationException("Number of parameters in request and statement don't match.")
    bound = {f":c{index}": constant_value(node, given) for index, node in enumerate(constants)}
    bound[_NULL_TYPE] = {"S": "NULL"}
    return bound


def constant_value(node: Constant, parameters: Sequence[Any]) -> values.AttributeValue:
    """One constant as an AttributeValue (parameters are checked as AttributeValues)."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Parameter):
        return values.normalize_value(parameters[node.index])
    if isinstance(node, ListOf):
        return {"L": [constant_value(element, parameters) for element in node.elements]}
    if isinstance(node, MapOf):
        members: dict[str, values.AttributeValue] = {}
        for name, member in node.members:
            if not name:
                raise ValidationException("Path component cannot be an empty string")
            members[name] = constant_value(member, parameters)
        return {"M": members}
    return _bag(node, parameters)


def _bag(node: BagOf, parameters: Sequence[Any]) -> values.AttributeValue:
    elements = [constant_value(element, parameters) for element in node.elements]
    kinds = {values.attribute_type(element) for element in elements}
    if kinds not in ({"S"}, {"N"}):
        raise ValidationException(
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
        )
    kind = kinds.pop()
    members = [element[kind] for element in elements]
    canonical = [values.to_decimal(m) if kind == "N" else m for m in members]
    if len(set(canonical)) != len(canonical):
        raise ValidationException("Input collection contains duplicates")
    return {kind + "S": members}


# -- conditions -----------------------------------------------------------------------------


def compile_condition(text: str, where: Expr, constants: Constants) -> ParsedCondition:
    """A WHERE clause as a condition tree, checked as the expression language checks it."""
    root = _condition(where, constants, "WHERE")
    _check_condition_functions(PARTIQL, root)
    value_refs = tuple(f":c{index}" for index in range(len(constants.nodes)))
    return ParsedCondition(text, PARTIQL, (), (*value_refs, _NULL_TYPE), root)


def _condition(node: Expr, constants: Constants, parent: str) -> Condition:
    if isinstance(node, AndExpr):
        return And(
            _condition(node.left, constants, "AND"), _condition(node.right, constants, "AND")
        )
    if isinstance(node, OrExpr):
        return Or(_condition(node.left, constants, "OR"), _condition(node.right, constants, "OR"))
    if isinstance(node, NotExpr):
        return Not(_condition(node.operand, constants, "NOT"))
    if isinstance(node, Compare):
        op = "<>" if node.op == "!=" else node.op
        return Comparison(op, _operand(node.left, constants), _operand(node.right, constants))
    if isinstance(node, BetweenExpr):
        return Between(
            _operand(node.operand, constants),
            _operand(node.low, constants),
            _operand(node.high, constants),
        )
    if isinstance(node, InExpr):
        if not node.options:
            raise ValidationException(INVALID_IN)
        options = tuple(_operand(option, constants) for option in node.options)
        return In(_operand(node.operand, constants), options)
    if isinstance(node, IsExpr):
        path = _operand(node.operand, constants)
        if node.what == "MISSING":
            return FunctionCall(
                "attribute_exists" if node.negated else "attribute_not_exists", (path,)
            )
        is_null = FunctionCall("attribute_type", (path, Value(_NULL_TYPE)))
        return Not(is_null) if node.negated else is_null
    if isinstance(node, LikeExpr):
        raise ValidationException("Unsupported operator in Condition Expression. Operator: like")
    if isinstance(node, Call):
        _check_known(node.name, _CONDITION_FUNCTIONS | _UPDATE_FUNCTIONS)
        call = FunctionCall(node.name, tuple(_operand(arg, constants) for arg in node.args))
        if node.name == "size":
            if parent == "WHERE":
                raise ValidationException(_NOT_BOOLEAN)
            raise ValidationException(
                "Incorrect operand type for operator or function; operator or function: "
                f"{parent}, operand type: N"
            )
        return call
    if isinstance(node, ExistsCall):
        raise ValidationException("Unrecognized function: exists")
    if isinstance(node, Binary):
        raise ValidationException(
            f"Unsupported operator in Condition Expression. Operator: {node.op}"
        )
    if isinstance(node, MissingExpr):
        raise ValidationException(_MISSING)
    # A value or a path where a condition belongs, refused in the words of what holds it.
    if parent == "WHERE":
        raise ValidationException(_NOT_BOOLEAN)
    if parent == "NOT":
        raise ValidationException("The argument to NOT must be a Type or Expression")
    raise ValidationException("The arguments to AND/OR must be Expressions")


def _operand(node: Expr, constants: Constants) -> Operand:
    if isinstance(node, PathExpr):
        return Path(node.elements)
    if isinstance(node, ConstantExpr):
        return constants.placeholder(node.constant)
    if isinstance(node, MissingExpr):
        raise ValidationException(_MISSING)
    if isinstance(node, Call):
        _check_known(node.name, _CONDITION_FUNCTIONS | _UPDATE_FUNCTIONS)
        return FunctionCall(node.name, tuple(_operand(arg, constants) for arg in node.args))
    if isinstance(node, Binary):
        raise ValidationException(
            f"Unsupported operator in Condition Expression. Operator: {node.op}"
        )
    raise ValidationException("The arguments to AND/OR must be Expressions")


def _check_known(name: str, known: frozenset[str]) -> None:
    if name not in known:
        raise ValidationException(f"Unrecognized function: {name}")


# -- updates --------------------------------------------------------------------------------


def compile_update(
    text: str, actions: Sequence[Assignment | Removal], constants: Constants
) -> ParsedUpdate:
    """SET and REMOVE as an update tree (``set_add``/``set_delete`` as ADD/DELETE)."""
    compiled: list[UpdateAction] = []
    for action in actions:
        path = Path(action.path.elements)
        if isinstance(action, Removal):
            compiled.append(RemoveAction(path))
            continue
        value = action.value
        if isinstance(value, Call) and value.name in ("set_add", "set_delete"):
            compiled.append(_set_action(action, value, constants))
            continue
        operand = _update_operand(value, constants)
        _check_operand_functions(PARTIQL, "update", operand)
        compiled.append(SetAction(path, operand))
    value_refs = tuple(f":c{index}" for index in range(len(constants.nodes)))
    return ParsedUpdate(text, PARTIQL, (), value_refs, tuple(compiled))


def _set_action(action: Assignment, call: Call, constants: Constants) -> UpdateAction:
    word = call.name.upper()
    if len(call.args) != 2:
        raise ValidationException(f"{word} must have exactly two arguments at {call.token.place}")
    first, second = call.args
    if not isinstance(first, PathExpr) or first.elements != action.path.elements:
        raise ValidationException(f"The first argument to {word} must equal the assignment value")
    if not isinstance(second, ConstantExpr) or not isinstance(second.constant, BagOf | Parameter):
        raise ValidationException(
            f"The second argument to {word} must be a value with type SET at {first.token.place}"
        )
    value = constants.placeholder(second.constant)
    path = Path(action.path.elements)
    return AddAction(path, value) if call.name == "set_add" else DeleteAction(path, value)


def _update_operand(node: Expr, constants: Constants) -> Operand:
    if isinstance(node, PathExpr):
        return Path(node.elements)
    if isinstance(node, ConstantExpr):
        return constants.placeholder(node.constant)
    if isinstance(node, MissingExpr):
        raise ValidationException(_MISSING)
    if isinstance(node, Binary):
        if node.op not in ("+", "-"):
            raise ValidationException(
                f"Unsupported operator in Update Expression. Operator: {node.op}"
            )
        return Arithmetic(
            node.op, _update_operand(node.left, constants), _update_operand(node.right, constants)
        )
    if isinstance(node, Call):
        _check_known(node.name, _CONDITION_FUNCTIONS | _UPDATE_FUNCTIONS)
        args = tuple(_update_operand(arg, constants) for arg in node.args)
        return FunctionCall(node.name, args)
    raise ValidationException("Unsupported operator in Update Expression.")
