"""The DynamoDB control plane through boto3: create, describe, list, update, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams

KEY = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
}


def error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_create_table_describes_it_back(ddb: Any) -> None:
    created = ddb.create_table(
        TableName="Orders",
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "at", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 6},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
    )["TableDescription"]

    described = ddb.describe_table(TableName="Orders")["Table"]
    assert described == created
    assert described["TableStatus"] == "ACTIVE"
    assert described["TableArn"] == "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 6
    assert described["ItemCount"] == 0 and described["TableSizeBytes"] == 0
    assert isinstance(described["CreationDateTime"], datetime)
    (index,) = described["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by_status"
    assert index["IndexArn"] == described["TableArn"] + "/index/by_status"
    assert "BillingModeSummary" not in described
    assert "StreamSpecification" not in described


def test_pay_per_request_table_has_a_billing_summary(ddb: Any) -> None:
    table = ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)[
        "TableDescription"
    ]

    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


def test_item_count_and_size_follow_the_items(ddb: Any) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}, "name": {"S": "Ada"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "b"}})

    table = ddb.describe_table(TableName="Users")["Table"]

    assert table["ItemCount"] == 2
    # id(2)+a(1) + name(4)+Ada(3) + id(2)+b(1)
    assert table["TableSizeBytes"] == 13


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"BillingMode": "PROVISIONED"},
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
        (
            {
                "BillingMode": "PAY_PER_REQUEST",
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            },
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    {"AttributeName": "id", "AttributeType": "S"},
                    {"AttributeName": "extra", "AttributeType": "S"},
                ],
            },
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions",
        ),
    ],
)
def test_create_table_refuses_inconsistent_definitions(
    ddb: Any, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName="Users", **{**KEY, **params})

    assert error(raised) == ("ValidationException", message)
    assert ddb.list_tables()["TableNames"] == []


def test_create_existing_table_is_resource_in_use(ddb: Any) -> None:
    ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)

    with pytest.raises(ClientError) as raised:
        ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)

    assert error(raised) == ("ResourceInUseException", "Table already exists: Users")


def test_missing_table_is_resource_not_found(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.describe_table(TableName="Nowhere")

    assert error(raised) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Nowhere not found",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_tables_pages_in_name_order(ddb: Any) -> None:
    for name in ("ccc", "aaa", "bbb", "ddd"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEY)

    first = ddb.list_tables(Limit=3)
    second = ddb.list_tables(ExclusiveStartTableName=first["LastEvaluatedTableName"])

    assert first["TableNames"] == ["aaa", "bbb", "ccc"]
    assert second["TableNames"] == ["ddd"]
    assert "LastEvaluatedTableName" not in second


def test_delete_table_answers_deleting_and_removes_it(ddb: Any) -> None:
    ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)

    deleted = ddb.delete_table(TableName="Users")["TableDescription"]

    assert deleted["TableStatus"] == "DELETING"
    assert ddb.list_tables()["TableNames"] == []
    with pytest.raises(ClientError):
        ddb.describe_table(TableName="Users")


def test_tables_are_per_region_and_per_account(dynastream: MockStreams) -> None:
    west = boto3.client("dynamodb", region_name=REGION)
    east = boto3.client("dynamodb", region_name="us-east-1")
    west.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)

    assert east.list_tables()["TableNames"] == []
    assert west.list_tables()["TableNames"] == ["Users"]


def test_transitions_make_creating_last_in_virtual_time() -> None:
    from dynastream_mock import mock_streams

    with mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)
        assert ddb.describe_table(TableName="Users")["Table"]["TableStatus"] == "CREATING"
        with pytest.raises(ClientError) as raised:
            ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"

        mock.clock.advance(seconds=5)

        assert ddb.describe_table(TableName="Users")["Table"]["TableStatus"] == "ACTIVE"
        ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})


def test_a_table_arn_works_wherever_a_table_name_does(ddb: Any) -> None:
    arn = ddb.create_table(TableName="Users", BillingMode="PAY_PER_REQUEST", **KEY)[
        "TableDescription"
    ]["TableArn"]

    ddb.put_item(TableName=arn, Item={"id": {"S": "a"}})
    assert ddb.get_item(TableName=arn, Key={"id": {"S": "a"}})["Item"] == {"id": {"S": "a"}}
    assert (
        ddb.query(
            TableName=arn,
            KeyConditionExpression="id = :a",
            ExpressionAttributeValues={":a": {"S": "a"}},
        )["Count"]
        == 1
    )
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == "Users"
    other_region = arn.replace("eu-west-1", "us-east-1")
    with pytest.raises(ClientError) as raised:
        ddb.describe_table(TableName=other_region)
    assert error(raised)[0] == "ResourceNotFoundException"
    ddb.delete_table(TableName=arn)
    assert ddb.list_tables()["TableNames"] == []
