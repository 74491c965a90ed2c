"""GetItem through the boto3 client: projections, keys, consumed capacity."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table


def failure(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


@pytest.fixture
def orders(ddb: Any) -> Any:
    create_stream_table(ddb, "Orders", range_key="at")
    ddb.put_item(
        TableName="Orders",
        Item={
            "id": {"S": "c1"},
            "at": {"N": "5"},
            "total": {"N": "12.5"},
            "address": {"M": {"city": {"S": "Paris"}, "zip": {"S": "75001"}}},
            "parts": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
        },
    )
    return ddb


KEY = {"id": {"S": "c1"}, "at": {"N": "5"}}


def test_get_item_returns_the_stored_item(orders: Any) -> None:
    item = orders.get_item(TableName="Orders", Key=KEY, ConsistentRead=True)["Item"]

    assert item["total"] == {"N": "12.5"}
    assert item["address"]["M"]["city"] == {"S": "Paris"}


def test_get_item_finds_a_number_key_written_differently(orders: Any) -> None:
    item = orders.get_item(TableName="Orders", Key={"id": {"S": "c1"}, "at": {"N": "5.0"}})

    assert item["Item"]["at"] == {"N": "5"}


def test_get_item_of_a_missing_item_answers_no_item(orders: Any) -> None:
    answer = orders.get_item(TableName="Orders", Key={"id": {"S": "c1"}, "at": {"N": "6"}})

    assert "Item" not in answer


def test_projection_expression_keeps_the_listed_paths(orders: Any) -> None:
    item = orders.get_item(
        TableName="Orders",
        Key=KEY,
        ProjectionExpression="#t, address.city, parts[2]",
        ExpressionAttributeNames={"#t": "total"},
    )["Item"]

    assert item == {
        "total": {"N": "12.5"},
        "address": {"M": {"city": {"S": "Paris"}}},
        "parts": {"L": [{"S": "c"}]},
    }


def test_attributes_to_get_is_served(orders: Any) -> None:
    item = orders.get_item(TableName="Orders", Key=KEY, AttributesToGet=["id", "parts"])["Item"]

    assert set(item) == {"id", "parts"}


def test_projection_and_attributes_to_get_together_are_refused(orders: Any) -> None:
    with pytest.raises(ClientError) as raised:
        orders.get_item(
            TableName="Orders", Key=KEY, ProjectionExpression="id", AttributesToGet=["id"]
        )

    assert failure(raised) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}",
    )


def test_unused_expression_attribute_name_is_refused(orders: Any) -> None:
    with pytest.raises(ClientError) as raised:
        orders.get_item(
            TableName="Orders",
            Key=KEY,
            ProjectionExpression="id",
            ExpressionAttributeNames={"#unused": "x"},
        )

    assert failure(raised) == (
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
    )


@pytest.mark.parametrize(
    "key",
    [
        {"id": {"S": "c1"}},
        {"id": {"S": "c1"}, "at": {"S": "5"}},
        {"id": {"S": "c1"}, "at": {"N": "5"}, "total": {"N": "1"}},
        {"id": {"S": "c1"}, "when": {"N": "5"}},
    ],
)
def test_key_not_matching_the_schema_is_refused(orders: Any, key: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        orders.get_item(TableName="Orders", Key=key)

    assert failure(raised) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )


def test_empty_string_key_is_refused(orders: Any) -> None:
    with pytest.raises(ClientError) as raised:
        orders.get_item(TableName="Orders", Key={"id": {"S": ""}, "at": {"N": "5"}})

    assert failure(raised) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: id",
    )


def test_get_from_a_missing_table_is_not_found(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.get_item(TableName="Nowhere", Key={"id": {"S": "x"}})

    assert failure(raised) == ("ResourceNotFoundException", "Requested resource not found")


@pytest.mark.parametrize(("consistent", "units"), [(True, 1.0), (False, 0.5)])
def test_read_capacity_depends_on_consistency(orders: Any, consistent: bool, units: float) -> None:
    answer = orders.get_item(
        TableName="Orders", Key=KEY, ConsistentRead=consistent, ReturnConsumedCapacity="TOTAL"
    )

    assert answer["ConsumedCapacity"] == {"TableName": "Orders", "CapacityUnits": units}


def test_read_capacity_counts_started_4kb_blocks(orders: Any) -> None:
    orders.put_item(TableName="Orders", Item={**KEY, "blob": {"S": "x" * 9000}})

    answer = orders.get_item(
        TableName="Orders", Key=KEY, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )

    assert answer["ConsumedCapacity"]["CapacityUnits"] == 3.0


def test_no_consumed_capacity_unless_asked(orders: Any) -> None:
    assert "ConsumedCapacity" not in orders.get_item(TableName="Orders", Key=KEY)
