"""Cross-region replication: a stream consumer keeps a replica table in a second region.

The seeds' replication example. Orders are written in eu-west-1; a consumer reads the
table's NEW_AND_OLD_IMAGES stream and applies each change to the replica in us-east-1:
INSERT and MODIFY put the new image, REMOVE deletes the key. The source has two
partitions, and halfway through the shards roll over, so the consumer must follow the
shard lineage to keep per-item order. Run it: ``python examples/replicate_region.py``.
"""

from __future__ import annotations

from typing import Any

import boto3
from stream_consumer import StreamConsumer

from dynastream_mock import mock_streams

SOURCE, REPLICA = "eu-west-1", "us-east-1"


def create_orders_table(ddb: Any, *, stream: bool) -> dict[str, Any]:
    params: dict[str, Any] = {
        "TableName": "Orders",
        "KeySchema": [{"AttributeName": "order_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "order_id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        params["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
    description: dict[str, Any] = ddb.create_table(**params)["TableDescription"]
    return description


def replicate(records: list[dict[str, Any]], replica: Any) -> None:
    """Apply stream records, in order, to the replica table."""
    for record in records:
        change = record["dynamodb"]
        if record["eventName"] == "REMOVE":
            replica.delete_item(TableName="Orders", Key=change["Keys"])
        else:
            replica.put_item(TableName="Orders", Item=change["NewImage"])


def scan_all(ddb: Any) -> dict[str, dict[str, Any]]:
    items = ddb.scan(TableName="Orders")["Items"]
    return {item["order_id"]["S"]: item for item in items}


def show(label: str, items: dict[str, dict[str, Any]]) -> None:
    orders = ", ".join(f"{key} {item['state']['S']}" for key, item in sorted(items.items()))
    print(f"  {label + ':':<21} {orders}")


def main() -> dict[str, dict[str, Any]]:
    print(f"Cross-region replication: a stream consumer copies {SOURCE} changes to {REPLICA}")
    with mock_streams(partitions=2) as mock:
        source = boto3.client("dynamodb", region_name=SOURCE)
        replica = boto3.client("dynamodb", region_name=REPLICA)
        streams = boto3.client("dynamodbstreams", region_name=SOURCE)
        stream_arn = create_orders_table(source, stream=True)["LatestStreamArn"]
        create_orders_table(replica, stream=False)
        consumer = StreamConsumer(streams, stream_arn)

        for number in range(10):
            source.put_item(
                TableName="Orders",
                Item={"order_id": {"S": f"o{number}"}, "state": {"S": "placed"}},
            )
        replicate(consumer.poll(), replica)
        print("after 10 orders are placed:")
        show(f"{SOURCE} (source)", scan_all(source))
        show(f"{REPLICA} (replica)", scan_all(replica))

        mock.clock.advance(hours=4, seconds=1)  # every shard rolls over to a child
        for number in range(0, 10, 2):
            source.put_item(
                TableName="Orders",
                Item={"order_id": {"S": f"o{number}"}, "state": {"S": "shipped"}},
            )
        for number in (1, 3):
            source.delete_item(TableName="Orders", Key={"order_id": {"S": f"o{number}"}})
        records = consumer.poll()
        replicate(records, replica)
        shards = len(consumer.finished)
        print(
            f"after the shards roll over, 5 orders ship and o1, o3 are deleted "
            f"({len(records)} records; {shards} closed shards read to their end):"
        )
        copied = scan_all(replica)
        show(f"{SOURCE} (source)", scan_all(source))
        show(f"{REPLICA} (replica)", copied)
        assert copied == scan_all(source), "the replica must equal the source"
    print("the replica equals the source")
    return copied


if __name__ == "__main__":
    main()
