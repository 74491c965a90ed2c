"""Query and Scan through the boto3 client: key conditions, paging, filters, segments."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table


def failure(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


@pytest.fixture
def events(ddb: Any) -> Any:
    """Table Events (id S, seq N): users a and b, events seq 1..5, payload v."""
    create_stream_table(ddb, "Events", range_key="seq")
    for user in "ab":
        for seq in range(1, 6):
            ddb.put_item(
                TableName="Events",
                Item={"id": {"S": user}, "seq": {"N": str(seq)}, "v": {"S": f"{user}{seq}"}},
            )
    return ddb


def query(ddb: Any, condition: str, values: dict[str, Any], **extra: Any) -> Any:
    return ddb.query(
        TableName="Events",
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values,
        **extra,
    )


def ats(answer: Any) -> list[int]:
    return [int(item["seq"]["N"]) for item in answer["Items"]]


A = {":u": {"S": "a"}}


@pytest.mark.parametrize(
    ("condition", "bounds", "expected"),
    [
        ("id = :u", {}, [1, 2, 3, 4, 5]),
        ("id = :u AND seq = :x", {":x": {"N": "3"}}, [3]),
        ("id = :u AND seq < :x", {":x": {"N": "3"}}, [1, 2]),
        ("id = :u AND seq <= :x", {":x": {"N": "3"}}, [1, 2, 3]),
        ("id = :u AND seq > :x", {":x": {"N": "3"}}, [4, 5]),
        ("id = :u AND :x <= seq", {":x": {"N": "3"}}, [3, 4, 5]),
        ("id = :u AND seq BETWEEN :x AND :y", {":x": {"N": "2"}, ":y": {"N": "4"}}, [2, 3, 4]),
    ],
)
def test_query_sort_key_conditions(
    events: Any, condition: str, bounds: dict[str, Any], expected: list[int]
) -> None:
    answer = query(events, condition, {**A, **bounds})

    assert ats(answer) == expected
    assert answer["Count"] == answer["ScannedCount"] == len(expected)
    assert "LastEvaluatedKey" not in answer


def test_query_begins_with_on_a_string_sort_key(ddb: Any) -> None:
    ddb.create_table(
        TableName="Files",
        KeySchema=[
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "path", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "path", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for path in ["a/1", "a/2", "a0", "b/1", "a"]:
        ddb.put_item(TableName="Files", Item={"id": {"S": "u"}, "path": {"S": path}})

    answer = ddb.query(
        TableName="Files",
        KeyConditionExpression="id = :u AND begins_with(#p, :p)",
        ExpressionAttributeNames={"#p": "path"},
        ExpressionAttributeValues={":u": {"S": "u"}, ":p": {"S": "a/"}},
        ScanIndexForward=False,
    )

    assert [item["path"]["S"] for item in answer["Items"]] == ["a/2", "a/1"]


def test_query_pages_backwards_with_limit_and_exclusive_start_key(events: Any) -> None:
    seen: list[int] = []
    start: dict[str, Any] = {}
    pages = 0
    while True:
        answer = query(events, "id = :u", A, Limit=2, ScanIndexForward=False, **start)
        pages += 1
        seen.extend(ats(answer))
        if "LastEvaluatedKey" not in answer:
            break
        start = {"ExclusiveStartKey": answer["LastEvaluatedKey"]}

    assert seen == [5, 4, 3, 2, 1]
    assert pages == 3


def test_query_limit_reports_the_last_evaluated_key(events: Any) -> None:
    answer = query(events, "id = :u AND seq >= :x", {**A, ":x": {"N": "2"}}, Limit=1)

    assert answer["LastEvaluatedKey"] == {"id": {"S": "a"}, "seq": {"N": "2"}}


def test_query_filter_counts_scanned_items(events: Any) -> None:
    answer = query(
        events,
        "id = :u",
        {**A, ":v": {"S": "a3"}},
        FilterExpression="v > :v",
    )

    assert ats(answer) == [4, 5]
    assert answer["Count"] == 2
    assert answer["ScannedCount"] == 5


def test_query_select_count_returns_no_items(events: Any) -> None:
    answer = query(events, "id = :u", A, Select="COUNT")

    assert "Items" not in answer
    assert answer["Count"] == 5


def test_query_projection(events: Any) -> None:
    answer = query(
        events, "id = :u AND seq = :x", {**A, ":x": {"N": "1"}}, ProjectionExpression="v"
    )

    assert answer["Items"] == [{"v": {"S": "a1"}}]


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        ("seq = :x", {":x": {"N": "1"}}, "Query condition missed key schema element: id"),
        (
            "id = :u AND v = :x",
            {**A, ":x": {"S": "1"}},
            "Query condition missed key schema element: seq",
        ),
        ("id > :u", A, "Query key condition not supported"),
        (
            "id = :n",
            {":n": {"N": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not "
            "match schema type",
        ),
        (
            "id = :u AND seq = :x",
            {**A, ":x": {"S": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not "
            "match schema type",
        ),
        (
            "id = :u AND seq = :x",
            {**A, ":x": {"N": "1"}, ":extra": {"N": "2"}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}",
        ),
    ],
)
def test_query_key_condition_errors(
    events: Any, condition: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        query(events, condition, values)

    assert failure(raised) == ("ValidationException", message)


def test_query_without_key_condition_is_refused(events: Any) -> None:
    with pytest.raises(ClientError) as raised:
        events.query(TableName="Events")

    assert failure(raised)[1] == (
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
        "the request."
    )


def test_query_filter_on_a_key_attribute_is_refused(events: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query(events, "id = :u", {**A, ":x": {"N": "1"}}, FilterExpression="seq > :x")

    assert failure(raised)[1] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: seq"
    )


def test_query_start_key_outside_the_range_predicate_is_refused(events: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query(
            events,
            "id = :u AND seq > :x",
            {**A, ":x": {"N": "3"}},
            ExclusiveStartKey={"id": {"S": "a"}, "seq": {"N": "1"}},
        )

    assert failure(raised)[1] == "The provided starting key does not match the range key predicate"


def test_query_select_specific_attributes_needs_a_projection(events: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query(events, "id = :u", A, Select="SPECIFIC_ATTRIBUTES")

    assert failure(raised)[1] == (
        "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression "
        "when choosing to get SPECIFIC_ATTRIBUTES"
    )


def test_query_on_an_index_is_refused_clearly(events: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query(events, "id = :u", A, IndexName="by_v")

    assert failure(raised)[1] == "The table does not have the specified index: by_v"


def test_query_legacy_key_conditions_answer_as_the_expression(events: Any) -> None:
    legacy = events.query(
        TableName="Events",
        KeyConditions={"id": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"}},
    )

    assert legacy["Items"] == query(events, "id = :u", A)["Items"]


def test_scan_returns_every_item_once(events: Any) -> None:
    answer = events.scan(TableName="Events")

    keys = {(item["id"]["S"], item["seq"]["N"]) for item in answer["Items"]}
    assert len(keys) == answer["Count"] == answer["ScannedCount"] == 10


def test_scan_pages_with_limit(events: Any) -> None:
    keys: list[tuple[str, str]] = []
    start: dict[str, Any] = {}
    while True:
        answer = events.scan(TableName="Events", Limit=3, **start)
        keys.extend((item["id"]["S"], item["seq"]["N"]) for item in answer["Items"])
        if "LastEvaluatedKey" not in answer:
            break
        start = {"ExclusiveStartKey": answer["LastEvaluatedKey"]}

    assert len(keys) == len(set(keys)) == 10


def test_parallel_scan_segments_partition_the_table(events: Any) -> None:
    for user in range(20):
        events.put_item(TableName="Events", Item={"id": {"S": f"u{user}"}, "seq": {"N": "0"}})
    segments = [
        {
            (i["id"]["S"], i["seq"]["N"])
            for i in events.scan(TableName="Events", Segment=segment, TotalSegments=3)["Items"]
        }
        for segment in range(3)
    ]

    assert sum(len(s) for s in segments) == len(set().union(*segments)) == 30
    assert all(segments)


def test_scan_filter_and_select_count(events: Any) -> None:
    answer = events.scan(
        TableName="Events",
        FilterExpression="begins_with(v, :b)",
        ExpressionAttributeValues={":b": {"S": "b"}},
        Select="COUNT",
    )

    assert "Items" not in answer
    assert (answer["Count"], answer["ScannedCount"]) == (5, 10)


def test_scan_pages_stop_at_one_megabyte(ddb: Any) -> None:
    create_stream_table(ddb, "Blobs", view_type=None)
    for n in range(30):
        ddb.put_item(TableName="Blobs", Item={"id": {"S": f"{n:02}"}, "d": {"S": "x" * 100_000}})

    pages = [ddb.scan(TableName="Blobs")]
    while "LastEvaluatedKey" in pages[-1]:
        pages.append(ddb.scan(TableName="Blobs", ExclusiveStartKey=pages[-1]["LastEvaluatedKey"]))

    # 11 items of 100 KB reach 1 MB; the page that reaches it ends there.
    assert [page["ScannedCount"] for page in pages] == [11, 11, 8]
    assert sum(page["Count"] for page in pages) == 30


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"Segment": 1},
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present",
        ),
        (
            {"TotalSegments": 2},
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present",
        ),
        (
            {"Segment": 2, "TotalSegments": 2},
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            "Segment: 2 is not less than TotalSegments: 2",
        ),
        (
            {"ExclusiveStartKey": {"id": {"S": "a"}}},
            "The provided starting key is invalid: The provided key element does not match the "
            "schema",
        ),
        (
            {"ProjectionExpression": "v", "Select": "ALL_ATTRIBUTES"},
            "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
        ),
        (
            {"ScanFilter": {"v": {"ComparisonOperator": "NOT_NULL"}}, "FilterExpression": "v > v"},
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}",
        ),
    ],
)
def test_scan_errors(events: Any, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        events.scan(TableName="Events", **extra)

    assert failure(raised) == ("ValidationException", message)


def test_scan_of_a_missing_table_is_not_found(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.scan(TableName="Nowhere")

    assert failure(raised) == ("ResourceNotFoundException", "Requested resource not found")
