"""PutItem, UpdateItem and DeleteItem through the boto3 client: conditions, updates, errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table, read_shard


def failure(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def stream_records(ddb: Any, streams: Any, table: str = "Users") -> list[Any]:
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [record for shard in shards for record in read_shard(streams, arn, shard["ShardId"])]


@pytest.fixture
def users(ddb: Any) -> Any:
    create_stream_table(ddb)
    ddb.put_item(
        TableName="Users",
        Item={"id": {"S": "ada"}, "visits": {"N": "1"}, "tags": {"SS": ["a", "b"]}},
    )
    return ddb


def get(ddb: Any, user: str = "ada") -> Any:
    return ddb.get_item(TableName="Users", Key={"id": {"S": user}}).get("Item")


def test_put_item_stores_numbers_in_canonical_form(users: Any) -> None:
    users.put_item(TableName="Users", Item={"id": {"S": "bob"}, "n": {"N": "1.50E+1"}})

    assert get(users, "bob") == {"id": {"S": "bob"}, "n": {"N": "15"}}


def test_put_item_return_values_all_old_returns_the_replaced_item(users: Any) -> None:
    answer = users.put_item(TableName="Users", Item={"id": {"S": "ada"}}, ReturnValues="ALL_OLD")

    assert answer["Attributes"]["visits"] == {"N": "1"}
    assert get(users) == {"id": {"S": "ada"}}


@pytest.mark.parametrize("operation", ["put_item", "delete_item"])
@pytest.mark.parametrize("wanted", ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"])
def test_put_and_delete_refuse_return_values_other_than_all_old(
    users: Any, operation: str, wanted: str
) -> None:
    member = (
        {"Item": {"id": {"S": "x"}}} if operation == "put_item" else {"Key": {"id": {"S": "x"}}}
    )
    with pytest.raises(ClientError) as raised:
        getattr(users, operation)(TableName="Users", ReturnValues=wanted, **member)

    assert failure(raised) == (
        "ValidationException",
        "Return values set to invalid value",
    )


def test_failed_condition_raises_and_changes_nothing(users: Any, streams: Any) -> None:
    before = len(stream_records(users, streams))
    with pytest.raises(ClientError) as raised:
        users.put_item(
            TableName="Users",
            Item={"id": {"S": "ada"}},
            ConditionExpression="attribute_not_exists(id)",
        )

    assert failure(raised) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert "Item" not in raised.value.response
    assert get(users)["visits"] == {"N": "1"}
    assert len(stream_records(users, streams)) == before


def test_failed_condition_returns_the_old_item_when_asked(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.delete_item(
            TableName="Users",
            Key={"id": {"S": "ada"}},
            ConditionExpression="visits > :n",
            ExpressionAttributeValues={":n": {"N": "5"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )

    assert raised.value.response["Item"]["visits"] == {"N": "1"}
    assert get(users) is not None


def test_condition_on_a_missing_item_sees_no_attributes(users: Any) -> None:
    users.put_item(
        TableName="Users",
        Item={"id": {"S": "new"}},
        ConditionExpression="attribute_not_exists(id)",
    )

    assert get(users, "new") == {"id": {"S": "new"}}


def test_update_item_applies_set_add_remove_and_delete(users: Any) -> None:
    answer = users.update_item(
        TableName="Users",
        Key={"id": {"S": "ada"}},
        UpdateExpression="SET #n = :name ADD visits :one REMOVE gone DELETE tags :a",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":name": {"S": "Ada"}, ":one": {"N": "1"}, ":a": {"SS": ["a"]}},
        ReturnValues="ALL_NEW",
    )

    expected = {
        "id": {"S": "ada"},
        "name": {"S": "Ada"},
        "visits": {"N": "2"},
        "tags": {"SS": ["b"]},
    }
    assert answer["Attributes"] == expected
    assert get(users) == expected


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("NONE", None),
        ("ALL_OLD", {"id": {"S": "ada"}, "visits": {"N": "1"}, "tags": {"SS": ["a", "b"]}}),
        ("UPDATED_OLD", {"visits": {"N": "1"}}),
        ("UPDATED_NEW", {"visits": {"N": "2"}, "city": {"S": "London"}}),
    ],
)
def test_update_item_return_values(users: Any, wanted: str, expected: Any) -> None:
    answer = users.update_item(
        TableName="Users",
        Key={"id": {"S": "ada"}},
        UpdateExpression="SET visits = visits + :one, city = :c",
        ExpressionAttributeValues={":one": {"N": "1"}, ":c": {"S": "London"}},
        ReturnValues=wanted,
    )

    assert answer.get("Attributes") == expected


def test_update_item_on_a_missing_item_creates_it(users: Any, streams: Any) -> None:
    answer = users.update_item(
        TableName="Users",
        Key={"id": {"S": "new"}},
        UpdateExpression="SET visits = :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_OLD",
    )

    assert "Attributes" not in answer
    assert get(users, "new") == {"id": {"S": "new"}, "visits": {"N": "1"}}
    assert stream_records(users, streams)[-1]["eventName"] == "INSERT"


def test_update_item_without_expression_creates_the_bare_key(users: Any) -> None:
    users.update_item(TableName="Users", Key={"id": {"S": "bare"}})

    assert get(users, "bare") == {"id": {"S": "bare"}}


def test_update_that_changes_nothing_writes_no_stream_record(users: Any, streams: Any) -> None:
    before = stream_records(users, streams)
    users.update_item(
        TableName="Users",
        Key={"id": {"S": "ada"}},
        UpdateExpression="SET visits = :same REMOVE nothing_here",
        ExpressionAttributeValues={":same": {"N": "1.0"}},
    )

    assert stream_records(users, streams) == before


def test_update_that_changes_writes_a_modify_record(users: Any, streams: Any) -> None:
    users.update_item(
        TableName="Users",
        Key={"id": {"S": "ada"}},
        UpdateExpression="ADD visits :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )

    record = stream_records(users, streams)[-1]
    assert record["eventName"] == "MODIFY"
    assert record["dynamodb"]["OldImage"]["visits"] == {"N": "1"}
    assert record["dynamodb"]["NewImage"]["visits"] == {"N": "2"}


def test_update_with_failed_condition_creates_nothing(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users",
            Key={"id": {"S": "ghost"}},
            UpdateExpression="SET a = :a",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeValues={":a": {"S": "x"}},
        )

    assert failure(raised)[0] == "ConditionalCheckFailedException"
    assert get(users, "ghost") is None


def test_update_of_a_key_attribute_is_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users",
            Key={"id": {"S": "ada"}},
            UpdateExpression="SET id = :v",
            ExpressionAttributeValues={":v": {"S": "eve"}},
        )

    assert failure(raised) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute id. "
        "This attribute is part of the key",
    )


def test_update_runtime_error_on_missing_operand(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users",
            Key={"id": {"S": "ada"}},
            UpdateExpression="SET amount = absent_attr + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    assert failure(raised) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}},
            "1 validation error detected: Value provided in ExpressionAttributeValues unused in "
            "expressions: keys: {:unused}",
        ),
        (
            {"ExpressionAttributeValues": {":other": {"S": "x"}}},
            "Invalid UpdateExpression: An expression attribute value used in expression is "
            "not defined; attribute value: :v",
        ),
        (
            {
                "ExpressionAttributeValues": {":v": {"S": "x"}},
                "ExpressionAttributeNames": {"#x": "x"},
            },
            "1 validation error detected: Value provided in ExpressionAttributeNames unused in "
            "expressions: keys: {#x}",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"S": "x"}}, "ConditionExpression": "a ="},
            'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="',
        ),
    ],
)
def test_update_placeholder_errors(users: Any, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users", Key={"id": {"S": "ada"}}, UpdateExpression="SET a = :v", **extra
        )

    assert failure(raised) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("request_params", "message"),
    [
        (
            {"Expected": {"id": {"Exists": False}}, "ConditionExpression": "attribute_exists(id)"},
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"S": "x"}}},
            "1 validation error detected: ExpressionAttributeValues can only be specified when "
            "using expressions",
        ),
        (
            {"ExpressionAttributeNames": {"#a": "a"}},
            "1 validation error detected: ExpressionAttributeNames can only be specified when "
            "using expressions",
        ),
        (
            {"Expected": {"id": {"Exists": True}}},
            "One or more parameter values were invalid: Value must be provided when Exists is "
            "true for Attribute: id",
        ),
    ],
)
def test_put_item_parameter_combinations(
    users: Any, request_params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        users.put_item(TableName="Users", Item={"id": {"S": "x"}}, **request_params)

    assert failure(raised) == ("ValidationException", message)


def test_update_item_refuses_attribute_updates_with_update_expression(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users",
            Key={"id": {"S": "ada"}},
            UpdateExpression="SET a = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
            AttributeUpdates={"b": {"Value": {"S": "y"}, "Action": "PUT"}},
        )

    assert failure(raised)[1] == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
    )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"name": {"S": "x"}},
            "One or more parameter values were invalid: Missing the key id in the item",
        ),
        (
            {"id": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for key id expected: S "
            "actual: N",
        ),
        (
            {"id": {"S": ""}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: id",
        ),
        (
            {"id": {"S": "x"}, "n": {"N": "abc"}},
            "The parameter cannot be converted to a numeric value: abc",
        ),
        (
            {"id": {"S": "x"}, "s": {"SS": []}},
            "1 validation error detected: One or more parameter values were invalid: An string "
            "set  may not be empty",
        ),
        (
            {"id": {"S": "x" * 2049}},
            "One or more parameter values were invalid: Size of hashkey has exceeded the "
            "maximum size limit of2048 bytes",
        ),
    ],
)
def test_put_item_invalid_items(users: Any, item: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        users.put_item(TableName="Users", Item=item)

    assert failure(raised) == ("ValidationException", message)


def test_item_size_limit_is_400_kb(users: Any) -> None:
    # id(2) + "big"(3) + d(1) + 409594 characters = exactly 409600 bytes.
    users.put_item(TableName="Users", Item={"id": {"S": "big"}, "d": {"S": "x" * 409594}})
    with pytest.raises(ClientError) as raised:
        users.put_item(TableName="Users", Item={"id": {"S": "big"}, "d": {"S": "x" * 409595}})

    assert failure(raised) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_update_past_the_size_limit_is_refused(users: Any) -> None:
    users.put_item(TableName="Users", Item={"id": {"S": "big"}, "d": {"S": "x" * 409594}})
    with pytest.raises(ClientError) as raised:
        users.update_item(
            TableName="Users",
            Key={"id": {"S": "big"}},
            UpdateExpression="SET e = :e",
            ExpressionAttributeValues={":e": {"S": "y"}},
        )

    assert failure(raised) == (
        "ValidationException",
        "Item size to update has exceeded the maximum allowed size",
    )


def test_write_to_a_missing_table_is_not_found(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName="Nowhere", Item={"id": {"S": "x"}})

    assert failure(raised) == ("ResourceNotFoundException", "Requested resource not found")


def test_delete_item_returns_old_item_and_writes_remove(users: Any, streams: Any) -> None:
    answer = users.delete_item(TableName="Users", Key={"id": {"S": "ada"}}, ReturnValues="ALL_OLD")

    assert answer["Attributes"]["id"] == {"S": "ada"}
    assert get(users) is None
    assert stream_records(users, streams)[-1]["eventName"] == "REMOVE"


def test_delete_of_a_missing_item_writes_nothing(users: Any, streams: Any) -> None:
    before = len(stream_records(users, streams))

    answer = users.delete_item(
        TableName="Users", Key={"id": {"S": "ghost"}}, ReturnValues="ALL_OLD"
    )

    assert "Attributes" not in answer
    assert len(stream_records(users, streams)) == before


def test_write_capacity_counts_started_kilobytes(users: Any) -> None:
    answer = users.put_item(
        TableName="Users",
        Item={"id": {"S": "kb"}, "d": {"S": "x" * 2000}},
        ReturnConsumedCapacity="INDEXES",
    )

    assert answer["ConsumedCapacity"] == {
        "TableName": "Users",
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }


@pytest.mark.parametrize(
    "expression",
    [
        "REMOVE visits",
        "REMOVE profile.city",
        "DELETE tags :gone",
        "REMOVE visits DELETE tags :gone",
    ],
)
def test_update_that_only_removes_does_not_create_a_missing_item(
    users: Any, streams: Any, expression: str
) -> None:
    before = len(stream_records(users, streams))
    extra: dict[str, Any] = {}
    if ":gone" in expression:
        extra["ExpressionAttributeValues"] = {":gone": {"SS": ["a"]}}
    answer = users.update_item(
        TableName="Users",
        Key={"id": {"S": "nobody"}},
        UpdateExpression=expression,
        ReturnValues="ALL_NEW",
        **extra,
    )
    assert "Attributes" not in answer
    assert get(users, "nobody") is None
    assert len(stream_records(users, streams)) == before


def test_update_with_a_set_still_creates_a_missing_item(users: Any) -> None:
    answer = users.update_item(
        TableName="Users",
        Key={"id": {"S": "nobody"}},
        UpdateExpression="REMOVE visits SET seen = :yes",
        ExpressionAttributeValues={":yes": {"BOOL": True}},
        ReturnValues="ALL_NEW",
    )
    assert answer["Attributes"] == {"id": {"S": "nobody"}, "seen": {"BOOL": True}}


def test_transaction_update_that_only_removes_does_not_create_a_missing_item(
    users: Any, streams: Any
) -> None:
    before = len(stream_records(users, streams))
    users.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "Users",
                    "Key": {"id": {"S": "nobody"}},
                    "UpdateExpression": "REMOVE visits",
                }
            }
        ]
    )
    assert get(users, "nobody") is None
    assert len(stream_records(users, streams)) == before


@pytest.mark.parametrize(
    ("call", "request_params", "message"),
    [
        (
            "update_item",
            {
                "Key": {"id": {"S": "ada"}},
                "UpdateExpression": "ADD x :one SET a = :one ADD y :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            },
            '1 validation error detected: Invalid UpdateExpression: The "ADD" section can only '
            "be used once in an update expression;",
        ),
        (
            "update_item",
            {
                "Key": {"id": {"S": "ada"}},
                "UpdateExpression": "SET #a = :h, #b = :h",
                "ExpressionAttributeNames": {"#a": "s", "#b": "s"},
                "ExpressionAttributeValues": {":h": {"S": "H"}},
            },
            "1 validation error detected: Invalid UpdateExpression: Two document paths overlap "
            "with each other; must remove or rewrite one of these paths; path one: [s], path "
            "two: [s]",
        ),
        (
            "update_item",
            {"Key": {"id": {"S": "ada"}}, "UpdateExpression": ""},
            "1 validation error detected: Invalid UpdateExpression: The expression can not be "
            "empty;",
        ),
        (
            "update_item",
            {
                "Key": {"id": {"S": "ada"}},
                "UpdateExpression": "ADD s :e",
                "ExpressionAttributeValues": {":e": {"SS": []}},
            },
            "1 validation error detected: One or more parameter values were invalid: An string "
            "set  may not be empty",
        ),
        (
            "update_item",
            {
                "Key": {"id": {"S": "ada"}},
                "UpdateExpression": "SET a = :v",
                "ExpressionAttributeValues": {},
            },
            "1 validation error detected: ExpressionAttributeValues must not be empty",
        ),
        (
            "delete_item",
            {
                "Key": {"id": {"S": "ada"}},
                "ConditionExpression": "attribute_not_exists(body)",
                "ExpressionAttributeNames": {"#c": "count"},
            },
            "1 validation error detected: Value provided in ExpressionAttributeNames unused in "
            "expressions: keys: {#c}",
        ),
        (
            "get_item",
            {"Key": {"id": {"S": "ada"}}, "ExpressionAttributeNames": {"#a": "b"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        (
            "get_item",
            {
                "Key": {"id": {"S": "ada"}},
                "ProjectionExpression": "id",
                "ExpressionAttributeNames": {"#c": "count"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c}",
        ),
        (
            "scan",
            {
                "FilterExpression": "id = :v",
                "ExpressionAttributeValues": {":v": {"S": "a"}},
                "ExpressionAttributeNames": {"#c": "count"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c}",
        ),
    ],
)
def test_single_item_writes_report_request_checks_in_one_error_envelope(
    users: Any, call: str, request_params: dict[str, Any], message: str
) -> None:
    # PutItem, UpdateItem and DeleteItem answer these checks as "1 validation error detected:
    # ..."; GetItem, Query and Scan answer them bare (AWS's answers as moto's aws_verified
    # tests record them: test_multiple_add_clauses, test_update_item_unused_attributes,
    # test_empty_expressionattributenames, test_get_item_unused_attribute_name, ...).
    with pytest.raises(ClientError) as raised:
        getattr(users, call)(TableName="Users", **request_params)

    assert failure(raised) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            {
                "Put": {
                    "TableName": "Users",
                    "Item": {"id": {"S": "ada"}},
                    "ConditionExpression": "attribute_not_exists(#n)",
                    "ExpressionAttributeNames": {"#n": "id"},
                    "ExpressionAttributeValues": {},
                }
            },
            "ExpressionAttributeValues must not be empty",
        ),
        (
            {
                "Update": {
                    "TableName": "Users",
                    "Key": {"id": {"S": "ada"}},
                    "UpdateExpression": "SET a = :v SET b = :v",
                    "ExpressionAttributeValues": {":v": {"S": "x"}},
                }
            },
            'Invalid UpdateExpression: The "SET" section can only be used once in an update '
            "expression;",
        ),
    ],
)
def test_transactions_report_request_checks_bare(
    users: Any, action: dict[str, Any], message: str
) -> None:
    # TransactWriteItems answers the same checks without the envelope (moto's aws_verified
    # test_transact_write_items__empty_expr_attr_values and
    # test_transact_write_items__update_with_multiple_set_clauses).
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[action])

    assert failure(raised) == ("ValidationException", message)
