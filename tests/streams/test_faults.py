"""mock.faults: injected AWS errors for consumer tests, consumed by botocore's retries."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams

ONCE = Config(retries={"total_max_attempts": 1})


def first_shard(ddb: Any, streams: Any) -> tuple[str, str]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    return arn, shard["ShardId"]


def test_injected_error_reaches_the_client_with_aws_code_status_and_message(
    dynastream: MockStreams, ddb: Any
) -> None:
    create_stream_table(ddb)
    streams = boto3.client("dynamodbstreams", region_name=REGION, config=ONCE)
    arn, shard_id = first_shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    fault = dynastream.faults.add("GetRecords", "ProvisionedThroughputExceededException")

    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=iterator)

    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "provisioned throughput" in raised.value.response["Error"]["Message"]
    assert fault.hits == 1
    assert streams.get_records(ShardIterator=iterator)["Records"] == []


def test_botocore_retries_consume_faults_without_real_sleeping(
    dynastream: MockStreams, ddb: Any
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    streams = boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        config=Config(retries={"mode": "standard", "max_attempts": 5}),
    )
    arn, shard_id = first_shard(ddb, streams)
    fault = dynastream.faults.add("GetRecords", "InternalServerError", times=3)
    started = time.monotonic()

    records = read_shard(streams, arn, shard_id)

    assert [r["eventName"] for r in records] == ["INSERT"]
    assert fault.hits == 3
    assert time.monotonic() - started < 1.0


def test_internal_server_error_is_an_http_500(dynastream: MockStreams) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION, config=ONCE)
    dynastream.faults.add("ListTables", "InternalServerError", message="try again")

    with pytest.raises(ClientError) as raised:
        ddb.list_tables()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert raised.value.response["Error"]["Message"] == "try again"


def test_a_fault_for_one_table_leaves_the_others_alone(dynastream: MockStreams) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION, config=ONCE)
    create_stream_table(ddb, "Users")
    create_stream_table(ddb, "Orders")
    fault = dynastream.faults.add(
        "PutItem", "ProvisionedThroughputExceededException", table="Orders"
    )

    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    with pytest.raises(ClientError):
        ddb.put_item(TableName="Orders", Item={"id": {"S": "o1"}})

    assert fault.hits == 1
    # A failed request changes nothing: no item, no stream record.
    assert "Item" not in ddb.get_item(TableName="Orders", Key={"id": {"S": "o1"}})


def test_a_fault_for_one_shard_matches_iterators_of_that_shard(dynastream: MockStreams) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    streams = boto3.client("dynamodbstreams", region_name=REGION, config=ONCE)
    create_stream_table(ddb)
    arn, shard_id = first_shard(ddb, streams)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST"
    )["ShardIterator"]
    dynastream.faults.add("GetRecords", "ExpiredIteratorException", shard_id="shardId-other")
    streams.get_records(ShardIterator=iterator)
    dynastream.faults.add("GetRecords", "ExpiredIteratorException", shard_id=shard_id)

    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=iterator)

    assert raised.value.response["Error"]["Code"] == "ExpiredIteratorException"


def test_clear_removes_every_fault_and_bad_faults_are_refused(dynastream: MockStreams) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION, config=ONCE)
    dynastream.faults.add("ListTables", "InternalServerError", times=5)
    dynastream.faults.clear()
    assert ddb.list_tables()["TableNames"] == []

    with pytest.raises(ValueError, match="unknown operation 'GetRecord'"):
        dynastream.faults.add("GetRecord", "InternalServerError")
    with pytest.raises(ValueError, match="ListStreams cannot answer"):
        dynastream.faults.add("ListStreams", "ConditionalCheckFailedException")
    with pytest.raises(ValueError, match="times="):
        dynastream.faults.add("ListTables", "InternalServerError", times=0)


def test_adaptive_retry_mode_waits_on_the_mock_clock(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    ddb = boto3.client(
        "dynamodb",
        region_name=REGION,
        config=Config(retries={"mode": "adaptive", "max_attempts": 10}),
    )
    # Throttling answers switch on the client-side rate limiter, whose token bucket then
    # makes the following calls wait for capacity.
    fault = dynastream.faults.add("ListTables", "ThrottlingException", times=6)
    before = dynastream.clock.now()
    started = time.monotonic()

    for _ in range(20):
        ddb.list_tables()

    assert fault.hits == 6
    assert time.monotonic() - started < 2.0
    assert dynastream.clock.now() > before
