"""CreateTable and key-value validation edge cases that the live service refuses (issue 4).

Each one is what the live service does, as reported by its users and by moto's tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

INVALID = "One or more parameter values were invalid: "
EMPTY_KEY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty {word} value. Key: {name}"
)


def error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


@pytest.mark.parametrize("member", ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"])
def test_create_table_refuses_an_empty_index_list(ddb: Any, member: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Users",
            KeySchema=[
                {"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "at", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
            **{member: []},
        )

    assert error(raised) == ("ValidationException", f"{INVALID}List of {member} is empty")
    assert ddb.list_tables()["TableNames"] == []


def test_create_table_with_an_undefined_table_key_attribute(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Users",
            KeySchema=[
                {"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "created_at", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    assert error(raised) == (
        "ValidationException",
        "Invalid KeySchema: Some index key attribute have no definition",
    )


def test_create_table_with_an_undefined_index_key_attribute_keeps_the_long_text(
    ddb: Any,
) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_user",
                    "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )

    assert error(raised) == (
        "ValidationException",
        f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [user], AttributeDefinitions: [id]",
    )


@pytest.fixture
def orders(ddb: Any) -> str:
    ddb.create_table(
        TableName="Orders",
        KeySchema=[
            {"AttributeName": "hk", "KeyType": "HASH"},
            {"AttributeName": "rk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "hk", "AttributeType": "S"},
            {"AttributeName": "rk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="Orders", Item={"hk": {"S": "a"}, "rk": {"S": "1"}})
    return "Orders"


@pytest.mark.parametrize(
    ("expression", "values", "name"),
    [
        ("hk = :h", {":h": {"S": ""}}, "hk"),
        ("hk = :h AND rk = :r", {":h": {"S": "a"}, ":r": {"S": ""}}, "rk"),
    ],
)
def test_query_refuses_an_empty_string_key_value(
    ddb: Any, orders: str, expression: str, values: dict[str, Any], name: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.query(
            TableName=orders, KeyConditionExpression=expression, ExpressionAttributeValues=values
        )

    assert error(raised) == ("ValidationException", EMPTY_KEY.format(word="string", name=name))


def test_create_table_with_as_many_definitions_as_keys_but_the_wrong_ones(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "created_at", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST",
        )

    assert error(raised) == (
        "ValidationException",
        f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [id], AttributeDefinitions: [created_at]",
    )


def test_a_table_hash_key_too_long_for_the_range_key_of_a_gsi_is_refused(ddb: Any) -> None:
    ddb.create_table(
        TableName="Keys",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-sk",
                "KeySchema": [
                    {"AttributeName": "sk", "KeyType": "HASH"},
                    {"AttributeName": "pk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName="Keys", Item={"pk": {"S": "x" * 1025}, "sk": {"S": "s"}})
    assert raised.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Aggregated size of all range keys has "
        "exceeded the size limit of 1024 bytes"
    )
    assert ddb.scan(TableName="Keys")["Items"] == []
    ddb.put_item(TableName="Keys", Item={"pk": {"S": "x" * 1024}, "sk": {"S": "s"}})


def test_unused_attribute_definitions_are_named_in_sorted_order(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "user", "AttributeType": "S"},
                {"AttributeName": "created_at", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-user",
                    "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    assert error(raised) == (
        "ValidationException",
        INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: "
        "[created_at, id, user], keys used: [id, user]",
    )
