"""Transactions: TransactWriteItems (success, cancellation, idempotency) and TransactGetItems."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
TABLE = "accounts"
OTHER = "ledger"


def _key(value: str) -> dict[str, Any]:
    return {"pk": {"S": value}}


def _fill(t: Target) -> None:
    create_table(
        t,
        "create",
        TABLE,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    create_table(t, "create other", OTHER, range_key=("sk", "N"))
    for name, balance in (("alice", "100"), ("bob", "20"), ("carol", "5")):
        t(
            f"put {name}",
            "put_item",
            TableName=TABLE,
            Item={**_key(name), "balance": {"N": balance}, "tags": {"SS": ["x"]}},
        )


def _records(t: Target) -> list[Any]:
    arn = t.ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = t.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = t.streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(t.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])


def _transfer(amount: str) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": TABLE,
                "Key": _key("alice"),
                "UpdateExpression": "SET balance = balance - :a",
                "ConditionExpression": "balance >= :a",
                "ExpressionAttributeValues": {":a": {"N": amount}},
            }
        },
        {
            "Update": {
                "TableName": TABLE,
                "Key": _key("bob"),
                "UpdateExpression": "SET balance = balance + :a",
                "ExpressionAttributeValues": {":a": {"N": amount}},
            }
        },
        {
            "Put": {
                "TableName": OTHER,
                "Item": {"pk": {"S": "alice"}, "sk": {"N": "1"}, "amount": {"N": amount}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ]


def test_transact_write_success_and_stream_records(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        t(
            "transaction",
            "transact_write_items",
            TransactItems=[
                *_transfer("30"),
                {"Delete": {"TableName": TABLE, "Key": _key("carol")}},
                {
                    "ConditionCheck": {
                        "TableName": OTHER,
                        "Key": {"pk": {"S": "nobody"}, "sk": {"N": "0"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {**_key("dave"), "balance": {"N": "0"}},
                    }
                },
            ],
        )
        t("scan after", "scan", TableName=TABLE, unordered=("Items",))
        t("scan other after", "scan", TableName=OTHER, unordered=("Items",))
        t(
            "delete missing and update new",
            "transact_write_items",
            TransactItems=[
                {"Delete": {"TableName": TABLE, "Key": _key("nobody")}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": _key("erin"),
                        "UpdateExpression": "ADD tags :t",
                        "ExpressionAttributeValues": {":t": {"SS": ["new"]}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": _key("alice"),
                        "ConditionExpression": "balance = :b",
                        "ExpressionAttributeValues": {":b": {"N": "70"}},
                    }
                },
            ],
        )
        t(
            "unchanged put",
            "transact_write_items",
            TransactItems=[
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {**_key("dave"), "balance": {"N": "0"}},
                    }
                }
            ],
        )
        t.note("stream records", _records(t))

    differential(scenario)


def test_transact_write_cancelled(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        t(
            "insufficient balance",
            "transact_write_items",
            TransactItems=[
                _transfer("500")[0],
                _transfer("500")[1],
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": _key("carol"),
                        "ConditionExpression": "balance > :b",
                        "ExpressionAttributeValues": {":b": {"N": "10"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {
                    "Delete": {
                        "TableName": TABLE,
                        "Key": _key("nobody"),
                        "ConditionExpression": "attribute_exists(pk)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ],
        )
        t("scan after cancel", "scan", TableName=TABLE, unordered=("Items",))
        t(
            "two actions on one item",
            "transact_write_items",
            TransactItems=[
                {"Delete": {"TableName": TABLE, "Key": _key("alice")}},
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": _key("alice"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ],
        )
        t(
            "missing table",
            "transact_write_items",
            TransactItems=[{"Delete": {"TableName": "nosuch", "Key": _key("alice")}}],
        )
        t(
            "two kinds in one entry",
            "transact_write_items",
            TransactItems=[
                {
                    "Delete": {"TableName": TABLE, "Key": _key("alice")},
                    "Put": {"TableName": TABLE, "Item": _key("alice")},
                }
            ],
        )
        t(
            "arithmetic on a missing attribute",
            "transact_write_items",
            TransactItems=[
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": _key("alice"),
                        "UpdateExpression": "SET nothing = nothing + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Delete": {"TableName": TABLE, "Key": _key("bob")}},
            ],
        )
        t.note("stream records", _records(t))

    differential(scenario)


def test_client_request_token(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        items = _transfer("10")[:2]
        t("first", "transact_write_items", TransactItems=items, ClientRequestToken="token-1")
        t("replay", "transact_write_items", TransactItems=items, ClientRequestToken="token-1")
        t("get after replay", "get_item", TableName=TABLE, Key=_key("alice"))
        t(
            "same token other request",
            "transact_write_items",
            TransactItems=_transfer("11")[:2],
            ClientRequestToken="token-1",
        )
        t("get after mismatch", "get_item", TableName=TABLE, Key=_key("alice"))

    differential(scenario)


def test_transact_get_items(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        t(
            "get with projections",
            "transact_get_items",
            TransactItems=[
                {"Get": {"TableName": TABLE, "Key": _key("alice")}},
                {
                    "Get": {
                        "TableName": TABLE,
                        "Key": _key("bob"),
                        "ProjectionExpression": "#b",
                        "ExpressionAttributeNames": {"#b": "balance"},
                    }
                },
                {"Get": {"TableName": TABLE, "Key": _key("nobody")}},
                {
                    "Get": {
                        "TableName": OTHER,
                        "Key": {"pk": {"S": "x"}, "sk": {"N": "1"}},
                        "ProjectionExpression": "pk",
                    }
                },
            ],
        )
        t(
            "same item twice",
            "transact_get_items",
            TransactItems=[
                {"Get": {"TableName": TABLE, "Key": _key("alice")}},
                {"Get": {"TableName": TABLE, "Key": _key("alice")}},
            ],
        )
        t(
            "missing table",
            "transact_get_items",
            TransactItems=[{"Get": {"TableName": "nosuch", "Key": _key("alice")}}],
        )
        t(
            "partial key",
            "transact_get_items",
            TransactItems=[{"Get": {"TableName": OTHER, "Key": _key("alice")}}],
        )

    differential(scenario)
