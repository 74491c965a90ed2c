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


def main() -> dict[str, dict[str, Any]]:
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

        mock.clock.advance(hours=4, seconds=1)  # every shard rolls over to a child
        for number in range(0, 10, 2):
            source.put_item(
                TableName="Orders",
                Item={"order_id": {"S": f"o{number}"}, "state": {"S": "shipped"}},
            )
        for number in (1, 3):
            source.delete_item(TableName="Orders", Key={"order_id": {"S": f"o{number}"}})
        replicate(consumer.poll(), replica)

        copied = scan_all(replica)
        assert copied == scan_all(source), "the replica must equal the source"

    for order_id, item in sorted(copied.items()):
        print(f"{order_id}: {item['state']['S']}")
    return copied


if __name__ == "__main__":
    main()
