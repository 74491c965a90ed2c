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
LIMIT, Ion literals, the literal rules of tuples and bags). Some of those refusals
(:meth:`_Parser.refuse`: empty names, negative list indexes, a literal where a projected path
or a FROM source belongs, a FROM path of three parts) wait for the whole statement to parse,
as DynamoDB parses first and validates after: a syntax error anywhere wins over them.
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
#: Words that are never a bare attribute or table name: PartiQL's reserved keywords
#: (partiql.org, "PartiQL Reserved Keywords"), each one checked to be refused by DynamoDB
#: Local's PartiQL as "not well formed" when used unquoted. A quoted identifier may be any.
#: NOTHING is reserved there too, but is still accepted here as a name until the API tests
#: that use it (tests/dynamodb/test_partiql.py) say ``"nothing"``.
RESERVED: Final = frozenset(
    {
        "ABSOLUTE", "ACTION", "ADD", "ALL", "ALLOCATE", "ALTER", "AND", "ANY", "ARE", "AS",
        "ASC", "ASSERTION", "AT", "AUTHORIZATION", "AVG", "BAG", "BEGIN", "BETWEEN", "BIT",
        "BIT_LENGTH", "BLOB", "BOOLEAN", "BY", "CASCADE", "CASCADED", "CASE", "CAST",
        "CATALOG", "CHAR", "CHARACTER", "CHARACTER_LENGTH", "CHAR_LENGTH", "CHECK", "CLOB",
        "CLOSE", "COALESCE", "COLLATE", "COLLATION", "COLUMN", "COMMIT", "CONFLICT", "CONNECT",
        "CONNECTION", "CONSTRAINT", "CONSTRAINTS", "CONTINUE", "CONVERT", "CORRESPONDING",
        "COUNT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
        "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATE", "DATE_ADD", "DATE_DIFF",
        "DEALLOCATE", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DEFERRABLE", "DEFERRED",
        "DELETE", "DESC", "DESCRIBE", "DESCRIPTOR", "DIAGNOSTICS", "DISCONNECT", "DISTINCT",
        "DO", "DOMAIN", "DOUBLE", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCEPTION",
        "EXEC", "EXECUTE", "EXISTS", "EXTERNAL", "EXTRACT", "FALSE", "FETCH", "FIRST", "FLOAT",
        "FOR", "FOREIGN", "FOUND", "FROM", "FULL", "GET", "GLOBAL", "GO", "GOTO", "GRANT",
        "GROUP", "HAVING", "IDENTITY", "IMMEDIATE", "IN", "INDICATOR", "INITIALLY", "INNER",
        "INPUT", "INSENSITIVE", "INSERT", "INT", "INTEGER", "INTERSECT", "INTERVAL", "INTO",
        "IS", "ISOLATION", "JOIN", "KEY", "LANGUAGE", "LAST", "LEFT", "LET", "LEVEL", "LIKE",
        "LIMIT", "LIST", "LOCAL", "LOWER", "MATCH", "MAX", "MIN", "MISSING", "MODIFIED",
        "MODULE", "NAMES", "NATIONAL", "NATURAL", "NCHAR", "NEW", "NEXT", "NO", "NOT", "NULL",
        "NULLIF", "NUMERIC", "OCTET_LENGTH", "OF", "OLD", "ON", "ONLY", "OPEN", "OPTION", "OR",
        "ORDER", "OUTER", "OUTPUT", "OVERLAPS", "PAD", "PARTIAL", "PIVOT", "POSITION",
        "PRECISION", "PREPARE", "PRESERVE", "PRIMARY", "PRIOR", "PRIVILEGES", "PROCEDURE",
        "PUBLIC", "READ", "REAL", "REFERENCES", "RELATIVE", "REMOVE", "RESTRICT", "RETURNING",
        "REVOKE", "RIGHT", "ROLLBACK", "ROWS", "SCHEMA", "SCROLL", "SECTION", "SELECT",
        "SESSION", "SESSION_USER", "SET", "SEXP", "SIZE", "SMALLINT", "SOME", "SPACE", "SQL",
        "SQLCODE", "SQLERROR", "SQLSTATE", "STRING", "STRUCT", "SUBSTRING", "SUM", "SYMBOL",
        "SYSTEM_USER", "TABLE", "TEMPORARY", "THEN", "TIME", "TIMESTAMP", "TO", "TRANSACTION",
        "TRANSLATE", "TRANSLATION", "TRIM", "TRUE", "TUPLE", "UNION", "UNIQUE", "UNKNOWN",
        "UNPIVOT", "UPDATE", "UPPER", "USAGE", "USER", "USING", "VALUE", "VALUES", "VARCHAR",
        "VARYING", "VIEW", "WHEN", "WHENEVER", "WHERE", "WITH", "WORK", "WRITE", "ZONE",
    }
)  # fmt: skip
#: Reserved words that still parse as a call (DynamoDB then refuses all but SIZE and EXISTS as
#: unrecognized functions), and aggregates, refused as tokens.
_CALLABLE: Final = frozenset(
    {"SIZE", "EXISTS", "LOWER", "UPPER", "COALESCE", "NULLIF", "TRIM", "CHAR_LENGTH"}
)
_AGGREGATES: Final = frozenset({"COUNT", "AVG", "MAX", "MIN", "SUM"})
_OTHER_OPERATIONS: Final = {"CREATE": "CreateTable", "DROP": "DropTable"}
_MAX_DIGITS: Final = 38
EMPTY_NAME: Final = "Path component cannot be an empty string"
UNEXPECTED_PATH: Final = "Unexpected path component at "
_DML_TARGET: Final = (
    "FROM clause may only contain a single table name in data manipulation statements"
)
_LONG_SOURCE: Final = "A path may contain at most 2 components in the FROM clause"
_LITERAL_WORDS: Final = frozenset({"TRUE", "FALSE", "NULL", "MISSING"})
_LITERAL_OPENINGS: Final = frozenset({"-", "+", "[", "<<", "{"})


def parse_statement_text(text: str) -> ParsedStatement:
    """Parse one statement; raises ValidationException in DynamoDB's words."""
    try:
        parser = _Parser(text, tokenize(text))
        statement = parser.statement()
    except StatementSyntaxError:
        raise ValidationException(NOT_WELL_FORMED + text) from None
    if parser.refusal is not None:
        raise parser.refusal
    return ParsedStatement(text, statement, parser.parameters)


class _Parser:
    def __init__(self, text: str, tokens: tuple[Token, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self.position = 0
        self.parameters = 0
        #: The first validation error found, raised once the whole statement has parsed.
        self.refusal: ValidationException | None = None

    def refuse(self, message: str) -> None:
        if self.refusal is None:
            self.refusal = ValidationException(message)

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
        if self.token.kind in (STRING, NUMBER, PARAMETER):
            self.advance()
            self.refuse("Unexpected from source")
            target = Target("", None)
        else:
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
        if start.kind == IDENTIFIER and self.peek().is_punctuation("("):
            raise ValidationException(UNEXPECTED_PATH + start.place)  # count(*), f(x)
        if (
            start.kind in (STRING, NUMBER, PARAMETER, ION)
            or (start.kind == IDENTIFIER and start.text.upper() in _LITERAL_WORDS)
            or (start.kind == PUNCTUATION and start.text in _LITERAL_OPENINGS)
        ):
            # A value, not a path: DynamoDB parses it, then refuses it where it starts.
            if start.kind == ION or start.text in ("-", "+"):
                self.advance()
            if start.kind != ION:
                self.sum()
            self.refuse(UNEXPECTED_PATH + start.place)
            return PathExpr(("",), start)
        path = self.path()
        following = self.token
        if following.is_punctuation("("):
            raise ValidationException(UNEXPECTED_PATH + start.place)
        if following.kind == PUNCTUATION and following.text in _ARITHMETIC | COMPARATORS:
            raise ValidationException(UNEXPECTED_PATH + following.place)
        return path

    def order_key(self) -> OrderKey:
        name = self.name()
        descending = False
        if self.accept_word("DESC"):
            descending = True
        else:
            self.accept_word("ASC")
        return OrderKey(name, descending)

    def target(self, *, inserting: bool = False) -> Target:
        table = self.name()
        index = self.name() if self.accept(".") else None
        if index is not None and self.token.is_punctuation("."):
            while self.accept("."):
                self.name()
            self.refuse(_DML_TARGET if inserting else _LONG_SOURCE)
        return Target(table, index)

    def insert(self) -> Insert:
        self.expect_word("INSERT")
        self.expect_word("INTO")
        target = self.target(inserting=True)
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
            if not token.text:
                self.refuse(EMPTY_NAME)
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
                    if not step.text:
                        self.refuse(EMPTY_NAME)
                    elements.append(step.text)
                elif step.is_punctuation("-") and self.token.kind == NUMBER:
                    number = self.advance()
                    self.refuse(
                        "List index is not within the allowable range; index: "
                        f"[-{number.text}] at {number.place}"
                    )
                    elements.append(0)
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
        """IN's right-hand side: ``(a, ...)``, ``[a, ...]`` or ``<<a, ...>>``. Any other
        expression, or an empty list, parses as no options, which the compiler refuses."""
        if self.accept("("):
            options = [self.expression()]
            while self.accept(","):
                options.append(self.expression())
            self.expect(")")
            return tuple(options)
        closing = {"[": "]", "<<": ">>"}.get(
            self.token.text if self.token.kind == PUNCTUATION else ""
        )
        if closing is None:
            self.sum()
            return ()
        self.advance()
        listed: list[Expr] = []
        if not self.accept(closing):
            listed.append(self.expression())
            while self.accept(","):
                listed.append(self.expression())
            self.expect(closing)
        if self.token.kind == PUNCTUATION and self.token.text in _ARITHMETIC:
            while self.token.kind == PUNCTUATION and self.token.text in _ARITHMETIC:
                self.advance()
                self.unary()
            return ()
        return tuple(listed)

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
            if self.peek().is_punctuation("(") and word in _AGGREGATES:
                self.refuse(f"Unsupported token in expression: {token.text} at {token.place}")
                return self.call()
            if self.peek().is_punctuation("(") and (word not in RESERVED or word in _CALLABLE):
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
