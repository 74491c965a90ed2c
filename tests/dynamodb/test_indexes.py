"""Secondary indexes: storage kept by every write, Query and Scan on an index, index key
validation, GSIs added and removed by UpdateTable, and what DescribeTable shows."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from helpers import REGION, read_shard

from dynastream_mock import MockStreams, mock_streams

TABLE = "Orders"


def create_indexed_table(ddb: Any, *, stream: bool = False) -> dict[str, Any]:
    """pk S / sk N, with an LSI on ``l`` (KEYS_ONLY), a GSI on ``g`` (INCLUDE ``a``) and
    a GSI on ``g`` + ``r`` (ALL)."""
    params: dict[str, Any] = {
        "TableName": TABLE,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "l", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "r", "AttributeType": "N"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]},
            },
            {
                "IndexName": "by-g-r",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "r", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    }
    if stream:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    description: dict[str, Any] = ddb.create_table(**params)["TableDescription"]
    return description


def put(ddb: Any, sk: int, **attributes: Any) -> None:
    item: dict[str, Any] = {"pk": {"S": "p"}, "sk": {"N": str(sk)}}
    for name, value in attributes.items():
        item[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    ddb.put_item(TableName=TABLE, Item=item)


def query_g(ddb: Any, value: str, index: str = "by-g", **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = ddb.query(
        TableName=TABLE,
        IndexName=index,
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": value}},
        **extra,
    )
    return result


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def table(ddb: Any) -> Any:
    create_indexed_table(ddb)
    return ddb


# -- storage and reads --------------------------------------------------------------------


def test_query_on_gsi_returns_table_keys_index_keys_and_included_attributes(table: Any) -> None:
    put(table, 1, g="x", r=5, a="A", b="B")

    items = query_g(table, "x")["Items"]

    assert items == [{"pk": {"S": "p"}, "sk": {"N": "1"}, "g": {"S": "x"}, "a": {"S": "A"}}]


def test_keys_only_lsi_projects_table_and_index_keys(table: Any) -> None:
    put(table, 1, l="m", a="A")

    result = table.query(
        TableName=TABLE,
        IndexName="by-l",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )

    assert result["Items"] == [{"pk": {"S": "p"}, "sk": {"N": "1"}, "l": {"S": "m"}}]


def test_items_without_the_index_keys_are_not_in_a_sparse_index(table: Any) -> None:
    put(table, 1, g="x", r=1)
    put(table, 2, g="x")  # no r: not in by-g-r
    put(table, 3)  # neither

    assert query_g(table, "x")["Count"] == 2
    assert query_g(table, "x", "by-g-r")["Count"] == 1
    assert table.scan(TableName=TABLE, IndexName="by-g")["Count"] == 2


def test_index_query_orders_by_index_sort_key_in_both_directions(table: Any) -> None:
    for sk, r in ((1, 30), (2, 10), (3, 20)):
        put(table, sk, g="x", r=r)

    forward = query_g(table, "x", "by-g-r")["Items"]
    backward = query_g(table, "x", "by-g-r", ScanIndexForward=False)["Items"]

    assert [item["r"]["N"] for item in forward] == ["10", "20", "30"]
    assert [item["r"]["N"] for item in backward] == ["30", "20", "10"]


def test_index_query_applies_sort_key_condition(table: Any) -> None:
    for sk, r in ((1, 30), (2, 10), (3, 20)):
        put(table, sk, g="x", r=r)

    result = table.query(
        TableName=TABLE,
        IndexName="by-g-r",
        KeyConditionExpression="g = :g AND r BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":g": {"S": "x"}, ":lo": {"N": "15"}, ":hi": {"N": "30"}},
    )

    assert [item["sk"]["N"] for item in result["Items"]] == ["3", "1"]


def test_equal_index_keys_are_ordered_by_table_keys(table: Any) -> None:
    for sk in (3, 1, 2):
        put(table, sk, g="x")

    assert [item["sk"]["N"] for item in query_g(table, "x")["Items"]] == ["1", "2", "3"]


def test_index_query_pages_with_index_and_table_keys(table: Any) -> None:
    for sk in range(5):
        put(table, sk, g="x", r=10 - sk)

    first = query_g(table, "x", "by-g-r", Limit=2)
    assert first["LastEvaluatedKey"] == {
        "g": {"S": "x"},
        "r": {"N": "7"},
        "pk": {"S": "p"},
        "sk": {"N": "3"},
    }
    seen = [item["sk"]["N"] for item in first["Items"]]
    start = first["LastEvaluatedKey"]
    while start:
        page = query_g(table, "x", "by-g-r", Limit=2, ExclusiveStartKey=start)
        seen += [item["sk"]["N"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")

    assert seen == ["4", "3", "2", "1", "0"]


def test_index_scan_pages_through_every_entry_and_segments_split_them(table: Any) -> None:
    for sk in range(20):
        put(table, sk, g=f"g{sk % 7}")

    seen: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = table.scan(TableName=TABLE, IndexName="by-g", Limit=3, **extra)
        seen += [item["sk"]["N"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    segments = [
        table.scan(TableName=TABLE, IndexName="by-g", Segment=s, TotalSegments=3)["Items"]
        for s in range(3)
    ]

    assert sorted(seen, key=int) == [str(n) for n in range(20)]
    assert sorted((i["sk"]["N"] for seg in segments for i in seg), key=int) == sorted(seen, key=int)


def test_index_entries_follow_updates_and_deletes(table: Any) -> None:
    put(table, 1, g="x", a="A")
    table.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "p"}, "sk": {"N": "1"}},
        UpdateExpression="SET g = :y",
        ExpressionAttributeValues={":y": {"S": "y"}},
    )
    assert query_g(table, "x")["Count"] == 0
    assert query_g(table, "y")["Items"][0]["a"] == {"S": "A"}

    table.delete_item(TableName=TABLE, Key={"pk": {"S": "p"}, "sk": {"N": "1"}})

    assert query_g(table, "y")["Count"] == 0


def test_select_all_projected_on_index_and_count(table: Any) -> None:
    put(table, 1, g="x", a="A", b="B")

    projected = query_g(table, "x", Select="ALL_PROJECTED_ATTRIBUTES")["Items"]
    counted = query_g(table, "x", Select="COUNT")

    assert projected[0].keys() == {"pk", "sk", "g", "a"}
    assert "Items" not in counted
    assert counted["Count"] == 1


def test_select_all_attributes_on_an_lsi_fetches_the_table_item(table: Any) -> None:
    put(table, 1, l="m", a="A", b="B")

    result = table.query(
        TableName=TABLE,
        IndexName="by-l",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        Select="ALL_ATTRIBUTES",
        ConsistentRead=True,
    )

    assert result["Items"][0]["b"] == {"S": "B"}


def test_projection_on_a_gsi_sees_only_projected_attributes(table: Any) -> None:
    put(table, 1, g="x", a="A", b="B")

    items = query_g(table, "x", ProjectionExpression="a, b")["Items"]

    assert items == [{"a": {"S": "A"}}]


def test_filter_on_a_gsi_query(table: Any) -> None:
    put(table, 1, g="x", a="A")
    put(table, 2, g="x", a="Z")

    filtered = table.query(
        TableName=TABLE,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        FilterExpression="a = :a",
        ExpressionAttributeValues={":g": {"S": "x"}, ":a": {"S": "Z"}},
    )
    assert (filtered["Count"], filtered["ScannedCount"]) == (1, 2)


def test_resource_layer_queries_an_index(dynastream: MockStreams) -> None:
    create_indexed_table(boto3.client("dynamodb", region_name=REGION))
    orders = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    orders.put_item(Item={"pk": "p", "sk": 1, "g": "x", "r": 3})
    orders.put_item(Item={"pk": "p", "sk": 2, "g": "x", "r": 1})

    result = orders.query(IndexName="by-g-r", KeyConditionExpression=Key("g").eq("x"))

    assert [item["sk"] for item in result["Items"]] == [2, 1]


# -- read errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"IndexName": "nope"}, "The table does not have the specified index: nope"),
        (
            {"IndexName": "by-g", "ConsistentRead": True},
            "Consistent reads are not supported on global secondary indexes",
        ),
        (
            {"IndexName": "by-g", "Select": "ALL_ATTRIBUTES"},
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            "supported for global secondary index by-g because its projection type is not ALL",
        ),
    ],
)
def test_index_reads_refused_as_aws_refuses_them(
    table: Any, extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as query_raised:
        table.query(
            TableName=TABLE,
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}},
            **extra,
        )
    with pytest.raises(ClientError) as scan_raised:
        table.scan(TableName=TABLE, **extra)

    assert error_of(query_raised) == ("ValidationException", message)
    assert error_of(scan_raised) == ("ValidationException", message)


def test_index_query_needs_the_index_hash_key(table: Any) -> None:
    with pytest.raises(ClientError) as raised:
        table.query(
            TableName=TABLE,
            IndexName="by-g",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
        )

    assert error_of(raised) == (
        "ValidationException",
        "Query condition missed key schema element: g",
    )


def test_index_start_key_must_hold_index_and_table_keys(table: Any) -> None:
    with pytest.raises(ClientError) as raised:
        query_g(table, "x", ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "1"}})

    assert error_of(raised) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )


# -- index key validation on writes -------------------------------------------------------


def test_put_with_mistyped_index_key_is_refused_and_writes_nothing(table: Any) -> None:
    with pytest.raises(ClientError) as raised:
        table.put_item(
            TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "r": {"S": "text"}}
        )

    assert error_of(raised) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key r Expected: N "
        "Actual: S IndexName: by-g-r",
    )
    assert table.scan(TableName=TABLE)["Count"] == 0


def test_mismatch_names_the_alphabetically_first_index_on_the_attribute(table: Any) -> None:
    with pytest.raises(ClientError) as raised:
        table.put_item(
            TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "g": {"NULL": True}}
        )

    assert error_of(raised)[1].endswith(
        "Type mismatch for Index Key g Expected: S Actual: NULL IndexName: by-g"
    )


def test_empty_string_index_key_put_and_update_messages(table: Any) -> None:
    with pytest.raises(ClientError) as put_raised:
        table.put_item(TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "l": {"S": ""}})
    with pytest.raises(ClientError) as update_raised:
        table.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "p"}, "sk": {"N": "1"}},
            UpdateExpression="SET l = :e",
            ExpressionAttributeValues={":e": {"S": ""}},
        )

    assert error_of(put_raised)[1] == (
        "One or more parameter values are not valid. A value specified for a secondary index "
        "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
        "string value. IndexName: by-l, IndexKey: l"
    )
    assert error_of(update_raised)[1] == (
        "One or more parameter values are not valid. The update expression attempted to update "
        "a secondary index key to a value that is not supported. The AttributeValue for a key "
        "attribute cannot contain an empty string value."
    )


def test_update_setting_a_mistyped_index_key_changes_nothing(table: Any) -> None:
    put(table, 1, g="x")

    with pytest.raises(ClientError) as raised:
        table.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "p"}, "sk": {"N": "1"}},
            UpdateExpression="SET g = :n, a = :a",
            ExpressionAttributeValues={":n": {"N": "1"}, ":a": {"S": "A"}},
        )

    assert "Type mismatch for Index Key g Expected: S Actual: N" in error_of(raised)[1]
    item = table.get_item(TableName=TABLE, Key={"pk": {"S": "p"}, "sk": {"N": "1"}})["Item"]
    assert "a" not in item


def test_batch_with_one_mistyped_index_key_writes_nothing(table: Any) -> None:
    requests = [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": "1"}, "g": {"S": "x"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": "2"}, "g": {"N": "2"}}}},
    ]

    with pytest.raises(ClientError):
        table.batch_write_item(RequestItems={TABLE: requests})

    assert table.scan(TableName=TABLE)["Count"] == 0


# -- streams ------------------------------------------------------------------------------


def test_indexes_do_not_change_stream_records(ddb: Any, streams: Any) -> None:
    arn = create_indexed_table(ddb, stream=True)["LatestStreamArn"]
    put(ddb, 1, g="x", r=1)
    put(ddb, 1, g="y", r=1)

    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    records = read_shard(streams, arn, shard["ShardId"])

    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY"]
    assert records[1]["dynamodb"]["Keys"] == {"pk": {"S": "p"}, "sk": {"N": "1"}}


# -- DescribeTable ------------------------------------------------------------------------


def test_describe_table_counts_index_items_and_bytes(table: Any) -> None:
    put(table, 1, g="x", r=1, a="A")
    put(table, 2, l="m")

    described = table.describe_table(TableName=TABLE)["Table"]
    globals_ = {index["IndexName"]: index for index in described["GlobalSecondaryIndexes"]}
    local = described["LocalSecondaryIndexes"][0]

    assert globals_["by-g"]["ItemCount"] == 1
    assert globals_["by-g"]["IndexSizeBytes"] > 0
    assert globals_["by-g-r"]["IndexStatus"] == "ACTIVE"
    assert (local["ItemCount"], local["IndexSizeBytes"] > 0) == (1, True)


# -- UpdateTable GlobalSecondaryIndexUpdates ----------------------------------------------


def create_gsi(ddb: Any, name: str = "by-c", **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = ddb.update_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "c", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": name,
                    "KeySchema": [{"AttributeName": "c", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                    **extra,
                }
            }
        ],
    )
    return result


def test_created_gsi_is_backfilled_and_active_at_once(table: Any) -> None:
    put(table, 1, c="one")
    put(table, 2)

    described = create_gsi(table)["TableDescription"]
    result = table.query(
        TableName=TABLE,
        IndexName="by-c",
        KeyConditionExpression="c = :c",
        ExpressionAttributeValues={":c": {"S": "one"}},
    )

    created = [i for i in described["GlobalSecondaryIndexes"] if i["IndexName"] == "by-c"]
    assert created[0]["IndexStatus"] == "ACTIVE"
    assert {"AttributeName": "c", "AttributeType": "S"} in described["AttributeDefinitions"]
    assert result["Items"] == [{"pk": {"S": "p"}, "sk": {"N": "1"}, "c": {"S": "one"}}]


def test_created_gsi_is_creating_for_the_transitions_time() -> None:
    with mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_indexed_table(ddb)
        mock.clock.advance(seconds=5)

        create_gsi(ddb)
        index = next(
            i
            for i in ddb.describe_table(TableName=TABLE)["Table"]["GlobalSecondaryIndexes"]
            if i["IndexName"] == "by-c"
        )
        with pytest.raises(ClientError) as raised:
            ddb.scan(TableName=TABLE, IndexName="by-c")
        mock.clock.advance(seconds=5)

        assert (index["IndexStatus"], index["Backfilling"]) == ("CREATING", True)
        assert error_of(raised)[1] == "Cannot read from backfilling global secondary index: by-c"
        assert ddb.scan(TableName=TABLE, IndexName="by-c")["Count"] == 0


def test_deleted_gsi_is_gone(table: Any) -> None:
    table.update_table(
        TableName=TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
    )

    described = table.describe_table(TableName=TABLE)["Table"]
    with pytest.raises(ClientError) as raised:
        query_g(table, "x")

    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-g-r"]
    assert error_of(raised)[1] == "The table does not have the specified index: by-g"


@pytest.mark.parametrize(
    ("updates", "code", "message"),
    [
        (
            [{"Delete": {"IndexName": "ghost"}}],
            "ResourceNotFoundException",
            f"Requested resource not found: Index ghost for table {TABLE}",
        ),
        (
            [{"Delete": {"IndexName": "by-l"}}],
            "ValidationException",
            "Cannot delete an index that is not a GlobalSecondaryIndex: by-l",
        ),
        (
            [{"Delete": {"IndexName": "by-g"}}, {"Delete": {"IndexName": "by-g"}}],
            "ValidationException",
            "One or more parameter values were invalid: Only one global secondary index update "
            "per index is allowed simultaneously. Index: by-g",
        ),
        (
            [{"Delete": {"IndexName": "by-g"}}, {"Delete": {"IndexName": "by-g-r"}}],
            "LimitExceededException",
            "Subscriber limit exceeded: Only 1 online index can be created or deleted "
            "simultaneously per table",
        ),
        (
            [
                {
                    "Create": {
                        "IndexName": "by-g",
                        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                }
            ],
            "ValidationException",
            "Attempting to create an index which already exists",
        ),
    ],
)
def test_index_updates_refused_change_nothing(
    table: Any, updates: list[dict[str, Any]], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        table.update_table(TableName=TABLE, GlobalSecondaryIndexUpdates=updates)

    described = table.describe_table(TableName=TABLE)["Table"]
    assert error_of(raised) == (code, message)
    assert len(described["GlobalSecondaryIndexes"]) == 2


def test_creating_an_index_on_an_undefined_attribute_is_refused(table: Any) -> None:
    with pytest.raises(ClientError) as raised:
        table.update_table(
            TableName=TABLE,
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": "by-z",
                        "KeySchema": [{"AttributeName": "z", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                }
            ],
        )

    assert error_of(raised) == (
        "ValidationException",
        "One or more parameter values were invalid: AttributeDefinitions is not specified for "
        "index: by-z",
    )


def test_deleted_gsi_is_deleting_for_the_transitions_time() -> None:
    with mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_indexed_table(ddb)
        mock.clock.advance(seconds=5)

        ddb.update_table(
            TableName=TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
        )
        during = ddb.describe_table(TableName=TABLE)["Table"]
        mock.clock.advance(seconds=5)
        after = ddb.describe_table(TableName=TABLE)["Table"]

        statuses = {i["IndexName"]: i["IndexStatus"] for i in during["GlobalSecondaryIndexes"]}
        assert statuses == {"by-g-r": "ACTIVE", "by-g": "DELETING"}
        assert during["TableStatus"] == "UPDATING"
        assert [i["IndexName"] for i in after["GlobalSecondaryIndexes"]] == ["by-g-r"]
        assert after["TableStatus"] == "ACTIVE"
