from __future__ import annotations

import base64
import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.values import (
    NUMBER_CONTEXT,
    attribute_value_size,
    compare_values,
    item_size,
    normalize_item,
    normalize_number,
    normalize_value,
    number_from_decimal,
    to_decimal,
    validate_expression_values,
    validate_item,
    values_equal,
)
from dynastream_mock.errors import EnvelopedValidationException, ValidationException


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# -- numbers (canonical forms verified against DynamoDB Local) ---------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("12.50", "12.5"),
        ("1E+2", "100"),
        ("1e2", "100"),
        ("-0", "0"),
        ("0.0", "0"),
        ("0001", "1"),
        ("1.000e-5", "0.00001"),
        (".5", "0.5"),
        ("5.", "5"),
        ("+5", "5"),
        ("-.5", "-0.5"),
        ("00.100", "0.1"),
        ("-1.5E+3", "-1500"),
        ("123.456E-2", "1.23456"),
        ("0E-200", "0"),
        ("0E+200", "0"),
        ("42", "42"),
        ("-42", "-42"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        (
            "1234567890123456789012345678901234567800000",
            "1234567890123456789012345678901234567800000",
        ),
        ("12345678901234567890123456789012345678.0", "12345678901234567890123456789012345678"),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
    ],
)
def test_normalize_number(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


@pytest.mark.parametrize(
    "text",
    ["abc", "1e", "Infinity", "NaN", " 1", "1 ", "0x10", "1_0", "", ".", "-", "1..2", "\u0661"],
)
def test_normalize_number_rejects_bad_syntax(text: str) -> None:
    with pytest.raises(ValidationException) as info:
        normalize_number(text)
    assert info.value.message == f"The parameter cannot be converted to a numeric value: {text}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range",
        ),
        (
            "-1E+126",
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range",
        ),
        (
            "1E-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported "
            "range",
        ),
        (
            "-1E-131",
            "Number underflow. Attempting to store a number with magnitude smaller than supported "
            "range",
        ),
        (
            "123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            "0.000123456789012345678901234567890123456789",
            "Attempting to store more than 38 significant digits in a Number",
        ),
        # precision is checked before the range, as DynamoDB does
        (
            "1234567890123456789012345678901234567891E+126",
            "Attempting to store more than 38 significant digits in a Number",
        ),
    ],
)
def test_normalize_number_range(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as info:
        normalize_number(text)
    assert info.value.message == message


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_normalize_number_round_trips_value(value: Decimal) -> None:
    text = str(value)
    try:
        canonical = normalize_number(text)
    except ValidationException:
        return
    assert Decimal(canonical) == value
    assert normalize_number(canonical) == canonical
    assert "E" not in canonical and "e" not in canonical
    assert canonical == "0" or not canonical.lstrip("-").startswith("00")


@given(st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1))
def test_normalize_number_integers_are_plain(value: int) -> None:
    assert normalize_number(str(value)) == str(value)


def test_number_from_decimal_and_to_decimal() -> None:
    assert number_from_decimal(Decimal("1.50") - Decimal("1.50")) == "0"
    assert number_from_decimal(Decimal("2.50")) == "2.5"
    assert to_decimal("1E+2") == Decimal(100)
    with pytest.raises(ValidationException, match="38 significant digits"):
        number_from_decimal(NUMBER_CONTEXT.add(Decimal("1E+38"), Decimal(1)))


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes",
        ),
        (
            {},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"M": {"a": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"NS": []},
            "One or more parameter values were invalid: An number set  may not be empty",
        ),
        (
            {"SS": []},
            "One or more parameter values were invalid: An string set  may not be empty",
        ),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains "
            "duplicates.",
        ),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        (
            {"BS": [b64(b"a"), b64(b"a")]},
            "One or more parameter values were invalid: Input collection of type BS contains "
            "duplicates.",
        ),
        (
            {"NULL": False},
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true",
        ),
        ({"NS": ["x"]}, "The parameter cannot be converted to a numeric value: x"),
        (
            {"L": [{"SS": []}]},
            "One or more parameter values were invalid: An string set  may not be empty",
        ),
    ],
)
def test_validate_value_errors(value: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException) as info:
        validate_item({"v": value})
    assert info.value.message == message


def test_empty_string_and_binary_and_containers_are_valid() -> None:
    validate_item(
        {"s": {"S": ""}, "b": {"B": ""}, "l": {"L": []}, "m": {"M": {}}, "ss": {"SS": [""]}}
    )


def _nested(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    value = leaf
    for _ in range(depth):
        value = {"M": {"a": value}}
    return value


def test_nesting_limit() -> None:
    # 31 maps around a scalar are accepted; 32 nested maps are not (DynamoDB Local agrees).
    validate_item({"v": _nested(31, {"S": "x"})})
    validate_item({"v": _nested(29, {"L": [{"M": {}}]})})
    message = (
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
        "levels beyond supported limit"
    )
    for value in (_nested(32, {"S": "x"}), _nested(31, {"M": {}})):
        with pytest.raises(ValidationException) as info:
            validate_item({"v": value})
        assert info.value.message == message


def test_normalize_item_canonicalises_numbers_without_mutating() -> None:
    item = {
        "n": {"N": "12.50"},
        "ns": {"NS": ["1.0", "2E+1"]},
        "m": {"M": {"x": {"N": "-0"}, "s": {"S": "keep"}}},
        "l": {"L": [{"N": "1e2"}]},
        "s": {"S": "a"},
    }
    original = copy.deepcopy(item)
    result = normalize_item(item)
    assert item == original
    assert result == {
        "n": {"N": "12.5"},
        "ns": {"NS": ["1", "20"]},
        "m": {"M": {"x": {"N": "0"}, "s": {"S": "keep"}}},
        "l": {"L": [{"N": "100"}]},
        "s": {"S": "a"},
    }
    # unchanged values are shared, not copied
    unchanged = {"S": "a"}
    assert normalize_value(unchanged) is unchanged


def test_validate_expression_values_wraps_messages() -> None:
    # An empty set reads as in an Item (moto's aws_verified test_update_item_add_empty_set).
    with pytest.raises(EnvelopedValidationException) as enveloped:
        validate_expression_values({":v": {"SS": []}})
    assert enveloped.value.message == (
        "One or more parameter values were invalid: An string set  may not be empty"
    )
    with pytest.raises(ValidationException) as info:
        validate_expression_values({":v": {"N": "x"}})
    assert info.value.message == (
        "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to "
        "a numeric value: x for key :v"
    )
    for key in ("v", ":"):
        with pytest.raises(ValidationException) as info:
            validate_expression_values({key: {"N": "1"}})
        assert info.value.message == (
            f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
        )
    assert validate_expression_values({":v": {"N": "1.0"}}) == {":v": {"N": "1"}}
    assert validate_expression_values(None) == {}


# -- size ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "size"),
    [
        ("0", 1),
        ("27", 2),
        ("-27", 3),
        ("461", 3),
        ("1000", 2),
        ("1000.5", 4),
        ("0.05", 2),
        ("1.23", 3),
        ("1786461547", 6),
        ("12345678901234567890123456789012345678", 20),
    ],
)
def test_number_size(number: str, size: int) -> None:
    assert attribute_value_size({"N": number}) == size


def test_item_size_rules() -> None:
    assert item_size({"ab": {"S": "héllo"}}) == 2 + 6
    assert item_size({"b": {"B": b64(b"\x00\x01\x02")}}) == 1 + 3
    assert item_size({"t": {"BOOL": True}, "n": {"NULL": True}}) == 2 + 2
    assert item_size({"l": {"L": []}}) == 1 + 3
    # a list: 3 bytes overhead, 1 per element
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)
    # a map: element names count too
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)
    assert item_size({"ss": {"SS": ["a", "bc"]}, "ns": {"NS": ["1", "22"]}}) == 2 + 3 + 2 + 4
    assert item_size({"bs": {"BS": [b64(b"ab"), b64(b"c")]}}) == 2 + 3


# -- comparison ----------------------------------------------------------------------------


def test_compare_values() -> None:
    assert compare_values({"N": "10"}, {"N": "9"}) == 1
    assert compare_values({"N": "1.0"}, {"N": "1"}) == 0
    assert compare_values({"N": "-1"}, {"N": "0.5"}) == -1
    assert compare_values({"S": "a"}, {"S": "b"}) == -1
    # UTF-8 byte order: U+FFFD sorts after U+00E9, both after ASCII
    assert compare_values({"S": "z"}, {"S": "é"}) == -1
    assert compare_values({"S": "\ufffd"}, {"S": "\U0001f600"}) == -1
    assert compare_values({"B": b64(b"\x01")}, {"B": b64(b"\xff")}) == -1
    assert compare_values({"S": "1"}, {"N": "1"}) is None
    assert compare_values({"BOOL": True}, {"BOOL": True}) is None


def test_values_equal() -> None:
    assert values_equal({"N": "1"}, {"N": "1.00"})
    assert values_equal({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert values_equal({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]})
    assert values_equal({"BS": [b64(b"a")]}, {"BS": [b64(b"a")]})
    assert values_equal(
        {"M": {"a": {"L": [{"N": "1"}, {"S": "x"}]}}},
        {"M": {"a": {"L": [{"N": "1.0"}, {"S": "x"}]}}},
    )
    assert not values_equal({"L": [{"N": "1"}, {"N": "2"}]}, {"L": [{"N": "2"}, {"N": "1"}]})
    assert not values_equal({"M": {"a": {"N": "1"}}}, {"M": {"b": {"N": "1"}}})
    assert not values_equal({"S": "1"}, {"N": "1"})
    assert not values_equal({"SS": ["a"]}, {"SS": ["a", "b"]})
    assert values_equal({"NULL": True}, {"NULL": True})
    assert not values_equal({"BOOL": True}, {"BOOL": False})
