"""mock.chaos: each kind through boto3, determinism, and no false report for a correct
consumer across seeds."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import ChaosEvent, MockStreams, mock_streams

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})
ALL_OFF = {"splits": 0, "throttles": 0, "expiries": 0, "server_errors": 0}


def _clients() -> tuple[Any, Any]:
    return (
        boto3.client("dynamodb", region_name=REGION, config=ONE_ATTEMPT),
        boto3.client("dynamodbstreams", region_name=REGION, config=ONE_ATTEMPT),
    )


def _first_iterator(streams: Any, arn: str) -> tuple[str, str]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return shard, iterator


def _code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def test_throttles_and_server_errors(dynastream: MockStreams) -> None:
    ddb, streams = _clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]
    shard, iterator = _first_iterator(streams, arn)

    chaos = dynastream.chaos(seed=3, **{**ALL_OFF, "throttles": 1.0})
    codes = {_code(lambda: streams.get_records(ShardIterator=iterator)) for _ in range(20)}
    assert codes == {"LimitExceededException", "ProvisionedThroughputExceededException"}
    assert _code(lambda: streams.describe_stream(StreamArn=arn)) == "LimitExceededException"
    assert chaos.events[0] == ChaosEvent("throttle", "GetRecords", shard, 0)
    assert chaos.events[-1] == ChaosEvent("throttle", "DescribeStream", None, 20)

    dynastream.chaos(seed=3, **{**ALL_OFF, "server_errors": 1.0})
    with pytest.raises(ClientError) as failed:
        streams.get_records(ShardIterator=iterator)
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert failed.value.response["Error"]["Code"] == "InternalServerError"
    # The DynamoDB data plane is never touched.
    assert ddb.put_item(TableName="Users", Item={"id": {"S": "u"}})


def test_an_expiry_expires_the_shard_s_iterators_issued_before_it(
    dynastream: MockStreams,
) -> None:
    dynastream.clock.freeze()
    ddb, streams = _clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    shard, old = _first_iterator(streams, arn)

    chaos = dynastream.chaos(seed=1, **{**ALL_OFF, "expiries": 1.0})
    assert _code(lambda: streams.get_records(ShardIterator=old)) == "ExpiredIteratorException"
    chaos.stop()

    assert dynastream.active_chaos is None
    assert _code(lambda: streams.get_records(ShardIterator=old)) == "ExpiredIteratorException"
    fresh = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert len(streams.get_records(ShardIterator=fresh)["Records"]) == 1
    assert chaos.events == [ChaosEvent("expire", "GetRecords", shard, 0)]


def test_a_split_closes_the_request_s_shard_and_loses_nothing(dynastream: MockStreams) -> None:
    ddb, streams = _clients()
    arn = create_stream_table(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "before"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    chaos = dynastream.chaos(seed=1, **{**ALL_OFF, "splits": 1.0})
    streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    chaos.stop()
    ddb.put_item(TableName="Users", Item={"id": {"S": "after"}})

    listed = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert [s.get("ParentShardId") for s in listed] == [None, shard, shard]
    assert "EndingSequenceNumber" in listed[0]["SequenceNumberRange"]
    assert chaos.events == [ChaosEvent("split", "GetShardIterator", shard, 0)]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in dynastream.stream_records("Users")] == [
        "before",
        "after",
    ]


def test_duplicate_deliveries_are_caught_unless_the_handler_is_idempotent(
    dynastream: MockStreams,
) -> None:
    ddb, _ = _clients()
    create_stream_table(ddb)
    applied: list[dict[str, Any]] = []
    deduplicated: dict[str, dict[str, Any]] = {}

    def naive(event: dict[str, Any], context: Any) -> None:
        applied.extend(event["Records"])

    def idempotent(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            deduplicated.setdefault(record["eventID"], record)

    dynastream.add_trigger("Users", naive, StartingPosition="TRIM_HORIZON")
    dynastream.add_trigger("Users", idempotent, StartingPosition="TRIM_HORIZON")
    chaos = dynastream.chaos(seed=5, **{**ALL_OFF, "duplicates": 1.0})
    for key in ("a", "b"):
        ddb.put_item(TableName="Users", Item={"id": {"S": key}})
    dynastream.run_triggers()

    naive_report = dynastream.check_consumed("Users", applied)
    assert not naive_report.ok
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in naive_report.duplicated] == ["a", "b"]
    assert "after chaos: #" in str(naive_report)
    assert dynastream.check_consumed("Users", list(deduplicated.values())).ok
    assert {event.kind for event in chaos.events} == {"duplicate"}


def _drain(
    streams: Any, arn: str, limit_requests: int = 4000, page: int = 1000
) -> tuple[list[Any], int]:
    """A correct consumer: every shard, parents first; on expiry a fresh iterator after its
    checkpoint; throttles and 500s retried; children found when a shard ends."""
    seen: list[Any] = []
    checkpoints: dict[str, str | None] = {}
    iterators: dict[str, str | None] = {}
    done: set[str] = set()
    parents: dict[str, str | None] = {}
    requests = 0

    def call(function: Any, **params: Any) -> Any:
        nonlocal requests
        while True:
            requests += 1
            assert requests < limit_requests, "the consumer did not catch up"
            try:
                return function(**params)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code in ("ExpiredIteratorException",):
                    raise
                if code not in (
                    "LimitExceededException",
                    "ProvisionedThroughputExceededException",
                    "InternalServerError",
                ):
                    raise

    def fresh(shard: str) -> str:
        checkpoint = checkpoints.get(shard)
        params: dict[str, Any] = {"StreamArn": arn, "ShardId": shard}
        if checkpoint is None:
            params["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint)
        return str(call(streams.get_shard_iterator, **params)["ShardIterator"])

    while True:
        listing = call(streams.describe_stream, StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in listing:
            parents.setdefault(shard["ShardId"], shard.get("ParentShardId"))
        ready = [
            s for s in parents if s not in done and (parents[s] is None or parents[s] in done
                                                     or parents[s] not in parents)
        ]  # fmt: skip
        if not ready:
            return seen, requests
        progressed = False
        for shard in sorted(ready):
            if iterators.get(shard) is None:
                iterators[shard] = fresh(shard)
            try:
                answer = call(streams.get_records, ShardIterator=iterators[shard], Limit=page)
            except ClientError:  # expired: re-acquire from the checkpoint
                iterators[shard] = None
                progressed = True
                continue
            for record in answer["Records"]:
                seen.append(record)
                checkpoints[shard] = record["dynamodb"]["SequenceNumber"]
            iterators[shard] = answer.get("NextShardIterator")
            if iterators[shard] is None:
                done.add(shard)
            progressed = progressed or bool(answer["Records"]) or shard in done
        if not progressed:
            return seen, requests  # caught up: every open shard answered nothing new


@pytest.mark.parametrize("seed", range(1, 11))
def test_a_correct_consumer_gets_no_false_report(seed: int) -> None:
    with mock_streams(partitions=4) as mock:
        mock.clock.freeze()
        ddb, streams = _clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        mock.chaos(seed=seed)
        for round_ in range(5):
            for key in range(40):
                ddb.put_item(
                    TableName="Users", Item={"id": {"S": f"k{key}"}, "v": {"N": str(round_)}}
                )
        seen, _ = _drain(streams, arn)
        report = mock.check_consumed("Users", seen)
        assert report.ok, f"seed {seed}: {report}"
        assert len(seen) == 200


def test_the_same_seed_and_requests_give_the_same_events() -> None:
    def run(seed: int) -> list[tuple[str, str, int]]:
        with mock_streams(partitions=2) as mock:
            mock.clock.freeze()
            ddb, streams = _clients()
            arn = create_stream_table(ddb)["LatestStreamArn"]
            chaos = mock.chaos(seed=seed, splits=0.05, throttles=0.1, expiries=0.05)
            for key in range(30):
                ddb.put_item(TableName="Users", Item={"id": {"S": f"k{key}"}})
            _drain(streams, arn)
            # Shard ids carry the (wall-clock) creation time: compare the rest.
            return [(e.kind, e.operation, e.request_index) for e in chaos.events]

    first, again, other = run(11), run(11), run(12)
    assert first and first == again
    assert first != other


def test_table_narrows_chaos_to_one_stream(dynastream: MockStreams) -> None:
    ddb, streams = _clients()
    users = create_stream_table(ddb)["LatestStreamArn"]
    others = create_stream_table(ddb, "Others")["LatestStreamArn"]
    dynastream.chaos(seed=1, **{**ALL_OFF, "throttles": 1.0}, table="Users")

    assert streams.describe_stream(StreamArn=others)["StreamDescription"]["StreamArn"] == others
    assert _code(lambda: streams.describe_stream(StreamArn=users)) == "LimitExceededException"


def test_reset_ends_chaos_and_bad_arguments_are_refused(dynastream: MockStreams) -> None:
    chaos = dynastream.chaos(seed=1)
    assert dynastream.active_chaos is chaos
    dynastream.reset()
    assert dynastream.active_chaos is None and not chaos.active
    with pytest.raises(ValueError, match="between 0 and 1"):
        dynastream.chaos(seed=1, throttles=2)
    with pytest.raises(TypeError, match="seed= as a whole number"):
        dynastream.chaos(seed="7")  # type: ignore[arg-type]


@pytest.mark.dynastream(chaos={"seed": 9, "throttles": 1.0, "splits": 0, "expiries": 0})
def test_the_marker_starts_chaos(dynastream: MockStreams) -> None:
    chaos = dynastream.active_chaos
    assert chaos is not None and chaos.seed == 9 and chaos.rates["throttle"] == 1.0


def test_the_defaults_let_a_correct_consumer_read_1000_writes_on_4_partitions() -> None:
    with mock_streams(partitions=4) as mock:
        mock.clock.freeze()
        ddb, streams = _clients()
        arn = create_stream_table(ddb)["LatestStreamArn"]
        chaos = mock.chaos(seed=2026)
        for number in range(1000):
            ddb.put_item(
                TableName="Users", Item={"id": {"S": f"k{number % 100}"}, "n": {"N": str(number)}}
            )
        seen, requests = _drain(streams, arn, limit_requests=2000, page=25)
        assert mock.check_consumed("Users", seen).ok
        assert requests <= 2000
        assert {"throttle", "expire", "split", "server_error"} & {e.kind for e in chaos.events}
