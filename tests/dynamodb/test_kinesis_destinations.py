"""Kinesis Data Streams destinations through boto3: Enable-, Disable-, Describe- and
UpdateKinesisStreamingDestination, and the records put to moto's Kinesis.

The behaviour is DynamoDB's as recorded against the live service: the Developer Guide,
"Change data capture for Kinesis Data Streams with DynamoDB" (the record's members, both
images); LocalStack's AWS-validated snapshots (test_kinesis_streaming_destination_crud and
test_enable_kinesis_streaming_destination: the answers, the messages, SizeBytes); and the
probes of ack-api-quirks (one live destination per table, a missing stream answered
ENABLING and then ENABLE_FAILED "User does not have a permission to use kinesis stream",
the precision absent until set).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams, mock_streams

ACCOUNT = "123456789012"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/changes"
OTHER_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/audit"
INVALID_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: "
MUST_BE_DISABLED = (
    INVALID_STATE + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to "
    "perform ENABLE operation."
)
MUST_BE_ACTIVE = (
    INVALID_STATE + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation."
)
NO_PERMISSION = "User does not have a permission to use kinesis stream"


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _answer(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def _destinations(ddb: Any, table: str = "Users") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ddb.describe_kinesis_streaming_destination(TableName=table)[
        "KinesisDataStreamDestinations"
    ]
    return found


def _statuses(ddb: Any, table: str = "Users") -> list[tuple[str, str]]:
    return [(d["StreamArn"].rsplit("/", 1)[1], d["DestinationStatus"]) for d in _destinations(ddb)]


def _kinesis_records(kinesis: Any, name: str = "changes") -> list[dict[str, Any]]:
    """Every record of the stream, each with its Data parsed from JSON."""
    records: list[dict[str, Any]] = []
    for shard in kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"]:
        iterator = kinesis.get_shard_iterator(
            StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        page = kinesis.get_records(ShardIterator=iterator)
        records += [{**r, "Data": json.loads(r["Data"])} for r in page["Records"]]
    return records


def _data(kinesis: Any, name: str = "changes") -> list[dict[str, Any]]:
    return [record["Data"] for record in _kinesis_records(kinesis, name)]


def _create_kinesis_stream(name: str = "changes") -> None:
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName=name, ShardCount=1)


@pytest.fixture
def world() -> Iterator[tuple[MockStreams, Any, Any]]:
    """moto's Kinesis with the stream ``changes``, our mock on a frozen clock, the Users
    table (with a stream); the mock, a DynamoDB client and a Kinesis client."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="changes", ShardCount=1)
        create_stream_table(ddb)
        yield mock, ddb, kinesis


# -- lifecycle ------------------------------------------------------------------------------


def test_enable_answers_enabling_and_is_active_at_once(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    assert _destinations(ddb) == []
    answer = ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    assert _answer(answer) == {
        "TableName": "Users",
        "StreamArn": STREAM_ARN,
        "DestinationStatus": "ENABLING",
        "EnableKinesisStreamingConfiguration": {},
    }
    # No precision was set: none is described (DynamoDB stamps milliseconds).
    assert _destinations(ddb) == [{"StreamArn": STREAM_ARN, "DestinationStatus": "ACTIVE"}]


def test_the_table_may_be_named_by_its_arn(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    table_arn = ddb.describe_table(TableName="Users")["Table"]["TableArn"]
    answer = ddb.enable_kinesis_streaming_destination(
        TableName=table_arn,
        StreamArn=STREAM_ARN,
        EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert answer["TableName"] == "Users"
    assert answer["EnableKinesisStreamingConfiguration"] == {
        "ApproximateCreationDateTimePrecision": "MICROSECOND"
    }
    assert ddb.describe_kinesis_streaming_destination(TableName=table_arn)[
        "KinesisDataStreamDestinations"
    ] == [
        {
            "StreamArn": STREAM_ARN,
            "DestinationStatus": "ACTIVE",
            "ApproximateCreationDateTimePrecision": "MICROSECOND",
        }
    ]


def test_statuses_follow_the_transitions_on_the_virtual_clock() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        _create_kinesis_stream()
        create_stream_table(ddb)
        mock.clock.advance(seconds=5)

        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert _statuses(ddb) == [("changes", "ENABLING")]
        mock.clock.advance(seconds=4)
        assert _statuses(ddb) == [("changes", "ENABLING")]
        mock.clock.advance(seconds=1)
        assert _statuses(ddb) == [("changes", "ACTIVE")]

        update = ddb.update_kinesis_streaming_destination(
            TableName="Users",
            StreamArn=STREAM_ARN,
            UpdateKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MICROSECOND"
            },
        )
        assert _answer(update) == {
            "TableName": "Users",
            "StreamArn": STREAM_ARN,
            "DestinationStatus": "UPDATING",
            "UpdateKinesisStreamingConfiguration": {
                "ApproximateCreationDateTimePrecision": "MICROSECOND"
            },
        }
        # The new precision is described while UPDATING.
        assert _destinations(ddb) == [
            {
                "StreamArn": STREAM_ARN,
                "DestinationStatus": "UPDATING",
                "ApproximateCreationDateTimePrecision": "MICROSECOND",
            }
        ]
        mock.clock.advance(seconds=5)
        assert _statuses(ddb) == [("changes", "ACTIVE")]

        disable = ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert _answer(disable) == {
            "TableName": "Users",
            "StreamArn": STREAM_ARN,
            "DestinationStatus": "DISABLING",
        }
        # A second Disable while DISABLING is answered as the first was.
        again = ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert again["DestinationStatus"] == "DISABLING"
        assert _statuses(ddb) == [("changes", "DISABLING")]
        mock.clock.advance(seconds=5)
        # A DISABLED destination stays listed, with its precision reset by the next Enable.
        assert _statuses(ddb) == [("changes", "DISABLED")]

        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        mock.clock.advance(seconds=5)
        assert _destinations(ddb) == [{"StreamArn": STREAM_ARN, "DestinationStatus": "ACTIVE"}]


def test_requests_refused_while_a_destination_is_in_flight() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        _create_kinesis_stream()
        create_stream_table(ddb)
        mock.clock.advance(seconds=5)
        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)

        with pytest.raises(ClientError) as update:
            ddb.update_kinesis_streaming_destination(
                TableName="Users",
                StreamArn=STREAM_ARN,
                UpdateKinesisStreamingConfiguration={
                    "ApproximateCreationDateTimePrecision": "MICROSECOND"
                },
            )
        assert _error(update) == (
            "ValidationException",
            INVALID_STATE + "Kinesis streaming is not in ACTIVE state. Updates are only allowed "
            f"in ACTIVE state. TableName: Users, kdsArn: {STREAM_ARN}",
        )
        with pytest.raises(ClientError) as disable:
            ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert _error(disable) == ("ValidationException", MUST_BE_ACTIVE)
        with pytest.raises(ClientError) as enable:
            ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=OTHER_ARN)
        assert _error(enable) == ("ValidationException", MUST_BE_DISABLED)
        assert _statuses(ddb) == [("changes", "ENABLING")]


def test_a_creating_table_is_not_found_and_a_deleting_one_keeps_its_destination() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        _create_kinesis_stream()
        create_stream_table(ddb)
        with pytest.raises(ClientError) as creating:
            ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert _error(creating) == (
            "ResourceNotFoundException",
            "Requested resource not found: Table: Users not found",
        )
        mock.clock.advance(seconds=5)
        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        mock.clock.advance(seconds=5)
        create_stream_table(ddb, "Orders")
        mock.clock.advance(seconds=5)

        ddb.delete_table(TableName="Users")
        ddb.delete_table(TableName="Orders")
        # DynamoDB describes the ACTIVE destination of a table being deleted as UPDATING.
        assert _statuses(ddb, "Users") == [("changes", "UPDATING")]
        with pytest.raises(ClientError) as enable:
            ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=OTHER_ARN)
        assert _error(enable) == ("ValidationException", MUST_BE_DISABLED)
        with pytest.raises(ClientError) as disable:
            ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert _error(disable) == ("ValidationException", MUST_BE_ACTIVE)
        with pytest.raises(ClientError) as other:
            ddb.enable_kinesis_streaming_destination(TableName="Orders", StreamArn=STREAM_ARN)
        assert _error(other) == (
            "ResourceInUseException",
            "Attempt to change a resource which is still in use: Table is being deleted: Orders",
        )

        mock.clock.advance(seconds=5)
        with pytest.raises(ClientError) as gone:
            _destinations(ddb)
        assert _error(gone)[0] == "ResourceNotFoundException"
        # A table made again under the same name starts with no destination.
        create_stream_table(ddb)
        mock.clock.advance(seconds=5)
        assert _destinations(ddb) == []


def test_a_deleted_table_takes_its_destinations_with_it(world: tuple[Any, Any, Any]) -> None:
    _, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    ddb.delete_table(TableName="Users")
    create_stream_table(ddb)
    assert _destinations(ddb) == []
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    assert _data(kinesis) == []


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "extra"),
    [
        ("enable_kinesis_streaming_destination", {"StreamArn": STREAM_ARN}),
        ("disable_kinesis_streaming_destination", {"StreamArn": STREAM_ARN}),
        ("describe_kinesis_streaming_destination", {}),
        (
            "update_kinesis_streaming_destination",
            {
                "StreamArn": STREAM_ARN,
                "UpdateKinesisStreamingConfiguration": {
                    "ApproximateCreationDateTimePrecision": "MICROSECOND"
                },
            },
        ),
    ],
)
def test_a_missing_table_is_not_found(ddb: Any, operation: str, extra: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(ddb, operation)(TableName="bad-table", **extra)
    assert _error(caught) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: bad-table not found",
    )


def test_one_live_destination_per_table(world: tuple[Any, Any, Any]) -> None:
    _, ddb, kinesis = world
    kinesis.create_stream(StreamName="audit", ShardCount=1)
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    for arn in (STREAM_ARN, OTHER_ARN):
        with pytest.raises(ClientError) as caught:
            ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=arn)
        assert _error(caught) == ("ValidationException", MUST_BE_DISABLED)
    assert _statuses(ddb) == [("changes", "ACTIVE")]

    # Once it is disabled another stream may be enabled; the list is newest first.
    ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=OTHER_ARN)
    assert _statuses(ddb) == [("audit", "ACTIVE"), ("changes", "DISABLED")]


def test_disable_of_a_stream_not_enabled(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    with pytest.raises(ClientError) as never:
        ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    assert _error(never) == ("ValidationException", MUST_BE_ACTIVE)
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    with pytest.raises(ClientError) as twice:
        ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    assert _error(twice) == ("ValidationException", MUST_BE_ACTIVE)


def test_disable_refuses_a_configuration(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    with pytest.raises(ClientError) as caught:
        ddb.disable_kinesis_streaming_destination(
            TableName="Users",
            StreamArn=STREAM_ARN,
            EnableKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MICROSECOND"
            },
        )
    assert _error(caught) == (
        "ValidationException",
        "Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters",
    )
    assert _statuses(ddb) == [("changes", "ACTIVE")]


def test_update_errors(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    table_id = ddb.describe_table(TableName="Users")["Table"]["TableId"]

    def update(arn: str = STREAM_ARN, **configuration: str) -> None:
        extra = {"UpdateKinesisStreamingConfiguration": configuration} if configuration else {}
        ddb.update_kinesis_streaming_destination(TableName="Users", StreamArn=arn, **extra)

    with pytest.raises(ClientError) as missing:
        update()
    assert _error(missing) == (
        "ValidationException",
        "Streaming destination cannot be updated with given parameters: "
        "UpdateKinesisStreamingConfiguration cannot be null or contain only null values",
    )
    with pytest.raises(ClientError) as bad:
        update(ApproximateCreationDateTimePrecision="SECOND")
    assert _error(bad) == (
        "ValidationException",
        "1 validation error detected: Value 'SECOND' at "
        "'updateKinesisStreamingConfiguration.approximateCreationDateTimePrecision' failed to "
        "satisfy constraint: Member must satisfy enum value set: [MILLISECOND, MICROSECOND]",
    )
    with pytest.raises(ClientError) as unknown:
        update(OTHER_ARN, ApproximateCreationDateTimePrecision="MICROSECOND")
    assert _error(unknown) == (
        "ValidationException",
        INVALID_STATE + f"No streaming destination with streamArn: {OTHER_ARN} found for table "
        "with tableName: Users",
    )
    # The default is milliseconds, so asking for them again changes nothing.
    with pytest.raises(ClientError) as default:
        update(ApproximateCreationDateTimePrecision="MILLISECOND")
    assert _error(default) == (
        "ValidationException",
        "Invalid Request: Precision is already set to the desired value of MILLISECOND for "
        f"tableId: {table_id}, kdsArn: {STREAM_ARN}",
    )
    update(ApproximateCreationDateTimePrecision="MICROSECOND")
    with pytest.raises(ClientError) as same:
        update(ApproximateCreationDateTimePrecision="MICROSECOND")
    assert _error(same) == (
        "ValidationException",
        "Invalid Request: Precision is already set to the desired value of MICROSECOND for "
        f"tableId: {table_id}, kdsArn: {STREAM_ARN}",
    )


def test_a_stream_arn_that_is_no_arn_is_refused(world: tuple[Any, Any, Any]) -> None:
    _, ddb, _ = world
    not_an_arn = "kinesis-stream-changes-in-eu-west-1-of-the-account"
    with pytest.raises(ClientError) as caught:
        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=not_an_arn)
    assert _error(caught) == (
        "ValidationException",
        f"Invalid StreamArn: {not_an_arn} is not the ARN of a Kinesis data stream "
        "(arn:<partition>:kinesis:<region>:<account>:stream/<name>)",
    )
    assert _destinations(ddb) == []


# -- a stream that cannot be used ------------------------------------------------------------


def test_without_moto_the_destination_ends_enable_failed() -> None:
    with mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        mock.clock.advance(seconds=5)
        answer = ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        assert answer["DestinationStatus"] == "ENABLING"
        assert _destinations(ddb) == [{"StreamArn": STREAM_ARN, "DestinationStatus": "ENABLING"}]
        mock.clock.advance(seconds=5)
        (failed,) = _destinations(ddb)
        assert failed["DestinationStatus"] == "ENABLE_FAILED"
        assert failed["DestinationStatusDescription"] == (
            NO_PERMISSION + "; dynastream_mock reaches Kinesis only through moto: start moto's "
            "mock_aws and create the stream there"
        )
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})  # nothing to deliver to


@pytest.mark.parametrize(
    ("stream_arn", "description"),
    [
        (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/missing", NO_PERMISSION),
        (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Users", NO_PERMISSION),
        (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/changes/consumer/app:1", NO_PERMISSION),
        (
            f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/changes",
            "The kinesis Arn used to enable kinesis replication belongs to a stream which is "
            "not in the current region",
        ),
        (
            f"arn:aws:kinesis:{REGION}:210987654321:stream/changes",
            "The kinesis Arn used to enable kinesis replication belongs to a stream which is "
            "not in Active state",
        ),
    ],
)
def test_a_stream_that_cannot_be_used_ends_enable_failed(
    world: tuple[Any, Any, Any], stream_arn: str, description: str
) -> None:
    _, ddb, _ = world
    answer = ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=stream_arn)
    assert answer["DestinationStatus"] == "ENABLING"
    assert _destinations(ddb) == [
        {
            "StreamArn": stream_arn,
            "DestinationStatus": "ENABLE_FAILED",
            "DestinationStatusDescription": description,
        }
    ]


def test_failed_destinations_accumulate_and_are_enabled_again_in_place(
    world: tuple[Any, Any, Any],
) -> None:
    _, ddb, kinesis = world
    missing = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/later"
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=missing)
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=OTHER_ARN)
    assert _statuses(ddb) == [("audit", "ENABLE_FAILED"), ("later", "ENABLE_FAILED")]
    for operation in ("update", "disable"):
        with pytest.raises(ClientError) as caught:
            getattr(ddb, f"{operation}_kinesis_streaming_destination")(
                TableName="Users",
                StreamArn=missing,
                **(
                    {
                        "UpdateKinesisStreamingConfiguration": {
                            "ApproximateCreationDateTimePrecision": "MICROSECOND"
                        }
                    }
                    if operation == "update"
                    else {}
                ),
            )
        assert _error(caught)[0] == "ValidationException"

    kinesis.create_stream(StreamName="later", ShardCount=1)
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=missing)
    assert _statuses(ddb) == [("audit", "ENABLE_FAILED"), ("later", "ACTIVE")]
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    assert [d["eventName"] for d in _data(kinesis, "later")] == ["INSERT"]


def test_a_stream_deleted_later_leaves_the_destination_active(
    world: tuple[Any, Any, Any],
) -> None:
    _, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    kinesis.delete_stream(StreamName="changes")
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})  # its record goes nowhere
    assert _statuses(ddb) == [("changes", "ACTIVE")]
    assert ddb.get_item(TableName="Users", Key={"id": {"S": "u1"}})["Item"] == {"id": {"S": "u1"}}


# -- delivery -------------------------------------------------------------------------------


def test_each_change_is_one_record_in_dynamodbs_format(world: tuple[Any, Any, Any]) -> None:
    mock, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    now_ms = int(mock.clock.now().timestamp() * 1000)
    ddb.put_item(TableName="Users", Item={"id": {"S": "test"}})
    ddb.update_item(
        TableName="Users",
        Key={"id": {"S": "test"}},
        UpdateExpression="SET b = :b",
        ExpressionAttributeValues={":b": {"B": b"\x90"}},
    )
    ddb.delete_item(TableName="Users", Key={"id": {"S": "test"}})

    records = _kinesis_records(kinesis)
    assert len({r["PartitionKey"] for r in records}) == 1
    key = records[0]["PartitionKey"]
    assert len(key) == 32 and key == key.upper() and int(key, 16) >= 0
    data = [r["Data"] for r in records]
    # The members in DynamoDB's order, as its JSON has them.
    assert list(data[0]) == [
        "awsRegion",
        "eventID",
        "eventName",
        "userIdentity",
        "recordFormat",
        "tableName",
        "dynamodb",
        "eventSource",
    ]
    event_ids = [d.pop("eventID") for d in data]
    assert len(set(event_ids)) == 3 and all(len(e) == 36 for e in event_ids)
    common = {
        "awsRegion": REGION,
        "userIdentity": None,
        "recordFormat": "application/json",
        "tableName": "Users",
        "eventSource": "aws:dynamodb",
    }
    keys = {"id": {"S": "test"}}
    modified = {"id": {"S": "test"}, "b": {"B": "kA=="}}
    assert data == [
        {
            **common,
            "eventName": "INSERT",
            "dynamodb": {
                "ApproximateCreationDateTime": now_ms,
                "Keys": keys,
                "NewImage": keys,
                "SizeBytes": 12,
            },
        },
        {
            **common,
            "eventName": "MODIFY",
            "dynamodb": {
                "ApproximateCreationDateTime": now_ms,
                "Keys": keys,
                "NewImage": modified,
                "OldImage": keys,
                "SizeBytes": 6 + 8 + 6,
            },
        },
        {
            **common,
            "eventName": "REMOVE",
            "dynamodb": {
                "ApproximateCreationDateTime": now_ms,
                "Keys": keys,
                "OldImage": modified,
                "SizeBytes": 6 + 8,
            },
        },
    ]


def test_both_images_whatever_the_tables_stream_keeps(world: tuple[Any, Any, Any]) -> None:
    _, ddb, kinesis = world
    create_stream_table(ddb, "Plain", view_type=None)
    create_stream_table(ddb, "KeysOnly", view_type="KEYS_ONLY")
    for name in ("Plain", "KeysOnly"):
        ddb.enable_kinesis_streaming_destination(TableName=name, StreamArn=STREAM_ARN)
        ddb.put_item(TableName=name, Item={"id": {"S": "a"}, "n": {"N": "1"}})
        ddb.put_item(TableName=name, Item={"id": {"S": "a"}, "n": {"N": "2"}})
    modified = [d for d in _data(kinesis) if d["eventName"] == "MODIFY"]
    assert [d["tableName"] for d in modified] == ["Plain", "KeysOnly"]
    for record in modified:
        assert record["dynamodb"]["OldImage"]["n"] == {"N": "1"}
        assert record["dynamodb"]["NewImage"]["n"] == {"N": "2"}


def test_microsecond_precision_stamps_microseconds(world: tuple[Any, Any, Any]) -> None:
    mock, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(
        TableName="Users",
        StreamArn=STREAM_ARN,
        EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    now_ms = int(mock.clock.now().timestamp() * 1000)
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})
    ddb.update_kinesis_streaming_destination(
        TableName="Users",
        StreamArn=STREAM_ARN,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MILLISECOND"},
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "b"}})
    stamps = [
        (
            d["dynamodb"]["ApproximateCreationDateTime"],
            d["dynamodb"]["ApproximateCreationDateTimePrecision"],
        )
        for d in _data(kinesis)
    ]
    assert stamps == [(now_ms * 1000, "MICROSECOND"), (now_ms, "MILLISECOND")]


def test_every_write_path_reaches_the_stream(world: tuple[Any, Any, Any]) -> None:
    _, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    ddb.batch_write_item(
        RequestItems={"Users": [{"PutRequest": {"Item": {"id": {"S": f"b{i}"}}}} for i in range(3)]}
    )
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "Users", "Item": {"id": {"S": "t1"}}}},
            {"Delete": {"TableName": "Users", "Key": {"id": {"S": "b0"}}}},
        ]
    )
    ddb.execute_statement(Statement="INSERT INTO \"Users\" VALUE {'id': 'p1'}")
    ddb.execute_statement(Statement="UPDATE \"Users\" SET n = 1 WHERE id = 'p1'")
    events = [(d["eventName"], d["dynamodb"]["Keys"]["id"]["S"]) for d in _data(kinesis)]
    assert events == [
        ("INSERT", "b0"),
        ("INSERT", "b1"),
        ("INSERT", "b2"),
        ("INSERT", "t1"),
        ("REMOVE", "b0"),
        ("INSERT", "p1"),
        ("MODIFY", "p1"),
    ]


def test_a_failed_write_puts_nothing(world: tuple[Any, Any, Any]) -> None:
    _, ddb, kinesis = world
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    with pytest.raises(ClientError):
        ddb.put_item(
            TableName="Users",
            Item={"id": {"S": "a"}},
            ConditionExpression="attribute_exists(id)",
        )
    assert _data(kinesis) == []


def test_ttl_deletions_are_put_at_the_next_request(world: tuple[Any, Any, Any]) -> None:
    mock, ddb, kinesis = world
    ddb.update_time_to_live(
        TableName="Users", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
    expires = int(mock.clock.now().timestamp()) + 60
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}, "expires": {"N": str(expires)}})
    mock.clock.advance(seconds=61)
    # The clock deleted the item; its record waits for the next request to the region.
    assert [d["eventName"] for d in _data(kinesis)] == ["INSERT"]
    ddb.describe_kinesis_streaming_destination(TableName="Users")
    removed = _data(kinesis)[-1]
    assert removed["eventName"] == "REMOVE"
    assert removed["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert removed["dynamodb"]["OldImage"]["id"] == {"S": "a"}


def test_nothing_is_put_while_enabling_or_after_disable() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="changes", ShardCount=1)
        create_stream_table(ddb)
        mock.clock.advance(seconds=5)
        ddb.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        ddb.put_item(TableName="Users", Item={"id": {"S": "while-enabling"}})
        mock.clock.advance(seconds=5)
        ddb.put_item(TableName="Users", Item={"id": {"S": "while-active"}})
        ddb.disable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        ddb.put_item(TableName="Users", Item={"id": {"S": "while-disabling"}})
        mock.clock.advance(seconds=5)
        ddb.put_item(TableName="Users", Item={"id": {"S": "after-disable"}})
        assert [d["dynamodb"]["Keys"]["id"]["S"] for d in _data(kinesis)] == ["while-active"]


def test_replicated_writes_reach_the_replicas_destination(dynastream: MockStreams) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        east = boto3.client("dynamodb", region_name="us-east-1")
        west = boto3.client("dynamodb", region_name=REGION)
        kinesis = boto3.client("kinesis", region_name=REGION)
        kinesis.create_stream(StreamName="changes", ShardCount=1)
        create_stream_table(east)
        east.update_table(TableName="Users", ReplicaUpdates=[{"Create": {"RegionName": REGION}}])
        west.enable_kinesis_streaming_destination(TableName="Users", StreamArn=STREAM_ARN)
        east.put_item(TableName="Users", Item={"id": {"S": "from-east"}})
        west.get_item(TableName="Users", Key={"id": {"S": "from-east"}})
        (record,) = _data(kinesis)
        assert (record["eventName"], record["awsRegion"]) == ("INSERT", REGION)
        assert record["dynamodb"]["Keys"] == {"id": {"S": "from-east"}}
