"""Multi-attribute GSI keys (AWS, November 2025): up to four HASH and four RANGE attributes.

AWS's documentation decides what is served: the developer guide's "Using Global Secondary
Indexes in DynamoDB", section "Multi-attribute key schema"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.MultiAttributeKeys)
and "Multi-attribute keys pattern"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.DesignPattern.MultiAttributeKeys.html):
a partition key of up to four attributes hashed together, a sort key of up to four queried
left to right, every partition key attribute with an equality, only the last sort key
condition an inequality, and an item indexed only when it holds every key attribute.
Error texts are AWS's as reported from the live service (alchemy-run/alchemy#1216) and as
DynamoDB Local 3.3, which serves the feature, answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from dynastream_mock import MockStreams

TABLE = "Matches"
INDEX = "by-tournament"


def _keys(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


def _definitions(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def _values(**values: Any) -> dict[str, Any]:
    return {
        f":{name}": {"N": str(value)} if isinstance(value, int) else {"S": value}
        for name, value in values.items()
    }


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def create(ddb: Any, projection: str = "KEYS_ONLY") -> dict[str, Any]:
    """pk S; GSI h1 S + h2 N (HASH), r1 S + r2 N + r3 S (RANGE)."""
    description: dict[str, Any] = ddb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=_keys(("pk", "HASH")),
        AttributeDefinitions=_definitions(pk="S", h1="S", h2="N", r1="S", r2="N", r3="S"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": _keys(
                    ("h1", "HASH"),
                    ("h2", "HASH"),
                    ("r1", "RANGE"),
                    ("r2", "RANGE"),
                    ("r3", "RANGE"),
                ),
                "Projection": {"ProjectionType": projection},
            }
        ],
    )["TableDescription"]
    return description


def fill(ddb: Any) -> None:
    """48 items k001..k048: every h1 in a,b; h2 in 1,2; r1 in x,y; r2 in 5,10,100; r3 in p,q."""
    number = 0
    for h1 in ("a", "b"):
        for h2 in ("1", "2"):
            for r1 in ("x", "y"):
                for r2 in ("5", "10", "100"):
                    for r3 in ("p", "q"):
                        number += 1
                        ddb.put_item(
                            TableName=TABLE,
                            Item={
                                "pk": {"S": f"k{number:03}"},
                                "h1": {"S": h1},
                                "h2": {"N": h2},
                                "r1": {"S": r1},
                                "r2": {"N": r2},
                                "r3": {"S": r3},
                                "other": {"S": "o"},
                            },
                        )


@pytest.fixture
def matches(ddb: Any) -> Any:
    create(ddb)
    fill(ddb)
    return ddb


def query(ddb: Any, expression: str, **values: Any) -> list[str]:
    extra = values.pop("extra", {})
    result = ddb.query(
        TableName=TABLE,
        IndexName=INDEX,
        KeyConditionExpression=expression,
        ExpressionAttributeValues=_values(**values),
        **extra,
    )
    return [item["pk"]["S"] for item in result["Items"]]


def query_error(ddb: Any, expression: str, **values: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        query(ddb, expression, **values)
    return _error(raised)


# -- CreateTable, DescribeTable ---------------------------------------------------------------


def test_describe_table_gives_the_key_schema_back_as_declared(ddb: Any) -> None:
    created = create(ddb)["GlobalSecondaryIndexes"][0]["KeySchema"]
    described = ddb.describe_table(TableName=TABLE)["Table"]["GlobalSecondaryIndexes"][0]

    assert (
        created
        == described["KeySchema"]
        == _keys(("h1", "HASH"), ("h2", "HASH"), ("r1", "RANGE"), ("r2", "RANGE"), ("r3", "RANGE"))
    )


def test_four_hash_and_four_range_attributes_are_the_most(ddb: Any) -> None:
    names = "abcdefgh"
    ddb.create_table(
        TableName="Widest",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=_keys(("pk", "HASH")),
        AttributeDefinitions=_definitions(pk="S", **{name: "S" for name in names}),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "widest",
                "KeySchema": _keys(
                    *[(name, "HASH") for name in names[:4]],
                    *[(name, "RANGE") for name in names[4:]],
                ),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )

    described = ddb.describe_table(TableName="Widest")["Table"]["GlobalSecondaryIndexes"][0]
    assert len(described["KeySchema"]) == 8


NOT_VALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize(
    ("elements", "message"),
    [
        (
            [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")],
            NOT_VALID + "The KeySchema exceeds the maximum allowed number of HASH key attributes",
        ),
        (
            [("a", "HASH"), *[(name, "RANGE") for name in "bcdef"]],
            NOT_VALID + "The KeySchema exceeds the maximum allowed number of RANGE key attributes",
        ),
        (
            [("a", "HASH"), ("b", "RANGE"), ("c", "HASH")],
            NOT_VALID
            + "All HASH key attributes must precede RANGE key attributes in the KeySchema",
        ),
        (
            [("b", "RANGE"), ("a", "HASH")],
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            [("a", "HASH"), ("a", "HASH")],
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ),
        ([("a", "HASH"), ("b", "HASH"), ("a", "RANGE")], "Two keys can not have the same name"),
    ],
)
def test_gsi_key_schema_violations(ddb: Any, elements: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(("pk", "HASH")),
            AttributeDefinitions=_definitions(pk="S", **{name: "S" for name, _ in elements}),
            GlobalSecondaryIndexes=[
                {
                    "IndexName": INDEX,
                    "KeySchema": _keys(*elements),
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )

    assert _error(raised) == ("ValidationException", message)
    assert ddb.list_tables()["TableNames"] == []


def test_every_key_attribute_needs_a_definition(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(("pk", "HASH")),
            AttributeDefinitions=_definitions(pk="S", a="S"),
            GlobalSecondaryIndexes=[
                {
                    "IndexName": INDEX,
                    "KeySchema": _keys(("a", "HASH"), ("b", "HASH")),
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )

    assert _error(raised) == (
        "ValidationException",
        NOT_VALID + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [a, b], AttributeDefinitions: [pk, a]",
    )


def test_tables_and_lsis_keep_one_hash_and_at_most_one_range_attribute(ddb: Any) -> None:
    with pytest.raises(ClientError) as two_hash:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(("pk", "HASH"), ("a", "HASH")),
            AttributeDefinitions=_definitions(pk="S", a="S"),
        )
    with pytest.raises(ClientError) as three:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(("pk", "HASH"), ("a", "RANGE"), ("b", "RANGE")),
            AttributeDefinitions=_definitions(pk="S", a="S", b="S"),
        )
    with pytest.raises(ClientError) as lsi:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=_keys(("pk", "HASH"), ("sk", "RANGE")),
            AttributeDefinitions=_definitions(pk="S", sk="S", a="S", b="S"),
            LocalSecondaryIndexes=[
                {
                    "IndexName": "local",
                    "KeySchema": _keys(("pk", "HASH"), ("a", "RANGE"), ("b", "RANGE")),
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )

    assert _error(two_hash) == (
        "ValidationException",
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    )
    assert (
        "at 'keySchema' failed to satisfy constraint: Member must have length less than "
        "or equal to 2" in _error(three)[1]
    )
    assert (
        "at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: "
        "Member must have length less than or equal to 2" in _error(lsi)[1]
    )


# -- indexing ---------------------------------------------------------------------------------


def test_an_item_is_indexed_only_with_every_key_attribute(ddb: Any) -> None:
    create(ddb)
    whole = {"h1": {"S": "a"}, "h2": {"N": "1"}, "r1": {"S": "x"}, "r2": {"N": "5"}}
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "all"}, **whole, "r3": {"S": "p"}})
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "no-r3"}, **whole})
    without_h2 = {name: value for name, value in whole.items() if name != "h2"}
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "no-h2"}, **without_h2, "r3": {"S": "p"}})

    assert query(ddb, "h1 = :a AND h2 = :b", a="a", b=1) == ["all"]
    index = ddb.describe_table(TableName=TABLE)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["ItemCount"] == 1
    assert ddb.scan(TableName=TABLE, IndexName=INDEX)["Count"] == 1

    # Removing one key attribute takes the item out of the index.
    ddb.update_item(TableName=TABLE, Key={"pk": {"S": "all"}}, UpdateExpression="REMOVE r2")
    assert query(ddb, "h1 = :a AND h2 = :b", a="a", b=1) == []


def test_a_mistyped_key_attribute_is_refused_even_when_others_are_missing(ddb: Any) -> None:
    create(ddb)
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName=TABLE, Item={"pk": {"S": "k"}, "h1": {"S": "a"}, "r2": {"S": "1"}})

    assert _error(raised) == (
        "ValidationException",
        NOT_VALID + "Type mismatch for Index Key r2 Expected: N Actual: S IndexName: by-tournament",
    )
    assert ddb.scan(TableName=TABLE)["Count"] == 0


def test_key_parts_are_limited_by_their_aggregate_size(ddb: Any) -> None:
    create(ddb)
    item = {"pk": {"S": "k"}, "h1": {"S": "a" * 2048}, "h2": {"N": "1"}}
    item |= {"r1": {"S": "x"}, "r2": {"N": "1"}, "r3": {"S": "p"}}
    with pytest.raises(ClientError) as hash_part:
        ddb.put_item(TableName=TABLE, Item=item)
    item |= {"h1": {"S": "a"}, "r1": {"S": "x" * 1020}, "r3": {"S": "p" * 10}}
    with pytest.raises(ClientError) as range_part:
        ddb.put_item(TableName=TABLE, Item=item)

    assert _error(hash_part)[1] == (
        "Aggregate size for HASH key attributes h1, h2 of index by-tournament has exceeded "
        "limit 2048 bytes, with actual size 2050 bytes"
    )
    assert _error(range_part)[1] == (
        "Aggregate size for RANGE key attributes r1, r2, r3 of index by-tournament has "
        "exceeded limit 1024 bytes, with actual size 1032 bytes"
    )


# -- Query ------------------------------------------------------------------------------------


def test_query_orders_by_each_range_attribute_in_turn(matches: Any) -> None:
    forward = query(matches, "h1 = :a AND h2 = :b", a="a", b=1)
    backward = query(matches, "h1 = :a AND h2 = :b", a="a", b=1, extra={"ScanIndexForward": False})

    # r1 x before y; then r2 numerically 5 < 10 < 100; then r3 p before q.
    assert forward == [f"k{n:03}" for n in range(1, 13)]
    assert backward == forward[::-1]


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("h1 = :a AND h2 = :b AND r1 = :c", {"c": "y"}, range(7, 13)),
        ("h1 = :a AND h2 = :b AND r1 > :c", {"c": "x"}, range(7, 13)),
        ("h1 = :a AND h2 = :b AND r1 <= :c", {"c": "x"}, range(1, 7)),
        ("h1 = :a AND h2 = :b AND begins_with(r1, :c)", {"c": "x"}, range(1, 7)),
        ("h1 = :a AND h2 = :b AND r1 = :c AND r2 < :d", {"c": "x", "d": 100}, range(1, 5)),
        ("h1 = :a AND h2 = :b AND r1 = :c AND r2 >= :d", {"c": "y", "d": 10}, range(9, 13)),
        (
            "h1 = :a AND h2 = :b AND r1 = :c AND r2 BETWEEN :d AND :e",
            {"c": "x", "d": 6, "e": 100},
            range(3, 7),
        ),
        (
            "h1 = :a AND h2 = :b AND r1 = :c AND r2 = :d AND begins_with(r3, :e)",
            {"c": "x", "d": 10, "e": "q"},
            [4],
        ),
        ("r1 = :c AND h2 = :b AND h1 = :a", {"c": "x"}, range(1, 7)),
    ],
)
def test_range_conditions_left_to_right(
    matches: Any, expression: str, values: dict[str, Any], expected: Any
) -> None:
    assert query(matches, expression, a="a", b=1, **values) == [f"k{n:03}" for n in expected]


@pytest.mark.parametrize(
    ("expression", "values", "message"),
    [
        (
            "h1 = :a",
            {"a": "a"},
            "HASH key attributes h2 must have equality conditions specified in the query",
        ),
        (
            "r1 = :c",
            {"c": "x"},
            "HASH key attributes h1, h2 must have equality conditions specified in the query",
        ),
        (
            "h1 = :a AND h2 > :b",
            {"a": "a", "b": 1},
            "HASH key attributes h2 must have equality conditions specified in the query",
        ),
        (
            "h1 = :a AND h2 = :b AND r2 = :d",
            {"a": "a", "b": 1, "d": 5},
            "RANGE key attributes "
            "r1 must have equality conditions specified in the query because a condition is "
            "present on key attribute r2",
        ),
        (
            "h1 = :a AND h2 = :b AND r3 = :e",
            {"a": "a", "b": 1, "e": "p"},
            "RANGE key "
            "attributes r1, r2 must have equality conditions specified in the query because a "
            "condition is present on key attribute r3",
        ),
        (
            "h1 = :a AND h2 = :b AND r1 > :c AND r2 = :d",
            {"a": "a", "b": 1, "c": "x", "d": 5},
            "RANGE key attributes r1 must have equality conditions specified in the query because "
            "a condition is present on key attribute r2",
        ),
        (
            "h1 = :a AND h2 = :b AND oth = :c",
            {"a": "a", "b": 1, "c": "x"},
            "Query condition missed key schema element: r1",
        ),
        (
            "h1 = :a AND h2 = :b AND r1 = :c AND r2 = :d AND r3 = :e AND oth = :c",
            {"a": "a", "b": 1, "c": "x", "d": 5, "e": "p"},
            "Query key condition not supported",
        ),
        (
            "h1 = :a AND h2 = :b",
            {"a": "a", "b": "1"},
            NOT_VALID + "Condition parameter type does not match schema type",
        ),
    ],
)
def test_key_condition_violations(
    matches: Any, expression: str, values: dict[str, Any], message: str
) -> None:
    assert query_error(matches, expression, **values) == ("ValidationException", message)


def test_a_filter_may_not_name_an_index_key_attribute(matches: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query(
            matches, "h1 = :a AND h2 = :b", a="a", b=1, z="p", extra={"FilterExpression": "r3 = :z"}
        )
    # The table's own key is no key of the index: a filter on it is served.
    on_table_key = query(
        matches, "h1 = :a AND h2 = :b", a="a", b=1, z="k001", extra={"FilterExpression": "pk = :z"}
    )

    assert _error(raised) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: r3",
    )
    assert on_table_key == ["k001"]


def test_query_pages_carry_every_key_attribute(matches: Any) -> None:
    params = {
        "TableName": TABLE,
        "IndexName": INDEX,
        "KeyConditionExpression": "h1 = :a AND h2 = :b",
        "ExpressionAttributeValues": _values(a="a", b=1),
        "Limit": 5,
    }
    seen: list[str] = []
    first = matches.query(**params)
    page = first
    while True:
        seen += [item["pk"]["S"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        page = matches.query(**params, ExclusiveStartKey=page["LastEvaluatedKey"])

    assert first["LastEvaluatedKey"] == {
        "h1": {"S": "a"},
        "h2": {"N": "1"},
        "r1": {"S": "x"},
        "r2": {"N": "100"},
        "r3": {"S": "p"},
        "pk": {"S": "k005"},
    }
    assert seen == [f"k{n:03}" for n in range(1, 13)]


def test_a_start_key_outside_the_conditions_is_refused(matches: Any) -> None:
    start = {"h1": {"S": "a"}, "h2": {"N": "2"}, "r1": {"S": "x"}, "r2": {"N": "10"}}
    start |= {"r3": {"S": "p"}, "pk": {"S": "k015"}}
    outcomes = []
    for extra_start in ({}, {"h2": {"N": "1"}, "pk": {"S": "k003"}}):
        with pytest.raises(ClientError) as raised:
            query(
                matches,
                "h1 = :a AND h2 = :b AND r1 = :c",
                a="a",
                b=1,
                c="y",
                extra={"ExclusiveStartKey": start | extra_start},
            )
        outcomes.append(_error(raised))
    missing = {name: value for name, value in start.items() if name != "r3"}
    with pytest.raises(ClientError) as incomplete:
        query(matches, "h1 = :a AND h2 = :b", a="a", b=2, extra={"ExclusiveStartKey": missing})

    predicate = (
        "ValidationException",
        "The provided starting key does not match the range key predicate",
    )
    assert outcomes == [predicate, predicate]
    assert _error(incomplete)[0] == "ValidationException"


def test_scan_of_the_index_pages_through_every_entry(matches: Any) -> None:
    seen: list[str] = []
    page = matches.scan(TableName=TABLE, IndexName=INDEX, Limit=7)
    while True:
        seen += [item["pk"]["S"] for item in page["Items"]]
        assert all(set(item) == {"pk", "h1", "h2", "r1", "r2", "r3"} for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        assert set(page["LastEvaluatedKey"]) == {"pk", "h1", "h2", "r1", "r2", "r3"}
        page = matches.scan(
            TableName=TABLE, IndexName=INDEX, Limit=7, ExclusiveStartKey=page["LastEvaluatedKey"]
        )
    segments = [
        matches.scan(TableName=TABLE, IndexName=INDEX, Segment=s, TotalSegments=3)["Count"]
        for s in range(3)
    ]

    assert sorted(seen) == [f"k{n:03}" for n in range(1, 49)]
    assert sum(segments) == 48


def test_index_query_reports_capacity_and_projects_keys_only(matches: Any) -> None:
    result = matches.query(
        TableName=TABLE,
        IndexName=INDEX,
        KeyConditionExpression="h1 = :a AND h2 = :b AND r1 = :c AND r2 = :d AND r3 = :e",
        ExpressionAttributeValues=_values(a="b", b=2, c="y", d=100, e="q"),
        ReturnConsumedCapacity="TOTAL",
    )

    assert result["Items"] == [
        {
            "pk": {"S": "k048"},
            "h1": {"S": "b"},
            "h2": {"N": "2"},
            "r1": {"S": "y"},
            "r2": {"N": "100"},
            "r3": {"S": "q"},
        }
    ]
    assert result["ConsumedCapacity"]["TableName"] == TABLE
    assert result["ConsumedCapacity"]["CapacityUnits"] > 0


def test_more_than_two_conditions_on_a_single_attribute_key(matches: Any) -> None:
    with pytest.raises(ClientError) as raised:
        matches.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :a AND h1 = :b AND h2 = :c",
            ExpressionAttributeValues=_values(a="k001", b="a", c=1),
        )

    assert _error(raised) == ("ValidationException", "Conditions can be of length 1 or 2 only")


# -- UpdateTable ------------------------------------------------------------------------------


def test_update_table_creates_a_backfilled_multi_attribute_gsi_and_deletes_it(
    dynastream: MockStreams, ddb: Any
) -> None:
    ddb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=_keys(("pk", "HASH")),
        AttributeDefinitions=_definitions(pk="S"),
    )
    fill(ddb)

    created = ddb.update_table(
        TableName=TABLE,
        AttributeDefinitions=_definitions(h1="S", h2="N", r1="S", r2="N"),
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "added",
                    "KeySchema": _keys(
                        ("h1", "HASH"), ("h2", "HASH"), ("r1", "RANGE"), ("r2", "RANGE")
                    ),
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )["TableDescription"]
    result = ddb.query(
        TableName=TABLE,
        IndexName="added",
        KeyConditionExpression="h1 = :a AND h2 = :b AND r1 = :c AND r2 = :d",
        ExpressionAttributeValues=_values(a="b", b=1, c="x", d=10),
    )
    ddb.update_table(
        TableName=TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "added"}}]
    )
    after = ddb.describe_table(TableName=TABLE)["Table"]

    index = created["GlobalSecondaryIndexes"][0]
    assert index["KeySchema"] == _keys(
        ("h1", "HASH"), ("h2", "HASH"), ("r1", "RANGE"), ("r2", "RANGE")
    )
    assert index["ItemCount"] == 48
    assert [item["pk"]["S"] for item in result["Items"]] == ["k027", "k028"]
    assert "GlobalSecondaryIndexes" not in after
    assert after["AttributeDefinitions"] == _definitions(pk="S")


def test_update_table_refuses_a_bad_multi_attribute_key_and_changes_nothing(ddb: Any) -> None:
    create(ddb)
    with pytest.raises(ClientError) as raised:
        ddb.update_table(
            TableName=TABLE,
            AttributeDefinitions=_definitions(a="S", b="S"),
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": "bad",
                        "KeySchema": _keys(("a", "HASH"), ("b", "RANGE"), ("h1", "HASH")),
                        "Projection": {"ProjectionType": "ALL"},
                    }
                }
            ],
        )

    assert _error(raised) == (
        "ValidationException",
        NOT_VALID + "All HASH key attributes must precede RANGE key attributes in the KeySchema",
    )
    indexes = ddb.describe_table(TableName=TABLE)["Table"]["GlobalSecondaryIndexes"]
    assert [index["IndexName"] for index in indexes] == [INDEX]


def test_writes_keep_their_stream_records(ddb: Any, streams: Any) -> None:
    ddb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=_keys(("pk", "HASH")),
        AttributeDefinitions=_definitions(pk="S", h1="S", h2="N"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": _keys(("h1", "HASH"), ("h2", "HASH")),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "k"}, "h1": {"S": "a"}, "h2": {"N": "1"}})
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]

    assert [record["dynamodb"]["Keys"] for record in records] == [{"pk": {"S": "k"}}]
    assert query(ddb, "h1 = :a AND h2 = :b", a="a", b=1) == ["k"]
