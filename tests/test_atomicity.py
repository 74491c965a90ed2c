"""A request that fails changes no item, writes no record and takes no sequence number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams

ONCE = Config(retries={"total_max_attempts": 1})
RAW = Config(retries={"total_max_attempts": 1}, parameter_validation=False)


def failing_requests(dynastream: MockStreams) -> list[tuple[str, Callable[[Any], Any]]]:
    def injected(ddb: Any) -> Any:
        dynastream.faults.add("PutItem", "InternalServerError")
        return ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "99"}})

    return [
        (
            "failed condition",
            lambda ddb: ddb.put_item(
                TableName="Users",
                Item={"id": {"S": "u1"}, "v": {"N": "2"}},
                ConditionExpression="attribute_not_exists(id)",
            ),
        ),
        (
            "bad operand type",
            lambda ddb: ddb.update_item(
                TableName="Users",
                Key={"id": {"S": "u1"}},
                UpdateExpression="ADD v :s",
                ExpressionAttributeValues={":s": {"S": "text"}},
            ),
        ),
        (
            "invalid value",
            lambda ddb: ddb.put_item(
                TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "not-a-number"}}
            ),
        ),
        (
            "batch with one bad request",
            lambda ddb: ddb.batch_write_item(
                RequestItems={
                    "Users": [
                        {"PutRequest": {"Item": {"id": {"S": "u2"}}}},
                        {"PutRequest": {"Item": {"id": {"N": "3"}}}},
                    ]
                }
            ),
        ),
        (
            "shape validation",
            lambda ddb: ddb.put_item(TableName="U", Item={"id": {"S": "u1"}}),
        ),
        ("injected fault", injected),
    ]


@pytest.mark.parametrize("case", range(6))
def test_failed_requests_change_nothing(dynastream: MockStreams, case: int) -> None:
    setup = boto3.client("dynamodb", region_name=REGION)
    create_stream_table(setup)
    setup.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "1"}})
    name, request = failing_requests(dynastream)[case]
    ddb = boto3.client("dynamodb", region_name=REGION, config=RAW if "shape" in name else ONCE)

    with pytest.raises(ClientError):
        request(ddb)
    setup.put_item(TableName="Users", Item={"id": {"S": "u3"}})

    records = dynastream.stream_records("Users")
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["u1", "u3"], name
    first, second = (int(r["dynamodb"]["SequenceNumber"]) for r in records)
    assert second == first + 1, f"{name} took a sequence number"
    item = setup.get_item(TableName="Users", Key={"id": {"S": "u1"}})["Item"]
    assert item == {"id": {"S": "u1"}, "v": {"N": "1"}}
    assert "Item" not in setup.get_item(TableName="Users", Key={"id": {"S": "u2"}})


def test_getting_iterators_takes_no_sequence_number(dynastream: MockStreams, ddb: Any) -> None:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = create_stream_table(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})
    shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    for _ in range(3):
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST")
    ddb.put_item(TableName="Users", Item={"id": {"S": "b"}})

    first, second = (
        int(r["dynamodb"]["SequenceNumber"]) for r in dynastream.stream_records("Users")
    )
    assert second == first + 1
