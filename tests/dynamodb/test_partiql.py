"""PartiQL: ExecuteStatement (SELECT as Query or Scan, INSERT, UPDATE, DELETE, RETURNING),
BatchExecuteStatement and ExecuteTransaction, and the stream records PartiQL writes make."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table, read_shard


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def music(ddb: Any) -> Any:
    create_stream_table(ddb, "Music", range_key="n")
    for artist in ("acme", "zed"):
        for n in range(3):
            ddb.put_item(
                TableName="Music",
                Item={
                    "id": {"S": artist},
                    "n": {"N": str(n)},
                    "plays": {"N": str(10 * n)},
                    "doc": {"M": {"tags": {"L": [{"S": "x"}, {"N": str(n)}]}}},
                    "genres": {"SS": ["rock", "pop"]},
                },
            )
    return ddb


def run(ddb: Any, statement: str, *parameters: Any, **extra: Any) -> Any:
    if parameters:
        extra["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **extra)


# -- SELECT -------------------------------------------------------------------------------


def test_select_by_partition_key_queries_in_sort_key_order(music: Any) -> None:
    items = run(music, "SELECT * FROM Music WHERE id = ?", {"S": "acme"})["Items"]
    assert [item["n"]["N"] for item in items] == ["0", "1", "2"]
    assert items[0]["genres"] == {"SS": ["rock", "pop"]}


def test_select_projects_paths_under_their_last_name(music: Any) -> None:
    items = run(music, "SELECT id, doc.tags[1], nothing FROM \"Music\" WHERE id = 'acme' AND n = 2")
    assert items["Items"] == [{"id": {"S": "acme"}, "tags[1]": {"N": "2"}}]


def test_select_filters_with_functions_and_missing(music: Any) -> None:
    statement = (
        "SELECT n FROM Music WHERE id = 'acme' AND plays BETWEEN 5 AND 20 "
        "AND begins_with(doc.tags[0], 'x') AND contains(genres, 'pop') AND size(genres) = 2 "
        "AND nothing IS MISSING AND plays IS NOT MISSING AND attribute_type(plays, 'N')"
    )
    assert run(music, statement)["Items"] == [{"n": {"N": "1"}}, {"n": {"N": "2"}}]


def test_select_order_by_desc_and_in_on_the_partition_key(music: Any) -> None:
    items = run(music, "SELECT n FROM Music WHERE id = 'zed' ORDER BY n DESC")["Items"]
    assert [item["n"]["N"] for item in items] == ["2", "1", "0"]
    both = run(music, "SELECT id FROM Music WHERE id IN ['zed', 'acme'] AND n = 1")["Items"]
    assert sorted(item["id"]["S"] for item in both) == ["acme", "zed"]


def test_limit_counts_items_across_the_partitions_an_in_list_names(music: Any) -> None:
    statement = "SELECT n FROM Music WHERE id IN ['acme', 'zed']"
    sizes, token = [], None
    while True:
        page = run(music, statement, Limit=2, **({"NextToken": token} if token else {}))
        sizes.append(len(page["Items"]))
        token = page.get("NextToken")
        if token is None:
            break
    assert sizes[:3] == [2, 2, 2] and sum(sizes) == 6


def test_select_without_key_scans_and_pages_with_next_token(music: Any) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        extra = {"NextToken": token} if token else {}
        page = run(music, "SELECT id, n FROM Music WHERE plays >= 10", Limit=2, **extra)
        seen += [f"{item['id']['S']}{item['n']['N']}" for item in page["Items"]]
        pages += 1
        token = page.get("NextToken")
        if token is None:
            break
    assert sorted(seen) == ["acme1", "acme2", "zed1", "zed2"]
    assert pages == 4  # the third page stops at its Limit, so a fourth, empty one follows


def test_select_errors_are_dynamodbs(music: Any) -> None:
    cases = {
        "SELECT * FROM Music WHERE": "Statement wasn't well formed, can't be processed: "
        "SELECT * FROM Music WHERE",
        "SELECT * FROM Music WHERE id = 1": "Key attribute's data type should match its data "
        "type in table's schema: Key id",
        "SELECT * FROM Music WHERE id = ?": "Number of parameters in request and statement "
        "don't match.",
        "SELECT * FROM Music m": "Aliasing is not supported",
        "SELECT * FROM Music WHERE id = 'a' AND foo(n)": "Unrecognized function: foo",
        "SELECT * FROM Music WHERE id = 'a' ORDER BY plays": "Variable reference plays in ORDER "
        "BY clause must be part of the primary key",
        "SELECT * FROM Music WHERE id = 'a' AND n BETWEEN 2 AND 1": "The BETWEEN operator "
        "requires upper bound to be greater than or equal to lower bound; lower bound operand: "
        "AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
        "SELECT a, a FROM Music": "Duplicate identifiers in select clause: a",
        # Unnamed, unlike Query's (moto's aws_verified test_execute_statement_on_unknown_gsi_table).
        'SELECT * FROM "Music"."nope"': "The table does not have the specified index",
    }
    for statement, message in cases.items():
        with pytest.raises(ClientError) as raised:
            run(music, statement)
        assert error_of(raised) == ("ValidationException", message), statement
    with pytest.raises(ClientError) as raised:
        run(music, "SELECT * FROM Nope")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        run(music, "SELECT * FROM Music", NextToken="abc")
    assert error_of(raised) == ("ValidationException", "Invalid NextToken")


def test_select_on_a_global_index(ddb: Any) -> None:
    ddb.create_table(
        TableName="Orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "customer", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byCustomer",
                "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for order, customer in (("o1", "ada"), ("o2", "bob"), ("o3", "ada")):
        ddb.put_item(TableName="Orders", Item={"id": {"S": order}, "customer": {"S": customer}})
    items = run(ddb, 'SELECT id FROM "Orders"."byCustomer" WHERE customer = \'ada\'')["Items"]
    assert sorted(item["id"]["S"] for item in items) == ["o1", "o3"]
    with pytest.raises(ClientError) as raised:
        run(ddb, "SELECT * FROM Orders.byCustomer", ConsistentRead=True)
    assert error_of(raised)[1] == "Consistent reads are not supported on global secondary indexes"


# -- writes -------------------------------------------------------------------------------


def test_insert_stores_literals_and_refuses_a_duplicate(music: Any) -> None:
    run(
        music,
        "INSERT INTO Music VALUE {'id': 'new', 'n': 1, 'l': [1, 'x', true, null], "
        "'m': {'k': <<1, 2>>}, 'b': ?}",
        {"B": b"\x01"},
    )
    item = music.get_item(TableName="Music", Key={"id": {"S": "new"}, "n": {"N": "1"}})["Item"]
    assert item["l"] == {"L": [{"N": "1"}, {"S": "x"}, {"BOOL": True}, {"NULL": True}]}
    assert item["m"] == {"M": {"k": {"NS": ["1", "2"]}}}
    assert item["b"] == {"B": b"\x01"}
    with pytest.raises(ClientError) as raised:
        run(music, "INSERT INTO Music VALUE {'id': 'new', 'n': 1}")
    assert error_of(raised) == ("DuplicateItemException", "Duplicate primary key exists in table")


def test_update_set_remove_and_set_functions_with_returning(music: Any) -> None:
    key = "WHERE id = 'acme' AND n = 1"
    new = run(music, f"UPDATE Music SET plays = plays + 1, x = 'y' {key} RETURNING ALL NEW *")
    assert new["Items"][0]["plays"] == {"N": "11"}
    old = run(music, f"UPDATE Music SET plays = 0 REMOVE x {key} RETURNING MODIFIED OLD *")
    assert old["Items"] == [{"plays": {"N": "11"}, "x": {"S": "y"}}]
    added = run(
        music,
        f"UPDATE Music SET genres = set_add(genres, <<'jazz'>>) SET doc.tags = "
        f"list_append(doc.tags, [3]) {key} RETURNING MODIFIED NEW *",
    )["Items"][0]
    assert sorted(added["genres"]["SS"]) == ["jazz", "pop", "rock"]
    assert added["doc"]["M"]["tags"]["L"][-1] == {"N": "3"}
    removed = run(
        music,
        f"UPDATE Music SET genres = set_delete(genres, <<'jazz', 'pop', 'rock'>>) {key} "
        "RETURNING ALL NEW *",
    )["Items"][0]
    assert "genres" not in removed


def test_update_conditions_and_missing_items_fail_the_check(music: Any) -> None:
    with pytest.raises(ClientError) as raised:
        run(music, "UPDATE Music SET plays = 1 WHERE id = 'nobody' AND n = 1")
    assert error_of(raised) == ("ConditionalCheckFailedException", "The conditional request failed")
    with pytest.raises(ClientError) as raised:
        run(
            music,
            "UPDATE Music SET plays = 1 WHERE id = 'acme' AND n = 1 AND plays = 99",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert raised.value.response["Item"]["plays"] == {"N": "10"}
    for statement, message in {
        "UPDATE Music SET plays = 1 WHERE id = 'acme'": "Where clause does not contain a "
        "mandatory equality on all key attributes",
        "UPDATE Music SET id = 'x' WHERE id = 'acme' AND n = 1": "One or more parameter values "
        "were invalid: Cannot update attribute id. This attribute is part of the key",
        "UPDATE Music SET plays = 1 WHERE id = 'a' AND id = 'b' AND n = 1": "Multiple "
        "conditions on same key id. Only single item Update/Insert/Delete are supported",
        "UPDATE Music SET plays = nothing + 1 WHERE id = 'acme' AND n = 1": "The provided "
        "expression refers to an attribute that does not exist in the item",
        "UPDATE Music SET genres = set_add(plays, <<'q'>>) WHERE id = 'acme' AND n = 1": "The "
        "first argument to SET_ADD must equal the assignment value",
    }.items():
        with pytest.raises(ClientError) as raised:
            run(music, statement)
        assert error_of(raised) == ("ValidationException", message), statement


def test_delete_returns_the_old_item_and_checks_extra_conditions(music: Any) -> None:
    with pytest.raises(ClientError) as raised:
        run(music, "DELETE FROM Music WHERE id = 'acme' AND n = 0 AND plays = 5")
    assert error_of(raised)[0] == "ConditionalCheckFailedException"
    gone = run(music, "DELETE FROM Music WHERE id = 'acme' AND n = 0 RETURNING ALL OLD *")
    assert gone["Items"][0]["id"] == {"S": "acme"}
    assert run(music, "DELETE FROM Music WHERE id = 'acme' AND n = 0")["Items"] == []
    # A missing item is deleted successfully whatever else the WHERE clause asks (AWS's
    # "PartiQL delete statements for DynamoDB"; DynamoDB Local agrees).
    missing = "DELETE FROM Music WHERE id = 'acme' AND n = 0 AND plays = 5"
    assert run(music, missing)["Items"] == []
    with pytest.raises(ClientError) as raised:
        run(music, "DELETE FROM Music WHERE id = 'acme' AND n = 1 RETURNING ALL NEW *")
    assert "Only RETURNING ALL OLD * is allowed in DELETE statements." in error_of(raised)[1]


def test_partiql_writes_make_the_stream_records_of_the_item_api(ddb: Any, streams: Any) -> None:
    def records_of(table: str, writes: Any) -> list[Any]:
        arn = create_stream_table(ddb, table)["LatestStreamArn"]
        writes(table)
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        return [
            (r["eventName"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage"))
            for r in read_shard(streams, arn, shard["ShardId"])
        ]

    def by_partiql(table: str) -> None:
        run(ddb, f"INSERT INTO {table} VALUE {{'id': 'a', 'n': 1}}")
        run(ddb, f"UPDATE {table} SET n = n + 1 WHERE id = 'a'")
        run(ddb, f"UPDATE {table} SET n = 2 WHERE id = 'a'")  # changes nothing: no record
        run(ddb, f"DELETE FROM {table} WHERE id = 'a'")

    def by_item_api(table: str) -> None:
        ddb.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "1"}})
        ddb.update_item(
            TableName=table,
            Key={"id": {"S": "a"}},
            UpdateExpression="SET n = n + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        ddb.update_item(
            TableName=table,
            Key={"id": {"S": "a"}},
            UpdateExpression="SET n = :two",
            ExpressionAttributeValues={":two": {"N": "2"}},
        )
        ddb.delete_item(TableName=table, Key={"id": {"S": "a"}})

    partiql = records_of("ByPartiql", by_partiql)
    assert partiql == records_of("ByItemApi", by_item_api)
    assert [event for event, _, _ in partiql] == ["INSERT", "MODIFY", "REMOVE"]


# -- batches and transactions -------------------------------------------------------------


def test_batch_reads_single_items_and_reports_errors_per_statement(music: Any) -> None:
    responses = music.batch_execute_statement(
        Statements=[
            {
                "Statement": "SELECT plays FROM Music WHERE id = ? AND n = 1",
                "Parameters": [{"S": "acme"}],
            },
            {"Statement": "SELECT * FROM Music WHERE id = 'nobody' AND n = 1"},
            {"Statement": "SELECT * FROM Music WHERE id = 'acme'"},
        ]
    )["Responses"]
    assert responses == [
        {"TableName": "Music", "Item": {"plays": {"N": "10"}}},
        {"TableName": "Music"},
        {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}},
    ]


def test_batch_writes_run_one_by_one(music: Any) -> None:
    responses = music.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO Music VALUE {'id': 'b', 'n': 1}"},
            {"Statement": "INSERT INTO Music VALUE {'id': 'acme', 'n': 1}"},
            {"Statement": "UPDATE Music SET plays = 1 WHERE id = 'nobody' AND n = 1"},
            {"Statement": "not a statement"},
        ]
    )["Responses"]
    assert responses[0] == {"TableName": "Music"}
    assert responses[1]["Error"]["Code"] == "DuplicateItem"
    assert responses[2]["Error"]["Code"] == "ConditionalCheckFailed"
    assert responses[3]["Error"]["Code"] == "ValidationError"
    assert "Item" in music.get_item(TableName="Music", Key={"id": {"S": "b"}, "n": {"N": "1"}})
    with pytest.raises(ClientError) as raised:
        music.batch_execute_statement(
            Statements=[
                {"Statement": "SELECT * FROM Music WHERE id = 'acme' AND n = 1"},
                {"Statement": "INSERT INTO Music VALUE {'id': 'c', 'n': 1}"},
            ]
        )
    assert (
        error_of(raised)[1]
        == "Read and write requests together in the same batch is not supported."
    )


def test_transaction_is_all_or_nothing(music: Any) -> None:
    statements = [
        {"Statement": "INSERT INTO Music VALUE {'id': 't', 'n': 1}"},
        {"Statement": "UPDATE Music SET plays = plays + 1 WHERE id = 'acme' AND n = 1"},
        {"Statement": "EXISTS(SELECT * FROM Music WHERE id = 'zed' AND n = 0 AND plays = 99)"},
    ]
    with pytest.raises(ClientError) as raised:
        music.execute_transaction(TransactStatements=statements)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [reason["Code"] for reason in raised.value.response["CancellationReasons"]] == [
        "None",
        "None",
        "ConditionalCheckFailed",
    ]
    assert "Item" not in music.get_item(TableName="Music", Key={"id": {"S": "t"}, "n": {"N": "1"}})
    statements[2] = {
        "Statement": "EXISTS(SELECT * FROM Music WHERE id = 'zed' AND n = 0 AND plays = 0)"
    }
    music.execute_transaction(TransactStatements=statements, ClientRequestToken="once")
    music.execute_transaction(TransactStatements=statements, ClientRequestToken="once")
    item = music.get_item(TableName="Music", Key={"id": {"S": "acme"}, "n": {"N": "1"}})["Item"]
    assert item["plays"] == {"N": "11"}  # the replay changed nothing
    reads = music.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT plays FROM Music WHERE id = 'acme' AND n = 1"},
            {"Statement": "SELECT * FROM Music WHERE id = 'nobody' AND n = 1"},
        ]
    )["Responses"]
    assert reads == [{"Item": {"plays": {"N": "11"}}}, {}]
