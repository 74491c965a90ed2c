"""Query and Scan with paging and filters; BatchWriteItem and BatchGetItem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Scenario, Target, create_table, sort_key

Differential = Callable[[Scenario], None]
TABLE = "rows"


def _fill(t: Target) -> None:
    create_table(t, "create", TABLE, range_key=("sk", "N"))
    requests = [
        {"PutRequest": {"Item": {"pk": {"S": p}, "sk": {"N": str(s)}, "v": {"S": f"{p}{s}"}}}}
        for p in ("a", "b", "c")
        for s in (1, 2, 3, 10)
    ]
    t("batch write", "batch_write_item", RequestItems={TABLE: requests})


def test_query_paging_order_and_filters(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        values = {":p": {"S": "a"}}
        t(
            "query all",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=values,
        )
        page = t(
            "query backwards limit 2",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p AND sk >= :s",
            ExpressionAttributeValues={**values, ":s": {"N": "2"}},
            ScanIndexForward=False,
            Limit=2,
        )
        t(
            "query next page",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p AND sk >= :s",
            ExpressionAttributeValues={**values, ":s": {"N": "2"}},
            ScanIndexForward=False,
            Limit=2,
            ExclusiveStartKey=page["LastEvaluatedKey"],
        )
        t(
            "query between and filter",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
            FilterExpression="v <> :a2",
            ExpressionAttributeValues={
                **values,
                ":lo": {"N": "1"},
                ":hi": {"N": "10"},
                ":a2": {"S": "a2"},
            },
        )
        t(
            "query count",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=values,
            Select="COUNT",
        )
        t(
            "query begins_with on number",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
            ExpressionAttributeValues={**values, ":s": {"N": "1"}},
        )
        t("query without key condition", "query", TableName=TABLE)
        t(
            "query on range key only",
            "query",
            TableName=TABLE,
            KeyConditionExpression="sk = :s",
            ExpressionAttributeValues={":s": {"N": "1"}},
        )
        t(
            "query unsupported operator",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk > :p",
            ExpressionAttributeValues=values,
        )
        t(
            "query wrong type",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"N": "1"}},
        )

    differential(scenario)


def test_scan_paging_and_filters(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        t("scan", "scan", TableName=TABLE, unordered=("Items",))
        t(
            "scan filter",
            "scan",
            TableName=TABLE,
            FilterExpression="sk > :two",
            ExpressionAttributeValues={":two": {"N": "2"}},
            unordered=("Items",),
        )
        t("scan count", "scan", TableName=TABLE, Select="COUNT")
        t(
            "scan projection",
            "scan",
            TableName=TABLE,
            ProjectionExpression="v",
            unordered=("Items",),
        )
        items: list[Any] = []
        pages = []
        start: dict[str, Any] | None = None
        while True:
            params: dict[str, Any] = {"TableName": TABLE, "Limit": 5}
            if start is not None:
                params["ExclusiveStartKey"] = start
            page = t.ddb.scan(**params)
            items.extend(page["Items"])
            pages.append((page["Count"], page["ScannedCount"], "LastEvaluatedKey" in page))
            start = page.get("LastEvaluatedKey")
            if start is None:
                break
        # Scan order is unspecified (API reference, Scan): compare the pages' sizes and the
        # union of their items.
        t.note("scan pages of 5", {"pages": pages, "items": sorted(items, key=sort_key)})
        t("scan limit 0", "scan", TableName=TABLE, Limit=0)

    differential(scenario)


def test_batches(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        keys = [{"pk": {"S": "a"}, "sk": {"N": str(s)}} for s in (1, 2, 99)]
        t(
            "batch get",
            "batch_get_item",
            RequestItems={TABLE: {"Keys": keys}},
            unordered=("Responses",),
        )
        t(
            "batch get projection",
            "batch_get_item",
            RequestItems={TABLE: {"Keys": keys[:2], "ProjectionExpression": "v"}},
            unordered=("Responses",),
        )
        t(
            "batch get duplicates",
            "batch_get_item",
            RequestItems={TABLE: {"Keys": [keys[0], keys[0]]}},
        )
        t("batch get missing table", "batch_get_item", RequestItems={"nosuch": {"Keys": keys[:1]}})
        t(
            "batch write put and delete",
            "batch_write_item",
            RequestItems={
                TABLE: [
                    {"DeleteRequest": {"Key": keys[0]}},
                    {"PutRequest": {"Item": {"pk": {"S": "z"}, "sk": {"N": "1"}}}},
                ]
            },
        )
        t(
            "batch write duplicates",
            "batch_write_item",
            RequestItems={
                TABLE: [{"DeleteRequest": {"Key": keys[1]}}, {"DeleteRequest": {"Key": keys[1]}}]
            },
        )
        t(
            "batch write 26",
            "batch_write_item",
            RequestItems={
                TABLE: [
                    {"PutRequest": {"Item": {"pk": {"S": "n"}, "sk": {"N": str(i)}}}}
                    for i in range(26)
                ]
            },
        )
        t("scan after", "scan", TableName=TABLE, unordered=("Items",))

    differential(scenario)
