"""Secondary indexes: an LSI and GSIs of each projection, Query and Scan on them, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Scenario, Target

Differential = Callable[[Scenario], None]
TABLE = "indexed"


def _gsi(name: str, hash_key: str, projection: dict[str, Any]) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": projection,
    }


def _fill(t: Target) -> None:
    # The description's shape is compared in test_tables.py; DynamoDB Local lists GSIs in
    # an order of its own, so this table's creation is not recorded.
    t.ddb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "lsk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_lsk",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lsk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        GlobalSecondaryIndexes=[
            _gsi("g_all", "g", {"ProjectionType": "ALL"}),
            _gsi("g_keys", "g", {"ProjectionType": "KEYS_ONLY"}),
            _gsi("g_include", "g", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]}),
        ],
    )
    requests = []
    for p in ("x", "y"):
        for s in range(1, 6):
            item: dict[str, Any] = {
                "pk": {"S": p},
                "sk": {"N": str(s)},
                "a": {"S": f"a{s}"},
                "b": {"N": str(s * 10)},
            }
            if s != 3:  # sparse: item 3 is in no index but the table
                item["g"] = {"S": "odd" if s % 2 else "even"}
                item["lsk"] = {"S": f"l{6 - s}"}
            requests.append({"PutRequest": {"Item": item}})
    t("batch write", "batch_write_item", RequestItems={TABLE: requests})


def _query(t: Target, label: str, index: str, **extra: Any) -> dict[str, Any]:
    return t(
        label,
        "query",
        TableName=TABLE,
        IndexName=index,
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "odd"}},
        **extra,
    )


def test_query_and_scan_indexes(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        for index in ("g_all", "g_keys", "g_include"):
            _query(t, f"query {index}", index)
            _query(t, f"query {index} backwards", index, ScanIndexForward=False)
            _query(t, f"query {index} count", index, Select="COUNT")
            t(f"scan {index}", "scan", TableName=TABLE, IndexName=index, unordered=("Items",))
        page = _query(t, "query g_all limit 1", "g_all", Limit=1)
        _query(t, "query g_all next", "g_all", Limit=1, ExclusiveStartKey=page["LastEvaluatedKey"])
        _query(t, "query g_keys projected", "g_keys", Select="ALL_PROJECTED_ATTRIBUTES")
        _query(t, "query g_include attributes", "g_include", ProjectionExpression="a, sk")
        t(
            "query lsi",
            "query",
            TableName=TABLE,
            IndexName="by_lsk",
            KeyConditionExpression="pk = :p AND lsk > :l",
            ExpressionAttributeValues={":p": {"S": "x"}, ":l": {"S": "l1"}},
        )
        page = t(
            "query lsi limit 2",
            "query",
            TableName=TABLE,
            IndexName="by_lsk",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "y"}},
            Limit=2,
            ScanIndexForward=False,
        )
        t(
            "query lsi next",
            "query",
            TableName=TABLE,
            IndexName="by_lsk",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "y"}},
            Limit=2,
            ScanIndexForward=False,
            ExclusiveStartKey=page["LastEvaluatedKey"],
        )
        t("scan lsi", "scan", TableName=TABLE, IndexName="by_lsk", unordered=("Items",))

    differential(scenario)


def test_index_errors(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        _query(t, "unknown index", "nosuch")
        t("scan unknown index", "scan", TableName=TABLE, IndexName="nosuch")
        _query(t, "consistent read on gsi", "g_all", ConsistentRead=True)
        _query(t, "all attributes on keys-only gsi", "g_keys", Select="ALL_ATTRIBUTES")
        _query(t, "all attributes on include gsi", "g_include", Select="ALL_ATTRIBUTES")
        _query(t, "all attributes on all gsi", "g_all", Select="ALL_ATTRIBUTES")
        t(
            "index key type mismatch",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "z"}, "sk": {"N": "1"}, "g": {"N": "1"}},
        )
        t(
            "empty index key",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "z"}, "sk": {"N": "1"}, "lsk": {"S": ""}},
        )

    differential(scenario)
