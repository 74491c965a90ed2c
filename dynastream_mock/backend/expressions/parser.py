"""One recursive-descent parser for all DynamoDB expression kinds, plus static checks.

Grammar (keywords case-insensitive)::

    condition  := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" not | comparison
    comparison := primary [comparator primary
                          | "BETWEEN" primary "AND" primary
                          | "IN" "(" primary ("," primary)* ")"]
    primary    := "(" condition-or-operand ")" | function | path | :value
    function   := name "(" operand ("," operand)* ")"
    path       := (name | #name) ("." (name | #name) | "[" index "]")*

    update     := (("SET" | "REMOVE" | "ADD" | "DELETE") action ("," action)*)+
    set action := path "=" term [("+" | "-") term]
    term       := "(" term [("+" | "-") term] ")" | function | path | :value

    projection := path ("," path)*

Errors are raised as ``ValidationException("Invalid <param>: <reason>")`` in DynamoDB's words
and in DynamoDB's order: syntax (and redundant parentheses) first, then clause repetition,
reserved words, then function usage. Checks needing ExpressionAttributeNames/Values happen at
binding time (see ``evaluate``).
"""

from __future__ import annotations

from typing import Final

from dynastream_mock.errors import EnvelopedValidationException, ValidationException

from .ast import (
    AddAction,
    And,
    Arithmetic,
    Between,
    Comparison,
    Condition,
    DeleteAction,
    FunctionCall,
    In,
    NameRef,
    Not,
    Operand,
    Or,
    ParsedCondition,
    ParsedKeyCondition,
    ParsedProjection,
    ParsedUpdate,
    Path,
    PathElement,
    RemoveAction,
    SetAction,
    UpdateAction,
    Value,
)
from .reserved import RESERVED_WORDS
from .tokens import EOF, NAME, NAME_PH, NUMBER, OP, VALUE_PH, Token, near_text, tokenize

COMPARATORS: Final = frozenset({"=", "<>", "<", "<=", ">", ">="})
ORDERING_COMPARATORS: Final = frozenset({"<", "<=", ">", ">="})

# name -> number of operands
BOOLEAN_FUNCTIONS: Final = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
CONDITION_OPERAND_FUNCTIONS: Final = {"size": 1}
UPDATE_FUNCTIONS: Final = {"if_not_exists": 2, "list_append": 2}
ALL_FUNCTIONS: Final = {**BOOLEAN_FUNCTIONS, **CONDITION_OPERAND_FUNCTIONS, **UPDATE_FUNCTIONS}
# The type a function call yields, where it is fixed.
FUNCTION_RESULT_TYPES: Final = {"size": "N", "list_append": "L"}

MAX_IN_OPERANDS: Final = 100
MAX_LIST_INDEX: Final = 2**31 - 1

CONDITION: Final = "condition"
UPDATE: Final = "update"
PROJECTION: Final = "projection"
KEY: Final = "key"

_UPDATE_KEYWORDS: Final = frozenset({"SET", "REMOVE", "ADD", "DELETE"})
# DynamoDB's expression grammars share one lexer: these words are never attribute names.
KEYWORDS: Final = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"}) | _UPDATE_KEYWORDS


def expression_error(param: str, reason: str, *, enveloped: bool = False) -> ValidationException:
    """``ValidationException("Invalid <param>: <reason>")``; PartiQL's trees (``param`` "")
    carry the bare reason, as DynamoDB words them there. ``enveloped``: one of the checks
    the single-item writes report in Coral's envelope (``EnvelopedValidationException``)."""
    if not param:
        return ValidationException(reason)
    if enveloped:
        return EnvelopedValidationException(f"Invalid {param}: {reason}")
    return ValidationException(f"Invalid {param}: {reason}")


def operand_type_error(param: str, function: str, kind: str) -> ValidationException:
    return expression_error(
        param,
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}",
    )


class _Parser:
    """Parses one expression text; single use."""

    def __init__(self, text: str, param: str, mode: str) -> None:
        self.text = text
        self.param = param
        self.mode = mode
        self.tokens = tokenize(text)
        self.pos = 0
        # ids of nodes that are exactly the content of a "( ... )" group
        self.paren_nodes: set[int] = set()
        self.name_refs: dict[str, None] = {}
        self.value_refs: dict[str, None] = {}
        self.first_reserved: str | None = None

    # -- token helpers -------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        index = min(self.pos + offset, len(self.tokens) - 1)
        return self.tokens[index]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def syntax_error(self) -> ValidationException:
        token = self.tok
        near = near_text(self.text, self.tokens, self.pos)
        return expression_error(self.param, f'Syntax error; token: "{token.text}", near: "{near}"')

    def expect_op(self, op: str) -> None:
        if not self.tok.is_op(op):
            raise self.syntax_error()
        self.advance()

    def expect_end(self) -> None:
        if self.tok.kind != EOF:
            raise self.syntax_error()

    # -- paths and operands --------------------------------------------------------------

    def parse_path(self) -> Path:
        elements: list[PathElement] = [self._path_name()]
        while True:
            token = self.tok
            if token.is_op("."):
                self.advance()
                elements.append(self._path_name())
            elif token.is_op("["):
                self.advance()
                number = self.tok
                if number.kind != NUMBER:
                    raise self.syntax_error()
                self.advance()
                self.expect_op("]")
                index = int(number.text)
                if index > MAX_LIST_INDEX:
                    raise expression_error(
                        self.param,
                        f"List index is not within the allowable range; index: [{number.text}]",
                    )
                elements.append(index)
            else:
                return Path(tuple(elements))

    def _path_name(self) -> str | NameRef:
        token = self.tok
        if token.kind == NAME and token.text.upper() not in KEYWORDS:
            self.advance()
            if self.first_reserved is None and token.text.upper() in RESERVED_WORDS:
                self.first_reserved = token.text
            return token.text
        if token.kind == NAME_PH:
            self.advance()
            self.name_refs[token.text] = None
            return NameRef(token.text)
        raise self.syntax_error()

    def parse_value(self) -> Value:
        token = self.tok
        if token.kind != VALUE_PH:
            raise self.syntax_error()
        self.advance()
        self.value_refs[token.text] = None
        return Value(token.text)

    def parse_function(self) -> FunctionCall:
        name = self.advance().text
        self.expect_op("(")
        args = [self._operand()]
        while self.tok.is_op(","):
            self.advance()
            args.append(self._operand())
        self.expect_op(")")
        return FunctionCall(name, tuple(args))

    def parse_primary(self, *, need_operand: bool) -> Condition | Operand:
        token = self.tok
        if token.is_op("("):
            self.advance()
            inner: Condition | Operand
            if self.mode == UPDATE:
                inner = self.parse_term_sum()
            elif need_operand:
                inner = self.parse_primary(need_operand=True)
            else:
                inner = self.parse_or(allow_operand=True)
            self.expect_op(")")
            if id(inner) in self.paren_nodes:
                raise expression_error(self.param, "The expression has redundant parentheses;")
            self.paren_nodes.add(id(inner))
            return inner
        if token.kind == VALUE_PH:
            return self.parse_value()
        if token.kind == NAME and self.peek().is_op("("):
            return self.parse_function()
        return self.parse_path()

    # -- conditions ----------------------------------------------------------------------

    def parse_or(self, *, allow_operand: bool = False) -> Condition | Operand:
        left = self.parse_and(allow_operand=allow_operand)
        while self.tok.is_keyword("OR"):
            self._require_condition(left)
            self.advance()
            right = self.parse_and(allow_operand=False)
            left = Or(left, right)  # type: ignore[arg-type]
        return left

    def parse_and(self, *, allow_operand: bool) -> Condition | Operand:
        left = self.parse_not(allow_operand=allow_operand)
        while self.tok.is_keyword("AND"):
            self._require_condition(left)
            self.advance()
            right = self.parse_not(allow_operand=False)
            left = And(left, right)  # type: ignore[arg-type]
        return left

    def parse_not(self, *, allow_operand: bool) -> Condition | Operand:
        if self.tok.is_keyword("NOT"):
            self.advance()
            operand = self.parse_not(allow_operand=False)
            return Not(operand)  # type: ignore[arg-type]
        return self.parse_comparison(allow_operand=allow_operand)

    def parse_comparison(self, *, allow_operand: bool) -> Condition | Operand:
        left = self.parse_primary(need_operand=False)
        token = self.tok
        if token.kind == OP and token.text in COMPARATORS:
            self._require_operand(left)
            self.advance()
            right = self._operand()
            return Comparison(token.text, left, right)  # type: ignore[arg-type]
        if token.is_keyword("BETWEEN"):
            self._require_operand(left)
            self.advance()
            low = self._operand()
            if not self.tok.is_keyword("AND"):
                raise self.syntax_error()
            self.advance()
            high = self._operand()
            return Between(left, low, high)  # type: ignore[arg-type]
        if token.is_keyword("IN"):
            self._require_operand(left)
            self.advance()
            self.expect_op("(")
            options = [self._operand()]
            while self.tok.is_op(","):
                self.advance()
                options.append(self._operand())
            self.expect_op(")")
            return In(left, tuple(options))  # type: ignore[arg-type]
        if not allow_operand and isinstance(left, Path | Value):
            raise self.syntax_error()
        return left

    def _operand(self) -> Operand:
        return self.parse_primary(need_operand=True)  # type: ignore[return-value]

    def _require_condition(self, node: Condition | Operand) -> None:
        if isinstance(node, Path | Value | Arithmetic):
            raise self.syntax_error()

    def _require_operand(self, node: Condition | Operand) -> None:
        if not isinstance(node, Path | Value | FunctionCall | Arithmetic):
            raise self.syntax_error()

    # -- update --------------------------------------------------------------------------

    def parse_term_sum(self) -> Operand:
        left = self._operand()
        token = self.tok
        if token.is_op("+") or token.is_op("-"):
            self.advance()
            right = self._operand()
            return Arithmetic(token.text, left, right)
        return left

    def parse_update(self) -> tuple[list[str], list[UpdateAction]]:
        clauses: list[str] = []
        actions: list[UpdateAction] = []
        if self.tok.kind == EOF:
            raise self.syntax_error()
        while self.tok.kind != EOF:
            token = self.tok
            clause = token.text.upper() if token.kind == NAME else ""
            if clause not in _UPDATE_KEYWORDS:
                raise self.syntax_error()
            self.advance()
            clauses.append(clause)
            while True:
                actions.append(self._update_action(clause))
                if not self.tok.is_op(","):
                    break
                self.advance()
        return clauses, actions

    def _update_action(self, clause: str) -> UpdateAction:
        path = self.parse_path()
        if clause == "SET":
            self.expect_op("=")
            return SetAction(path, self.parse_term_sum())
        if clause == "REMOVE":
            return RemoveAction(path)
        value = self.parse_value()
        return AddAction(path, value) if clause == "ADD" else DeleteAction(path, value)

    # -- shared --------------------------------------------------------------------------

    def check_reserved(self) -> None:
        if self.first_reserved is not None:
            raise expression_error(
                self.param,
                f"Attribute name is a reserved keyword; reserved keyword: {self.first_reserved}",
            )


def _check_empty(text: str, param: str) -> None:
    if not isinstance(text, str) or text == "":
        raise expression_error(param, "The expression can not be empty;", enveloped=True)


# -- static checks on function usage ----------------------------------------------------------


def static_type(node: Operand) -> str | None:
    """The AttributeValue type an operand is known to have without any values, if fixed."""
    if isinstance(node, FunctionCall):
        return FUNCTION_RESULT_TYPES.get(node.name)
    return None


# Types accepted by each operator/function for its (value or function) operands.
SIZE_TYPES: Final = frozenset({"S", "B", "SS", "NS", "BS", "L", "M"})
SCALAR_TYPES: Final = frozenset({"S", "N", "B"})
BEGINS_WITH_TYPES: Final = frozenset({"S", "B"})


def check_static_operand(param: str, function: str, node: Operand, allowed: frozenset[str]) -> None:
    kind = static_type(node)
    if kind is not None and kind not in allowed:
        raise operand_type_error(param, function, kind)


def _check_function(param: str, mode: str, call: FunctionCall, *, as_condition: bool) -> None:
    name = call.name
    if name not in ALL_FUNCTIONS:
        raise expression_error(param, f"Invalid function name; function: {name}")
    if mode == UPDATE and name not in UPDATE_FUNCTIONS:
        raise expression_error(
            param, f"The function is not allowed in an update expression; function: {name}"
        )
    if mode != UPDATE and name in UPDATE_FUNCTIONS:
        raise expression_error(
            param, f"The function is not allowed in a condition expression; function: {name}"
        )
    if as_condition != (name in BOOLEAN_FUNCTIONS):
        raise expression_error(
            param,
            f"The function is not allowed to be used this way in an expression; function: {name}",
        )
    if len(call.args) != ALL_FUNCTIONS[name]:
        raise expression_error(
            param,
            "Incorrect number of operands for operator or function; "
            f"operator or function: {name}, number of operands: {len(call.args)}",
        )
    for arg in call.args:
        _check_operand_functions(param, mode, arg)
    if name == "size":
        check_static_operand(param, name, call.args[0], SIZE_TYPES)
    elif name == "begins_with":
        for arg in call.args:
            check_static_operand(param, name, arg, BEGINS_WITH_TYPES)
    elif name == "attribute_type":
        check_static_operand(param, name, call.args[1], frozenset({"S"}))
    elif name == "list_append":
        for arg in call.args:
            check_static_operand(param, name, arg, frozenset({"L"}))


def _check_operand_functions(param: str, mode: str, node: Operand) -> None:
    if isinstance(node, FunctionCall):
        _check_function(param, mode, node, as_condition=False)
    elif isinstance(node, Arithmetic):
        _check_operand_functions(param, mode, node.left)
        _check_operand_functions(param, mode, node.right)
        check_static_operand(param, node.op, node.left, frozenset({"N"}))
        check_static_operand(param, node.op, node.right, frozenset({"N"}))


def _check_condition_functions(param: str, node: Condition) -> None:
    if isinstance(node, And | Or):
        _check_condition_functions(param, node.left)
        _check_condition_functions(param, node.right)
    elif isinstance(node, Not):
        _check_condition_functions(param, node.operand)
    elif isinstance(node, FunctionCall):
        _check_function(param, CONDITION, node, as_condition=True)
    elif isinstance(node, Comparison):
        for operand in (node.left, node.right):
            _check_operand_functions(param, CONDITION, operand)
        if node.op in ORDERING_COMPARATORS:
            for operand in (node.left, node.right):
                check_static_operand(param, node.op, operand, SCALAR_TYPES)
    elif isinstance(node, Between):
        for operand in (node.operand, node.low, node.high):
            _check_operand_functions(param, CONDITION, operand)
            check_static_operand(param, "BETWEEN", operand, SCALAR_TYPES)
    else:
        if len(node.options) > MAX_IN_OPERANDS:
            raise expression_error(
                param,
                "The IN operator is provided with too many operands; "
                f"number of operands: {len(node.options)}",
            )
        for operand in (node.operand, *node.options):
            _check_operand_functions(param, CONDITION, operand)


# -- key conditions ------------------------------------------------------------------------


def _key_conditions(node: Condition) -> list[Condition]:
    """Flatten the AND tree of a key condition, rejecting other logical operators."""
    if isinstance(node, And):
        return _key_conditions(node.left) + _key_conditions(node.right)
    if isinstance(node, Or):
        raise ValidationException("Invalid operator used in KeyConditionExpression: OR")
    if isinstance(node, Not):
        raise ValidationException("Invalid operator used in KeyConditionExpression: NOT")
    return [node]


def _check_key_condition(param: str, root: Condition) -> None:
    parts = _key_conditions(root)
    for part in parts:
        operands: tuple[Operand, ...]
        if isinstance(part, Comparison):
            if part.op == "<>":
                raise ValidationException("Invalid operator used in KeyConditionExpression: <>")
            operands = (part.left, part.right)
        elif isinstance(part, Between):
            operands = (part.operand, part.low, part.high)
        elif isinstance(part, In):
            raise ValidationException("Invalid operator used in KeyConditionExpression: IN")
        elif isinstance(part, FunctionCall):
            if part.name not in ALL_FUNCTIONS:
                raise expression_error(param, f"Invalid function name; function: {part.name}")
            if part.name != "begins_with":
                raise ValidationException(
                    f"Invalid operator used in KeyConditionExpression: {part.name}"
                )
            _check_function(param, KEY, part, as_condition=True)
            operands = part.args
        else:  # pragma: no cover - the parser yields nothing else
            raise AssertionError(part)
        for operand in operands:
            if not isinstance(operand, Path | Value):
                raise ValidationException(
                    "KeyConditionExpressions cannot contain nested operations"
                )
    # A multi-attribute GSI key has up to 4 HASH and 4 RANGE attributes; the api refuses
    # more than two conditions once it knows the key is a single-attribute one.
    if len(parts) > 8:
        raise ValidationException("Conditions can be of length 1 or 2 only")


# -- entry points -----------------------------------------------------------------------------


def _parse_condition_tree(text: str, param: str, kind: str) -> tuple[_Parser, Condition]:
    """The condition tree of ``text`` with its placeholders recorded on the parser."""
    _check_empty(text, param)
    parser = _Parser(text, param, kind)
    root = parser.parse_or()
    parser.expect_end()
    parser.check_reserved()
    return parser, root  # type: ignore[return-value]


def parse_condition_text(text: str, param: str = "ConditionExpression") -> ParsedCondition:
    """Parse a ConditionExpression/FilterExpression (uncached; see ``parse_condition``)."""
    parser, root = _parse_condition_tree(text, param, CONDITION)
    _check_condition_functions(param, root)
    return ParsedCondition(text, param, tuple(parser.name_refs), tuple(parser.value_refs), root)


def parse_key_condition_text(
    text: str, param: str = "KeyConditionExpression"
) -> ParsedKeyCondition:
    """Parse a KeyConditionExpression (uncached; see ``parse_key_condition``)."""
    parser, root = _parse_condition_tree(text, param, KEY)
    _check_key_condition(param, root)
    return ParsedKeyCondition(text, param, tuple(parser.name_refs), tuple(parser.value_refs), root)


def parse_update_text(text: str, param: str = "UpdateExpression") -> ParsedUpdate:
    """Parse an UpdateExpression (uncached; see ``parse_update``)."""
    _check_empty(text, param)
    parser = _Parser(text, param, UPDATE)
    clauses, actions = parser.parse_update()
    seen: set[str] = set()
    for clause in clauses:
        if clause in seen:
            raise expression_error(
                param,
                f'The "{clause}" section can only be used once in an update expression;',
                enveloped=True,
            )
        seen.add(clause)
    parser.check_reserved()
    for action in actions:
        if isinstance(action, SetAction):
            _check_operand_functions(param, UPDATE, action.value)
    return ParsedUpdate(
        text, param, tuple(parser.name_refs), tuple(parser.value_refs), tuple(actions)
    )


def parse_projection_text(text: str, param: str = "ProjectionExpression") -> ParsedProjection:
    """Parse a ProjectionExpression (uncached; see ``parse_projection``)."""
    _check_empty(text, param)
    parser = _Parser(text, param, PROJECTION)
    paths = [parser.parse_path()]
    while parser.tok.is_op(","):
        parser.advance()
        paths.append(parser.parse_path())
    parser.expect_end()
    parser.check_reserved()
    return ParsedProjection(
        text, param, tuple(parser.name_refs), tuple(parser.value_refs), tuple(paths)
    )
