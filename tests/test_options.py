"""The keyword options of mock_streams(...): defaults, accepted forms, refused values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest

from dynastream_mock import mock_streams
from dynastream_mock.backend.settings import Settings
from dynastream_mock.options import build_settings

REGION = "eu-west-1"
HOUR_MS = 3_600_000


def create_stream_table(ddb: Any, name: str = "Users") -> dict[str, Any]:
    description: dict[str, Any] = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return description


# -- defaults and accepted values -------------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    assert build_settings({}) == Settings(
        partitions=1,
        max_readers_per_shard=2,
        reader_idle_ms=1_000,
        shard_rollover_ms=4 * HOUR_MS,
        retention_ms=24 * HOUR_MS,
        iterator_ttl_ms=15 * 60_000,
        transitions_ms=0,
        account_id="123456789012",
        replication_delay_ms=0,
    )


@pytest.mark.parametrize(
    ("option", "value", "field", "expected"),
    [
        ("partitions", 1, "partitions", 1),
        ("partitions", 16, "partitions", 16),
        ("max_readers_per_shard", 5, "max_readers_per_shard", 5),
        ("max_readers_per_shard", None, "max_readers_per_shard", None),
        ("reader_idle", 2.5, "reader_idle_ms", 2_500),
        ("reader_idle", timedelta(milliseconds=300), "reader_idle_ms", 300),
        ("shard_rollover", timedelta(hours=1), "shard_rollover_ms", HOUR_MS),
        ("shard_rollover", 60, "shard_rollover_ms", 60_000),
        ("shard_rollover", None, "shard_rollover_ms", None),
        ("retention", timedelta(hours=48), "retention_ms", 48 * HOUR_MS),
        ("retention", 3600, "retention_ms", HOUR_MS),
        ("iterator_ttl", timedelta(minutes=5), "iterator_ttl_ms", 300_000),
        ("iterator_ttl", 0.5, "iterator_ttl_ms", 500),
        ("transitions", 0, "transitions_ms", 0),
        ("transitions", timedelta(seconds=3), "transitions_ms", 3_000),
        ("transitions", 0.25, "transitions_ms", 250),
        ("account_id", "111122223333", "account_id", "111122223333"),
        ("replication_delay", 0, "replication_delay_ms", 0),
        ("replication_delay", timedelta(seconds=2), "replication_delay_ms", 2_000),
    ],
)
def test_option_is_accepted_and_converted(
    option: str, value: object, field: str, expected: object
) -> None:
    assert getattr(build_settings({option: value}), field) == expected
    assert mock_streams(**{option: value}).options[option] == value  # type: ignore[misc]


# -- refused values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "error", "message"),
    [
        ("partitions", 0, ValueError, "partitions must be at least 1, got 0"),
        ("partitions", -2, ValueError, "partitions must be at least 1, got -2"),
        ("partitions", 2.0, TypeError, "partitions takes a whole number of at least 1, got 2.0"),
        ("partitions", "3", TypeError, "partitions takes a whole number of at least 1, got '3'"),
        ("partitions", True, TypeError, "partitions takes a whole number of at least 1, got True"),
        ("partitions", None, TypeError, "partitions takes a whole number of at least 1, got None"),
        (
            "max_readers_per_shard",
            0,
            ValueError,
            "max_readers_per_shard must be at least 1 (None turns it off), got 0",
        ),
        (
            "max_readers_per_shard",
            "2",
            TypeError,
            "max_readers_per_shard takes a whole number of at least 1 or None, got '2'",
        ),
        (
            "reader_idle",
            0,
            ValueError,
            "reader_idle must be at least 1 millisecond (a timedelta or a number of seconds)",
        ),
        (
            "reader_idle",
            None,
            TypeError,
            "reader_idle takes a timedelta or a number of seconds, got None",
        ),
        (
            "reader_idle",
            "1s",
            TypeError,
            "reader_idle takes a timedelta or a number of seconds, got '1s'",
        ),
        (
            "shard_rollover",
            -1,
            ValueError,
            "shard_rollover must be at least 1 millisecond (a timedelta or a number of "
            "seconds or None), got -1",
        ),
        (
            "shard_rollover",
            "4h",
            TypeError,
            "shard_rollover takes a timedelta or a number of seconds or None, got '4h'",
        ),
        (
            "retention",
            timedelta(0),
            ValueError,
            "retention must be at least 1 millisecond",
        ),
        ("retention", None, TypeError, "retention takes a timedelta or a number of seconds"),
        ("retention", float("inf"), ValueError, "retention must be finite"),
        (
            "iterator_ttl",
            timedelta(minutes=-15),
            ValueError,
            "iterator_ttl must be at least 1 millisecond",
        ),
        ("iterator_ttl", [15], TypeError, "iterator_ttl takes a timedelta or a number of seconds"),
        ("iterator_ttl", float("nan"), ValueError, "iterator_ttl must be finite"),
        (
            "transitions",
            -0.5,
            ValueError,
            "transitions must be 0 or more (a timedelta or a number of seconds), got -0.5",
        ),
        ("transitions", None, TypeError, "transitions takes a timedelta or a number of seconds"),
        (
            "replication_delay",
            -1,
            ValueError,
            "replication_delay must be 0 or more (a timedelta or a number of seconds), got -1",
        ),
        ("account_id", "1234", ValueError, "account_id must be a string of 12 digits, got '1234'"),
        ("account_id", "12345678901x", ValueError, "account_id must be a string of 12 digits"),
        ("account_id", "١٢٣٤٥٦٧٨٩٠١٢", ValueError, "account_id must be a string of 12 digits"),
        (
            "account_id",
            123456789012,
            TypeError,
            "account_id takes a string of 12 digits, got 123456789012",
        ),
    ],
)
def test_bad_option_value_names_option_value_and_what_is_accepted(
    option: str, value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        mock_streams(**{option: value})
    assert str(raised.value).startswith(message)
    assert option in str(raised.value)


def test_unknown_option_lists_the_known_ones_and_suggests_one() -> None:
    with pytest.raises(TypeError) as raised:
        mock_streams(partition=3)
    message = str(raised.value)
    assert "unknown option(s) 'partition'" in message
    assert "did you mean 'partitions'?" in message
    assert "options are: partitions, max_readers_per_shard, reader_idle" in message


def test_bad_option_in_the_decorator_raises_at_decoration() -> None:
    with pytest.raises(ValueError, match="iterator_ttl"):

        @mock_streams(iterator_ttl=0)
        def never() -> None: ...


# -- options at work --------------------------------------------------------------------


def test_account_id_is_used_for_requests_whose_host_names_no_account() -> None:
    with mock_streams(account_id="111122223333"):
        ddb = boto3.client("dynamodb", region_name=REGION)
        table = create_stream_table(ddb)
        assert table["TableArn"] == "arn:aws:dynamodb:eu-west-1:111122223333:table/Users"
        assert table["LatestStreamArn"].startswith(
            "arn:aws:dynamodb:eu-west-1:111122223333:table/Users/stream/"
        )


def test_default_account_is_the_usual_mock_account() -> None:
    with mock_streams():
        table = create_stream_table(boto3.client("dynamodb", region_name=REGION))
        assert ":123456789012:table/Users" in table["TableArn"]


def test_an_account_in_the_host_wins_and_accounts_share_nothing() -> None:
    with mock_streams():
        default = boto3.client("dynamodb", region_name=REGION)
        # Credentials with an account id make botocore send to <account>.ddb.<region>...
        session = boto3.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_account_id="444455556666",
        )
        other = session.client("dynamodb", region_name=REGION)
        urls: list[str] = []
        other.meta.events.register("before-send", lambda request, **_: urls.append(request.url))
        table = create_stream_table(other)
        assert ":444455556666:table/Users" in table["TableArn"]
        assert default.list_tables()["TableNames"] == []
        assert other.list_tables()["TableNames"] == ["Users"]
        assert urls[0] == "https://444455556666.ddb.eu-west-1.amazonaws.com/"


def test_partitions_open_that_many_shards() -> None:
    with mock_streams(partitions=3):
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        assert len(shards) == 3


def test_transitions_keep_a_new_table_creating_until_the_clock_moves() -> None:
    with mock_streams(transitions=timedelta(seconds=5)) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        assert create_stream_table(ddb)["TableStatus"] == "CREATING"
        mock.clock.advance(seconds=5)
        assert ddb.describe_table(TableName="Users")["Table"]["TableStatus"] == "ACTIVE"


def test_zero_transitions_make_tables_active_at_once() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        assert create_stream_table(ddb)["TableStatus"] == "ACTIVE"


def test_the_types_public_methods_return_are_exported() -> None:
    import dynastream_mock

    with mock_streams() as mock:
        fault = mock.faults.add("GetRecords", "InternalServerError")
        assert isinstance(fault, dynastream_mock.Fault)
        assert isinstance(mock.faults, dynastream_mock.Faults)
    for name in ("Trigger", "Invocation", "LambdaContext", "MockOptions", "TriggerParameters"):
        assert name in dynastream_mock.__all__
        assert getattr(dynastream_mock, name).__module__.startswith("dynastream_mock.")
