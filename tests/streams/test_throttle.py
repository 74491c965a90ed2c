"""The readers-per-shard throttle: a reader is one client, counted while not idle."""

from __future__ import annotations

import json
from typing import Any

import boto3
import http_door
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import mock_streams

NO_RETRIES = Config(retries={"total_max_attempts": 1})
# Who a reader is, in the throttle message's words: the one per-door difference it has.
READER_KIND = (
    "access key id" if http_door.door() == "http" else "client (one boto3 client or resource)"
)


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


def test_third_client_is_throttled_and_its_iterator_stays_usable() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        first, second = (boto3.client("dynamodbstreams", region_name=REGION) for _ in range(2))
        # botocore's standard retry mode retries LimitExceededException; see it once.
        third = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        arn, shard_id = setup_stream(ddb, first)
        first.get_records(ShardIterator=new_reader(first, arn, shard_id))
        next_second = second.get_records(ShardIterator=new_reader(second, arn, shard_id))[
            "NextShardIterator"
        ]
        throttled = new_reader(third, arn, shard_id)

        with pytest.raises(ClientError) as raised:
            third.get_records(ShardIterator=throttled)

        error = raised.value.response["Error"]
        assert error["Code"] == "LimitExceededException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Message"] == (
            "Too many operations for a given subscriber. "
            f"Shard {shard_id} already has 2 active readers (max_readers_per_shard=2); a "
            f"reader is one {READER_KIND} and counts until it has been "
            "idle for reader_idle on the mock's clock. Pass max_readers_per_shard=None to "
            "mock_streams() to turn the throttle off."
        )
        # The clients that read keep their slots, whichever iterators they use.
        second.get_records(ShardIterator=next_second)
        first.get_records(ShardIterator=new_reader(first, arn, shard_id))
        # Once the others have been idle for reader_idle, the throttled iterator works.
        mock.clock.advance(seconds=1)
        records = third.get_records(ShardIterator=throttled)["Records"]
        assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["u1"]


def test_a_client_that_reacquires_its_iterator_every_poll_stays_one_reader() -> None:
    # As the KCL adapter does after each checkpoint: AFTER_SEQUENCE_NUMBER, every poll.
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        arn, shard_id = setup_stream(ddb, streams)
        checkpoint = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))[
            "Records"
        ][-1]["dynamodb"]["SequenceNumber"]
        seen = []
        for number in range(5):
            ddb.put_item(TableName="Users", Item={"id": {"S": f"p{number}"}})
            iterator = streams.get_shard_iterator(
                StreamArn=arn,
                ShardId=shard_id,
                ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=checkpoint,
            )["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator)["Records"]
            seen += [r["dynamodb"]["Keys"]["id"]["S"] for r in records]
            checkpoint = records[-1]["dynamodb"]["SequenceNumber"]

        assert seen == ["p0", "p1", "p2", "p3", "p4"]


def test_two_chains_of_one_client_are_one_reader_and_hold_one_slot() -> None:
    with mock_streams(max_readers_per_shard=2) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        consumer = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        other = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        third = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        arn, shard_id = setup_stream(ddb, consumer)
        for _ in range(3):
            consumer.get_records(ShardIterator=new_reader(consumer, arn, shard_id))

        # The consumer's three chains took one slot: a second client still gets the other.
        assert (
            len(other.get_records(ShardIterator=new_reader(other, arn, shard_id))["Records"]) == 1
        )
        with pytest.raises(ClientError) as raised:
            third.get_records(ShardIterator=new_reader(third, arn, shard_id))
        assert raised.value.response["Error"]["Code"] == "LimitExceededException"


def test_an_iterator_handed_to_another_client_counts_for_that_client() -> None:
    # Who reads comes with the request, not with the iterator.
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        owner = boto3.client("dynamodbstreams", region_name=REGION)
        borrower = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        arn, shard_id = setup_stream(ddb, owner)
        owner.get_records(ShardIterator=new_reader(owner, arn, shard_id))

        with pytest.raises(ClientError) as raised:
            borrower.get_records(ShardIterator=new_reader(owner, arn, shard_id))
        assert raised.value.response["Error"]["Code"] == "LimitExceededException"


def test_two_clients_of_one_session_are_two_readers() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        session = boto3.session.Session(region_name=REGION)
        ddb = session.client("dynamodb")
        first = session.client("dynamodbstreams", config=NO_RETRIES)
        second = session.client("dynamodbstreams", config=NO_RETRIES)
        arn, shard_id = setup_stream(ddb, first)
        first.get_records(ShardIterator=new_reader(first, arn, shard_id))

        with pytest.raises(ClientError) as raised:
            second.get_records(ShardIterator=new_reader(second, arn, shard_id))
        assert raised.value.response["Error"]["Code"] == "LimitExceededException"


def test_throttle_can_be_turned_off() -> None:
    with mock_streams(max_readers_per_shard=None) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        for _ in range(10):
            reader = boto3.client("dynamodbstreams", region_name=REGION)
            records = reader.get_records(ShardIterator=new_reader(reader, arn, shard_id))
            assert len(records["Records"]) == 1


def test_a_reader_that_finishes_a_closed_shard_frees_its_slot_at_once() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        ddb.update_table(TableName="Users", StreamSpecification={"StreamEnabled": False})

        finished = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))
        assert "NextShardIterator" not in finished
        other = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        again = other.get_records(ShardIterator=new_reader(other, arn, shard_id))
        assert len(again["Records"]) == 1


def test_getting_an_iterator_does_not_make_a_reader() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)
        unused = [new_reader(streams, arn, shard_id) for _ in range(5)]
        assert len(unused) == 5
        reader = boto3.client("dynamodbstreams", region_name=REGION, config=NO_RETRIES)
        records = reader.get_records(ShardIterator=new_reader(reader, arn, shard_id))
        assert len(records["Records"]) == 1


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
            other = boto3.client("dynamodbstreams", region_name=REGION)
            other.get_records(ShardIterator=new_reader(other, arn, shard_id))
        before = mock.clock.now()

        # Throttled at first; botocore backs off, the back-off advances the frozen clock,
        # the two other readers go idle, and a retry gets through.
        records = streams.get_records(ShardIterator=new_reader(streams, arn, shard_id))

        assert len(records["Records"]) == 1
        assert records["ResponseMetadata"]["RetryAttempts"] >= 1
        assert mock.clock.now() > before


def _plain_get_records(iterator: str, access_key_id: str) -> requests.Response:
    # A plain HTTP call, counted by the access key id its signature names.
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={access_key_id}/20261202/{REGION}/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0"
    )
    return requests.post(
        f"https://streams.dynamodb.{REGION}.amazonaws.com/",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDBStreams_20120810.GetRecords",
            "Authorization": authorization,
        },
        data=json.dumps({"ShardIterator": iterator}),
        timeout=5,
    )


def test_plain_requests_count_one_reader_per_access_key_id() -> None:
    with mock_streams(max_readers_per_shard=1) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn, shard_id = setup_stream(ddb, streams)

        for _ in range(3):
            answer = _plain_get_records(new_reader(streams, arn, shard_id), "AKIDCONSUMERONE")
            assert answer.status_code == 200, answer.text
        refused = _plain_get_records(new_reader(streams, arn, shard_id), "AKIDCONSUMERTWO")

        assert refused.status_code == 400
        assert refused.json()["__type"].endswith("#LimitExceededException")
        assert "a reader is one access key id" in refused.json()["message"]
