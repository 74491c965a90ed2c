"""UpdateTable GlobalSecondaryIndexUpdates on an on-demand and a provisioned table with items:
create a GSI (described at once, queried once it can be read), update a GSI's throughput
(provisioned), delete a GSI, and the requests refused."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness import Scenario, Target

Differential = Callable[[Scenario], None]
TABLE = "changing"
#: How long DynamoDB Local may take to finish creating an index (the mock takes no time).
ACTIVE_TIMEOUT_S = 30.0
# DynamoDB leaves the order of AttributeDefinitions unspecified and DynamoDB Local answers them
# in an order of its own once UpdateTable added one: pure ordering, compared sorted.
DEFINITIONS = ("AttributeDefinitions",)


def _gsi(name: str, hash_key: str, provisioned: bool, **extra: Any) -> dict[str, Any]:
    index: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]},
        **extra,
    }
    if provisioned:
        index.update(_throughput(2, 3))
    return index


def _throughput(read: int, write: int) -> dict[str, Any]:
    return {"ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write}}


def _create_table(t: Target, provisioned: bool) -> None:
    billing = _throughput(5, 6) if provisioned else {"BillingMode": "PAY_PER_REQUEST"}
    t(
        "create",
        "create_table",
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[_gsi("by_g", "g", provisioned)],
        **billing,
    )
    requests = []
    for s in range(1, 7):
        item: dict[str, Any] = {
            "pk": {"S": "p"},
            "sk": {"N": str(s)},
            "a": {"S": f"a{s}"},
            "b": {"N": str(s * 10)},
            "g": {"S": "odd" if s % 2 else "even"},
        }
        if s % 3:  # sparse: items 3 and 6 are not in the new index
            item["c"] = {"S": "low" if s < 3 else "high"}
        requests.append({"PutRequest": {"Item": item}})
    t("batch write", "batch_write_item", RequestItems={TABLE: requests})


def _wait_active(t: Target, index: str) -> None:
    """Poll (unrecorded) until ``index`` can be read: DynamoDB Local backfills in the
    background, the mock with its default ``transitions=0`` at once."""
    deadline = time.monotonic() + ACTIVE_TIMEOUT_S
    while True:
        table = t.ddb.describe_table(TableName=TABLE)["Table"]
        statuses = {i["IndexName"]: i["IndexStatus"] for i in table["GlobalSecondaryIndexes"]}
        if statuses.get(index) == "ACTIVE" and all(s == "ACTIVE" for s in statuses.values()):
            return
        assert time.monotonic() < deadline, f"{t.name}: {index} not ACTIVE: {statuses}"
        time.sleep(0.2)


def _wait_gone(t: Target, index: str) -> None:
    """Poll (unrecorded) until ``index`` is no longer described (DELETING on Local)."""
    deadline = time.monotonic() + ACTIVE_TIMEOUT_S
    while True:
        table = t.ddb.describe_table(TableName=TABLE)["Table"]
        names = [i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])]
        if index not in names:
            return
        assert time.monotonic() < deadline, f"{t.name}: {index} still described: {names}"
        time.sleep(0.2)


def _query(t: Target, label: str, index: str, key: str, value: str) -> dict[str, Any]:
    return t(
        label,
        "query",
        TableName=TABLE,
        IndexName=index,
        KeyConditionExpression=f"{key} = :v",
        ExpressionAttributeValues={":v": {"S": value}},
    )


def _index_changes(provisioned: bool) -> Scenario:
    def scenario(t: Target) -> None:
        _create_table(t, provisioned)
        throughput = _throughput(4, 1) if provisioned else {}
        t(
            "create index",
            "update_table",
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "c", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": _gsi("by_c", "c", False, **throughput)}],
            unordered=DEFINITIONS,
        )
        t("create index described", "describe_table", TableName=TABLE, unordered=DEFINITIONS)
        _wait_active(t, "by_c")
        t("describe active", "describe_table", TableName=TABLE, unordered=DEFINITIONS)
        _query(t, "query new index", "by_c", "c", "low")
        _query(t, "query new index other value", "by_c", "c", "high")
        t("scan new index", "scan", TableName=TABLE, IndexName="by_c", unordered=("Items",))
        t(
            "create existing index",
            "update_table",
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[{"Create": _gsi("by_g", "g", False, **throughput)}],
        )
        t(
            "delete unknown index",
            "update_table",
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nosuch"}}],
        )
        twice: dict[str, Any] = (
            {"Update": {"IndexName": "by_g", **_throughput(7, 8)}}
            if provisioned
            else {"Delete": {"IndexName": "by_g"}}
        )
        t(
            "two updates of one index",
            "update_table",
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[twice, twice],
        )
        t(
            "missing attribute definition",
            "update_table",
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[{"Create": _gsi("by_b", "b", False, **throughput)}],
        )
        if provisioned:
            t(
                "update index throughput",
                "update_table",
                TableName=TABLE,
                GlobalSecondaryIndexUpdates=[
                    {"Update": {"IndexName": "by_g", **_throughput(7, 8)}}
                ],
                unordered=DEFINITIONS,
            )
            t("describe updated", "describe_table", TableName=TABLE, unordered=DEFINITIONS)
        t(
            "delete index",
            "update_table",
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g"}}],
            unordered=DEFINITIONS,
        )
        _wait_gone(t, "by_g")
        t("describe after delete", "describe_table", TableName=TABLE, unordered=DEFINITIONS)
        _query(t, "query deleted index", "by_g", "g", "odd")
        _query(t, "query remaining index", "by_c", "c", "high")

    return scenario


def test_gsi_changes_on_demand(differential: Differential) -> None:
    differential(_index_changes(provisioned=False))


def test_gsi_changes_provisioned(differential: Differential) -> None:
    differential(_index_changes(provisioned=True))
