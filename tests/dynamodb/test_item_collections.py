"""Item collections of tables with local secondary indexes: ReturnItemCollectionMetrics on
every write path, and the collection size limit (10 GB on AWS, lowered here by patching
the one constant so a test can reach it)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams
from dynastream_mock.backend import tables, values

ORDERS = "Orders"


@pytest.fixture
def orders(dynastream: MockStreams, ddb: Any) -> str:
    """Orders keyed by customer and order id, with an LSI by amount (KEYS_ONLY)."""
    ddb.create_table(
        TableName=ORDERS,
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "S"},
            {"AttributeName": "amount", "AttributeType": "N"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "ByAmount",
                "KeySchema": [
                    {"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "amount", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return ORDERS


def order(customer: str, number: str, amount: int | None = 10, note: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {"customer": {"S": customer}, "order": {"S": number}}
    if amount is not None:
        item["amount"] = {"N": str(amount)}
    if note:
        item["note"] = {"S": note}
    return item


def order_key(customer: str, number: str) -> dict[str, Any]:
    return {"customer": {"S": customer}, "order": {"S": number}}


def metrics_of(customer: str, low: float = 0.0) -> dict[str, Any]:
    return {
        "ItemCollectionKey": {"customer": {"S": customer}},
        "SizeEstimateRangeGB": [low, low + 1],
    }


# -- ReturnItemCollectionMetrics -------------------------------------------------------------


def test_put_update_and_delete_answer_the_collection_of_the_item(ddb: Any, orders: str) -> None:
    put = ddb.put_item(TableName=orders, Item=order("c1", "o1"), ReturnItemCollectionMetrics="SIZE")
    assert put["ItemCollectionMetrics"] == metrics_of("c1")
    update = ddb.update_item(
        TableName=orders,
        Key=order_key("c1", "o1"),
        UpdateExpression="SET amount = :t",
        ExpressionAttributeValues={":t": {"N": "12"}},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert update["ItemCollectionMetrics"] == metrics_of("c1")
    delete = ddb.delete_item(
        TableName=orders, Key=order_key("c1", "o1"), ReturnItemCollectionMetrics="SIZE"
    )
    assert delete["ItemCollectionMetrics"] == metrics_of("c1")
    # Deleting what is not there still names the collection asked about.
    missing = ddb.delete_item(
        TableName=orders, Key=order_key("c9", "o1"), ReturnItemCollectionMetrics="SIZE"
    )
    assert missing["ItemCollectionMetrics"] == metrics_of("c9")


def test_metrics_are_answered_only_when_asked_for_as_size(ddb: Any, orders: str) -> None:
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=orders, Item=order("c1", "o1"))
    answer = ddb.put_item(
        TableName=orders, Item=order("c1", "o2"), ReturnItemCollectionMetrics="NONE"
    )
    assert "ItemCollectionMetrics" not in answer


def test_a_table_without_local_indexes_has_no_item_collection_metrics(ddb: Any) -> None:
    create_stream_table(ddb, "Plain", None)
    item = {"id": {"S": "u1"}}
    assert "ItemCollectionMetrics" not in ddb.put_item(
        TableName="Plain", Item=item, ReturnItemCollectionMetrics="SIZE"
    )
    batch = ddb.batch_write_item(
        RequestItems={"Plain": [{"PutRequest": {"Item": {"id": {"S": "u2"}}}}]},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert "ItemCollectionMetrics" not in batch


def test_an_unknown_metrics_mode_is_refused(ddb: Any, orders: str) -> None:
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName=orders, Item=order("c1", "o1"), ReturnItemCollectionMetrics="ALL")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "returnItemCollectionMetrics" in error["Message"]
    assert ddb.scan(TableName=orders)["Count"] == 0


def test_batch_write_answers_each_collection_once_per_table(ddb: Any, orders: str) -> None:
    create_stream_table(ddb, "Plain", None)
    answer = ddb.batch_write_item(
        RequestItems={
            orders: [
                {"PutRequest": {"Item": order("c1", "o1")}},
                {"PutRequest": {"Item": order("c2", "o1")}},
                {"PutRequest": {"Item": order("c1", "o2")}},
                {"DeleteRequest": {"Key": order_key("c3", "o1")}},
            ],
            "Plain": [{"PutRequest": {"Item": {"id": {"S": "u1"}}}}],
        },
        ReturnItemCollectionMetrics="SIZE",
    )
    assert answer["ItemCollectionMetrics"] == {
        orders: [metrics_of("c1"), metrics_of("c2"), metrics_of("c3")]
    }


def test_transact_write_answers_the_collections_written_not_checked(ddb: Any, orders: str) -> None:
    ddb.put_item(TableName=orders, Item=order("c4", "o1"))
    answer = ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": orders, "Item": order("c1", "o1")}},
            {
                "Update": {
                    "TableName": orders,
                    "Key": order_key("c2", "o1"),
                    "UpdateExpression": "SET amount = :t",
                    "ExpressionAttributeValues": {":t": {"N": "3"}},
                }
            },
            {"Delete": {"TableName": orders, "Key": order_key("c1", "o9")}},
            {
                "ConditionCheck": {
                    "TableName": orders,
                    "Key": order_key("c4", "o1"),
                    "ConditionExpression": "attribute_exists(customer)",
                }
            },
        ],
        ReturnItemCollectionMetrics="SIZE",
    )
    assert answer["ItemCollectionMetrics"] == {orders: [metrics_of("c1"), metrics_of("c2")]}


def test_the_resource_layer_reads_the_collection_key_as_python_values(
    dynastream: MockStreams, orders: str
) -> None:
    table = boto3.resource("dynamodb", region_name=REGION).Table(orders)
    answer = table.put_item(
        Item={"customer": "c1", "order": "o1", "amount": 5}, ReturnItemCollectionMetrics="SIZE"
    )
    assert answer["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"customer": "c1"},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }


def test_the_size_band_is_the_gigabyte_the_collection_falls_in(
    ddb: Any, orders: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A "gigabyte" of 100 bytes makes the band move with a few small items.
    monkeypatch.setattr("dynastream_mock.api.item_requests.BYTES_PER_GB", 100)
    items = [order("c1", f"o{n}", note="x" * 40) for n in range(5)]
    for item in items:
        answer = ddb.put_item(TableName=orders, Item=item, ReturnItemCollectionMetrics="SIZE")
    keys_only = [{name: item[name] for name in ("customer", "order", "amount")} for item in items]
    exact = sum(values.item_size(item) for item in items + keys_only)
    assert answer["ItemCollectionMetrics"]["SizeEstimateRangeGB"] == [
        exact // 100,
        exact // 100 + 1,
    ]


# -- the item collection size limit -----------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Room for two and a half orders: each a base item plus its KEYS_ONLY entry in ByAmount."""
    base = order("c1", "o1", note="x" * 60)
    entry = {name: base[name] for name in ("customer", "order", "amount")}
    one_order = values.item_size(base) + values.item_size(entry)
    limit = 2 * one_order + one_order // 2
    monkeypatch.setattr(tables, "ITEM_COLLECTION_LIMIT_BYTES", limit)
    return limit


def fill(ddb: Any, table: str, customer: str) -> list[str]:
    """Put orders of one customer until the next one is refused; the orders stored."""
    stored: list[str] = []
    for number in range(100):
        try:
            ddb.put_item(TableName=table, Item=order(customer, f"o{number}", note="x" * 60))
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ItemCollectionSizeLimitExceededException"
            return stored
        stored.append(f"o{number}")
    raise AssertionError("the collection never reached its limit")


def stored_orders(ddb: Any, table: str, customer: str) -> list[str]:
    answer = ddb.query(
        TableName=table,
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": customer}},
    )
    return [item["order"]["S"] for item in answer["Items"]]


def test_a_full_collection_refuses_growth_and_changes_nothing(
    ddb: Any, orders: str, small_limit: int
) -> None:
    stored = fill(ddb, orders, "c1")
    assert len(stored) == 2
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName=orders, Item=order("c1", "new", note="x" * 60))
    assert caught.value.response["Error"] == {
        "Code": "ItemCollectionSizeLimitExceededException",
        "Message": "Collection size exceeded.",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert stored_orders(ddb, orders, "c1") == stored
    with pytest.raises(ClientError, match="Collection size exceeded"):
        ddb.update_item(
            TableName=orders,
            Key=order_key("c1", stored[0]),
            UpdateExpression="SET note = :n",
            ExpressionAttributeValues={":n": {"S": "y" * 200}},
        )
    kept = ddb.get_item(TableName=orders, Key=order_key("c1", stored[0]))["Item"]
    assert kept["note"]["S"] == "x" * 60


def test_writes_that_shrink_a_full_collection_and_other_collections_go_on(
    ddb: Any, orders: str, small_limit: int
) -> None:
    stored = fill(ddb, orders, "c1")
    ddb.update_item(
        TableName=orders, Key=order_key("c1", stored[0]), UpdateExpression="REMOVE note"
    )
    ddb.delete_item(TableName=orders, Key=order_key("c1", stored[1]))
    ddb.put_item(TableName=orders, Item=order("c2", "o1", note="x" * 60))
    # The room the delete made is room again.
    ddb.put_item(TableName=orders, Item=order("c1", "again", note="x" * 60))
    assert sorted(stored_orders(ddb, orders, "c1")) == sorted([stored[0], "again"])


def test_an_item_outside_the_local_index_still_counts_its_base_size(
    ddb: Any, orders: str, small_limit: int
) -> None:
    for number in range(100):
        try:
            ddb.put_item(TableName=orders, Item=order("c1", f"o{number}", None, "x" * 60))
        except ClientError:
            break
    # Without amounts nothing is indexed, so more fit than with them (2), but not unboundedly.
    assert 2 < len(stored_orders(ddb, orders, "c1")) < 100


def test_a_table_without_local_indexes_has_no_collection_limit(ddb: Any, small_limit: int) -> None:
    ddb.create_table(
        TableName="Flat",
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for number in range(10):
        ddb.put_item(TableName="Flat", Item=order("c1", f"o{number}", note="x" * 60))
    assert len(stored_orders(ddb, "Flat", "c1")) == 10


def test_batch_write_into_a_full_collection_writes_nothing(
    ddb: Any, orders: str, small_limit: int
) -> None:
    stored = fill(ddb, orders, "c1")
    with pytest.raises(ClientError) as caught:
        ddb.batch_write_item(
            RequestItems={
                orders: [
                    {"PutRequest": {"Item": order("c2", "o1")}},
                    {"PutRequest": {"Item": order("c1", "new", note="x" * 60)}},
                ]
            }
        )
    assert caught.value.response["Error"]["Code"] == "ItemCollectionSizeLimitExceededException"
    assert stored_orders(ddb, orders, "c2") == []
    assert stored_orders(ddb, orders, "c1") == stored


def test_a_transaction_growing_a_full_collection_is_cancelled(
    ddb: Any, orders: str, small_limit: int
) -> None:
    fill(ddb, orders, "c1")
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": orders, "Item": order("c2", "o1")}},
                {"Put": {"TableName": orders, "Item": order("c1", "new", note="x" * 60)}},
            ]
        )
    response = caught.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert "[None, ItemCollectionSizeLimitExceeded]" in response["Error"]["Message"]
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ItemCollectionSizeLimitExceeded", "Message": "Collection size exceeded."},
    ]
    assert stored_orders(ddb, orders, "c2") == []


def test_partiql_writes_into_a_full_collection_are_refused(
    ddb: Any, orders: str, small_limit: int
) -> None:
    fill(ddb, orders, "c1")
    note = "x" * 60
    insert = (
        f"INSERT INTO {orders} VALUE "
        f"{{'customer': 'c1', 'order': 'new', 'amount': 1, 'note': '{note}'}}"
    )
    with pytest.raises(ClientError) as caught:
        ddb.execute_statement(Statement=insert)
    assert caught.value.response["Error"]["Code"] == "ItemCollectionSizeLimitExceededException"
    batch = ddb.batch_execute_statement(Statements=[{"Statement": insert}])
    assert batch["Responses"][0]["Error"] == {
        "Code": "ItemCollectionSizeLimitExceeded",
        "Message": "Collection size exceeded.",
    }
    assert "new" not in stored_orders(ddb, orders, "c1")
