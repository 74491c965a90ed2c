"""DynamoDB Streams: which writes produce records, record shapes per view type, iterators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]


def _shard(t: Target, label: str, table: str) -> tuple[str, str]:
    arn = t.ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    described = t(label, "describe_stream", StreamArn=arn)
    return arn, described["StreamDescription"]["Shards"][0]["ShardId"]


def _records(t: Target, arn: str, shard: str) -> list[Any]:
    iterator = t.streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(t.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])


def _writes(t: Target, table: str) -> None:
    key = {"pk": {"S": "k"}}
    t(f"{table} put", "put_item", TableName=table, Item={**key, "a": {"S": "abc"}})
    t(f"{table} same put", "put_item", TableName=table, Item={**key, "a": {"S": "abc"}})
    t(
        f"{table} modify",
        "put_item",
        TableName=table,
        Item={**key, "a": {"S": "abcd"}, "n": {"N": "1"}},
    )
    t(
        f"{table} same value update",
        "update_item",
        TableName=table,
        Key=key,
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1.0"}},
    )
    t(
        f"{table} failed condition",
        "put_item",
        TableName=table,
        Item=key,
        ConditionExpression="attribute_not_exists(pk)",
    )
    t(f"{table} delete missing", "delete_item", TableName=table, Key={"pk": {"S": "nope"}})
    t(f"{table} update new key", "update_item", TableName=table, Key={"pk": {"S": "u"}})
    t(f"{table} delete", "delete_item", TableName=table, Key=key)


def test_records_per_view_type(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        for view in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            table = view.lower().replace("_", "-")
            create_table(
                t,
                f"create {table}",
                table,
                StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
            )
            _writes(t, table)
            arn, shard = _shard(t, f"{table} describe stream", table)
            t.note(f"{table} records", _records(t, arn, shard))
        t("list streams", "list_streams", unordered=("Streams",))

    differential(scenario)


def test_iterators_and_errors(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(
            t,
            "create",
            "its",
            range_key=("sk", "N"),
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        for i in range(4):
            t(f"put {i}", "put_item", TableName="its", Item={"pk": {"S": "p"}, "sk": {"N": str(i)}})
        arn, shard = _shard(t, "describe stream", "its")
        first = t.streams.get_records(
            ShardIterator=t.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"],
            Limit=2,
        )
        t.note("first two", first)
        second_seq = first["Records"][1]["dynamodb"]["SequenceNumber"]
        for label, kind in (("at", "AT_SEQUENCE_NUMBER"), ("after", "AFTER_SEQUENCE_NUMBER")):
            it = t(
                f"iterator {label}",
                "get_shard_iterator",
                StreamArn=arn,
                ShardId=shard,
                ShardIteratorType=kind,
                SequenceNumber=second_seq,
            )
            t(f"records {label}", "get_records", ShardIterator=it["ShardIterator"])
        latest = t(
            "iterator latest",
            "get_shard_iterator",
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="LATEST",
        )
        t("records latest", "get_records", ShardIterator=latest["ShardIterator"])
        t(
            "latest with sequence",
            "get_shard_iterator",
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="LATEST",
            SequenceNumber=second_seq,
        )
        t(
            "at without sequence",
            "get_shard_iterator",
            StreamArn=arn,
            ShardId=shard,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
        )
        t(
            "unknown shard",
            "get_shard_iterator",
            StreamArn=arn,
            ShardId="shardId-00000001795424983542-00000000",
            ShardIteratorType="LATEST",
        )
        t("limit 0", "get_records", ShardIterator=latest["ShardIterator"], Limit=0)
        t("invalid iterator", "get_records", ShardIterator="x" * 40)
        # Another label's milliseconds: never the stream's own (999 would be, one run in 1000).
        unknown = arn[:-3] + ("998" if arn.endswith("999") else "999")
        t("describe unknown stream", "describe_stream", StreamArn=unknown)
        t("disable", "update_table", TableName="its", StreamSpecification={"StreamEnabled": False})
        t("describe disabled stream", "describe_stream", StreamArn=arn)
        t.note("closed shard", _records(t, arn, shard))
        t("list streams of table", "list_streams", TableName="its")

    differential(scenario)
