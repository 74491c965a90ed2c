"""Parsing and static errors; expected messages were captured from DynamoDB Local."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.expressions import (
    RESERVED_WORDS,
    check_placeholders,
    is_reserved,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
    unused_placeholder_order,
    validate_expression_names,
)
from dynastream_mock.backend.expressions.ast import (
    And,
    Between,
    Comparison,
    FunctionCall,
    In,
    NameRef,
    Not,
    Or,
    Path,
    Value,
)
from dynastream_mock.backend.expressions.tokens import EOF, NAME, NUMBER, UNKNOWN, tokenize
from dynastream_mock.errors import ValidationException


def update_error(text: str) -> str:
    with pytest.raises(ValidationException) as info:
        parse_update(text)
    return info.value.message


def condition_error(text: str, param: str = "ConditionExpression") -> str:
    with pytest.raises(ValidationException) as info:
        parse_condition(text, param)
    return info.value.message


# -- tokenizer -------------------------------------------------------------------------------


def test_tokenize_kinds_and_spans() -> None:
    tokens = tokenize("a.#b[10] <> :v_1 @")
    assert [(t.kind, t.text) for t in tokens] == [
        (NAME, "a"),
        ("OP", "."),
        ("NAME_PH", "#b"),
        ("OP", "["),
        (NUMBER, "10"),
        ("OP", "]"),
        ("OP", "<>"),
        ("VALUE_PH", ":v_1"),
        (UNKNOWN, "@"),
        (EOF, "<EOF>"),
    ]
    assert tokens[2].start == 2 and tokens[2].end == 4


def test_tokenize_numbers_and_sigils() -> None:
    assert [t.text for t in tokenize("01 1a _a # : =>")][:-1] == [
        "0",
        "1",
        "1",
        "a",
        "_",
        "a",
        "#",
        ":",
        "=",
        ">",
    ]


@given(
    st.lists(
        st.sampled_from(["a", "b1", "#n", ":v", "0", "12", "=", "<>", "<=", "(", ")", ",", "."]),
        max_size=12,
    )
)
def test_tokenize_round_trip(parts: list[str]) -> None:
    text = " ".join(parts)
    tokens = tokenize(text)
    assert [t.text for t in tokens[:-1]] == parts
    for token in tokens[:-1]:
        assert text[token.start : token.end] == token.text


@given(st.text(max_size=40))
def test_tokenize_never_fails_and_covers_text(text: str) -> None:
    tokens = tokenize(text)
    assert tokens[-1].kind == EOF
    rebuilt = "".join(t.text for t in tokens[:-1])
    assert rebuilt == "".join(ch for ch in text if ch not in " \t\n\r\f\v")


# -- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ADD hits : incr", 'Syntax error; token: ":", near: "hits : incr"'),
        ("INVALID SYNTAX HERE", 'Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
        ("SET a = :v,", 'Syntax error; token: "<EOF>", near: ","'),
        ("SET", 'Syntax error; token: "<EOF>", near: "SET"'),
        ("   ", 'Syntax error; token: "<EOF>", near: "   "'),
        ("SET a = :v + :v + :v", 'Syntax error; token: "+", near: ":v + :v"'),
        ("SET a = :v -", 'Syntax error; token: "<EOF>", near: "-"'),
        ("SET a = 1", 'Syntax error; token: "1", near: "= 1"'),
        ('SET a = "x"', 'Syntax error; token: """, near: "= "x"'),
        ("SET a = :v@", 'Syntax error; token: "@", near: ":v@"'),
        ("SET a == :v", 'Syntax error; token: "=", near: "== :v"'),
        ("SET a[x] = :v", 'Syntax error; token: "x", near: "[x]"'),
        ("SET a[-1] = :v", 'Syntax error; token: "-", near: "[-1"'),
        ("SET 1a = :v", 'Syntax error; token: "1", near: "SET 1a"'),
        ("SET _a = :v", 'Syntax error; token: "_", near: "SET _a"'),
        ("SET a-b = :v", 'Syntax error; token: "-", near: "a-b"'),
        ("ADD a :v, b", 'Syntax error; token: "<EOF>", near: "b"'),
        ("ADD a :v + :v", 'Syntax error; token: "+", near: ":v + :v"'),
        ("DELETE a", 'Syntax error; token: "<EOF>", near: "a"'),
        ("REMOVE a, ", 'Syntax error; token: "<EOF>", near: ", "'),
        ("REMOVE :v", 'Syntax error; token: ":v", near: "REMOVE :v"'),
        ("SET a = :v REMOVE", 'Syntax error; token: "<EOF>", near: "REMOVE"'),
        ("SET a = :v AND b = :v", 'Syntax error; token: "AND", near: ":v AND b"'),
        ("SET and = :v", 'Syntax error; token: "and", near: "SET and ="'),
        ("SET a = :v SET b = :v,", 'Syntax error; token: "<EOF>", near: ","'),
        ("SET status = :v,", 'Syntax error; token: "<EOF>", near: ","'),
    ],
)
def test_update_syntax_errors(text: str, message: str) -> None:
    assert update_error(text) == f"Invalid UpdateExpression: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = :v AND", 'Syntax error; token: "<EOF>", near: "AND"'),
        ("a = :v AND b", 'Syntax error; token: "<EOF>", near: "b"'),
        ("a", 'Syntax error; token: "<EOF>", near: "a"'),
        (":v", 'Syntax error; token: "<EOF>", near: ":v"'),
        ("a IN ()", 'Syntax error; token: ")", near: "()"'),
        ("a IN :v", 'Syntax error; token: ":v", near: "IN :v"'),
        ("a BETWEEN :v", 'Syntax error; token: "<EOF>", near: ":v"'),
        ("a < :v < :v", 'Syntax error; token: "<", near: ":v < :v"'),
        ("a = b = c", 'Syntax error; token: "=", near: "b = c"'),
        ("NOT a", 'Syntax error; token: "<EOF>", near: "a"'),
        ("(a = :v", 'Syntax error; token: "<EOF>", near: ":v"'),
        ("a = :v)", 'Syntax error; token: ")", near: ":v)"'),
        ("()", 'Syntax error; token: ")", near: "()"'),
        ("a != :v", 'Syntax error; token: "!", near: "a !="'),
        ("a => :v", 'Syntax error; token: ">", near: "=> :v"'),
        ("a = :v AND NOT = :v", 'Syntax error; token: "=", near: "NOT = :v"'),
        ("a = :v AND and = :v", 'Syntax error; token: "and", near: "AND and ="'),
        ("status = :v AND", 'Syntax error; token: "<EOF>", near: "AND"'),
    ],
)
def test_condition_syntax_errors(text: str, message: str) -> None:
    assert condition_error(text) == f"Invalid ConditionExpression: {message}"


def test_param_prefix_is_the_callers() -> None:
    assert condition_error("a", "FilterExpression") == (
        'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "a"'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,", 'Syntax error; token: "<EOF>", near: ","'),
        ("a b", 'Syntax error; token: "b", near: "a b"'),
        ("size(a)", 'Syntax error; token: "(", near: "size(a"'),
        ("a[1", 'Syntax error; token: "<EOF>", near: "1"'),
        ("a[1]]", 'Syntax error; token: "]", near: "]]"'),
        ("a[01]", 'Syntax error; token: "1", near: "01]"'),
        ("a.1", 'Syntax error; token: "1", near: ".1"'),
        ("a.b.", 'Syntax error; token: "<EOF>", near: "."'),
        (".a", 'Syntax error; token: ".", near: ".a"'),
        ("#", 'Syntax error; token: "#", near: "#"'),
        ("#a-b", 'Syntax error; token: "-", near: "#a-b"'),
        (":v", 'Syntax error; token: ":v", near: ":v"'),
        ("aé", 'Syntax error; token: "é", near: "aé"'),
        ("ALL", "Attribute name is a reserved keyword; reserved keyword: ALL"),
        ("", "The expression can not be empty;"),
    ],
)
def test_projection_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as info:
        parse_projection(text)
    assert info.value.message == f"Invalid ProjectionExpression: {message}"


def test_projection_accepts_spacing_and_placeholders() -> None:
    for text in ("a[ 1 ]", "a [1]", "a . b", "#1", "#_", "a_1B"):
        parse_projection(text)


# -- static errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The expression can not be empty;"),
        (
            "SET a = :v SET b = :v",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "SET a = :v REMOVE b set c = :v",
            'The "SET" section can only be used once in an update expression;',
        ),
        (
            "REMOVE a REMOVE b",
            'The "REMOVE" section can only be used once in an update expression;',
        ),
        ("SET status = :v", "Attribute name is a reserved keyword; reserved keyword: status"),
        ("SET a = status", "Attribute name is a reserved keyword; reserved keyword: status"),
        ("SET a.status = :v", "Attribute name is a reserved keyword; reserved keyword: status"),
        ("SET a = size(a)", "The function is not allowed in an update expression; function: size"),
        ("SET a = foo(a)", "Invalid function name; function: foo"),
        (
            "SET a = if_not_exists(a)",
            "Incorrect number of operands for operator or function; operator or function: "
            "if_not_exists, number of operands: 1",
        ),
        (
            "SET a = list_append(:v)",
            "Incorrect number of operands for operator or function; operator or function: "
            "list_append, number of operands: 1",
        ),
        ("SET a = ((:v))", "The expression has redundant parentheses;"),
        (
            "SET l[99999999999999999999] = :v",
            "List index is not within the allowable range; index: [99999999999999999999]",
        ),
        (
            "SET a = list_append(a, :v) + :w",
            "Incorrect operand type for operator or function; operator or function: +, "
            "operand type: L",
        ),
    ],
)
def test_update_static_errors(text: str, message: str) -> None:
    assert update_error(text) == f"Invalid UpdateExpression: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "size(a)",
            "The function is not allowed to be used this way in an expression; function: size",
        ),
        (
            "attribute_exists(a) = :v",
            "The function is not allowed to be used this way in an expression; function: "
            "attribute_exists",
        ),
        (
            "attribute_exists(a, b)",
            "Incorrect number of operands for operator or function; operator or function: "
            "attribute_exists, number of operands: 2",
        ),
        (
            "if_not_exists(a, :v)",
            "The function is not allowed in a condition expression; function: if_not_exists",
        ),
        (
            "list_append(a, :v) = :v",
            "The function is not allowed in a condition expression; function: list_append",
        ),
        ("foo(a)", "Invalid function name; function: foo"),
        ("a = :v AND foo(a)", "Invalid function name; function: foo"),
        ("b = :w AND foo(a)", "Invalid function name; function: foo"),
        (
            "size(size(a)) = :v",
            "Incorrect operand type for operator or function; operator or function: size, "
            "operand type: N",
        ),
        (
            "begins_with(size(a), :v)",
            "Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N",
        ),
        ("((a = :v))", "The expression has redundant parentheses;"),
        ("(a = :v) AND ((b = :v))", "The expression has redundant parentheses;"),
        ("((a = :v)) AND", "The expression has redundant parentheses;"),
        ("status = :v", "Attribute name is a reserved keyword; reserved keyword: status"),
        (
            "a = :w AND status = :v",
            "Attribute name is a reserved keyword; reserved keyword: status",
        ),
        (
            "a IN (" + ",".join([":v"] * 101) + ")",
            "The IN operator is provided with too many operands; number of operands: 101",
        ),
    ],
)
def test_condition_static_errors(text: str, message: str) -> None:
    assert condition_error(text) == f"Invalid ConditionExpression: {message}"


def test_condition_accepts_parentheses_around_operands() -> None:
    for text in ("((a) = :v)", "(a) = :v", "a = (:v)", "size((a)) = :v", "NOT (a = :v)"):
        parse_condition(text)
    parse_condition("a IN (" + ",".join([":v"] * 100) + ")")


# -- trees ---------------------------------------------------------------------------------


def test_precedence_not_and_or() -> None:
    root = parse_condition("a = :v OR NOT b = :v AND c = :v").root
    assert isinstance(root, Or)
    assert isinstance(root.left, Comparison)
    assert isinstance(root.right, And)
    assert isinstance(root.right.left, Not)
    grouped = parse_condition("(a = :v OR b = :v) AND c = :v").root
    assert isinstance(grouped, And) and isinstance(grouped.left, Or)


def test_condition_tree_shapes() -> None:
    parsed = parse_condition("a.#b[2] BETWEEN :lo AND :hi and c in (:x, :y) AND begins_with(d, :p)")
    root = parsed.root
    assert isinstance(root, And)
    assert isinstance(root.left, And)
    between = root.left.left
    assert isinstance(between, Between)
    assert between.operand == Path(("a", NameRef("#b"), 2))
    assert between.low == Value(":lo")
    assert isinstance(root.left.right, In)
    assert isinstance(root.right, FunctionCall) and root.right.name == "begins_with"
    assert parsed.name_refs == ("#b",)
    assert parsed.value_refs == (":lo", ":hi", ":x", ":y", ":p")


def test_update_tree_and_case_insensitive_clauses() -> None:
    parsed = parse_update("set a = :v remove b, c[1] add d :n delete e :s")
    assert [type(a).__name__ for a in parsed.actions] == [
        "SetAction",
        "RemoveAction",
        "RemoveAction",
        "AddAction",
        "DeleteAction",
    ]
    assert parsed.targets[2] == Path(("c", 1))


def test_parse_is_cached_and_immutable() -> None:
    assert parse_condition("x = :v") is parse_condition("x = :v")
    assert parse_condition("x = :v") is not parse_condition("x = :v", "FilterExpression")
    with pytest.raises(AttributeError):
        parse_condition("x = :v").root = None  # type: ignore[misc,assignment]


# -- reserved words, names, placeholders -----------------------------------------------------


def test_reserved_words() -> None:
    assert len(RESERVED_WORDS) == 573
    assert is_reserved("status") and is_reserved("Size") and not is_reserved("statuses")


def test_validate_expression_names() -> None:
    assert validate_expression_names({"#a": "x", "#1": "y", "#_": "z"}) == {
        "#a": "x",
        "#1": "y",
        "#_": "z",
    }
    with pytest.raises(ValidationException) as info:
        validate_expression_names({"n": "x"})
    assert info.value.message == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'
    )
    with pytest.raises(ValidationException) as info:
        validate_expression_names({"#": "x"})
    assert info.value.message == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'
    )
    with pytest.raises(ValidationException) as info:
        validate_expression_names({"#n": ""})
    assert info.value.message == (
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key #n"
    )


def test_check_placeholders_spans_expressions() -> None:
    cond = parse_condition("#a = :v")
    upd = parse_update("SET b = :w")
    check_placeholders({"#a": "x"}, {":v": {"N": "1"}, ":w": {"N": "1"}}, cond, upd, None)
    with pytest.raises(ValidationException) as info:
        check_placeholders({"#a": "x"}, {":v": {"N": "1"}, ":w": {"N": "1"}}, cond)
    assert info.value.message == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    )
    # names are reported before values
    with pytest.raises(ValidationException) as info:
        check_placeholders({"#a": "x", "#n": "y"}, {":x": {"N": "1"}}, cond)
    assert info.value.message == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"
    )


def test_unused_order_matches_dynamodb() -> None:
    # Orders captured from DynamoDB Local (a Java HashSet's iteration order).
    assert unused_placeholder_order([":w", ":a"]) == [":a", ":w"]
    assert unused_placeholder_order([":w", ":a", ":A", ":ab", ":b"]) == [
        ":a",
        ":A",
        ":b",
        ":ab",
        ":w",
    ]
    assert unused_placeholder_order(["#b", "#a", "#A"]) == ["#a", "#A", "#b"]
    assert unused_placeholder_order(["#n", "#m"]) == ["#m", "#n"]


def test_key_condition_static_errors() -> None:
    cases = {
        "id = :v OR sk = :w": "Invalid operator used in KeyConditionExpression: OR",
        "id = :v AND NOT sk = :w": "Invalid operator used in KeyConditionExpression: NOT",
        "id = :v AND sk <> :w": "Invalid operator used in KeyConditionExpression: <>",
        "id = :v AND sk IN (:w)": "Invalid operator used in KeyConditionExpression: IN",
        "id = :v AND contains(sk, :w)": "Invalid operator used in KeyConditionExpression: contains",
        "id = :v AND attribute_exists(sk)": (
            "Invalid operator used in KeyConditionExpression: attribute_exists"
        ),
        "id = :v AND size(sk) = :w": "KeyConditionExpressions cannot contain nested operations",
        " AND ".join(f"k{n} = :w" for n in range(9)): "Conditions can be of length 1 or 2 only",
        "((id = :v)) AND sk = :w": (
            "Invalid KeyConditionExpression: The expression has redundant parentheses;"
        ),
        "status = :v": (
            "Invalid KeyConditionExpression: Attribute name is a reserved keyword; "
            "reserved keyword: status"
        ),
    }
    for text, message in cases.items():
        with pytest.raises(ValidationException) as info:
            parse_key_condition(text)
        assert info.value.message == message, text
    for text in (
        "(id = :v) AND (sk = :w)",
        "(id = :v AND sk = :w)",
        "begins_with(sk, :w) AND id = :v",
    ):
        parse_key_condition(text)
