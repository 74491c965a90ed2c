"""The mock's clock: follows the wall clock, freezes, advances, and drives the world."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from dynastream_mock import Clock, MockStreams, mock_streams

REGION = "eu-west-1"
# 2024-03-01T12:00:00Z, a moment no real clock shows while these tests run.
FAKE_NOW = 1_709_294_400.0


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Steer ``time.time`` the way freezegun and time-machine do; returns the settable now."""
    now = [FAKE_NOW]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def create_stream_table(ddb: Any) -> str:
    description = ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    arn: str = description["LatestStreamArn"]
    return arn


def first_shard_iterator(streams: Any, arn: str) -> str:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator: str = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return iterator


# -- reading the time -------------------------------------------------------------------


def test_now_is_timezone_aware_utc(clock: Clock) -> None:
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now.timestamp() - time.time()) < 5


def test_follows_the_wall_clock_and_so_freezegun(clock: Clock, fake_time: list[float]) -> None:
    assert clock.now() == datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    fake_time[0] += 90
    assert clock.now() == datetime(2024, 3, 1, 12, 1, 30, tzinfo=timezone.utc)
    assert clock.now_ms() == int((FAKE_NOW + 90) * 1000)


def test_now_keeps_milliseconds_exactly(clock: Clock, fake_time: list[float]) -> None:
    fake_time[0] = FAKE_NOW + 0.123
    assert clock.now().microsecond == 123_000


def test_freeze_stops_time_and_unfreeze_continues_from_there(
    clock: Clock, fake_time: list[float]
) -> None:
    clock.freeze()
    assert clock.frozen
    frozen_at = clock.now()
    fake_time[0] += 3600
    assert clock.now() == frozen_at
    clock.advance(seconds=10)
    clock.unfreeze()
    assert not clock.frozen
    # Flows again from where it was, not from the wall clock.
    assert clock.now() == frozen_at + timedelta(seconds=10)
    fake_time[0] += 5
    assert clock.now() == frozen_at + timedelta(seconds=15)


def test_freeze_and_unfreeze_twice_are_harmless(clock: Clock, fake_time: list[float]) -> None:
    clock.freeze()
    fake_time[0] += 10
    clock.freeze()
    assert clock.now_ms() == int(FAKE_NOW * 1000)
    clock.unfreeze()
    clock.unfreeze()
    assert clock.now_ms() == int(FAKE_NOW * 1000)


def test_advance_moves_a_flowing_clock_too(clock: Clock, fake_time: list[float]) -> None:
    clock.advance(minutes=2)
    fake_time[0] += 1
    assert clock.now_ms() == int((FAKE_NOW + 121) * 1000)


def test_repr_says_time_and_state(clock: Clock, fake_time: list[float]) -> None:
    assert repr(clock) == "<Clock 2024-03-01T12:00:00+00:00 flowing>"
    clock.freeze()
    assert repr(clock).endswith("frozen>")


# -- advance() arguments ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected_ms"),
    [
        ((timedelta(minutes=16),), {}, 960_000),
        ((90,), {}, 90_000),
        ((1.5,), {}, 1_500),
        ((Fraction(1, 4),), {}, 250),
        ((), {"days": 1}, 86_400_000),
        ((), {"hours": 25}, 90_000_000),
        ((), {"minutes": 16}, 960_000),
        ((), {"seconds": 0.5}, 500),
        ((), {"milliseconds": 7}, 7),
        ((timedelta(hours=1), 60), {}, None),  # see below: one positional only
        (
            (timedelta(seconds=1),),
            {"days": 1, "hours": 1, "minutes": 1, "seconds": 1, "milliseconds": 1},
            90_062_001,
        ),
        ((), {}, 0),
        ((timedelta(microseconds=1500),), {}, 2),
    ],
)
def test_advance_sums_its_arguments(
    clock: Clock, args: tuple[Any, ...], kwargs: dict[str, Any], expected_ms: int | None
) -> None:
    clock.freeze()
    before = clock.now_ms()
    if expected_ms is None:
        with pytest.raises(TypeError):
            clock.advance(*args, **kwargs)
        return
    clock.advance(*args, **kwargs)
    assert clock.now_ms() - before == expected_ms


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((timedelta(seconds=-1),), {}, "forward only, got datetime.timedelta"),
        ((-5,), {}, "forward only, got -5"),
        ((-0.0001,), {}, "forward only"),
        ((), {"minutes": -1}, "forward only, got minutes=-1"),
        # A negative part is refused even when the total would be positive.
        ((60,), {"seconds": -1}, "forward only, got seconds=-1"),
        ((float("nan"),), {}, "finite"),
        ((), {"hours": float("inf")}, "finite number for hours="),
    ],
)
def test_advance_refuses_going_back_with_value_error(
    clock: Clock, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    clock.freeze()
    before = clock.now_ms()
    with pytest.raises(ValueError, match=message):
        clock.advance(*args, **kwargs)
    assert clock.now_ms() == before


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("16m",), {}, "advance() takes a timedelta or a number of seconds, got '16m'"),
        ((True,), {}, "advance() takes a timedelta or a number of seconds, got True"),
        ((None, "1"), {}, None),
        ((), {"minutes": "16"}, "advance() takes a number for minutes=, got '16'"),
        ((), {"seconds": timedelta(seconds=1)}, "advance() takes a number for seconds="),
        ((), {"hours": False}, "advance() takes a number for hours=, got False"),
    ],
)
def test_advance_refuses_bad_types_with_type_error(
    clock: Clock, args: tuple[Any, ...], kwargs: dict[str, Any], message: str | None
) -> None:
    with pytest.raises(TypeError) as raised:
        clock.advance(*args, **kwargs)
    if message is not None:
        assert str(raised.value).startswith(message)


def test_advance_takes_keywords_only_after_delta(clock: Clock) -> None:
    with pytest.raises(TypeError):
        clock.advance(None, 5)  # type: ignore[misc]


# -- the clock drives the world ---------------------------------------------------------


def test_each_mock_has_its_own_clock() -> None:
    with mock_streams() as outer, mock_streams() as inner:
        inner.clock.freeze()
        inner.clock.advance(days=2)
        assert not outer.clock.frozen
        assert inner.clock.now() - outer.clock.now() > timedelta(days=1, hours=23)


def test_old_iterator_expires_after_sixteen_minutes() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
        iterator = first_shard_iterator(streams, arn)
        mock.clock.advance(minutes=16)
        with pytest.raises(ClientError) as raised:
            streams.get_records(ShardIterator=iterator)
        assert raised.value.response["Error"]["Code"] == "ExpiredIteratorException"


def test_iterator_still_valid_after_fourteen_minutes() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
        iterator = first_shard_iterator(streams, arn)
        mock.clock.advance(timedelta(minutes=14))
        assert len(streams.get_records(ShardIterator=iterator)["Records"]) == 1


def test_records_older_than_retention_are_trimmed_after_advance() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "old"}})
        mock.clock.advance(hours=25)
        ddb.put_item(TableName="Users", Item={"id": {"S": "new"}})
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        keys = []
        for shard in shards:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator)["Records"]
            keys += [record["dynamodb"]["Keys"]["id"]["S"] for record in records]
        assert keys == ["new"]


def test_approximate_creation_time_reads_the_mock_clock(fake_time: list[float]) -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        mock.clock.advance(hours=1)
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
        iterator = first_shard_iterator(streams, arn)
        (record,) = streams.get_records(ShardIterator=iterator)["Records"]
        created = record["dynamodb"]["ApproximateCreationDateTime"]
        assert created.astimezone(timezone.utc) == datetime(2024, 3, 1, 13, 0, tzinfo=timezone.utc)


def test_advance_runs_what_became_due_without_a_request() -> None:
    mock: MockStreams
    with mock_streams(shard_rollover=3600) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = create_stream_table(ddb)
        world = mock._service.region(None, REGION)  # type: ignore[union-attr]
        assert len(world.stream(arn).shards) == 1
        mock.clock.advance(hours=1)
        # The rollover happened on advance itself: the world was touched.
        assert len(world.stream(arn).shards) == 2
