"""Time To Live: UpdateTimeToLive / DescribeTimeToLive, and expired items deleted by the
service when the mock's clock passes their time, each with a REMOVE record made by it."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams, mock_streams

SERVICE = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
FIVE_YEARS = 5 * 365 * 86_400


@pytest.fixture
def frozen(dynastream: MockStreams) -> MockStreams:
    dynastream.clock.freeze()
    return dynastream


def enable(ddb: Any, attribute: str = "expires") -> None:
    ddb.update_time_to_live(
        TableName="Users",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )


def now_s(dynastream: MockStreams) -> int:
    return dynastream.clock.now_ms() // 1000


def put(ddb: Any, key: str, expires: Any = None) -> None:
    item: dict[str, Any] = {"id": {"S": key}}
    if expires is not None:
        item["expires"] = expires
    ddb.put_item(TableName="Users", Item=item)


def keys(ddb: Any) -> list[str]:
    return sorted(item["id"]["S"] for item in ddb.scan(TableName="Users")["Items"])


def records(ddb: Any, streams: Any) -> list[Any]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [r for shard in shards for r in read_shard(streams, arn, shard["ShardId"])]


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


# -- settings -----------------------------------------------------------------------------


def test_a_new_table_has_ttl_disabled(ddb: Any) -> None:
    create_stream_table(ddb)

    described = ddb.describe_time_to_live(TableName="Users")

    assert described["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}


def test_enabling_answers_the_specification_and_is_enabled(ddb: Any) -> None:
    create_stream_table(ddb)

    answer = ddb.update_time_to_live(
        TableName="Users", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )

    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (True, (True, "expires"), "TimeToLive is already enabled"),
        (
            True,
            (True, "other"),
            "TimeToLive is active on a different AttributeName: current AttributeName is expires",
        ),
        (
            True,
            (False, "other"),
            "TimeToLive is active on a different AttributeName: current AttributeName is expires",
        ),
        (False, (False, "expires"), "TimeToLive is already disabled"),
    ],
)
def test_changes_that_change_nothing_are_refused(
    ddb: Any, first: bool, second: tuple[bool, str], message: str
) -> None:
    create_stream_table(ddb)
    if first:
        enable(ddb)

    with pytest.raises(ClientError) as raised:
        ddb.update_time_to_live(
            TableName="Users",
            TimeToLiveSpecification={"Enabled": second[0], "AttributeName": second[1]},
        )

    assert error_of(raised) == ("ValidationException", message)


def test_disable_then_enable_on_another_attribute(ddb: Any) -> None:
    create_stream_table(ddb)
    enable(ddb)
    ddb.update_time_to_live(
        TableName="Users", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )
    assert ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }

    enable(ddb, "other")

    status = ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"]
    assert status == {"TimeToLiveStatus": "ENABLED", "AttributeName": "other"}


def test_changes_take_the_transitions_time_and_refuse_another_meanwhile() -> None:
    with mock_streams(transitions=30) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        mock.clock.advance(seconds=30)

        enable(ddb)
        enabling = ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"]
        with pytest.raises(ClientError) as raised:
            ddb.update_time_to_live(
                TableName="Users",
                TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"},
            )
        mock.clock.advance(seconds=30)
        enabled = ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"]
        ddb.update_time_to_live(
            TableName="Users",
            TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"},
        )
        disabling = ddb.describe_time_to_live(TableName="Users")["TimeToLiveDescription"]

        assert enabling == {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}
        assert error_of(raised) == (
            "ValidationException",
            "Time to live has been modified multiple times within a fixed interval",
        )
        assert enabled["TimeToLiveStatus"] == "ENABLED"
        assert disabling == {"TimeToLiveStatus": "DISABLING", "AttributeName": "expires"}


def test_describe_while_the_table_is_creating_is_refused() -> None:
    with mock_streams(transitions=5):
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)

        with pytest.raises(ClientError) as raised:
            ddb.describe_time_to_live(TableName="Users")

        assert error_of(raised) == (
            "ValidationException",
            "Cannot describe time to live while table is in CREATING state: Current table "
            "state is CREATING",
        )


def test_missing_table(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        enable(ddb)

    assert error_of(raised) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Users not found",
    )


# -- expiry -------------------------------------------------------------------------------


def test_expired_item_is_deleted_by_the_service_on_clock_advance(
    frozen: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    enable(ddb)
    put(ddb, "a", {"N": str(now_s(frozen) + 60)})

    frozen.clock.advance(seconds=59)
    assert keys(ddb) == ["a"]
    frozen.clock.advance(seconds=2)

    assert keys(ddb) == []
    inserted, removed = records(ddb, streams)
    assert "userIdentity" not in inserted
    assert removed["eventName"] == "REMOVE"
    assert removed["userIdentity"] == SERVICE
    assert removed["dynamodb"]["OldImage"]["id"] == {"S": "a"}


def test_an_item_put_already_expired_goes_at_the_next_request(
    frozen: MockStreams, ddb: Any, streams: Any
) -> None:
    create_stream_table(ddb)
    enable(ddb)
    put(ddb, "a", {"N": str(now_s(frozen) - 10)})

    assert keys(ddb) == []  # the Scan touched the world: no clock advance needed
    assert [r["eventName"] for r in records(ddb, streams)] == ["INSERT", "REMOVE"]


def test_items_that_never_expire(frozen: MockStreams, ddb: Any) -> None:
    create_stream_table(ddb)
    enable(ddb)
    now = now_s(frozen)
    put(ddb, "string", {"S": str(now - 10)})
    put(ddb, "missing")
    put(ddb, "too-old", {"N": str(now - FIVE_YEARS - 10)})
    put(ddb, "nested", {"M": {"at": {"N": str(now - 10)}}})

    frozen.clock.advance(hours=1)

    assert keys(ddb) == ["missing", "nested", "string", "too-old"]


def test_a_new_expiry_replaces_the_old_one(frozen: MockStreams, ddb: Any) -> None:
    create_stream_table(ddb)
    enable(ddb)
    now = now_s(frozen)
    put(ddb, "later", {"N": str(now + 10)})
    put(ddb, "kept", {"N": str(now + 10)})
    put(ddb, "later", {"N": str(now + 100)})
    ddb.update_item(TableName="Users", Key={"id": {"S": "kept"}}, UpdateExpression="REMOVE expires")

    frozen.clock.advance(seconds=20)
    assert keys(ddb) == ["kept", "later"]
    frozen.clock.advance(seconds=100)

    assert keys(ddb) == ["kept"]


def test_enabling_covers_items_written_before(frozen: MockStreams, ddb: Any) -> None:
    create_stream_table(ddb)
    put(ddb, "old", {"N": str(now_s(frozen) - 10)})
    frozen.clock.advance(seconds=1)
    assert keys(ddb) == ["old"]

    enable(ddb)
    frozen.clock.advance(seconds=1)

    assert keys(ddb) == []


def test_disabling_stops_deletions(frozen: MockStreams, ddb: Any) -> None:
    create_stream_table(ddb)
    enable(ddb)
    put(ddb, "a", {"N": str(now_s(frozen) + 10)})
    ddb.update_time_to_live(
        TableName="Users", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}
    )

    frozen.clock.advance(seconds=60)

    assert keys(ddb) == ["a"]


def test_expiry_also_removes_index_entries(frozen: MockStreams, ddb: Any) -> None:
    ddb.create_table(
        TableName="Users",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    enable(ddb)
    ddb.put_item(
        TableName="Users",
        Item={"id": {"S": "a"}, "g": {"S": "x"}, "expires": {"N": str(now_s(frozen) + 5)}},
    )

    frozen.clock.advance(seconds=6)

    assert ddb.scan(TableName="Users", IndexName="by-g")["Count"] == 0


def test_resource_layer_item_with_expiry(frozen: MockStreams) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    table = boto3.resource("dynamodb", region_name=REGION).Table("Users")
    table.meta.client.update_time_to_live(
        TableName="Users", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    table.put_item(Item={"id": "a", "ttl": now_s(frozen) + 30})

    frozen.clock.advance(seconds=31)

    assert "Item" not in table.get_item(Key={"id": "a"})
