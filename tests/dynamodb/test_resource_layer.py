"""The boto3 resource layer, as most users write it: Table, conditions, batch_writer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from helpers import REGION, create_stream_table, read_shard


@pytest.fixture
def table(ddb: Any) -> Any:
    create_stream_table(ddb, range_key="seq")
    return boto3.resource("dynamodb", region_name=REGION).Table("Users")


def test_put_and_get_item_round_trip_python_values(table: Any) -> None:
    table.put_item(Item={"id": "ada", "seq": 1, "name": "Ada", "tags": {"x", "y"}, "ok": True})

    item = table.get_item(Key={"id": "ada", "seq": 1})["Item"]

    assert item == {
        "id": "ada",
        "seq": Decimal(1),
        "name": "Ada",
        "tags": {"x", "y"},
        "ok": True,
    }


def test_update_item_with_condition(table: Any) -> None:
    table.put_item(Item={"id": "ada", "seq": 1, "visits": 1})

    answer = table.update_item(
        Key={"id": "ada", "seq": 1},
        UpdateExpression="SET visits = visits + :one",
        ConditionExpression=Attr("visits").lt(5),
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )

    assert answer["Attributes"] == {"visits": Decimal(2)}


def test_failed_condition_raises_the_modeled_exception(table: Any) -> None:
    table.put_item(Item={"id": "ada", "seq": 1})

    with pytest.raises(table.meta.client.exceptions.ConditionalCheckFailedException):
        table.put_item(Item={"id": "ada", "seq": 1}, ConditionExpression=Attr("id").not_exists())


def test_query_with_key_and_attr_conditions(table: Any) -> None:
    for seq in range(10):
        table.put_item(Item={"id": "ada", "seq": seq, "even": seq % 2 == 0})
    table.put_item(Item={"id": "bob", "seq": 3, "even": False})

    answer = table.query(
        KeyConditionExpression=Key("id").eq("ada") & Key("seq").between(2, 7),
        FilterExpression=Attr("even").eq(True),
        ScanIndexForward=False,
    )

    assert [item["seq"] for item in answer["Items"]] == [6, 4, 2]
    assert answer["ScannedCount"] == 6


def test_scan_with_attr_filter(table: Any) -> None:
    table.put_item(Item={"id": "ada", "seq": 1, "city": "Paris"})
    table.put_item(Item={"id": "bob", "seq": 1, "city": "Rome"})

    items = table.scan(FilterExpression=Attr("city").begins_with("Pa"))["Items"]

    assert [item["id"] for item in items] == ["ada"]


def test_batch_writer_writes_sixty_items_in_several_batches(
    table: Any, ddb: Any, streams: Any
) -> None:
    calls: list[int] = []
    table.meta.client.meta.events.register(
        "provide-client-params.dynamodb.BatchWriteItem",
        lambda params, **_: calls.append(len(params["RequestItems"]["Users"])),
    )
    with table.batch_writer() as batch:
        for seq in range(60):
            batch.put_item(Item={"id": f"user{seq % 7}", "seq": seq, "n": seq})

    assert calls == [25, 25, 10]
    items: list[Any] = []
    answer = table.scan(Limit=25)
    items.extend(answer["Items"])
    while "LastEvaluatedKey" in answer:
        answer = table.scan(Limit=25, ExclusiveStartKey=answer["LastEvaluatedKey"])
        items.extend(answer["Items"])
    assert sorted(int(item["seq"]) for item in items) == list(range(60))
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records = [r for shard in shards for r in read_shard(streams, arn, shard["ShardId"])]
    assert len(records) == 60
    assert {record["eventName"] for record in records} == {"INSERT"}
