"""Requests an outside suite validated against DynamoDB found answered wrongly: each gets
DynamoDB's error, never an InternalServerError, and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

ENDPOINT = f"https://dynamodb.{REGION}.amazonaws.com/"
KEYED = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def raw(operation: str, body: dict[str, Any]) -> requests.Response:
    """A request as a hand-written client sends it, past botocore's own checks."""
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        "Accept-Encoding": "identity",
    }
    return requests.post(ENDPOINT, headers=headers, data=json.dumps(body), timeout=5)


def error_of(answer: requests.Response) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["__type"].rsplit("#", 1)[-1], body.get("message", "")


def code_and_message(error: ClientError) -> tuple[str, str]:
    return error.response["Error"]["Code"], error.response["Error"]["Message"]


def test_create_table_without_attribute_definitions_is_refused(ddb: Any) -> None:
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="NoDefinitions", **KEYED)

    assert code_and_message(caught.value) == ("ValidationException", "No Attribute Schema Defined")
    assert ddb.list_tables()["TableNames"] == []


@pytest.mark.in_process_only("raw requests go to the intercepted AWS endpoint")
def test_batch_write_with_a_null_request_list_is_refused(ddb: Any) -> None:
    create_stream_table(ddb, "Batch")

    answer = raw("BatchWriteItem", {"RequestItems": {"Batch": None}})

    assert error_of(answer) == (
        400,
        "ValidationException",
        "The batch write request list for a table cannot be null or empty: Batch",
    )


@pytest.mark.in_process_only("raw requests go to the intercepted AWS endpoint")
def test_null_members_of_request_lists_are_refused(ddb: Any) -> None:
    create_stream_table(ddb, "Batch")

    writes = raw("BatchWriteItem", {"RequestItems": {"Batch": [None]}})
    transaction = raw("TransactWriteItems", {"TransactItems": [None]})
    gets = raw("BatchGetItem", {"RequestItems": {"Batch": None}})

    assert error_of(writes) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'requestItems.Batch.member.1.member' "
        "failed to satisfy constraint: Member must not be null",
    )
    assert error_of(transaction) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'transactItems.1.member' "
        "failed to satisfy constraint: Member must not be null",
    )
    assert error_of(gets) == (
        400,
        "ValidationException",
        "The list of keys in RequestItems for BatchGetItem is required: Batch has empty list",
    )


@pytest.mark.in_process_only("raw requests go to the intercepted AWS endpoint")
@pytest.mark.parametrize(
    ("binary", "message"),
    [
        ("YWJjZGVmZ2g", "Base64 encoded length is expected a multiple of 4 bytes but found: 11"),
        (
            "YWJj??!!",
            "Invalid Base64 encoded binary value: only A-Z, a-z, 0-9, '+', '/' and '=' "
            "padding are allowed",
        ),
        (
            "YW=j",
            "Invalid Base64 encoded binary value: only A-Z, a-z, 0-9, '+', '/' and '=' "
            "padding are allowed",
        ),
    ],
)
def test_malformed_base64_is_refused_everywhere(ddb: Any, binary: str, message: str) -> None:
    ddb.create_table(
        TableName="Blobs",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "B"}],
        **KEYED,
    )
    refused = (400, "SerializationException", message)

    as_key = raw("PutItem", {"TableName": "Blobs", "Item": {"pk": {"B": binary}}})
    as_attribute = raw(
        "PutItem", {"TableName": "Blobs", "Item": {"pk": {"B": "AA=="}, "b": {"B": binary}}}
    )
    in_a_set = raw(
        "PutItem",
        {"TableName": "Blobs", "Item": {"pk": {"B": "AA=="}, "b": {"BS": ["AA==", binary]}}},
    )
    in_a_filter = raw(
        "Scan",
        {
            "TableName": "Blobs",
            "FilterExpression": "b = :b",
            "ExpressionAttributeValues": {":b": {"B": binary}},
        },
    )

    assert error_of(as_key) == refused
    assert error_of(as_attribute) == refused
    assert error_of(in_a_set) == refused
    assert error_of(in_a_filter) == refused
    assert ddb.scan(TableName="Blobs")["Count"] == 0


@pytest.mark.in_process_only("raw requests go to the intercepted AWS endpoint")
def test_well_formed_base64_is_stored_as_sent(ddb: Any) -> None:
    ddb.create_table(
        TableName="Blobs",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "B"}],
        **KEYED,
    )

    answer = raw("PutItem", {"TableName": "Blobs", "Item": {"pk": {"B": "YWJj"}}})

    assert answer.status_code == 200
    assert ddb.get_item(TableName="Blobs", Key={"pk": {"B": b"abc"}})["Item"] == {
        "pk": {"B": b"abc"}
    }


@pytest.mark.parametrize(
    ("shard_filter", "member"),
    [
        ({"ShardId": "shardId-00000001700000000000-0000abcd"}, "type"),
        ({"Type": "CHILD_SHARDS"}, "shardId"),
    ],
)
def test_a_shard_filter_needs_both_members(
    ddb: Any, streams: Any, shard_filter: dict[str, str], member: str
) -> None:
    arn = create_stream_table(ddb)["LatestStreamArn"]

    with pytest.raises(ClientError) as caught:
        streams.describe_stream(StreamArn=arn, ShardFilter=shard_filter)

    assert code_and_message(caught.value) == (
        "ValidationException",
        f"1 validation error detected: Value null at 'shardFilter.{member}' failed to "
        "satisfy constraint: Member must not be null",
    )


def test_a_mistyped_key_cancels_a_transaction_with_a_validation_reason(ddb: Any) -> None:
    create_stream_table(ddb, "Accounts")
    put_ok = {"Put": {"TableName": "Accounts", "Item": {"id": {"S": "fine"}}}}

    with pytest.raises(ClientError) as put_caught:
        ddb.transact_write_items(
            TransactItems=[put_ok, {"Put": {"TableName": "Accounts", "Item": {"id": {"N": "1"}}}}]
        )
    with pytest.raises(ClientError) as update_caught:
        ddb.transact_write_items(
            TransactItems=[
                put_ok,
                {
                    "Update": {
                        "TableName": "Accounts",
                        "Key": {"id": {"N": "1"}},
                        "UpdateExpression": "SET a = :a",
                        "ExpressionAttributeValues": {":a": {"S": "x"}},
                    }
                },
            ]
        )

    for caught in (put_caught, update_caught):
        response = caught.value.response
        assert response["Error"]["Code"] == "TransactionCanceledException"
        assert response["Error"]["Message"] == (
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[None, ValidationError]"
        )
        assert response["CancellationReasons"][0] == {"Code": "None"}
        assert response["CancellationReasons"][1]["Code"] == "ValidationError"
        assert response["CancellationReasons"][1]["Message"].startswith(
            "One or more parameter values were invalid: Type mismatch for key"
        )
    assert ddb.scan(TableName="Accounts")["Count"] == 0


def test_delete_table_answers_a_short_description(ddb: Any) -> None:
    create_stream_table(ddb, "Doomed")
    ddb.put_item(TableName="Doomed", Item={"id": {"S": "a"}})

    description = ddb.delete_table(TableName="Doomed")["TableDescription"]

    assert set(description) == {
        "TableName",
        "TableStatus",
        "ProvisionedThroughput",
        "TableSizeBytes",
        "ItemCount",
        "TableArn",
        "TableId",
        "BillingModeSummary",
    }
    assert description["TableStatus"] == "DELETING"
    assert description["ItemCount"] == 1


@pytest.mark.parametrize("projection_type", ["ALL", "KEYS_ONLY"])
def test_non_key_attributes_need_an_include_projection(ddb: Any, projection_type: str) -> None:
    with pytest.raises(ClientError) as caught:
        ddb.create_table(
            TableName="Indexed",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": projection_type, "NonKeyAttributes": ["a"]},
                }
            ],
            **KEYED,
        )

    assert code_and_message(caught.value) == (
        "ValidationException",
        "No attributes should be specified to be projected unless projection type is INCLUDE",
    )
    assert ddb.list_tables()["TableNames"] == []


@pytest.mark.parametrize(
    "change",
    [{}, {"BillingMode": "PAY_PER_REQUEST"}],
    ids=["no change named", "the billing mode it has"],
)
def test_an_update_table_that_changes_nothing_is_refused(ddb: Any, change: dict[str, str]) -> None:
    create_stream_table(ddb, "Steady")

    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="Steady", **change)

    assert code_and_message(caught.value) == ("ValidationException", "Nothing to update")
    assert ddb.describe_table(TableName="Steady")["Table"]["TableStatus"] == "ACTIVE"


def test_an_attribute_defined_twice_is_refused(ddb: Any) -> None:
    with pytest.raises(ClientError) as caught:
        ddb.create_table(
            TableName="Twice",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "pk", "AttributeType": "N"},
            ],
            **KEYED,
        )

    assert code_and_message(caught.value) == (
        "ValidationException",
        "Cannot have two attributes with the same name",
    )


def _create_index_on(ddb: Any, definitions: list[dict[str, str]], key: str) -> None:
    ddb.update_table(
        TableName="Users",
        AttributeDefinitions=definitions,
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-key",
                    "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )


def test_an_index_may_not_redefine_an_attribute_type(ddb: Any) -> None:
    create_stream_table(ddb)

    with pytest.raises(ClientError) as redefined:
        _create_index_on(ddb, [{"AttributeName": "id", "AttributeType": "N"}], "id")
    with pytest.raises(ClientError) as twice:
        _create_index_on(
            ddb,
            [
                {"AttributeName": "g", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            "g",
        )

    assert code_and_message(redefined.value) == (
        "ValidationException",
        "invalid attribute, SchemaElement redefined should be of same type as previously defined",
    )
    assert code_and_message(twice.value) == (
        "ValidationException",
        "Cannot have two attributes with the same name",
    )
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="Users")["Table"]
