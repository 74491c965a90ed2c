"""BatchWriteItem and BatchGetItem through the boto3 client."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table, read_shard


def failure(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def put(user: str, **attributes: Any) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"id": {"S": user}, **attributes}}}


def delete(user: str) -> dict[str, Any]:
    return {"DeleteRequest": {"Key": {"id": {"S": user}}}}


@pytest.fixture
def users(ddb: Any) -> Any:
    create_stream_table(ddb)
    create_stream_table(ddb, "Teams", view_type=None)
    return ddb


def records(ddb: Any, streams: Any) -> list[Any]:
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return [record for shard in shards for record in read_shard(streams, arn, shard["ShardId"])]


def test_batch_write_puts_and_deletes_with_one_record_each(users: Any, streams: Any) -> None:
    users.put_item(TableName="Users", Item={"id": {"S": "old"}})

    answer = users.batch_write_item(
        RequestItems={
            "Users": [put("a"), put("b"), delete("old")],
            "Teams": [put("t1")],
        }
    )

    assert answer["UnprocessedItems"] == {}
    names = sorted(record["eventName"] for record in records(users, streams))
    assert names == ["INSERT", "INSERT", "INSERT", "REMOVE"]
    assert users.scan(TableName="Users")["Count"] == 2
    assert users.scan(TableName="Teams")["Count"] == 1


def test_batch_write_reports_capacity_per_table(users: Any) -> None:
    answer = users.batch_write_item(
        RequestItems={"Users": [put("a"), put("b")], "Teams": [put("t")]},
        ReturnConsumedCapacity="TOTAL",
    )

    assert sorted(answer["ConsumedCapacity"], key=lambda c: c["TableName"]) == [
        {"TableName": "Teams", "CapacityUnits": 1.0},
        {"TableName": "Users", "CapacityUnits": 2.0},
    ]


def test_batch_write_of_more_than_25_requests_is_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_write_item(
            RequestItems={
                "Users": [put(f"u{n}") for n in range(20)],
                "Teams": [put(f"t{n}") for n in range(6)],
            }
        )

    assert failure(raised) == (
        "ValidationException",
        "Too many items requested for the BatchWriteItem call",
    )


@pytest.mark.parametrize("second", [put("a"), delete("a")])
def test_batch_write_with_duplicate_keys_changes_nothing(
    users: Any, streams: Any, second: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_write_item(RequestItems={"Users": [put("z"), put("a"), second]})

    assert failure(raised) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    assert users.scan(TableName="Users")["Count"] == 0
    assert records(users, streams) == []


def test_batch_write_to_a_missing_table_changes_nothing(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_write_item(RequestItems={"Users": [put("a")], "Nowhere": [put("b")]})

    assert failure(raised) == ("ResourceNotFoundException", "Requested resource not found")
    assert users.scan(TableName="Users")["Count"] == 0


@pytest.mark.parametrize(
    ("request_item", "message"),
    [
        (
            {"PutRequest": {"Item": {"name": {"S": "x"}}}},
            "The provided key element does not match the schema",
        ),
        (
            {"PutRequest": {"Item": {"id": {"N": "1"}}}},
            "The provided key element does not match the schema",
        ),
        (
            {"DeleteRequest": {"Key": {"other": {"S": "x"}}}},
            "The provided key element does not match the schema",
        ),
        (
            {"PutRequest": {"Item": {"id": {"S": ""}}}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: id",
        ),
        (
            {"PutRequest": {"Item": {"id": {"S": "x"}, "d": {"S": "x" * 409600}}}},
            "Item size has exceeded the maximum allowed size",
        ),
    ],
)
def test_batch_write_invalid_requests(
    users: Any, request_item: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_write_item(RequestItems={"Users": [put("ok"), request_item]})

    assert failure(raised) == ("ValidationException", message)
    assert users.scan(TableName="Users")["Count"] == 0


def test_batch_get_answers_per_table(users: Any) -> None:
    users.batch_write_item(
        RequestItems={"Users": [put("a", n={"N": "1"}), put("b")], "Teams": [put("t")]}
    )

    answer = users.batch_get_item(
        RequestItems={
            "Users": {
                "Keys": [{"id": {"S": "a"}}, {"id": {"S": "b"}}, {"id": {"S": "ghost"}}],
                "ProjectionExpression": "n",
            },
            "Teams": {"Keys": [{"id": {"S": "t"}}]},
        },
        ReturnConsumedCapacity="TOTAL",
    )

    assert sorted(answer["Responses"]["Users"], key=len) == [{}, {"n": {"N": "1"}}]
    assert answer["Responses"]["Teams"] == [{"id": {"S": "t"}}]
    assert answer["UnprocessedKeys"] == {}
    assert {c["TableName"] for c in answer["ConsumedCapacity"]} == {"Users", "Teams"}


def test_batch_get_answers_under_the_name_or_arn_it_was_asked_by(users: Any) -> None:
    # AWS keys Responses as RequestItems named the table (moto's aws_verified
    # test_batch_write_using_arn).
    users.batch_write_item(RequestItems={"Users": [put("a")], "Teams": [put("t")]})
    arn = users.describe_table(TableName="Users")["Table"]["TableArn"]

    answer = users.batch_get_item(
        RequestItems={arn: {"Keys": [{"id": {"S": "a"}}]}, "Teams": {"Keys": [{"id": {"S": "t"}}]}}
    )

    assert answer["Responses"] == {arn: [{"id": {"S": "a"}}], "Teams": [{"id": {"S": "t"}}]}


def test_batch_get_of_more_than_100_keys_is_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_get_item(
            RequestItems={
                "Users": {"Keys": [{"id": {"S": f"u{n}"}} for n in range(60)]},
                "Teams": {"Keys": [{"id": {"S": f"t{n}"}} for n in range(41)]},
            }
        )

    assert failure(raised) == (
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
    )


def test_batch_get_with_duplicate_keys_is_refused(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_get_item(
            RequestItems={"Users": {"Keys": [{"id": {"S": "a"}}, {"id": {"S": "a"}}]}}
        )

    assert failure(raised) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )


def test_batch_get_from_a_missing_table_is_not_found(users: Any) -> None:
    with pytest.raises(ClientError) as raised:
        users.batch_get_item(RequestItems={"Nowhere": {"Keys": [{"id": {"S": "a"}}]}})

    assert failure(raised) == ("ResourceNotFoundException", "Requested resource not found")
