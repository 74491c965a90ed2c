"""The readers-per-shard throttle: a reader is a chain of iterators, counted while not idle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import REGION, create_stream_table

from dynastream_mock import mock_streams

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def new_reader(streams: Any, arn: str, shard_id: str) -> str:
    iterator: str = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return iterator


def setup_stream(ddb: Any, streams: Any) -> tuple[str, str]:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return arn, shard_id


def test_third_reader_is_throttled_and_its_iterator_stays_usable() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        first, second, third = (new_reader(streams, arn, shard_id) for _ in range(3))
        streams.get_records(ShardIterator=first)
        next_second = streams.get_records(ShardIterator=second)["NextShardIterator"]
        # botocore's standard retry mode retries LimitExceededException; see it once.
        once = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)

        with pytest.raises(ClientError) as raised:
            once.get_records(ShardIterator=third)

        error = raised.value.response["Error"]
        assert error["Code"] == "LimitExceededException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Message"].startswith("Too many operations for a given subscriber.")
        assert shard_id in error["Message"]
        assert "2 active readers" in error["Message"]
        assert "max_readers_per_shard=None" in error["Message"]
        # The same reader keeps its slot: its next iterator is not a new reader.
        streams.get_records(ShardIterator=next_second)
        # Once the others have been idle for reader_idle, the throttled iterator works.
        mock.clock.advance(seconds=1)
        records = streams.get_records(ShardIterator=third)["Records"]
        assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["u1"]


def test_throttle_can_be_turned_off() -> None:
    with mock_streams(max_readers_per_shard=None) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        for _ in range(10):
            assert (
                len(
                    streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))["Records"]
                )
                == 1
            )


def test_a_reader_that_finishes_a_closed_shard_frees_its_slot_at_once() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})

        finished = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))
        assert "NextShardIterator" not in finished
        again = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))
        assert len(again["Records"]) == 1


def test_getting_an_iterator_does_not_make_a_reader() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        unused = [new_reader(streams, arn, shard_id) for _ in range(5)]
        assert len(unused) == 5
        assert (
            len(streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))["Records"])
            == 1
        )


def test_retry_back_off_of_a_throttled_reader_runs_on_virtual_time() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client(
            "dynamodbstreams",
            region_name=REGION,
            config=Config(retries={"mode": "standard", "max_attempts": 10}),
        )
        arn, shard_id = setup_stream(ddb, streams)
        for _ in range(2):
            streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))
        before = mock.clock.now()

        # Throttled at first; botocore backs off, the back-off advances the frozen clock,
        # the two other readers go idle, and a retry gets through.
        records = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))

        assert len(records["Records"]) == 1
        assert records["ResponseMetadata"]["RetryAttempts"] >= 1
        assert mock.clock.now() > before
