"""TransactWriteItems and TransactGetItems: all or nothing, cancellation reasons, the
ClientRequestToken window, and one stream record per change a transaction makes."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams


def key(name: str) -> dict[str, Any]:
    return {"id": {"S": name}}


def put_action(name: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": "Users", "Item": {**key(name), **extra}}}


def counter_update(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": "Users",
            "Key": key(name),
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            **extra,
        }
    }


def records(ddb: Any, streams: Any) -> list[Any]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [r for shard in shards for r in read_shard(streams, arn, shard["ShardId"])]


def names(ddb: Any) -> list[str]:
    return sorted(item["id"]["S"] for item in ddb.scan(TableName="Users")["Items"])


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def users(ddb: Any) -> Any:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={**key("old"), "n": {"N": "1"}})
    ddb.put_item(TableName="Users", Item=key("gone"))
    return ddb


# -- TransactWriteItems -------------------------------------------------------------------


def test_every_change_is_applied_with_one_stream_record_each(users: Any, streams: Any) -> None:
    before = len(records(users, streams))

    users.transact_write_items(
        TransactItems=[
            put_action("new"),
            counter_update("old"),
            {"Delete": {"TableName": "Users", "Key": key("gone")}},
            {
                "ConditionCheck": {
                    "TableName": "Users",
                    "Key": key("absent"),
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            },
        ]
    )

    made = records(users, streams)[before:]
    assert [r["eventName"] for r in made] == ["INSERT", "MODIFY", "REMOVE"]
    assert names(users) == ["new", "old"]
    assert users.get_item(TableName="Users", Key=key("old"))["Item"]["n"] == {"N": "2"}


def test_a_failed_condition_cancels_everything_and_writes_no_record(
    users: Any, streams: Any
) -> None:
    before = len(records(users, streams))

    with pytest.raises(ClientError) as raised:
        users.transact_write_items(
            TransactItems=[
                counter_update(
                    "old",
                    ConditionExpression="n = :two",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":two": {"N": "2"}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ),
                put_action("new"),
            ]
        )

    assert error_of(raised) == (
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None]",
    )
    assert raised.value.response["CancellationReasons"] == [
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {"id": {"S": "old"}, "n": {"N": "1"}},
        },
        {"Code": "None"},
    ]
    assert names(users) == ["gone", "old"]
    assert len(records(users, streams)) == before


def test_condition_failure_without_return_values_has_no_item(users: Any) -> None:
    with pytest.raises(users.exceptions.TransactionCanceledException) as raised:
        users.transact_write_items(
            TransactItems=[
                put_action("new"),
                {
                    "ConditionCheck": {
                        "TableName": "Users",
                        "Key": key("old"),
                        "ConditionExpression": "attribute_not_exists(id)",
                    }
                },
            ]
        )

    assert raised.value.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]


def test_an_update_failing_at_run_time_is_a_validation_error_reason(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(
            TransactItems=[
                put_action("new"),
                {
                    "Update": {
                        "TableName": "Users",
                        "Key": key("old"),
                        "UpdateExpression": "SET m = nothere + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )

    reasons = raised.value.response["CancellationReasons"]
    assert error_of(raised)[1].endswith("[None, ValidationError]")
    assert reasons[1] == {
        "Code": "ValidationError",
        "Message": "The provided expression refers to an attribute that does not exist in the item",
    }
    assert names(users) == ["gone", "old"]


def test_two_actions_on_one_item_are_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[put_action("old"), counter_update("old")])

    assert error_of(raised) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {**put_action("a"), "Delete": {"TableName": "Users", "Key": key("b")}},
            "TransactItems can only contain one of Check, Put, Update or Delete",
        ),
        (
            {},
            "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
        ),
    ],
)
def test_an_entry_holds_exactly_one_action(users: Any, entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[entry])

    assert error_of(raised) == ("ValidationException", message)


def test_more_than_100_actions_are_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[put_action(f"k{n}") for n in range(101)])

    code, message = error_of(raised)
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 100" in message


def test_one_hundred_actions_are_fine(users: Any) -> None:
    users.transact_write_items(TransactItems=[put_action(f"k{n}") for n in range(100)])

    assert len(names(users)) == 102


def test_a_missing_table_fails_the_request(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(
            TransactItems=[put_action("a"), {"Put": {"TableName": "Nope", "Item": key("a")}}]
        )

    assert error_of(raised)[0] == "ResourceNotFoundException"
    assert names(users) == ["gone", "old"]


def test_updating_a_key_attribute_is_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "Users",
                        "Key": key("old"),
                        "UpdateExpression": "SET id = :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}},
                    }
                }
            ]
        )

    assert error_of(raised) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute id. This attribute "
        "is part of the key",
    )


def test_unused_expression_values_fail_the_request(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": "Users",
                        "Key": key("old"),
                        "ExpressionAttributeValues": {":x": {"S": "x"}},
                        "ConditionExpression": "attribute_exists(id)",
                    }
                }
            ]
        )

    assert error_of(raised) == (
        "ValidationException",
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
    )


# -- ClientRequestToken -------------------------------------------------------------------


def test_the_same_request_with_the_same_token_changes_nothing_more(
    dynastream: MockStreams, users: Any, streams: Any
) -> None:
    request = {"TransactItems": [counter_update("old")], "ClientRequestToken": "token-1"}
    users.transact_write_items(**request)
    before = len(records(users, streams))

    users.transact_write_items(**request)

    assert users.get_item(TableName="Users", Key=key("old"))["Item"]["n"] == {"N": "2"}
    assert len(records(users, streams)) == before


def test_another_request_with_the_same_token_is_a_mismatch(users: Any) -> None:
    users.transact_write_items(TransactItems=[counter_update("old")], ClientRequestToken="t")

    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[counter_update("gone")], ClientRequestToken="t")

    assert error_of(raised)[0] == "IdempotentParameterMismatchException"


def test_a_token_is_forgotten_after_ten_minutes(dynastream: MockStreams, users: Any) -> None:
    dynastream.clock.freeze()
    request = {"TransactItems": [counter_update("old")], "ClientRequestToken": "token-2"}
    users.transact_write_items(**request)
    dynastream.clock.advance(minutes=9, seconds=59)
    users.transact_write_items(**request)
    dynastream.clock.advance(seconds=2)

    users.transact_write_items(**request)

    assert users.get_item(TableName="Users", Key=key("old"))["Item"]["n"] == {"N": "3"}


def test_resource_client_writes_python_values(dynastream: MockStreams) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    table = boto3.resource("dynamodb", region_name=REGION).Table("Users")

    table.meta.client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "Users", "Item": {"id": "a", "tags": {"x", "y"}}}},
            {"Put": {"TableName": "Users", "Item": {"id": "b", "n": 3}}},
        ]
    )

    assert table.get_item(Key={"id": "a"})["Item"]["tags"] == {"x", "y"}
    assert table.get_item(Key={"id": "b"})["Item"]["n"] == 3


# -- TransactGetItems ---------------------------------------------------------------------


def test_transact_get_answers_in_request_order_with_projections(users: Any) -> None:
    result = users.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": "Users", "Key": key("old"), "ProjectionExpression": "n"}},
            {"Get": {"TableName": "Users", "Key": key("absent")}},
            {"Get": {"TableName": "Users", "Key": key("gone")}},
        ]
    )

    assert result["Responses"] == [{"Item": {"n": {"N": "1"}}}, {}, {"Item": key("gone")}]


def test_transact_get_refuses_one_item_twice(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_get_items(
            TransactItems=[
                {"Get": {"TableName": "Users", "Key": key("old")}},
                {"Get": {"TableName": "Users", "Key": key("old")}},
            ]
        )

    assert error_of(raised) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )


def test_transact_get_refuses_more_than_100(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_get_items(
            TransactItems=[{"Get": {"TableName": "Users", "Key": key(f"k{n}")}} for n in range(101)]
        )

    assert "Member must have length less than or equal to 100" in error_of(raised)[1]


def test_transact_get_with_a_bad_key(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.transact_get_items(
            TransactItems=[{"Get": {"TableName": "Users", "Key": {"id": {"N": "1"}}}}]
        )

    assert error_of(raised) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )


# -- secondary index keys inside a transaction --------------------------------------------


@pytest.fixture
def indexed(ddb: Any) -> Any:
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
    return ddb


def test_a_mistyped_index_key_is_a_validation_error_reason(indexed: Any) -> None:
    with pytest.raises(ClientError) as raised:
        indexed.transact_write_items(TransactItems=[put_action("a", g={"N": "5"})])

    assert raised.value.response["CancellationReasons"] == [
        {
            "Code": "ValidationError",
            "Message": "One or more parameter values were invalid: Type mismatch for Index Key g "
            "Expected: S Actual: N IndexName: by-g",
        }
    ]


def test_an_empty_index_key_fails_the_request_itself(indexed: Any) -> None:
    with pytest.raises(ClientError) as raised:
        indexed.transact_write_items(TransactItems=[put_action("a", g={"S": ""})])

    assert error_of(raised) == (
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        "string value. IndexName: by-g, IndexKey: g",
    )


def test_transaction_writes_keep_indexes(indexed: Any) -> None:
    indexed.transact_write_items(
        TransactItems=[put_action("a", g={"S": "x"}), put_action("b", g={"S": "x"})]
    )

    result = indexed.query(
        TableName="Users",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )

    assert result["Count"] == 2


def test_consumed_capacity_counts_two_units_per_transactional_write(users: Any) -> None:
    result = users.transact_write_items(
        TransactItems=[put_action("a"), put_action("b")], ReturnConsumedCapacity="TOTAL"
    )

    assert result["ConsumedCapacity"] == [{"TableName": "Users", "CapacityUnits": 4.0}]


def test_a_transaction_of_more_than_4_mb_of_items_is_refused_and_changes_nothing(
    users: Any, streams: Any
) -> None:
    blob = {"blob": {"S": "x" * 390_000}}
    before = len(records(users, streams))
    with pytest.raises(ClientError) as raised:
        users.transact_write_items(TransactItems=[put_action(f"big{i}", **blob) for i in range(11)])
    assert error_of(raised) == (
        "ValidationException",
        "Transaction request cannot be larger than 4 MB",
    )
    assert names(users) == ["gone", "old"]
    assert len(records(users, streams)) == before
    users.transact_write_items(TransactItems=[put_action(f"big{i}", **blob) for i in range(10)])
    assert "Item" in users.get_item(TableName="Users", Key=key("big9"))
