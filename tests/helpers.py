"""Helpers the tests share: the region they use, a stream table, reading a shard."""

from __future__ import annotations

from typing import Any

import boto3

REGION = "eu-west-1"


def create_stream_table(
    ddb: Any,
    name: str = "Users",
    view_type: str | None = "NEW_AND_OLD_IMAGES",
    *,
    range_key: str | None = None,
) -> dict[str, Any]:
    """Create a pay-per-request table keyed by ``id`` (and ``range_key``), with a stream."""
    key_schema = [{"AttributeName": "id", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "id", "AttributeType": "S"}]
    if range_key is not None:
        key_schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key, "AttributeType": "N"})
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "BillingMode": "PAY_PER_REQUEST",
    }
    if view_type is not None:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    description: dict[str, Any] = ddb.create_table(**params)["TableDescription"]
    return description


def table_names(region: str = REGION) -> list[str]:
    """The tables the innermost mock has in ``region``, as ListTables returns them."""
    names: list[str] = boto3.client("dynamodb", region_name=region).list_tables()["TableNames"]
    return names


def read_shard(streams: Any, stream_arn: str, shard_id: str, **position: Any) -> list[Any]:
    """Every record of one shard from TRIM_HORIZON (or ``position``), following iterators."""
    kwargs = position or {"ShardIteratorType": "TRIM_HORIZON"}
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard_id, **kwargs)[
        "ShardIterator"
    ]
    records: list[Any] = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator)
        records.extend(page["Records"])
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    return records
