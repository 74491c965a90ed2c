"""Binding and evaluation of conditions, updates, projections and key conditions."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from dynastream_mock.backend.expressions import (
    apply_update,
    bind_condition,
    bind_key_condition,
    bind_update,
    evaluate_condition,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
    project,
    resolve_projection,
    updated_attribute_names,
)
from dynastream_mock.errors import ValidationException

ITEM: dict[str, Any] = {
    "id": {"S": "k"},
    "a": {"N": "1"},
    "s": {"S": "str"},
    "m": {"M": {"x": {"S": "y"}, "n": {"M": {}}}},
    "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [base64.b64encode(b"ab").decode()]},
    "b": {"B": base64.b64encode(b"\x00\x01\x02").decode()},
    "t": {"BOOL": True},
}

N1 = {"N": "1"}


def cond(text: str, item: dict[str, Any] | None = ITEM, **values: Any) -> bool:
    names = values.pop("names", None)
    return evaluate_condition(
        parse_condition(text), item, names, {f":{k}": v for k, v in values.items()}
    )


def cond_error(text: str, names: dict[str, str] | None = None, **values: Any) -> str:
    with pytest.raises(ValidationException) as info:
        bind_condition(parse_condition(text), names, {f":{k}": v for k, v in values.items()})
    return info.value.message


def update(text: str, item: dict[str, Any] | None = ITEM, **values: Any) -> dict[str, Any]:
    names = values.pop("names", None)
    before = copy.deepcopy(item)
    result = apply_update(parse_update(text), item, names, {f":{k}": v for k, v in values.items()})
    assert item == before, "the input item must not be mutated"
    return result


def update_error(text: str, item: dict[str, Any] | None = ITEM, **values: Any) -> str:
    with pytest.raises(ValidationException) as info:
        update(text, item, **values)
    return info.value.message


# -- conditions ------------------------------------------------------------------------------


def test_comparisons() -> None:
    assert cond("a = :v", v=N1)
    assert cond("a = :v", v={"N": "1.00"})
    assert not cond("a = :v", v={"S": "1"})
    assert cond("a <> :v", v={"N": "2"})
    assert cond("a < :v", v={"N": "1.5"})
    assert cond("a <= :v", v=N1) and cond("a >= :v", v=N1)
    assert not cond("a > :v", v=N1)
    assert not cond("a < :v", v={"S": "z"})  # different types: false
    assert cond("s > :v", v={"S": "abc"})
    assert cond("m.x = :v", v={"S": "y"})
    assert cond("l[1] = :v", v={"N": "2"})
    assert cond("#a = :v", names={"#a": "a"}, v=N1)
    assert cond(":v = :v", v=N1)
    assert cond("ss = :v", v={"SS": ["b", "a"]})


def test_missing_attributes() -> None:
    assert not cond("nope = :v", v=N1)
    assert cond("nope <> :v", v=N1)  # DynamoDB: a missing attribute is "not equal"
    assert cond("nope1 <> nope2")
    assert not cond("nope1 = nope2")
    assert not cond("nope < :v", v=N1)
    assert not cond("l[9] = :v", v=N1)
    assert not cond("a.b = :v", v=N1)
    assert not cond("a = :v", None, v=N1)
    assert cond("attribute_not_exists(a)", None)
    assert not cond("size(nope) = :v", v=N1)


def test_logical_operators() -> None:
    assert cond("a = :v AND s = :s", v=N1, s={"S": "str"})
    assert cond("a = :w OR s = :s", w={"N": "2"}, s={"S": "str"})
    assert cond("NOT a = :w", w={"N": "2"})
    assert cond("NOT NOT attribute_exists(a)")
    assert cond("a = :w OR NOT s = :s AND a = :w OR a = :v", v=N1, w={"N": "2"}, s={"S": "str"})


def test_between_and_in() -> None:
    assert cond("a BETWEEN :lo AND :hi", lo={"N": "0"}, hi={"N": "1"})
    assert cond("a BETWEEN :lo AND :lo", lo=N1)
    assert not cond("a BETWEEN :lo AND :hi", lo={"N": "2"}, hi={"N": "3"})
    assert cond("s BETWEEN :lo AND :hi", lo={"S": "a"}, hi={"S": "é"})
    assert cond("a IN (:x, :y)", x={"S": "x"}, y={"N": "1.0"})
    assert not cond("a IN (:x)", x={"N": "2"})
    assert not cond("nope IN (:x)", x={"N": "2"})
    assert cond("size(l) BETWEEN :lo AND :hi", lo={"N": "3"}, hi={"N": "4"})


def test_functions() -> None:
    assert cond("attribute_exists(m.x)") and not cond("attribute_exists(m.z)")
    assert cond("attribute_not_exists(l[3])")
    assert cond("attribute_type(l, :t)", t={"S": "L"})
    assert not cond("attribute_type(a, :t)", t={"S": "S"})
    assert cond("begins_with(s, :p)", p={"S": "st"})
    assert not cond("begins_with(a, :p)", p={"S": "1"})
    assert cond("begins_with(b, :p)", p={"B": base64.b64encode(b"\x00").decode()})
    assert cond("contains(s, :p)", p={"S": "tr"})
    assert cond("contains(ss, :p)", p={"S": "a"}) and not cond("contains(ss, :p)", p={"S": "c"})
    assert cond("contains(ns, :p)", p={"N": "2.0"})
    assert cond("contains(bs, :p)", p={"B": base64.b64encode(b"ab").decode()})
    assert cond("contains(l, :p)", p={"N": "1.0"})
    assert not cond("contains(a, :p)", p=N1)
    assert cond("size(s) = :n", n={"N": "3"})
    assert cond("size(b) = :n", n={"N": "3"})
    assert cond("size(m) = :n AND size(ss) = :t", n={"N": "2"}, t={"N": "2"})
    assert not cond("size(a) = :n", n=N1)
    assert cond("size(:s) = :n", s={"S": "é"}, n=N1)


def test_binding_errors() -> None:
    prefix = "Invalid ConditionExpression: "
    assert cond_error("a = :w", v=N1) == prefix + (
        "An expression attribute value used in expression is not defined; attribute value: :w"
    )
    assert cond_error("#z = :v", v=N1) == prefix + (
        "An expression attribute name used in the document path is not defined; attribute name: #z"
    )
    # placeholders resolve left to right, names and values interleaved
    assert "attribute value: :w" in cond_error("a = :w AND #x = :v", v=N1)
    assert cond_error("attribute_exists(:w)") == prefix + (
        "An expression attribute value used in expression is not defined; attribute value: :w"
    )
    assert cond_error("attribute_exists(:v)", v=N1) == prefix + (
        "Operator or function requires a document path; operator or function: attribute_exists"
    )
    distinct = (
        "The first operand must be distinct from the remaining operands for this operator or "
        "function; "
    )
    assert cond_error("a = a") == prefix + distinct + "operator: =, first operand: [a]"
    assert cond_error("#a = a", names={"#a": "a"}) == prefix + distinct + (
        "operator: =, first operand: [a]"
    )
    assert cond_error("a.b < a.b") == prefix + distinct + "operator: <, first operand: [a, b]"
    assert cond_error("a IN (:v, a)", v=N1) == prefix + distinct + (
        "operator: IN, first operand: [a]"
    )
    assert cond_error("a BETWEEN :v AND a", v=N1) == prefix + distinct + (
        "operator: BETWEEN, first operand: [a]"
    )
    assert cond_error("contains(a, a)") == prefix + distinct + (
        "operator: contains, first operand: [a]"
    )
    assert "attribute value: :w" in cond_error("b = :w AND a = a")


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        (
            "attribute_type(a, :v)",
            {"v": N1},
            "Incorrect operand type for operator or function; operator or function: "
            "attribute_type, operand type: N",
        ),
        (
            "attribute_type(a, :v)",
            {"v": {"S": "X"}},
            "Invalid attribute type name found; type: X, valid types: "
            "{N,BS,L,B,NULL,M,S,SS,NS,BOOL}",
        ),
        (
            "begins_with(a, :v)",
            {"v": N1},
            "Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N",
        ),
        (
            "begins_with(a, :v)",
            {"v": {"SS": ["x"]}},
            "Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: SS",
        ),
        (
            "size(:v) = :v",
            {"v": {"BOOL": True}},
            "Incorrect operand type for operator or function; operator or function: size, "
            "operand type: BOOL",
        ),
        (
            "a < :v",
            {"v": {"L": []}},
            "Incorrect operand type for operator or function; operator or function: <, "
            "operand type: L",
        ),
        (
            "a < :v",
            {"v": {"NULL": True}},
            "Incorrect operand type for operator or function; operator or function: <, "
            "operand type: NULL",
        ),
        (
            "a BETWEEN :v AND :v",
            {"v": {"SS": ["a"]}},
            "Incorrect operand type for operator or function; operator or function: BETWEEN, "
            "operand type: SS",
        ),
        (
            "a BETWEEN :v AND :w",
            {"v": {"N": "2"}, "w": N1},
            "The BETWEEN operator requires upper bound to be greater than or equal to lower "
            "bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: "
            "AttributeValue: {N:1}",
        ),
        (
            "a BETWEEN :v AND :w",
            {"v": {"N": "2"}, "w": {"S": "1"}},
            "The BETWEEN operator requires same data type for lower and upper bounds; lower "
            "bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {S:1}",
        ),
    ],
)
def test_value_type_errors(text: str, values: dict[str, Any], message: str) -> None:
    assert cond_error(text, **values) == f"Invalid ConditionExpression: {message}"


def test_bound_condition_is_reusable() -> None:
    bound = bind_condition(parse_condition("a > :v"), None, {":v": N1})
    assert bound.evaluate({"a": {"N": "2"}})
    assert not bound.evaluate({"a": {"N": "0"}})
    assert not bound.evaluate(None)


# -- updates ---------------------------------------------------------------------------------


def test_set_arithmetic_and_functions() -> None:
    assert update("SET a = a + :v", v={"N": "1.5"})["a"] == {"N": "2.5"}
    assert update("SET a = a - :v", v={"N": "100"})["a"] == {"N": "-99"}
    assert update("SET a = :v - :v", v={"N": "1.50"})["a"] == {"N": "0"}
    assert update("SET a = :v + :w", v={"N": "0.1"}, w={"N": "0.2"})["a"] == {"N": "0.3"}
    assert update("SET z = if_not_exists(nope, :v)", v={"N": "7"})["z"] == {"N": "7"}
    assert update("SET z = if_not_exists(a, :v)", v={"N": "7"})["z"] == N1
    new = update("SET l = list_append(l, :v)", v={"L": [{"S": "z"}]})
    assert new["l"]["L"][-1] == {"S": "z"} and len(new["l"]["L"]) == 4
    assert update("SET l = list_append(:v, l)", v={"L": [{"S": "z"}]})["l"]["L"][0] == {"S": "z"}
    new = update("SET q = list_append(if_not_exists(q, :e), :v)", v={"L": [N1]}, e={"L": []})
    assert new["q"] == {"L": [N1]}
    assert update("SET #a = :v", names={"#a": "m.x"}, v=N1)["m.x"] == N1


def test_set_nested_paths_and_lists() -> None:
    new = update("SET m.n.o = :v", v={"N": "7"})
    assert new["m"]["M"]["n"] == {"M": {"o": {"N": "7"}}}
    assert update("SET l[10] = :v", v={"N": "7"})["l"]["L"][-1] == {"N": "7"}
    assert update("SET l[1] = :v", v={"N": "7"})["l"]["L"] == [N1, {"N": "7"}, {"N": "3"}]
    swapped = update("SET l[0] = l[1], l[1] = l[0]")["l"]["L"]
    assert swapped == [{"N": "2"}, N1, {"N": "3"}]
    appended = update("SET l[5] = :a, l[3] = :b", a={"S": "a"}, b={"S": "b"})["l"]["L"]
    assert appended[3:] == [{"S": "b"}, {"S": "a"}]
    assert update("SET n = :v", None, v=N1) == {"n": N1}


def test_remove() -> None:
    new = update("REMOVE a, m.x, l[0], l[1], nope, l[10], m.nope")
    assert "a" not in new
    assert new["m"] == {"M": {"n": {"M": {}}}}
    assert new["l"] == {"L": [{"N": "3"}]}
    assert update("SET l[1] = :v REMOVE l[0]", v=N1)["l"]["L"] == [N1, {"N": "3"}]
    assert update("REMOVE l[1] SET l[4] = :v", v=N1)["l"]["L"] == [N1, {"N": "3"}, N1]


def test_add_and_delete() -> None:
    assert update("ADD a :v", v={"N": "2"})["a"] == {"N": "3"}
    assert update("ADD nn :v", v={"N": "2"})["nn"] == {"N": "2"}
    assert update("ADD ss :v", v={"SS": ["c", "a"]})["ss"] == {"SS": ["a", "b", "c"]}
    assert update("ADD ns :v", v={"NS": ["3", "1.0"]})["ns"] == {"NS": ["1", "2", "3"]}
    assert update("ADD m.x2 :v", v={"N": "2"})["m"]["M"]["x2"] == {"N": "2"}
    assert update("DELETE ss :v", v={"SS": ["a", "zz"]})["ss"] == {"SS": ["b"]}
    assert "ss" not in update("DELETE ss :v", v={"SS": ["b", "a"]})
    assert update("DELETE ns :v", v={"NS": ["1.0"]})["ns"] == {"NS": ["2"]}
    assert "nope" not in update("DELETE nope :v", v={"NS": ["1"]})


RUNTIME_CASES = [
    ("SET a = s + :v", {"v": N1}, "An operand in the update expression has an incorrect data type"),
    (
        "SET a = nope + :v",
        {"v": N1},
        "The provided expression refers to an attribute that does not exist in the item",
    ),
    (
        "SET a = m.x, b = l[0], c = l[5]",
        {},
        "The provided expression refers to an attribute that does not exist in the item",
    ),
    (
        "SET l = list_append(nope, :v)",
        {"v": {"L": []}},
        "The provided expression refers to an attribute that does not exist in the item",
    ),
    (
        "SET l = list_append(s, :v)",
        {"v": {"L": []}},
        "An operand in the update expression has an incorrect data type",
    ),
    (
        "SET q.r = :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "SET m.q.o = :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "SET l[1].x = :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "SET s[0] = :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "SET a. b = :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    ("REMOVE s.x", {}, "The document path provided in the update expression is invalid for update"),
    ("REMOVE q.r", {}, "The document path provided in the update expression is invalid for update"),
    (
        "ADD q.x :v",
        {"v": N1},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "ADD ss :v",
        {"v": {"NS": ["1"]}},
        "An operand in the update expression has an incorrect data type",
    ),
    ("ADD s :v", {"v": N1}, "An operand in the update expression has an incorrect data type"),
    (
        "DELETE a :v",
        {"v": {"NS": ["1"]}},
        "An operand in the update expression has an incorrect data type",
    ),
    (
        "DELETE ss :v",
        {"v": {"BS": ["YQ=="]}},
        "An operand in the update expression has an incorrect data type",
    ),
    (
        "SET a = :v + :w",
        {"v": {"N": "9E+125"}, "w": {"N": "9E+125"}},
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    ),
    (
        "SET a = :v + :w",
        {"v": {"N": "1.5E-130"}, "w": {"N": "-1E-130"}},
        "Number underflow. Attempting to store a number with magnitude smaller than supported "
        "range",
    ),
    (
        "SET a = :v + :w",
        {"v": {"N": "1E+38"}, "w": N1},
        "Attempting to store more than 38 significant digits in a Number",
    ),
]


@pytest.mark.parametrize(("text", "values", "message"), RUNTIME_CASES)
def test_update_runtime_errors(text: str, values: dict[str, Any], message: str) -> None:
    assert update_error(text, **values) == message


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        (
            "SET a = :v + :v",
            {"v": {"S": "1"}},
            "Incorrect operand type for operator or function; operator or function: +, "
            "operand type: S",
        ),
        (
            "SET a = :v - :w",
            {"v": N1, "w": {"BOOL": True}},
            "Incorrect operand type for operator or function; operator or function: -, "
            "operand type: BOOL",
        ),
        (
            "SET l = list_append(l, :v)",
            {"v": {"S": "z"}},
            "Incorrect operand type for operator or function; operator or function: "
            "list_append, operand type: S",
        ),
        (
            "ADD a :v",
            {"v": {"S": "2"}},
            "Incorrect operand type for operator or function; operator: ADD, operand type: "
            "STRING, typeSet: ALLOWED_FOR_ADD_OPERAND",
        ),
        (
            "ADD l :v",
            {"v": {"L": []}},
            "Incorrect operand type for operator or function; operator: ADD, operand type: LIST, "
            "typeSet: ALLOWED_FOR_ADD_OPERAND",
        ),
        (
            "DELETE ns :v",
            {"v": N1},
            "Incorrect operand type for operator or function; operator: DELETE, operand type: "
            "NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND",
        ),
        (
            "SET a = if_not_exists(:v, a)",
            {"v": N1},
            "Operator or function requires a document path; operator or function: if_not_exists",
        ),
        (
            "SET a = :v REMOVE a",
            {"v": N1},
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [a], path two: [a]",
        ),
        (
            "SET m = :v REMOVE m.x",
            {"v": N1},
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [m], path two: [m, x]",
        ),
        (
            "SET l[1] = :v, l[1] = :v",
            {"v": N1},
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [l, [1]], path two: [l, [1]]",
        ),
        (
            "SET #a = :v, a = :v",
            {"v": N1, "names": {"#a": "a"}},
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [a], path two: [a]",
        ),
        # overlap is found before undefined values
        (
            "SET a = :v, a = :w",
            {"v": N1},
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [a], path two: [a]",
        ),
        # target names resolve before any value
        (
            "SET a = :w, #x = :v",
            {"v": N1},
            "An expression attribute name used in the document path is not defined; "
            "attribute name: #x",
        ),
    ],
)
def test_update_binding_errors(text: str, values: dict[str, Any], message: str) -> None:
    names = values.pop("names", None)
    with pytest.raises(ValidationException) as info:
        bind_update(parse_update(text), names, {f":{k}": v for k, v in values.items()})
    assert info.value.message == f"Invalid UpdateExpression: {message}"


def test_updated_attributes() -> None:
    parsed = parse_update("SET a = :v, #m.x = :v REMOVE l[0] ADD a2 :v DELETE ss :s")
    names = {"#m": "m"}
    assert updated_attribute_names(parsed, names) == ("a", "m", "l", "a2", "ss")
    bound = bind_update(parsed, names, {":v": N1, ":s": {"SS": ["a"]}})
    assert bound.updated_attributes == ("a", "m", "l", "a2", "ss")


def test_update_shares_untouched_values() -> None:
    new = update("SET a = :v", v={"N": "5"})
    assert new["m"] is ITEM["m"] and new["l"] is ITEM["l"]
    new = update("SET m.n.o = :v", v={"N": "5"})
    assert new["m"] is not ITEM["m"] and new["m"]["M"]["x"] is ITEM["m"]["M"]["x"]


# -- projections -----------------------------------------------------------------------------

PROJ_ITEM: dict[str, Any] = {
    "id": {"S": "p"},
    "a": {"N": "1"},
    "m": {"M": {"x": {"S": "y"}, "z": {"M": {"q": N1, "r": {"N": "2"}}}}},
    "l": {
        "L": [
            N1,
            {"M": {"a": N1, "b": {"N": "2"}}},
            {"L": [{"N": "5"}, {"N": "6"}]},
        ]
    },
}


def projected(text: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    return project(PROJ_ITEM, resolve_projection(parse_projection(text), names))


def test_projection() -> None:
    assert projected("a") == {"a": N1}
    assert projected("m.z.q, l[1].b, l[2][1], l[0]") == {
        "l": {"L": [N1, {"M": {"b": {"N": "2"}}}, {"L": [{"N": "6"}]}]},
        "m": {"M": {"z": {"M": {"q": N1}}}},
    }
    assert projected("l[5], m.nope, nope, a.b") == {}
    assert projected("l[2][1], l[1].a") == {"l": {"L": [{"M": {"a": N1}}, {"L": [{"N": "6"}]}]}}
    assert projected("m.z.r, m.x") == {"m": {"M": {"x": {"S": "y"}, "z": {"M": {"r": {"N": "2"}}}}}}
    assert projected("#s", {"#s": "a"}) == {"a": N1}
    assert project(None, (("a",),)) == {}


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        ("l[2], l[2][0]", "[l, [2]]", "[l, [2], [0]]"),
        ("l[1], l[1].a", "[l, [1]]", "[l, [1], a]"),
        ("m.z, m.z.q", "[m, z]", "[m, z, q]"),
        ("m, m", "[m]", "[m]"),
    ],
)
def test_projection_overlap(text: str, one: str, two: str) -> None:
    with pytest.raises(ValidationException) as info:
        resolve_projection(parse_projection(text), None)
    assert info.value.message == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        f"or rewrite one of these paths; path one: {one}, path two: {two}"
    )


# -- key conditions --------------------------------------------------------------------------

VV = {":v": {"S": "1"}, ":w": {"S": "2"}}


def test_key_condition_parts() -> None:
    kc = bind_key_condition(parse_key_condition("id = :v AND begins_with(sk, :w)"), None, VV)
    assert kc.attribute_names == ("id", "sk")
    part = kc.part_for("sk")
    assert part is not None and part.op == "begins_with"
    assert part.matches({"S": "2abc"}) and not part.matches({"S": "1"})
    flipped = bind_key_condition(parse_key_condition(":v = id AND :w < sk"), None, VV)
    assert [(p.attribute, p.op) for p in flipped.parts] == [("id", "="), ("sk", ">")]
    between = bind_key_condition(
        parse_key_condition("#i = :v AND sk BETWEEN :v AND :w"), {"#i": "id"}, VV
    )
    sk = between.part_for("sk")
    assert sk is not None and sk.values == ({"S": "1"}, {"S": "2"})
    assert sk.matches({"S": "15"}) and not sk.matches({"S": "3"}) and not sk.matches({"N": "1"})
    assert bind_key_condition(
        parse_key_condition("#i = :v"), {"#i": "id.x"}, VV
    ).attribute_names == ("id.x",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id = sk",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
            "condition",
        ),
        (":v = :w", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        (
            "id = :v AND begins_with(:w, sk)",
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
            "attribute as its first operand",
        ),
        (
            "id.a = :v",
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
            "allowed: Key: id",
        ),
        ("id = :v AND #s = :w", "KeyConditionExpressions must only contain one condition per key"),
    ],
)
def test_key_condition_structure_errors(text: str, message: str) -> None:
    # Raised on first use of the parts: DynamoDB reports them after unused values.
    kc = bind_key_condition(parse_key_condition(text), {"#s": "id"} if "#s" in text else None, VV)
    with pytest.raises(ValidationException) as info:
        _ = kc.parts
    assert info.value.message == message


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        (
            "id = id",
            VV,
            "The first operand must be distinct from the remaining operands for this operator or "
            "function; operator: =, first operand: [id]",
        ),
        (
            "id = :v AND begins_with(sk, :w)",
            {":v": {"S": "1"}, ":w": {"N": "1"}},
            "Incorrect operand type for operator or function; operator or function: begins_with, "
            "operand type: N",
        ),
        (
            "id = :v AND sk BETWEEN :w AND :v",
            VV,
            "The BETWEEN operator requires upper bound to be greater than or equal to lower "
            "bound; lower bound operand: AttributeValue: {S:2}, upper bound operand: "
            "AttributeValue: {S:1}",
        ),
        (
            "id = :v AND sk < :w",
            {":v": {"S": "1"}, ":w": {"BOOL": True}},
            "Incorrect operand type for operator or function; operator or function: <, operand "
            "type: BOOL",
        ),
        (
            "id = :x",
            VV,
            "An expression attribute value used in expression is not defined; attribute value: :x",
        ),
    ],
)
def test_key_condition_binding_errors(text: str, values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException) as info:
        bind_key_condition(parse_key_condition(text), None, values)
    assert info.value.message == f"Invalid KeyConditionExpression: {message}"
