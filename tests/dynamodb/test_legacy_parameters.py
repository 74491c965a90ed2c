"""Legacy (non-expression) parameters through boto3's client and resource layers, where the
AWS documentation decides what DynamoDB Local gets wrong, and their stream records."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams


def stream_images(ddb: Any, streams: Any) -> list[tuple[str, Any, Any]]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records = [r for shard in shards for r in read_shard(streams, arn, shard["ShardId"])]
    return [
        (r["eventName"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage"))
        for r in records
    ]


def test_legacy_writes_make_the_stream_records_of_their_expressions(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    key = {"id": {"S": "ada"}}
    ddb.put_item(
        TableName="Users", Item={**key, "n": {"N": "1"}}, Expected={"id": {"Exists": False}}
    )
    ddb.update_item(
        TableName="Users",
        Key=key,
        AttributeUpdates={
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "tags": {"Value": {"SS": ["a"]}},
        },
        Expected={"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
    )
    ddb.delete_item(TableName="Users", Key=key, Expected={"n": {"Value": {"N": "3"}}})
    legacy = stream_images(ddb, streams)
    ddb.delete_table(TableName="Users")

    create_stream_table(ddb)
    ddb.put_item(
        TableName="Users",
        Item={**key, "n": {"N": "1"}},
        ConditionExpression="attribute_not_exists(id)",
    )
    ddb.update_item(
        TableName="Users",
        Key=key,
        UpdateExpression="ADD n :two SET tags = :tags",
        ConditionExpression="n = :one",
        ExpressionAttributeValues={":two": {"N": "2"}, ":tags": {"SS": ["a"]}, ":one": {"N": "1"}},
    )
    ddb.delete_item(
        TableName="Users",
        Key=key,
        ConditionExpression="n = :n",
        ExpressionAttributeValues={":n": {"N": "3"}},
    )

    assert legacy == stream_images(ddb, streams)
    assert [name for name, _, _ in legacy] == ["INSERT", "MODIFY", "REMOVE"]


def test_an_update_without_action_puts_the_value(ddb: Any) -> None:
    # AWS API reference, AttributeValueUpdate: "PUT (default)". DynamoDB Local ignores it.
    create_stream_table(ddb, view_type=None)
    answer = ddb.update_item(
        TableName="Users",
        Key={"id": {"S": "ada"}},
        AttributeUpdates={"a": {"Value": {"S": "x"}}, "b": {"Value": {"N": "1"}}},
        ReturnValues="UPDATED_NEW",
    )

    assert answer["Attributes"] == {"a": {"S": "x"}, "b": {"N": "1"}}


def test_deleting_only_on_a_missing_item_creates_nothing(ddb: Any, streams: Any) -> None:
    create_stream_table(ddb)
    answer = ddb.update_item(
        TableName="Users",
        Key={"id": {"S": "ghost"}},
        AttributeUpdates={
            "a": {"Action": "DELETE"},
            "s": {"Action": "DELETE", "Value": {"SS": ["x"]}},
        },
        ReturnValues="ALL_NEW",
    )

    assert "Attributes" not in answer
    assert "Item" not in ddb.get_item(TableName="Users", Key={"id": {"S": "ghost"}})
    assert stream_images(ddb, streams) == []


def test_key_conditions_refuse_operators_that_are_not_indexable(ddb: Any) -> None:
    # dynalite's AWS-recorded test/query.js; DynamoDB Local answers otherwise.
    create_stream_table(ddb, view_type=None, range_key="seq")
    for key_conditions in (
        {"id": {"ComparisonOperator": "NULL"}},
        {"id": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "a"}]}},
        {
            "id": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
            "seq": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}]},
        },
    ):
        with pytest.raises(ClientError) as raised:
            ddb.query(TableName="Users", KeyConditions=key_conditions)
        assert raised.value.response["Error"]["Message"] == (
            "Attempted conditional constraint is not an indexable operation"
        )


def test_the_resource_layer_sends_legacy_parameters(dynastream: MockStreams) -> None:
    resource = boto3.resource("dynamodb", region_name=REGION)
    create_stream_table(resource.meta.client, view_type=None, range_key="seq")
    table = resource.Table("Users")
    for seq in (1, 2, 3):
        table.put_item(Item={"id": "ada", "seq": seq, "n": seq * 10})
    table.update_item(
        Key={"id": "ada", "seq": 2},
        AttributeUpdates={
            "n": {"Action": "ADD", "Value": 5},
            "tags": {"Action": "PUT", "Value": {"x"}},
        },
        Expected={"n": {"Value": 20}},
    )

    found = table.query(
        KeyConditions={
            "id": {"AttributeValueList": ["ada"], "ComparisonOperator": "EQ"},
            "seq": {"AttributeValueList": [2], "ComparisonOperator": "GE"},
        },
        QueryFilter={"n": {"AttributeValueList": [20], "ComparisonOperator": "GT"}},
        AttributesToGet=["seq", "n", "tags"],
    )
    scanned = table.scan(ScanFilter={"tags": {"ComparisonOperator": "NOT_NULL"}})

    assert found["Items"] == [{"seq": 2, "n": 25, "tags": {"x"}}, {"seq": 3, "n": 30}]
    assert [item["seq"] for item in scanned["Items"]] == [2]
    with pytest.raises(ClientError) as raised:
        table.put_item(Item={"id": "ada", "seq": 1}, Expected={"n": {"Value": 99}})
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_key_conditions_name_every_attribute_of_a_multi_attribute_gsi_key(ddb: Any) -> None:
    # AWS serves legacy KeyConditions on multi-attribute keys (moto's aws_verified
    # test_key_conditions_with_range_keys); a single-attribute key still takes two.
    definitions = [("pk", "S"), ("team", "S"), ("tier", "S"), ("score", "N")]
    ddb.create_table(
        TableName="Multi",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in definitions],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "ranking",
                "KeySchema": [
                    {"AttributeName": "team", "KeyType": "HASH"},
                    {"AttributeName": "tier", "KeyType": "RANGE"},
                    {"AttributeName": "score", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for n, (tier, score) in enumerate([("gold", 100), ("gold", 200), ("gold", 300), ("iron", 50)]):
        ddb.put_item(
            TableName="Multi",
            Item={
                "pk": {"S": str(n)},
                "team": {"S": "red"},
                "tier": {"S": tier},
                "score": {"N": str(score)},
            },
        )
    conditions = {
        "team": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "red"}]},
        "tier": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "gold"}]},
        "score": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]},
    }
    found = ddb.query(TableName="Multi", IndexName="ranking", KeyConditions=conditions)
    assert [item["score"]["N"] for item in found["Items"]] == ["200", "300"]
    three_on_the_table = {**conditions, "pk": conditions.pop("team")}
    with pytest.raises(ClientError) as raised:
        ddb.query(TableName="Multi", KeyConditions=three_on_the_table)
    assert raised.value.response["Error"]["Message"] == "Conditions can be of length 1 or 2 only"
