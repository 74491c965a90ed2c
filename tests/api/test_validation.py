"""Shape validation: AWS's aggregate messages and Coral's serialization errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dynastream_mock.api.validation import operation_names, validator_for
from dynastream_mock.errors import SerializationException, ValidationException

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/tbl/stream/2024-01-01T00:00:00.000"
SHARD = "shardId-00000001700000000000-abcdef12"


def validation_message(service: str, operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as info:
        validator_for(service, operation)(params)
    return info.value.message


def serialization_message(service: str, operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(SerializationException) as info:
        validator_for(service, operation)(params)
    return info.value.message


def one(value: str, path: str, phrase: str) -> str:
    return (
        f"1 validation error detected: Value {value} at '{path}' failed to satisfy "
        f"constraint: {phrase}"
    )


# --- API ----------------------------------------------------------------------------------


def test_operation_names() -> None:
    assert operation_names("dynamodbstreams") == {
        "DescribeStream",
        "GetRecords",
        "GetShardIterator",
        "ListStreams",
    }
    names = operation_names("dynamodb")
    assert {"PutItem", "CreateTable", "TransactWriteItems", "ListTables"} <= names


def test_validator_is_cached() -> None:
    assert validator_for("dynamodb", "PutItem") is validator_for("dynamodb", "PutItem")


def test_unknown_operation() -> None:
    with pytest.raises(KeyError):
        validator_for("dynamodb", "NoSuchOperation")


def test_valid_requests_pass() -> None:
    validator_for("dynamodb", "PutItem")(
        {
            "TableName": "my-table",
            "Item": {"pk": {"S": "a"}, "n": {"N": "1"}},
            "ConditionExpression": "attribute_not_exists(#p)",
            "ExpressionAttributeNames": {"#p": "pk"},
            "ExpressionAttributeValues": {":v": {"S": "x"}},
            "ReturnValues": "ALL_OLD",
        }
    )
    validator_for("dynamodb", "CreateTable")(
        {
            "TableName": "my-table",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        }
    )
    validator_for("dynamodbstreams", "GetShardIterator")(
        {"StreamArn": ARN, "ShardId": SHARD, "ShardIteratorType": "TRIM_HORIZON"}
    )
    validator_for("dynamodbstreams", "GetRecords")({"ShardIterator": "x" * 100, "Limit": 1000})
    validator_for("dynamodbstreams", "DescribeStream")({"StreamArn": ARN, "Limit": 100})
    validator_for("dynamodbstreams", "ListStreams")({})


# --- constraint kinds ---------------------------------------------------------------------


def test_required_member_is_not_null() -> None:
    assert validation_message("dynamodbstreams", "GetRecords", {}) == one(
        "null", "shardIterator", "Member must not be null"
    )


def test_json_null_counts_as_absent() -> None:
    assert validation_message("dynamodbstreams", "GetRecords", {"ShardIterator": None}) == one(
        "null", "shardIterator", "Member must not be null"
    )


def test_number_max_and_min() -> None:
    assert validation_message(
        "dynamodbstreams", "GetRecords", {"ShardIterator": "x", "Limit": 2000}
    ) == one("'2000'", "limit", "Member must have value less than or equal to 1000")
    assert validation_message(
        "dynamodbstreams", "GetRecords", {"ShardIterator": "x", "Limit": 0}
    ) == one("'0'", "limit", "Member must have value greater than or equal to 1")


def test_streams_limits_of_describe_and_list() -> None:
    assert validation_message(
        "dynamodbstreams", "DescribeStream", {"StreamArn": ARN, "Limit": 101}
    ) == one("'101'", "limit", "Member must have value less than or equal to 100")
    assert validation_message("dynamodbstreams", "ListStreams", {"Limit": 101}) == one(
        "'101'", "limit", "Member must have value less than or equal to 100"
    )


def test_string_length() -> None:
    assert validation_message(
        "dynamodbstreams", "DescribeStream", {"StreamArn": "arn:short"}
    ) == one("'arn:short'", "streamArn", "Member must have length greater than or equal to 37")
    assert validation_message("dynamodbstreams", "GetRecords", {"ShardIterator": ""}) == one(
        "''", "shardIterator", "Member must have length greater than or equal to 1"
    )
    assert validation_message(
        "dynamodbstreams", "GetRecords", {"ShardIterator": "x" * 2049}
    ) == one(
        "'" + "x" * 2049 + "'",
        "shardIterator",
        "Member must have length less than or equal to 2048",
    )


def test_length_counts_utf16_units() -> None:
    # One emoji is two UTF-16 code units in Java: 1024 of them exceed 2048.
    validator_for("dynamodbstreams", "GetRecords")({"ShardIterator": "\U0001f600" * 1024})
    with pytest.raises(ValidationException):
        validator_for("dynamodbstreams", "GetRecords")({"ShardIterator": "\U0001f600" * 1025})


def test_enum_in_aws_order() -> None:
    # AWS's order; AT_TIMESTAMP (new in the model) follows.
    message = validation_message(
        "dynamodbstreams",
        "GetShardIterator",
        {"StreamArn": ARN, "ShardId": SHARD, "ShardIteratorType": "FOO"},
    )
    assert message == one(
        "'FOO'",
        "shardIteratorType",
        "Member must satisfy enum value set: "
        "[AT_SEQUENCE_NUMBER, LATEST, TRIM_HORIZON, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP]",
    )


def test_enum_of_dynamodb_in_aws_order() -> None:
    message = validation_message(
        "dynamodb", "PutItem", {"TableName": "tbl", "Item": {}, "ReturnValues": "hi"}
    )
    assert message == one(
        "'hi'",
        "returnValues",
        "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
    )


def test_pattern_and_length_of_a_table_name() -> None:
    message = validation_message("dynamodbstreams", "ListStreams", {"TableName": "a;"})
    assert message == (
        "2 validation errors detected: "
        "Value 'a;' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3; "
        "Value 'a;' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )


def test_table_name_or_arn() -> None:
    # botocore's TableArn shape; plain names still get TableName's constraints (as real AWS).
    assert validation_message("dynamodb", "DescribeTable", {"TableName": ""}) == (
        "2 validation errors detected: "
        "Value '' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3; "
        "Value '' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )
    validator_for("dynamodb", "DescribeTable")(
        {"TableName": "arn:aws:dynamodb:us-east-1:123456789012:table/tbl"}
    )


def test_nested_structure_paths() -> None:
    message = validation_message(
        "dynamodb",
        "CreateTable",
        {
            "TableName": "abc",
            "AttributeDefinitions": [{}],
            "KeySchema": [{"KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "Woop"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": -1},
            "SSESpecification": {"KMSMasterKeyId": ""},
        },
    )
    assert message == (
        "7 validation errors detected: "
        "Value null at 'attributeDefinitions.1.member.attributeName' failed to satisfy "
        "constraint: Member must not be null; "
        "Value null at 'attributeDefinitions.1.member.attributeType' failed to satisfy "
        "constraint: Member must not be null; "
        "Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: "
        "Member must not be null; "
        "Value 'Woop' at 'keySchema.2.member.keyType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HASH, RANGE]; "
        "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1; "
        "Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy "
        "constraint: Member must not be null; "
        "Value '' at 'sSESpecification.kMSMasterKeyId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_list_length_renders_java_list() -> None:
    assert validation_message(
        "dynamodb",
        "CreateTable",
        {"TableName": "abc", "AttributeDefinitions": [], "KeySchema": []},
    ) == one("'[]'", "keySchema", "Member must have length greater than or equal to 1")


def test_structures_render_as_coral_objects() -> None:
    # Real AWS: KeySchemaElement@21b90f, @62 and @293b3b for these three elements.
    message = validation_message(
        "dynamodb",
        "CreateTable",
        {
            "TableName": "abc",
            "AttributeDefinitions": [],
            "KeySchema": [
                {"KeyType": "HASH"},
                {"AttributeName": "a"},
                {"KeyType": "Woop", "AttributeName": "a"},
            ],
        },
    )
    element = "com.amazonaws.dynamodb.v20120810.KeySchemaElement"
    assert message.startswith(
        "4 validation errors detected: "
        f"Value '[{element}@21b90f, {element}@62, {element}@293b3b]' at 'keySchema' failed to "
        "satisfy constraint: Member must have length less than or equal to 2; "
    )


def test_list_member_constraints_bracket() -> None:
    assert validation_message(
        "dynamodb",
        "GetItem",
        {"TableName": "abc", "Key": {}, "AttributesToGet": ["a", "b" * 65536]},
    ) == one(
        "'[a, " + "b" * 65536 + "]'",
        "attributesToGet",
        "Member must satisfy constraint: [Member must have length less than or equal to 65535]",
    )


def test_map_paths_keys_and_values() -> None:
    message = validation_message(
        "dynamodb",
        "BatchWriteItem",
        {"RequestItems": {"a": [], "aa;": [{"PutRequest": {}, "DeleteRequest": {}}]}},
    )
    requests = "com.amazonaws.dynamodb.v20120810.WriteRequest@3"
    rendered = f"'{{a=[], aa;=[{requests}]}}'"
    assert message == (
        "4 validation errors detected: "
        f"Value {rendered} at 'requestItems' failed to satisfy constraint: Map keys must "
        "satisfy constraint: [Member must have length less than or equal to 255, Member must "
        "have length greater than or equal to 3, Member must satisfy regular expression "
        "pattern: [a-zA-Z0-9_.-]+]; "
        "Value null at 'requestItems.aa;.member.1.member.putRequest.item' failed to satisfy "
        "constraint: Member must not be null; "
        "Value null at 'requestItems.aa;.member.1.member.deleteRequest.key' failed to satisfy "
        "constraint: Member must not be null; "
        f"Value {rendered} at 'requestItems' failed to satisfy constraint: Map value must "
        "satisfy constraint: [Member must have length less than or equal to 25, Member must "
        "have length greater than or equal to 1]"
    )


def test_map_length() -> None:
    assert validation_message("dynamodb", "BatchGetItem", {"RequestItems": {}}) == one(
        "'{}'", "requestItems", "Member must have length greater than or equal to 1"
    )


def test_attribute_values_are_left_to_the_backend() -> None:
    # Deep AttributeValue validation (empty, several types, base64, numbers) is
    # backend/values.py's; this layer checks only their JSON types.
    validator_for("dynamodb", "PutItem")(
        {"TableName": "tbl", "Item": {"a": {}, "b": {"S": "x", "N": "y"}, "c": {"B": "!"}}}
    )
    validator_for("dynamodb", "Query")(
        {"TableName": "tbl", "ExpressionAttributeValues": {":a": {"NS": []}, ":b": {"X": 1}}}
    )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pk": {"S": 123}}, "NUMBER_VALUE cannot be converted to String"),
        ({"pk": {"S": {"S": "asdf"}}}, "Start of structure or map found where not expected"),
        ({"pk": {"M": {"n": {"N": 5}}}}, "NUMBER_VALUE cannot be converted to String"),
        (
            {"pk": {"L": [{"S": "a"}, {"SS": ["a", True]}]}},
            "TRUE_VALUE cannot be converted to String",
        ),
        ({"pk": {"BOOL": 1}}, "NUMBER_VALUE cannot be converted to Boolean"),
        ({"pk": "junk"}, "Unexpected value type in payload"),
    ],
)
def test_attribute_value_json_types_are_serialization_errors(
    item: dict[str, Any], message: str
) -> None:
    # Coral deserializes AttributeValue like any structure: a JSON value of the wrong type is
    # a SerializationException (moto's test_put_item__string_as_integer_value and
    # test_put_item_wrong_datatype, written against AWS's answers).
    with pytest.raises(SerializationException) as raised:
        validator_for("dynamodb", "PutItem")({"TableName": "tbl", "Item": item})
    assert raised.value.message == message


def test_at_most_ten_errors_are_reported() -> None:
    message = validation_message(
        "dynamodb",
        "CreateTable",
        {
            "TableName": "abc",
            "AttributeDefinitions": [],
            "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
            "LocalSecondaryIndexes": [{}] * 9,
        },
    )
    assert message.startswith("10 validation errors detected: ")
    assert message.count("failed to satisfy constraint") == 10


def test_unknown_members_are_ignored() -> None:
    validator_for("dynamodbstreams", "GetRecords")({"ShardIterator": "x", "Bogus": [1, {}]})


def test_decimal_for_an_integer_is_truncated() -> None:
    validator_for("dynamodbstreams", "GetRecords")({"ShardIterator": "x", "Limit": 1000.9})
    assert validation_message(
        "dynamodbstreams", "GetRecords", {"ShardIterator": "x", "Limit": 0.5}
    ) == one("'0'", "limit", "Member must have value greater than or equal to 1")


def test_boolean_words_are_accepted() -> None:
    validator = validator_for("dynamodb", "GetItem")
    for word in ("true", "FALSE", "yes", "No", "1", "0"):
        validator({"TableName": "tbl", "Key": {}, "ConsistentRead": word})


# --- serialization ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "TRUE_VALUE cannot be converted to String"),
        (False, "FALSE_VALUE cannot be converted to String"),
        (23, "NUMBER_VALUE cannot be converted to String"),
        (2147483648, "NUMBER_VALUE cannot be converted to String"),
        (34.56, "DECIMAL_VALUE cannot be converted to String"),
        ([], "Unrecognized collection type class java.lang.String"),
        ({}, "Start of structure or map found where not expected"),
    ],
)
def test_string_type_errors(value: Any, message: str) -> None:
    assert (
        serialization_message("dynamodbstreams", "GetRecords", {"ShardIterator": value}) == message
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("23", "STRING_VALUE cannot be converted to Integer"),
        (True, "TRUE_VALUE cannot be converted to Integer"),
        ([], "Unrecognized collection type class java.lang.Integer"),
        ({}, "Start of structure or map found where not expected"),
    ],
)
def test_integer_type_errors(value: Any, message: str) -> None:
    params = {"ShardIterator": "x", "Limit": value}
    assert serialization_message("dynamodbstreams", "GetRecords", params) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "Unexpected token received from parser"),
        (23, "NUMBER_VALUE cannot be converted to Boolean"),
        (34.56, "DECIMAL_VALUE cannot be converted to Boolean"),
        ([], "Unrecognized collection type class java.lang.Boolean"),
        ({}, "Start of structure or map found where not expected"),
    ],
)
def test_boolean_type_errors(value: Any, message: str) -> None:
    params = {"TableName": "tbl", "Key": {}, "ConsistentRead": value}
    assert serialization_message("dynamodb", "GetItem", params) == message


def test_long_type_error() -> None:
    params = {"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": "1"}}
    assert (
        serialization_message("dynamodb", "CreateTable", params)
        == "STRING_VALUE cannot be converted to Long"
    )


def test_container_type_errors() -> None:
    def create_table(**params: Any) -> str:
        return serialization_message("dynamodb", "CreateTable", {"TableName": "abc", **params})

    assert create_table(KeySchema="x") == "Unexpected field type"
    assert create_table(KeySchema={}) == "Start of structure or map found where not expected"
    assert create_table(KeySchema=[5]) == "Unexpected value type in payload"
    assert create_table(KeySchema=[[]]) == (
        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement"
    )
    assert create_table(ProvisionedThroughput=5) == "Unexpected field type"
    assert create_table(ProvisionedThroughput=[]) == (
        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ProvisionedThroughput"
    )


def test_map_type_errors() -> None:
    assert serialization_message("dynamodb", "PutItem", {"TableName": "tbl", "Item": []}) == (
        "Unrecognized collection type java.util.Map<java.lang.String, "
        "com.amazonaws.dynamodb.v20120810.AttributeValue>"
    )
    assert (
        serialization_message("dynamodb", "PutItem", {"TableName": "tbl", "Item": "x"})
        == "Unexpected field type"
    )
    assert serialization_message("dynamodb", "BatchWriteItem", {"RequestItems": []}) == (
        "Unrecognized collection type java.util.Map<java.lang.String, "
        "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>"
    )
    # A list as a map value, a map as a list element: Coral's reflection error.
    for params in (
        {"RequestItems": {"tbl": 5}},
        {"RequestItems": {"tbl": {"Keys": [5]}}},
    ):
        operation = "BatchWriteItem" if params["RequestItems"]["tbl"] == 5 else "BatchGetItem"
        assert serialization_message("dynamodb", operation, params).startswith(
            "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast"
        )


def test_serialization_beats_validation_and_follows_document_order() -> None:
    # Item comes first in the document, so its error wins; TableName's is never reached.
    assert serialization_message("dynamodb", "PutItem", {"Item": [], "TableName": 5}).startswith(
        "Unrecognized collection type java.util.Map"
    )
    assert (
        serialization_message("dynamodb", "PutItem", {"TableName": 5, "Item": []})
        == "NUMBER_VALUE cannot be converted to String"
    )
    # A type error deep in a list outranks the violations found before it.
    assert (
        serialization_message(
            "dynamodb",
            "CreateTable",
            {"TableName": "a", "KeySchema": [{}, {"AttributeName": 1}]},
        )
        == "NUMBER_VALUE cannot be converted to String"
    )


# --- robustness and speed -----------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _shaped(member_names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from(member_names) | st.text(max_size=4)
    return st.dictionaries(keys, json_values, max_size=6)


_OPERATIONS = [
    ("dynamodb", "CreateTable"),
    ("dynamodb", "PutItem"),
    ("dynamodb", "BatchWriteItem"),
    ("dynamodb", "BatchGetItem"),
    ("dynamodb", "Query"),
    ("dynamodb", "UpdateTable"),
    ("dynamodb", "TransactWriteItems"),
    ("dynamodbstreams", "GetRecords"),
    ("dynamodbstreams", "GetShardIterator"),
    ("dynamodbstreams", "DescribeStream"),
    ("dynamodbstreams", "ListStreams"),
]
_MEMBERS = [
    "TableName",
    "Item",
    "Key",
    "KeySchema",
    "AttributeDefinitions",
    "ProvisionedThroughput",
    "RequestItems",
    "Limit",
    "ShardIterator",
    "StreamArn",
    "ShardId",
    "ShardIteratorType",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "GlobalSecondaryIndexes",
    "GlobalSecondaryIndexUpdates",
    "TransactItems",
    "ShardFilter",
    "ConsistentRead",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operation=st.sampled_from(_OPERATIONS), params=_shaped(_MEMBERS))
def test_random_params_raise_only_aws_errors(
    operation: tuple[str, str], params: dict[str, Any]
) -> None:
    try:
        validator_for(*operation)(params)
    except (ValidationException, SerializationException) as error:
        assert error.message


@settings(max_examples=200, deadline=None)
@given(operation=st.sampled_from(_OPERATIONS), params=json_values)
def test_non_object_params_raise_only_aws_errors(operation: tuple[str, str], params: Any) -> None:
    try:
        validator_for(*operation)(params)
    except (ValidationException, SerializationException) as error:
        assert error.message


def test_validation_hands_handlers_the_values_the_service_reads() -> None:
    params: dict[str, object] = {"StreamArn": "arn:" + "x" * 40, "Limit": 5.7}
    validator_for("dynamodbstreams", "DescribeStream")(params)
    assert params["Limit"] == 5 and type(params["Limit"]) is int

    get: dict[str, object] = {"TableName": "Users", "Key": {}, "ConsistentRead": "false"}
    validator_for("dynamodb", "GetItem")(get)
    assert get["ConsistentRead"] is False
