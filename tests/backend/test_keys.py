"""The key rules (backend/keys.py): table keys, Key parameters, index keys, key values."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.keys import (
    KEY_MISMATCH,
    MAX_HASH_KEY_BYTES,
    MAX_RANGE_KEY_BYTES,
    canonical_key_value,
    check_index_key,
    check_index_keys,
    check_not_empty,
    key_of_item,
    key_of_key,
)
from dynastream_mock.backend.tables import IndexDefinition, KeySchema
from dynastream_mock.errors import ValidationException

HASH_ONLY = KeySchema("id", "S")
COMPOSITE = KeySchema("pk", "S", "sk", "N")
BY_EMAIL = IndexDefinition("ByEmail", "GLOBAL", KeySchema("email", "S"), "ALL")
BY_RANK = IndexDefinition("ByRank", "GLOBAL", KeySchema("email", "S", "rank", "N"), "KEYS_ONLY")


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def refusal(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(ValidationException) as raised:
        call(*args, **kwargs)
    return raised.value.message


# -- table keys of a full item --------------------------------------------------------------


def test_key_of_item_is_the_canonical_hash_and_sort_values() -> None:
    item = {"pk": {"S": "a"}, "sk": {"N": "1.50"}, "other": {"BOOL": True}}

    assert key_of_item(COMPOSITE, item) == ("a", canonical_key_value({"N": "1.5"}))
    assert key_of_item(HASH_ONLY, {"id": {"S": "u1"}}) == ("u1", None)


def test_an_item_missing_a_key_names_it() -> None:
    assert refusal(key_of_item, COMPOSITE, {"pk": {"S": "a"}}) == (
        "One or more parameter values were invalid: Missing the key sk in the item"
    )
    assert refusal(key_of_item, COMPOSITE, {"sk": {"N": "1"}}) == (
        "One or more parameter values were invalid: Missing the key pk in the item"
    )


def test_a_mistyped_key_names_both_types() -> None:
    assert refusal(key_of_item, COMPOSITE, {"pk": {"S": "a"}, "sk": {"S": "1"}}) == (
        "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S"
    )


@pytest.mark.parametrize(("kind", "empty", "word"), [("S", "", "string"), ("B", "", "binary")])
def test_an_empty_key_value_is_refused(kind: str, empty: str, word: str) -> None:
    schema = KeySchema("id", kind)

    assert refusal(key_of_item, schema, {"id": {kind: empty}}) == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        f"cannot contain an empty {word} value. Key: id"
    )


def test_an_empty_sort_key_is_reported_before_a_missing_hash_key() -> None:
    schema = KeySchema("pk", "S", "sk", "S")

    assert refusal(key_of_item, schema, {"sk": {"S": ""}}).endswith("Key: sk")


def test_key_sizes_are_counted_in_utf8_and_decoded_bytes() -> None:
    at_limit = {"pk": {"S": "é" * (MAX_HASH_KEY_BYTES // 2)}, "sk": {"N": "1"}}
    assert key_of_item(COMPOSITE, at_limit)[0] == "é" * 1024

    too_long = {"pk": {"S": "é" * (MAX_HASH_KEY_BYTES // 2) + "x"}, "sk": {"N": "1"}}
    assert refusal(key_of_item, COMPOSITE, too_long) == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
        "size limit of2048 bytes"
    )

    binary_sort = KeySchema("pk", "S", "sk", "B")
    fits = {"pk": {"S": "a"}, "sk": {"B": b64(b"\x00" * MAX_RANGE_KEY_BYTES)}}
    assert key_of_item(binary_sort, fits)[1] == b"\x00" * MAX_RANGE_KEY_BYTES
    over = {"pk": {"S": "a"}, "sk": {"B": b64(b"\x00" * (MAX_RANGE_KEY_BYTES + 1))}}
    assert refusal(key_of_item, binary_sort, over) == (
        "One or more parameter values were invalid: Aggregated size of all range keys has "
        "exceeded the size limit of 1024 bytes"
    )


def test_check_not_empty_words_string_and_binary() -> None:
    check_not_empty("id", {"S": "x"})
    check_not_empty("id", {"N": "0"})
    assert refusal(check_not_empty, "id", {"B": ""}).endswith(
        "cannot contain an empty binary value. Key: id"
    )


# -- Key parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        {"pk": {"S": "a"}},  # a key attribute missing
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}},  # one too many
        {"pk": {"S": "a"}, "other": {"N": "1"}},  # the right count, a wrong name
        {"pk": {"S": "a"}, "sk": {"S": "1"}},  # a wrong type
    ],
)
def test_a_key_parameter_must_match_the_schema_exactly(key: dict[str, dict[str, str]]) -> None:
    assert refusal(key_of_key, COMPOSITE, key) == KEY_MISMATCH


def test_a_key_parameter_gets_the_value_rules_too() -> None:
    assert key_of_key(COMPOSITE, {"pk": {"S": "a"}, "sk": {"N": "2"}}) == (
        "a",
        canonical_key_value({"N": "2"}),
    )
    assert refusal(key_of_key, COMPOSITE, {"pk": {"S": ""}, "sk": {"N": "2"}}).endswith(
        "cannot contain an empty string value. Key: pk"
    )


# -- index keys -----------------------------------------------------------------------------


def test_an_item_without_the_index_keys_passes() -> None:
    check_index_keys([BY_EMAIL, BY_RANK], HASH_ONLY, {"id": {"S": "u1"}})


def test_a_mistyped_index_key_names_the_first_index_alphabetically() -> None:
    item = {"id": {"S": "u1"}, "email": {"N": "5"}}

    assert refusal(check_index_keys, [BY_RANK, BY_EMAIL], HASH_ONLY, item) == (
        "One or more parameter values were invalid: Type mismatch for Index Key email "
        "Expected: S Actual: N IndexName: ByEmail"
    )


def test_an_empty_index_key_is_worded_for_a_write_or_an_update() -> None:
    item = {"id": {"S": "u1"}, "email": {"S": ""}}

    assert refusal(check_index_key, BY_EMAIL, HASH_ONLY, item) == (
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        "string value. IndexName: ByEmail, IndexKey: email"
    )
    assert refusal(check_index_key, BY_EMAIL, HASH_ONLY, item, by_update=True) == (
        "One or more parameter values are not valid. The update expression attempted to "
        "update a secondary index key to a value that is not supported. The AttributeValue "
        "for a key attribute cannot contain an empty string value."
    )


def test_the_checks_can_be_chosen_one_kind_at_a_time() -> None:
    mistyped = {"id": {"S": "u1"}, "email": {"N": "5"}}
    empty = {"id": {"S": "u1"}, "email": {"S": ""}}

    check_index_keys([BY_EMAIL], HASH_ONLY, mistyped, types=False)
    check_index_keys([BY_EMAIL], HASH_ONLY, empty, empties=False)
    with pytest.raises(ValidationException):
        check_index_keys([BY_EMAIL], HASH_ONLY, mistyped, empties=False)


def test_an_index_key_that_is_a_table_key_is_left_to_the_table_rules() -> None:
    by_id = IndexDefinition("ById", "GLOBAL", KeySchema("id", "N"), "ALL")

    check_index_key(by_id, HASH_ONLY, {"id": {"S": "u1"}})


# -- key values -----------------------------------------------------------------------------


def test_canonical_key_value() -> None:
    assert canonical_key_value({"N": "1.0"}) == canonical_key_value({"N": "1"})
    assert hash(canonical_key_value({"N": "1.0"})) == hash(canonical_key_value({"N": "1"}))
    numbers = [{"N": "10"}, {"N": "-2"}, {"N": "3.5"}]
    assert sorted(numbers, key=canonical_key_value) == [{"N": "-2"}, {"N": "3.5"}, {"N": "10"}]
    assert canonical_key_value({"B": b64(b"ab")}) == b"ab"
    assert canonical_key_value({"S": "x"}) == "x"
    with pytest.raises(ValidationException):
        canonical_key_value({"BOOL": True})


@given(st.lists(st.text(), min_size=2, max_size=5))
def test_string_order_is_utf8_byte_order(texts: list[str]) -> None:
    by_key = sorted(texts, key=lambda t: str(canonical_key_value({"S": t})))
    by_bytes = sorted(texts, key=lambda t: t.encode("utf-8", "surrogatepass"))
    assert by_key == by_bytes


def test_a_key_parameter_s_shape_is_checked_before_its_values() -> None:
    from dynastream_mock.backend.keys import KEY_MISMATCH, key_of_key
    from dynastream_mock.backend.tables import KeySchema

    schema = KeySchema("pk", "S", "sk", "N")
    with pytest.raises(ValidationException, match=KEY_MISMATCH):
        key_of_key(schema, {"pk": {"S": ""}, "sk": {"S": "not a number"}})
    with pytest.raises(ValidationException, match="cannot contain an empty string value"):
        key_of_key(schema, {"pk": {"S": ""}, "sk": {"N": "1"}})
    assert key_of_key(schema, {"pk": {"S": "a"}, "sk": {"N": "1.0"}}) == ("a", 1)
