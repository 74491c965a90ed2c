"""The event and the context are Lambda's; Powertools handlers run unchanged."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from botocore.exceptions import ClientError

from dynastream_mock import MockStreams
from dynastream_mock.backend.shards import StreamRecord
from dynastream_mock.triggers.events import event_record_text


def test_event_is_the_get_records_record_plus_event_source_arn(
    dynastream: MockStreams, ddb: Any, streams: Any, table: str
) -> None:
    dynastream.add_trigger("Users", lambda event, context: None, StartingPosition="TRIM_HORIZON")
    ddb.put_item(
        TableName="Users",
        Item={"id": {"S": "u1"}, "n": {"N": "1.50"}, "raw": {"B": b"\x00\xff"}},
    )
    ddb.update_item(
        TableName="Users",
        Key={"id": {"S": "u1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
    )
    ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})

    (invocation,) = dynastream.run_triggers()

    event = invocation.event
    assert list(event) == ["Records"]
    first, second, third = event["Records"]
    assert [r["eventName"] for r in event["Records"]] == ["INSERT", "MODIFY", "REMOVE"]
    assert set(first) == {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    }
    assert first["eventSourceARN"] == table
    assert (first["eventSource"], first["eventVersion"], first["awsRegion"]) == (
        "aws:dynamodb",
        "1.1",
        "eu-west-1",
    )
    data = first["dynamodb"]
    # Epoch seconds, a JSON number, as Lambda sends it; binary values stay base64 text.
    assert isinstance(data["ApproximateCreationDateTime"], int)
    assert data["ApproximateCreationDateTime"] == int(dynastream.clock.now().timestamp())
    assert data["NewImage"] == {"id": {"S": "u1"}, "n": {"N": "1.5"}, "raw": {"B": "AP8="}}
    assert data["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert second["dynamodb"]["OldImage"]["n"] == {"N": "1.5"}
    assert "NewImage" not in third["dynamodb"]
    # Everything else is exactly what GetRecords returns.
    shard_id = invocation.shard_id
    iterator = streams.get_shard_iterator(
        StreamArn=table, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    wire = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["eventID"] for r in wire] == [r["eventID"] for r in event["Records"]]
    assert [r["dynamodb"]["SequenceNumber"] for r in wire] == [
        r["dynamodb"]["SequenceNumber"] for r in event["Records"]
    ]


def test_the_handler_gets_its_own_copy_of_the_records(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    def vandal(event: dict[str, Any], context: Any) -> None:
        event["Records"][0]["dynamodb"]["NewImage"]["id"]["S"] = "changed"

    dynastream.add_trigger("Users", vandal, StartingPosition="TRIM_HORIZON")
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})

    dynastream.run_triggers()

    assert ddb.get_item(TableName="Users", Key={"id": {"S": "u1"}})["Item"]["id"]["S"] == "u1"
    assert dynastream.stream_records("Users")[0]["dynamodb"]["NewImage"]["id"]["S"] == "u1"


def test_ttl_deletions_carry_lower_case_user_identity() -> None:
    record = StreamRecord(
        sequence_number=10**20 + 5,
        event_id="e",
        event_name="REMOVE",
        created_ms=1_700_000_000_000,
        keys={"id": {"S": "u1"}},
        new_image=None,
        old_image={"id": {"S": "u1"}},
        size_bytes=4,
        by_ttl=True,
    )

    rendered = json.loads(event_record_text(record, "eu-west-1", "OLD_IMAGE", "arn:stream"))

    assert rendered["userIdentity"] == {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }
    assert rendered["eventSourceARN"] == "arn:stream"


def test_ttl_deletion_reaches_the_handler_with_lower_case_user_identity(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    try:
        ddb.update_time_to_live(
            TableName="Users",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UnknownOperationException":
            pytest.skip("Time To Live is not served yet")
        raise
    dynastream.add_trigger("Users", lambda event, context: None, StartingPosition="TRIM_HORIZON")
    expires = int(dynastream.clock.now().timestamp()) + 10
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "expires": {"N": str(expires)}})
    dynastream.clock.advance(seconds=11)
    ddb.describe_table(TableName="Users")

    records = [r for i in dynastream.run_triggers() for r in i.event["Records"]]

    assert records[-1]["eventName"] == "REMOVE"
    assert records[-1]["userIdentity"] == {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }


def test_context_has_the_python_runtimes_attributes(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    remaining: list[int] = []

    def on_user_change(event: dict[str, Any], context: Any) -> None:
        remaining.append(context.get_remaining_time_in_millis())
        dynastream.clock.advance(seconds=1)
        remaining.append(context.get_remaining_time_in_millis())

    trigger = dynastream.add_trigger("Users", on_user_change, StartingPosition="TRIM_HORIZON")
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "u2"}})

    dynastream.run_triggers()
    ddb.put_item(TableName="Users", Item={"id": {"S": "u3"}})
    dynastream.run_triggers()

    first, second = (i._context for i in trigger.invocations)
    assert first.function_name == "on_user_change"
    assert first.function_version == "$LATEST"
    assert first.invoked_function_arn == (
        "arn:aws:lambda:eu-west-1:123456789012:function:on_user_change"
    )
    assert first.memory_limit_in_mb == "128"
    assert first.log_group_name == "/aws/lambda/on_user_change"
    assert "[$LATEST]" in first.log_stream_name
    assert first.identity.cognito_identity_id is None and first.client_context is None
    assert str(uuid.UUID(first.aws_request_id)) == first.aws_request_id
    assert first.aws_request_id != second.aws_request_id
    assert remaining[:2] == [3000, 2000]


def test_powertools_event_source_data_class_reads_the_event(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    seen: list[tuple[str, str, str | None]] = []

    @event_source(data_class=DynamoDBStreamEvent)
    def handler(event: DynamoDBStreamEvent, context: Any) -> None:
        for record in event.records:
            assert record.dynamodb is not None
            new_image = record.dynamodb.new_image
            seen.append(
                (
                    record.event_name.name if record.event_name else "",
                    record.event_source_arn or "",
                    new_image.get("name") if new_image else None,
                )
            )

    dynastream.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Ada"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "u1"}})

    (invocation,) = dynastream.run_triggers()

    assert invocation.ok, invocation._reason
    assert seen == [("INSERT", table, "Ada"), ("REMOVE", table, None)]


def test_powertools_batch_processor_partial_failures_are_honoured(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    handled: list[str] = []

    def record_handler(record: DynamoDBRecord) -> None:
        assert record.dynamodb is not None and record.dynamodb.keys is not None
        user = record.dynamodb.keys["id"]
        if record.event_name == DynamoDBRecordEventName.INSERT and user == "poison":
            raise ValueError("cannot welcome this user")
        handled.append(user)

    def lambda_handler(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    failed: list[dict[str, Any]] = []
    dynastream.add_trigger(
        "Users",
        lambda_handler,
        StartingPosition="TRIM_HORIZON",
        FunctionResponseTypes=["ReportBatchItemFailures"],
        MaximumRetryAttempts=1,
        on_failure=failed.append,
    )
    for user in ("a", "poison", "b"):
        ddb.put_item(TableName="Users", Item={"id": {"S": user}})

    first = dynastream.run_triggers()
    second = dynastream.run_triggers()
    third = dynastream.run_triggers()

    poison_sequence = dynastream.stream_records("Users")[1]["dynamodb"]["SequenceNumber"]
    assert first[0].result == {"batchItemFailures": [{"itemIdentifier": poison_sequence}]}
    assert not first[0].ok
    # Retried from the poison record: "b" is handled again, "a" is not.
    assert [len(i.event["Records"]) for i in [*first, *second]] == [3, 2]
    assert handled == ["a", "b", "b"]
    assert third == []
    (payload,) = failed
    assert payload["DDBStreamBatchInfo"]["startSequenceNumber"] == poison_sequence
