"""A recursive-descent parser for DynamoDB's PartiQL subset.

Grammar (keywords case-insensitive)::

    statement  := (select | insert | update | delete | EXISTS "(" select ")") [";"]
    select     := SELECT ("*" | path ("," path)*) FROM target [WHERE expr]
                  [ORDER BY name [ASC | DESC] ("," name [ASC | DESC])*]
    insert     := INSERT INTO target VALUE tuple
    update     := UPDATE target (SET path "=" expr ("," path "=" expr)* | REMOVE path)+
                  [WHERE expr] [returning]
    delete     := DELETE FROM target [WHERE expr] [returning]
    returning  := RETURNING (ALL | MODIFIED) (OLD | NEW) "*"
    target     := name ["." name]
    expr       := or;  or := and (OR and)*;  and := not (AND not)*;  not := NOT not | predicate
    predicate  := sum [comparator sum | [NOT] BETWEEN sum AND sum | [NOT] IN list
                       | IS [NOT] (MISSING | NULL) | [NOT] LIKE sum]
    sum        := unary (("+" | "-" | "*" | "/" | "%" | "||") unary)*
    primary    := literal | "?" | "(" expr ")" | name "(" [expr ("," expr)*] ")" | path
    path       := name ("." name | "[" number "]" | "[" string "]")*
    literal    := string | number | TRUE | FALSE | NULL | MISSING | "[" ... "]" | tuple
                  | "<<" ... ">>";   tuple := "{" [string ":" expr ("," string ":" expr)*] "}"

A statement that does not follow it is "not well formed" (one message for all, as DynamoDB);
constructs DynamoDB parses but refuses get its own messages here (aliases, several tables,
LIMIT, Ion literals, the literal rules of tuples and bags).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from dynastream_mock.errors import ValidationException

from .. import values
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
    Delete,
    Exists,
    ExistsCall,
    Expr,
    InExpr,
    Insert,
    IsExpr,
    LikeExpr,
    ListOf,
    MapOf,
    MissingExpr,
    NotExpr,
    OrderKey,
    OrExpr,
    Parameter,
    ParsedStatement,
    PathExpr,
    Removal,
    Returning,
    Scalar,
    Select,
    Statement,
    Target,
    Update,
)
from .tokens import (
    END,
    IDENTIFIER,
    ION,
    NUMBER,
    PARAMETER,
    PUNCTUATION,
    QUOTED,
    STRING,
    StatementSyntaxError,
    Token,
    tokenize,
)

NOT_WELL_FORMED: Final = "Statement wasn't well formed, can't be processed: "
COMPARATORS: Final = frozenset({"=", "<>", "!=", "<", "<=", ">", ">="})
_ARITHMETIC: Final = frozenset({"+", "-", "*", "/", "%", "||"})
#: Words that are never a bare attribute or table name.
RESERVED: Final = frozenset(
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "MISSING",
        "NULL", "TRUE", "FALSE", "ORDER", "BY", "INSERT", "INTO", "VALUE", "VALUES", "UPDATE",
        "SET", "REMOVE", "DELETE", "RETURNING", "EXISTS", "LIMIT", "LIKE", "AS", "DISTINCT",
    }
)  # fmt: skip
_OTHER_OPERATIONS: Final = {"CREATE": "CreateTable", "DROP": "DropTable"}
_MAX_DIGITS: Final = 38


def parse_statement_text(text: str) -> ParsedStatement:
    """Parse one statement; raises ValidationException in DynamoDB's words."""
    try:
        parser = _Parser(text, tokenize(text))
        statement = parser.statement()
    except StatementSyntaxError:
        raise ValidationException(NOT_WELL_FORMED + text) from None
    return ParsedStatement(text, statement, parser.parameters)


class _Parser:
    def __init__(self, text: str, tokens: tuple[Token, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self.position = 0
        self.parameters = 0

    # -- token helpers --------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.position + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        if token.kind != END:
            self.position += 1
        return token

    def accept_word(self, word: str) -> bool:
        if self.token.is_word(word):
            self.advance()
            return True
        return False

    def expect_word(self, word: str) -> Token:
        if not self.token.is_word(word):
            raise StatementSyntaxError(word)
        return self.advance()

    def accept(self, punctuation: str) -> bool:
        if self.token.is_punctuation(punctuation):
            self.advance()
            return True
        return False

    def expect(self, punctuation: str) -> Token:
        if not self.token.is_punctuation(punctuation):
            raise StatementSyntaxError(punctuation)
        return self.advance()

    # -- statements -----------------------------------------------------------------------

    def statement(self) -> Statement:
        first = self.token
        result: Statement
        if first.is_word("SELECT"):
            result = self.select()
        elif first.is_word("INSERT"):
            result = self.insert()
        elif first.is_word("UPDATE"):
            result = self.update()
        elif first.is_word("DELETE"):
            result = self.delete()
        elif first.is_word("EXISTS") and self.peek().is_punctuation("("):
            self.advance()
            self.advance()
            result = Exists(self.select())
            self.expect(")")
        elif first.kind == IDENTIFIER and first.text.upper() in _OTHER_OPERATIONS:
            raise ValidationException(
                f"Unsupported operation: {_OTHER_OPERATIONS[first.text.upper()]}"
            )
        else:
            raise StatementSyntaxError(first.text)
        self.accept(";")
        if self.token.kind != END:
            raise StatementSyntaxError(self.token.text)
        return result

    def select(self) -> Select:
        self.expect_word("SELECT")
        projection: list[PathExpr] | None = None
        if self.token.is_word("DISTINCT"):
            raise ValidationException("Unsupported token in expression: DISTINCT")
        if not self.accept("*"):
            projection = [self.projected_path()]
            while self.accept(","):
                projection.append(self.projected_path())
        self.expect_word("FROM")
        target = self.target()
        if self.token.is_word("AS") or (
            self.token.kind in (IDENTIFIER, QUOTED) and self.token.text.upper() not in RESERVED
        ):
            raise ValidationException("Aliasing is not supported")
        if self.token.is_punctuation(","):
            raise ValidationException("Only select from a single table or index is supported.")
        where = self.expression() if self.accept_word("WHERE") else None
        order_by: list[OrderKey] = []
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            order_by.append(self.order_key())
            while self.accept(","):
                order_by.append(self.order_key())
        if self.token.is_word("LIMIT"):
            self.advance()
            raise ValidationException(f"Unsupported clause: LIMIT at {self.token.place}")
        return Select(
            tuple(projection) if projection is not None else None, target, where, tuple(order_by)
        )

    def projected_path(self) -> PathExpr:
        start = self.token
        path = self.path()
        following = self.token
        if following.is_punctuation("("):
            raise ValidationException(f"Unexpected path component at {start.place}")
        if following.kind == PUNCTUATION and following.text in _ARITHMETIC | COMPARATORS:
            raise ValidationException(f"Unexpected path component at {following.place}")
        return path

    def order_key(self) -> OrderKey:
        name = self.name()
        descending = False
        if self.accept_word("DESC"):
            descending = True
        else:
            self.accept_word("ASC")
        return OrderKey(name, descending)

    def target(self) -> Target:
        table = self.name()
        index = self.name() if self.accept(".") else None
        return Target(table, index)

    def insert(self) -> Insert:
        self.expect_word("INSERT")
        self.expect_word("INTO")
        target = self.target()
        self.expect_word("VALUE")
        if not self.token.is_punctuation("{"):
            if self.token.kind in (PARAMETER, STRING, NUMBER) or self.token.is_punctuation("["):
                raise ValidationException(
                    "Unsupported format in item expression. Please use struct format {...} to "
                    f"express item values for insert statement. at {self.token.place}"
                )
            raise StatementSyntaxError(self.token.text)
        item = self.constant_of(self.primary())
        assert isinstance(item, MapOf)
        if self.token.is_word("RETURNING"):
            raise ValidationException("RETURNING is not supported in INSERT")
        return Insert(target, item)

    def update(self) -> Update:
        self.expect_word("UPDATE")
        target = self.target()
        actions: list[Assignment | Removal] = []
        while True:
            if self.accept_word("SET"):
                actions.append(self.assignment())
                while self.accept(","):
                    actions.append(self.assignment())
            elif self.accept_word("REMOVE"):
                actions.append(Removal(self.path()))
            else:
                break
        if not actions:
            raise StatementSyntaxError(self.token.text)
        where = self.expression() if self.accept_word("WHERE") else None
        return Update(target, tuple(actions), where, self.returning())

    def assignment(self) -> Assignment:
        path = self.path()
        self.expect("=")
        return Assignment(path, self.expression())

    def delete(self) -> Delete:
        self.expect_word("DELETE")
        self.expect_word("FROM")
        target = self.target()
        where = self.expression() if self.accept_word("WHERE") else None
        return Delete(target, where, self.returning())

    def returning(self) -> Returning | None:
        if not self.accept_word("RETURNING"):
            return None
        scope = self.advance()
        image = self.advance()
        if scope.text.upper() not in ("ALL", "MODIFIED") or image.text.upper() not in (
            "OLD",
            "NEW",
        ):
            raise StatementSyntaxError(scope.text)
        if not self.token.is_punctuation("*"):
            if self.token.kind == END:
                raise StatementSyntaxError("*")
            raise ValidationException(
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
            )
        self.advance()
        return Returning(scope.text.upper(), image.text.upper())

    # -- names and paths ------------------------------------------------------------------

    def name(self) -> str:
        token = self.token
        if token.kind == QUOTED or (
            token.kind == IDENTIFIER and token.text.upper() not in RESERVED
        ):
            self.advance()
            return token.text
        raise StatementSyntaxError(token.text)

    def path(self) -> PathExpr:
        start = self.token
        elements: list[str | int] = [self.name()]
        self.path_steps(elements)
        return PathExpr(tuple(elements), start)

    def path_steps(self, elements: list[str | int]) -> None:
        while True:
            if self.token.is_punctuation("."):
                self.advance()
                elements.append(self.name())
            elif self.token.is_punctuation("["):
                self.advance()
                step = self.advance()
                if step.kind == NUMBER and step.text.isdigit():
                    elements.append(int(step.text))
                elif step.kind == STRING:
                    elements.append(step.text)
                else:
                    raise StatementSyntaxError(step.text)
                self.expect("]")
            else:
                return

    # -- expressions ----------------------------------------------------------------------

    def expression(self) -> Expr:
        left = self.conjunction()
        while self.accept_word("OR"):
            left = OrExpr(left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.negation()
        while self.accept_word("AND"):
            left = AndExpr(left, self.negation())
        return left

    def negation(self) -> Expr:
        if self.accept_word("NOT"):
            return NotExpr(self.negation())
        return self.predicate()

    def predicate(self) -> Expr:
        left = self.sum()
        token = self.token
        if token.kind == PUNCTUATION and token.text in COMPARATORS:
            self.advance()
            return Compare(token.text, left, self.sum(), token)
        negated = False
        if token.is_word("NOT") and (
            self.peek().is_word("BETWEEN")
            or self.peek().is_word("IN")
            or self.peek().is_word("LIKE")
        ):
            self.advance()
            negated = True
        result: Expr
        if self.accept_word("BETWEEN"):
            low = self.sum()
            self.expect_word("AND")
            result = BetweenExpr(left, low, self.sum())
        elif self.accept_word("IN"):
            result = InExpr(left, self.in_options())
        elif self.token.is_word("LIKE"):
            like = self.advance()
            result = LikeExpr(left, self.sum(), like)
        elif not negated and self.accept_word("IS"):
            is_negated = self.accept_word("NOT")
            what = self.advance()
            if what.text.upper() not in ("MISSING", "NULL") or what.kind != IDENTIFIER:
                raise StatementSyntaxError(what.text)
            return IsExpr(left, what.text.upper(), is_negated)
        else:
            return left
        return NotExpr(result) if negated else result

    def in_options(self) -> tuple[Expr, ...]:
        closing = {"(": ")", "[": "]"}.get(
            self.token.text if self.token.kind == PUNCTUATION else ""
        )
        if closing is None:
            raise StatementSyntaxError(self.token.text)
        self.advance()
        options = [self.expression()]
        while self.accept(","):
            options.append(self.expression())
        self.expect(closing)
        return tuple(options)

    def sum(self) -> Expr:
        left = self.unary()
        while self.token.kind == PUNCTUATION and self.token.text in _ARITHMETIC:
            operator = self.advance()
            left = Binary(operator.text, left, self.unary(), operator)
        return left

    def unary(self) -> Expr:
        if self.token.is_punctuation("-") and self.peek().kind == NUMBER:
            minus = self.advance()
            number = self.advance()
            return ConstantExpr(self.number(number, negative=True, start=minus))
        if self.token.is_punctuation("+") and self.peek().kind == NUMBER:
            self.advance()
        return self.primary()

    def primary(self) -> Expr:
        token = self.token
        kind = token.kind
        if kind == STRING:
            self.advance()
            return ConstantExpr(Scalar({"S": token.text}, token))
        if kind == NUMBER:
            self.advance()
            return ConstantExpr(self.number(token, negative=False, start=token))
        if kind == PARAMETER:
            self.advance()
            self.parameters += 1
            return ConstantExpr(Parameter(self.parameters - 1, token))
        if kind == ION:
            self.advance()
            raise ValidationException(
                f"Ion Literals are not supported: {_ion_type(token.text)} under key root at "
                f"{token.place}"
            )
        if kind == IDENTIFIER:
            word = token.text.upper()
            if word in ("TRUE", "FALSE"):
                self.advance()
                return ConstantExpr(Scalar({"BOOL": word == "TRUE"}, token))
            if word == "NULL":
                self.advance()
                return ConstantExpr(Scalar({"NULL": True}, token))
            if word == "MISSING":
                self.advance()
                return MissingExpr(token)
            if (
                word == "EXISTS"
                and self.peek().is_punctuation("(")
                and self.peek(2).is_word("SELECT")
            ):
                self.advance()
                self.advance()
                select = self.select()
                self.expect(")")
                return ExistsCall(select, token)
            if self.peek().is_punctuation("(") and (word not in RESERVED or word == "EXISTS"):
                return self.call()
        if kind == PUNCTUATION:
            if token.text == "(":
                self.advance()
                inner = self.expression()
                self.expect(")")
                return inner
            if token.text == "[":
                return ConstantExpr(self.collection("[", "]", token))
            if token.text == "<<":
                return ConstantExpr(self.collection("<<", ">>", token))
            if token.text == "{":
                return ConstantExpr(self.tuple_literal(token))
        return self.path()

    def call(self) -> Call:
        name = self.advance()
        self.expect("(")
        args: list[Expr] = []
        if not self.token.is_punctuation(")"):
            args.append(self.expression())
            while self.accept(","):
                args.append(self.expression())
        self.expect(")")
        return Call(name.text.lower(), tuple(args), name)

    # -- literals -------------------------------------------------------------------------

    def number(self, token: Token, *, negative: bool, start: Token) -> Scalar:
        text = ("-" if negative else "") + token.text
        digits = token.text.lower().split("e")[0].replace(".", "").lstrip("0")
        if len(digits.rstrip("0")) > _MAX_DIGITS:
            raise ValidationException("DynamoDB only supports precision up to 38 digits")
        if negative and Decimal(token.text) == 0 and not token.text.isdigit():
            raise ValidationException(
                f"Negative zero decimal is not supported under key root at {token.place}"
            )
        return Scalar({"N": values.normalize_number(text)}, start)

    def collection(self, opening: str, closing: str, token: Token) -> Constant:
        self.expect(opening)
        elements: list[Constant] = []
        if not self.token.is_punctuation(closing):
            elements.append(self.constant_of(self.expression()))
            while self.accept(","):
                elements.append(self.constant_of(self.expression()))
        self.expect(closing)
        if opening == "[":
            return ListOf(tuple(elements), token)
        if not elements:
            raise ValidationException(f"Empty bags are not supported at {token.place}")
        return BagOf(tuple(elements), token)

    def tuple_literal(self, token: Token) -> MapOf:
        self.expect("{")
        members: list[tuple[str, Constant]] = []
        seen: set[str] = set()
        if not self.token.is_punctuation("}"):
            while True:
                key = self.token
                if key.kind != STRING:
                    self.primary()  # not a key: is it at least an expression?
                    raise ValidationException(
                        f"Tuple keys must be of type String. Actual type: {_key_type(key)} "
                        f"under root at {key.place}"
                    )
                self.advance()
                if key.text in seen:
                    raise ValidationException(
                        f"Duplicate keys in tuple. Key: {key.text} under root at {key.place}"
                    )
                seen.add(key.text)
                self.expect(":")
                members.append((key.text, self.constant_of(self.expression())))
                if not self.accept(","):
                    break
        self.expect("}")
        return MapOf(tuple(members), token)

    def constant_of(self, node: Expr) -> Constant:
        """A collection member must be a constant (DynamoDB stores literal items only)."""
        if isinstance(node, ConstantExpr):
            return node.constant
        token = _token_of(node)
        shown = "MISSING" if isinstance(node, MissingExpr) else token.text
        raise ValidationException(f"Unsupported data type: {shown} under key root at {token.place}")


def _token_of(node: Expr) -> Token:
    if isinstance(node, PathExpr | MissingExpr | Call | ExistsCall | Binary | Compare | LikeExpr):
        return node.token
    if isinstance(node, ConstantExpr):
        return node.constant.token
    if isinstance(node, AndExpr | OrExpr):
        return _token_of(node.left)
    if isinstance(node, NotExpr):
        return _token_of(node.operand)
    return _token_of(node.operand)


def _key_type(token: Token) -> str:
    if token.kind in (IDENTIFIER, QUOTED):
        return "VariableReference"
    if token.kind == NUMBER:
        return "INT" if token.text.isdigit() else "DECIMAL"
    return token.kind


def _ion_type(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("{"):
        return "STRUCT"
    if stripped.startswith("["):
        return "LIST"
    if stripped.lstrip("-").isdigit():
        return "INT"
    return "SYMBOL"
