"""PartiQL: ExecuteStatement (SELECT as Query or Scan, on indexes, paged; INSERT, UPDATE,
DELETE, RETURNING), BatchExecuteStatement, ExecuteTransaction, and malformed statements.

Left out on purpose, because DynamoDB Local answers them wrongly and AWS documents otherwise:
``ORDER BY <range key> DESC`` (Local: InternalFailure on a table, and on a GSI unless every
attribute is selected), a NextToken that is base64 but not Local's (InternalFailure), a
constant on the left of a range-key comparison (``2 < sk``: Local reads it as ``sk < 2``), an IN
list holding a list (InternalFailure), and projecting or filtering on attributes a GSI does not
project (the mock's PartiQL reads an index as its Query does). Batch and transaction reads
project top-level attributes only: DynamoDB Local nests a projected ``m.x[1]`` there as
ProjectionExpression does, but flattens it to ``x[1]`` in ExecuteStatement, and no source says
which the service does (the mock flattens in all three). After BatchExecuteStatement
refuses a request for duplicate keys, no step reads those keys: Local has already run some of
its statements.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
TABLE = "partiql"
HASH_ONLY = "partiql_hash"
INDEXED = "partiql_indexed"
ACTIVE_TIMEOUT_S = 30.0
_STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def run(t: Target, label: str, statement: str, *parameters: Any, **extra: Any) -> dict[str, Any]:
    """ExecuteStatement of ``statement`` (with ``parameters``), recorded as ``label``."""
    if parameters:
        extra["Parameters"] = list(parameters)
    return t(label, "execute_statement", Statement=statement, **extra)


def _item(pk: str, sk: int) -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "sk": {"N": str(sk)},
        "v": {"S": f"{pk}{sk}"},
        "n": {"N": str(sk * 10)},
        "m": {"M": {"x": {"L": [{"S": "q"}, {"N": str(sk)}]}, "k": {"S": "kept"}}},
        "ss": {"SS": ["r", "t"]},
    }


def _fill(t: Target, **extra: Any) -> None:
    create_table(t, "create", TABLE, range_key=("sk", "N"), **extra)
    create_table(t, "create hash-only", HASH_ONLY, hash_key=("id", "S"))
    requests = [{"PutRequest": {"Item": _item(p, s)}} for p in ("a", "b") for s in (1, 2, 3)]
    hash_items = [
        {"id": {"S": "one"}, "n": {"N": "1"}},
        {"id": {"S": "it's"}, "n": {"N": "2"}},
        {"id": {"S": "nul"}, "n": {"N": "3"}, "z": {"NULL": True}},
    ]
    requests_hash = [{"PutRequest": {"Item": item}} for item in hash_items]
    t("fill", "batch_write_item", RequestItems={TABLE: requests, HASH_ONLY: requests_hash})


def _records(t: Target) -> list[Any]:
    arn = t.ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = t.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = t.streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(t.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])


# -- SELECT -----------------------------------------------------------------------------------

#: (label, statement) read from the filled table; Query order is the range key's.
SELECTS: list[tuple[str, str]] = [
    ("full key", "SELECT * FROM partiql WHERE pk = 'a' AND sk = 1"),
    ("missing item", "SELECT * FROM partiql WHERE pk = 'a' AND sk = 9"),
    ("partition", "SELECT * FROM partiql WHERE pk = 'b'"),
    ("sk >", "SELECT sk FROM partiql WHERE pk = 'a' AND sk > 1"),
    ("sk >=", "SELECT sk FROM partiql WHERE pk = 'a' AND sk >= 2"),
    ("sk <", "SELECT sk FROM partiql WHERE pk = 'a' AND sk < 3"),
    ("sk <=", "SELECT sk FROM partiql WHERE pk = 'a' AND sk <= 2"),
    ("sk between", "SELECT sk FROM partiql WHERE pk = 'a' AND sk BETWEEN 2 AND 3"),
    ("sk in a list", "SELECT sk FROM partiql WHERE pk = 'a' AND sk IN [1, 3]"),
    ("two sk bounds", "SELECT sk FROM partiql WHERE pk = 'a' AND sk <= 2 AND sk >= 2"),
    ("key on the right", "SELECT sk FROM partiql WHERE 'a' = pk AND sk = 1"),
    ("filter <>", "SELECT sk FROM partiql WHERE pk = 'a' AND n <> 20"),
    ("filter !=", "SELECT sk FROM partiql WHERE pk = 'a' AND n != 20"),
    ("filter and range", "SELECT sk FROM partiql WHERE pk = 'a' AND sk >= 2 AND n <> 30"),
    ("begins_with", "SELECT v FROM partiql WHERE pk = 'a' AND begins_with(v, 'a2')"),
    ("contains", "SELECT v FROM partiql WHERE pk = 'a' AND contains(v, '1')"),
    ("contains in a set", "SELECT v FROM partiql WHERE pk = 'a' AND contains(ss, 'r')"),
    ("size", "SELECT v FROM partiql WHERE pk = 'a' AND size(m.x) > 1 AND sk = 1"),
    ("attribute_type", "SELECT v FROM partiql WHERE pk = 'a' AND attribute_type(n, 'N')"),
    (
        "attribute_exists",
        "SELECT v FROM partiql WHERE pk = 'a' AND attribute_exists(m.x) "
        "AND attribute_not_exists(zz) AND sk = 1",
    ),
    ("IS MISSING", "SELECT v FROM partiql WHERE pk = 'a' AND q IS MISSING AND v IS NOT MISSING"),
    ("OR in parentheses", "SELECT v FROM partiql WHERE pk = 'a' AND (sk = 1 OR sk = 3)"),
    ("NOT", "SELECT v FROM partiql WHERE pk = 'a' AND NOT sk = 1"),
    ("NOT of a group", "SELECT v FROM partiql WHERE pk = 'a' AND NOT (sk = 1 OR sk = 2)"),
    ("NOT BETWEEN", "SELECT v FROM partiql WHERE pk = 'a' AND sk NOT BETWEEN 1 AND 2"),
    ("IN on a filter", "SELECT v FROM partiql WHERE pk = 'a' AND v IN ('a1', 'a3')"),
    ("nested path filter", "SELECT v FROM partiql WHERE pk = 'a' AND m.x[0] = 'q' AND sk = 1"),
    ("map key step", "SELECT v FROM partiql WHERE pk = 'a' AND m['x'][1] = 2"),
    ("case-sensitive value", "SELECT v FROM partiql WHERE pk = 'a' AND v = 'A1'"),
    ("projection", "SELECT v, m.x[1], n, absent FROM partiql WHERE pk = 'a'"),
    ("projection of a map key", "SELECT m['x'] FROM partiql WHERE pk = 'a' AND sk = 1"),
    ("projection of missing paths", "SELECT m.x[0].y, v[0] FROM partiql WHERE pk = 'a' AND sk = 1"),
    ("quoted reserved words", 'SELECT "date", "key" FROM partiql WHERE pk = \'a\' AND sk = 1'),
    (
        "quoted identifiers",
        'SELECT "v", "m"."x" FROM "partiql" WHERE "pk" = \'a\' AND "sk" = 1',
    ),
    ("IN on the partition key", "SELECT v FROM partiql WHERE pk IN ['a', 'b'] AND sk = 2"),
    ("IN a bag on the partition key", "SELECT v FROM partiql WHERE pk IN <<'b', 'a'>> AND sk = 2"),
    ("IN parentheses on the partition key", "SELECT v FROM partiql WHERE pk IN ('a', 'b')"),
    ("ORDER BY ASC", "SELECT sk FROM partiql WHERE pk = 'a' ORDER BY sk ASC"),
    ("ORDER BY both keys", "SELECT sk FROM partiql WHERE pk = 'a' ORDER BY pk, sk"),
    ("ORDER BY on one item", "SELECT sk FROM partiql WHERE pk = 'a' AND sk = 1 ORDER BY sk"),
    ("lower-case keywords", "select v from partiql where pk = 'a' and sk = 1"),
    ("mixed-case keywords", "SeLeCt v FrOm partiql wHeRe pk = 'a' AnD sk = 1"),
    ("comments", "SELECT v FROM partiql WHERE pk = 'a' /* block */ AND sk = 1 -- line"),
    ("decimal key", "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1.0"),
    ("exponent key", "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1e0"),
    ("signed key", "SELECT v FROM partiql WHERE pk = 'a' AND sk = +1"),
    ("negative bound", "SELECT v FROM partiql WHERE pk = 'a' AND sk > -5"),
    ("escaped quote", "SELECT id, n FROM partiql_hash WHERE id = 'it''s'"),
    ("IS NULL with a key", "SELECT id FROM partiql_hash WHERE id = 'nul' AND z IS NULL"),
    ("= NULL with a key", "SELECT id FROM partiql_hash WHERE id = 'nul' AND z = NULL"),
]

#: (label, statement) that scan: DynamoDB leaves the order of their Items unspecified.
SCANS: list[tuple[str, str]] = [
    ("scan", "SELECT * FROM partiql"),
    ("scan with a semicolon", "SELECT pk, sk FROM partiql;"),
    ("scan with a filter", "SELECT v FROM partiql WHERE n >= 20"),
    (
        "scan of two items by OR",
        "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1 OR pk = 'b' AND sk = 2",
    ),
    ("scan NOT IN", "SELECT v FROM partiql WHERE pk NOT IN ['a']"),
    ("scan IS NULL", "SELECT id FROM partiql_hash WHERE z IS NULL"),
    ("scan IS NOT NULL", "SELECT id FROM partiql_hash WHERE z IS NOT NULL"),
    ("scan IS MISSING", "SELECT id FROM partiql_hash WHERE z IS MISSING"),
    ("scan attribute_type NULL", "SELECT id FROM partiql_hash WHERE attribute_type(z, 'NULL')"),
    ("scan IN an attribute list", "SELECT v FROM partiql WHERE 'a' IN [pk]"),
]


def test_partiql_select(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        for label, statement in SELECTS:
            run(t, label, statement)
        for label, statement in SCANS:
            t(label, "execute_statement", Statement=statement, unordered=("Items",))
        run(
            t,
            "parameters",
            "SELECT v FROM partiql WHERE pk = ? AND sk = ?",
            {"S": "b"},
            {"N": "2"},
        )
        run(
            t,
            "a parameter in a list",
            "SELECT v FROM partiql WHERE pk IN [?, 'b'] AND sk = ?",
            {"S": "a"},
            {"N": "3"},
        )
        run(t, "extra parameters", "SELECT v FROM partiql WHERE pk = ?", {"S": "a"}, {"S": "b"})
        run(
            t,
            "a parameter of another number form",
            "SELECT v FROM partiql WHERE pk = 'a' AND sk = ?",
            {"N": "1.50"},
        )
        run(t, "ConsistentRead", "SELECT v FROM partiql WHERE pk = 'a'", ConsistentRead=True)
        run(
            t,
            "ReturnConsumedCapacity",
            "SELECT v FROM partiql WHERE pk = 'a'",
            ReturnConsumedCapacity="TOTAL",
        )

    differential(scenario)


# -- paging -----------------------------------------------------------------------------------


def _pages(t: Target, label: str, statement: str, **extra: Any) -> None:
    """Every page of ``statement``, each recorded, following each side's own NextToken."""
    token: str | None = None
    for number in range(1, 10):
        more = {"NextToken": token} if token else {}
        page = run(t, f"{label} page {number}", statement, **extra, **more)
        token = page.get("NextToken")
        if token is None:
            return
    raise AssertionError(f"{t.name}: {label} did not end")


def _all_pages(t: Target, statement: str, limit: int) -> dict[str, Any]:
    """A Scan's pages (unrecorded): their count and every item, sorted (Scan order is
    DynamoDB's own, so which page holds an item is not compared)."""
    items: list[Any] = []
    sizes: list[int] = []
    token: str | None = None
    while len(sizes) < 20:
        more = {"NextToken": token} if token else {}
        page = t.ddb.execute_statement(Statement=statement, Limit=limit, **more)
        items += page["Items"]
        sizes.append(len(page["Items"]))
        token = page.get("NextToken")
        if token is None:
            break
    return {
        "page sizes": sizes,
        "items": sorted(items, key=lambda i: json.dumps(i, sort_keys=True)),
    }


def test_partiql_paging(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        query = "SELECT sk FROM partiql WHERE pk = 'a'"
        _pages(t, "query by 2", query, Limit=2)
        _pages(t, "query by 3", query, Limit=3)
        _pages(t, "query by 4", query, Limit=4)
        _pages(t, "filtered query", "SELECT sk FROM partiql WHERE pk = 'a' AND n > 10", Limit=2)
        _pages(t, "IN list", "SELECT pk, sk FROM partiql WHERE pk IN ['a', 'b']", Limit=2)
        _pages(
            t, "parameters", "SELECT sk FROM partiql WHERE pk = ?", Limit=2, Parameters=[{"S": "b"}]
        )
        t.note("scan by 2", _all_pages(t, "SELECT pk, sk FROM partiql", 2))
        t.note("filtered scan by 4", _all_pages(t, "SELECT pk, sk FROM partiql WHERE n > 10", 4))
        run(t, "Limit 0", query, Limit=0)
        run(t, "invalid NextToken", query, NextToken="abc")

    differential(scenario)


# -- indexes ----------------------------------------------------------------------------------


def _wait_active(t: Target) -> None:
    """Poll (unrecorded) until every GSI of INDEXED is ACTIVE: DynamoDB Local backfills in
    the background, the mock with its default ``transitions=0`` at once."""
    deadline = time.monotonic() + ACTIVE_TIMEOUT_S
    while True:
        table = t.ddb.describe_table(TableName=INDEXED)["Table"]
        statuses = [index["IndexStatus"] for index in table.get("GlobalSecondaryIndexes", [])]
        if all(status == "ACTIVE" for status in statuses):
            return
        assert time.monotonic() < deadline, f"{t.name}: indexes not ACTIVE: {statuses}"
        time.sleep(0.2)


def _indexed_table(t: Target) -> None:
    # The description's shape is compared in test_tables.py; DynamoDB Local lists GSIs in an
    # order of its own, so this table's creation is not recorded.
    t.ddb.create_table(
        TableName=INDEXED,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "keysOnly",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "byL",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    _wait_active(t)


def test_partiql_index_reads(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _indexed_table(t)
        # Range keys are unique within each g, so an index Query's order is defined.
        inserts = [
            {
                "Statement": f"INSERT INTO {INDEXED} VALUE {{'pk': '{p}', 'sk': {s}, "
                f"'g': '{'odd' if s % 2 else 'even'}', 'l': 'l{9 - s}', 'v': {s * 10}}}"
            }
            for p, sks in (("x", (1, 2, 3, 4)), ("y", (5, 6, 7, 8)))
            for s in sks
        ]
        t("fill", "batch_execute_statement", Statements=inserts)
        run(t, "GSI by hash", 'SELECT * FROM "partiql_indexed"."byG" WHERE g = \'odd\'')
        run(
            t,
            "GSI with a range condition",
            'SELECT pk, sk FROM "partiql_indexed"."byG" WHERE g = \'odd\' AND sk > 3',
        )
        run(
            t,
            "GSI with a filter",
            "SELECT pk, sk FROM partiql_indexed.byG WHERE g = 'even' AND v > 20",
        )
        run(
            t,
            "GSI with a parameter",
            'SELECT sk FROM "partiql_indexed"."byG" WHERE g = ?',
            {"S": "even"},
        )
        t(
            "GSI scan",
            "execute_statement",
            Statement='SELECT pk, sk, g FROM "partiql_indexed"."byG"',
            unordered=("Items",),
        )
        t(
            "GSI scan with a filter",
            "execute_statement",
            Statement='SELECT pk, sk FROM "partiql_indexed"."byG" WHERE v >= 50',
            unordered=("Items",),
        )
        t(
            "KEYS_ONLY GSI",
            "execute_statement",
            Statement='SELECT * FROM "partiql_indexed"."keysOnly" WHERE g = \'odd\'',
            unordered=("Items",),
        )
        run(t, "LSI", 'SELECT sk, l FROM "partiql_indexed"."byL" WHERE pk = \'x\'')
        run(
            t,
            "LSI with a range condition",
            "SELECT sk FROM \"partiql_indexed\".\"byL\" WHERE pk = 'x' AND l < 'l7'",
        )
        run(
            t,
            "LSI consistent",
            'SELECT sk FROM "partiql_indexed"."byL" WHERE pk = \'y\'',
            ConsistentRead=True,
        )
        _pages(
            t, "GSI pages", 'SELECT pk, sk FROM "partiql_indexed"."byG" WHERE g = \'even\'', Limit=3
        )
        # -- errors ------------------------------------------------------------------------
        run(
            t,
            "GSI consistent",
            'SELECT * FROM "partiql_indexed"."byG" WHERE g = \'odd\'',
            ConsistentRead=True,
        )
        run(t, "GSI key of another type", 'SELECT * FROM "partiql_indexed"."byG" WHERE g = 1')
        run(t, "unknown index", 'SELECT * FROM "partiql_indexed"."nope"')
        run(
            t,
            "UPDATE on an index",
            'UPDATE "partiql_indexed"."byG" SET v = 1 WHERE pk = \'x\' AND sk = 1',
        )
        run(
            t,
            "DELETE on an index",
            'DELETE FROM "partiql_indexed"."byG" WHERE pk = \'x\' AND sk = 1',
        )
        run(
            t,
            "INSERT into an index",
            "INSERT INTO \"partiql_indexed\".\"byG\" VALUE {'pk': 'z', 'sk': 1}",
        )
        run(
            t,
            "INSERT of an index key of another type",
            "INSERT INTO partiql_indexed VALUE {'pk': 'z', 'sk': 1, 'g': 1}",
        )

    differential(scenario)


# -- writes -----------------------------------------------------------------------------------

KEY = "WHERE pk = 'a' AND sk = 1"


def test_partiql_writes(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t, StreamSpecification=_STREAM)
        # -- INSERT ------------------------------------------------------------------------
        run(
            t,
            "insert literals",
            "INSERT INTO partiql VALUE {'pk': 'c', 'sk': 1, 'l': [1, 'x', "
            "true, null, {'q': <<'a', 'b'>>}], 'ns': <<1, 2.5>>, 'm': {'k': {'z': []}}, "
            "'s': 'it''s'}",
        )
        run(t, "read the literals", "SELECT * FROM partiql WHERE pk = 'c' AND sk = 1")
        run(
            t,
            "insert parameters",
            "INSERT INTO partiql VALUE {'pk': ?, 'sk': ?, 'b': ?, 'bs': ?}",
            {"S": "d"},
            {"N": "1"},
            {"B": b"\x01"},
            {"BS": [b"\x02"]},
        )
        t(
            "get the parameters",
            "get_item",
            TableName=TABLE,
            Key={"pk": {"S": "d"}, "sk": {"N": "1"}},
        )
        run(t, "insert a duplicate key", "INSERT INTO partiql VALUE {'pk': 'c', 'sk': 1}")
        run(t, "insert without the range key", "INSERT INTO partiql VALUE {'pk': 'e'}")
        run(t, "insert a key of another type", "INSERT INTO partiql VALUE {'pk': 1, 'sk': 1}")
        run(t, "insert an empty key", "INSERT INTO partiql VALUE {'pk': '', 'sk': 1}")
        run(
            t,
            "insert a mixed bag",
            "INSERT INTO partiql VALUE {'pk': 'e', 'sk': 1, 'x': <<1, 'a'>>}",
        )
        run(
            t,
            "insert an empty tuple key",
            "INSERT INTO partiql VALUE {'pk': 'e', 'sk': 1, 'm': {'': 1}}",
        )
        # -- UPDATE ------------------------------------------------------------------------
        run(
            t,
            "SET with ALL NEW",
            f"UPDATE partiql SET n = n + 1, w = 'new' {KEY} RETURNING ALL NEW *",
        )
        run(
            t,
            "SET and REMOVE with MODIFIED OLD",
            f"UPDATE partiql SET n = n - 1 REMOVE w {KEY} RETURNING MODIFIED OLD *",
        )
        run(
            t,
            "set_add with MODIFIED NEW",
            f"UPDATE partiql SET ss = set_add(ss, <<'u'>>) {KEY} RETURNING MODIFIED NEW *",
        )
        run(
            t,
            "set_delete with ALL OLD",
            f"UPDATE partiql SET ss = set_delete(ss, <<'r'>>) {KEY} RETURNING ALL OLD *",
        )
        run(
            t,
            "set_delete of every element",
            f"UPDATE partiql SET ss = set_delete(ss, <<'t', 'u'>>) {KEY} RETURNING ALL NEW *",
        )
        run(
            t,
            "set_add of a parameter",
            f"UPDATE partiql SET ns = set_add(ns, ?) {KEY} RETURNING MODIFIED NEW *",
            {"NS": ["4", "5"]},
        )
        run(
            t,
            "list_append",
            f"UPDATE partiql SET m.x = list_append(m.x, [7]) {KEY} RETURNING ALL NEW *",
        )
        run(
            t,
            "two SET clauses",
            f"UPDATE partiql SET v = 'vv' SET n = 5 {KEY} RETURNING MODIFIED NEW *",
        )
        run(
            t,
            "nested SET with MODIFIED OLD",
            f"UPDATE partiql SET m.x[0] = 'z' {KEY} RETURNING MODIFIED OLD *",
        )
        run(
            t,
            "nested SET with MODIFIED NEW",
            f"UPDATE partiql SET m.x[0] = 'y' {KEY} RETURNING MODIFIED NEW *",
        )
        run(
            t,
            "SET a parameter",
            "UPDATE partiql SET p = ? WHERE pk = ? AND sk = ?",
            {"M": {"k": {"N": "1"}}},
            {"S": "a"},
            {"N": "2"},
        )
        run(
            t,
            "update with a condition",
            "UPDATE partiql SET n = 21 WHERE pk = 'a' AND sk = 2 AND n = 20 RETURNING ALL OLD *",
        )
        run(t, "update that changes nothing", "UPDATE partiql SET n = 21 WHERE pk = 'a' AND sk = 2")
        run(t, "update without RETURNING", "UPDATE partiql REMOVE p WHERE pk = 'a' AND sk = 2")
        run(t, "update a missing item", "UPDATE partiql SET n = 1 WHERE pk = 'zz' AND sk = 1")
        run(
            t,
            "update failing its condition",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 3 AND n = 99",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        run(t, "update without a full key", "UPDATE partiql SET n = 1 WHERE pk = 'b'")
        run(t, "update a key attribute", "UPDATE partiql SET pk = 'x' WHERE pk = 'b' AND sk = 1")
        run(
            t,
            "update two values of one key",
            "UPDATE partiql SET n = 1 WHERE pk = 'b' AND sk = 1 AND pk = 'c'",
        )
        run(
            t,
            "update arithmetic on a missing attribute",
            "UPDATE partiql SET n = absent + 1 WHERE pk = 'b' AND sk = 1",
        )
        run(t, "update with * arithmetic", "UPDATE partiql SET n = n * 2 WHERE pk = 'b' AND sk = 1")
        run(
            t,
            "update overlapping paths",
            "UPDATE partiql SET n = 1, n = 2 WHERE pk = 'b' AND sk = 1",
        )
        run(t, "update an empty name", "UPDATE partiql SET \"\" = 1 WHERE pk = 'b' AND sk = 1")
        run(
            t, "update a negative index", "UPDATE partiql SET m.x[-1] = 1 WHERE pk = 'b' AND sk = 1"
        )
        run(
            t,
            "set_add of a string",
            "UPDATE partiql SET ss = set_add(ss, 'u') WHERE pk = 'b' AND sk = 1",
        )
        run(
            t,
            "set_add with one argument",
            "UPDATE partiql SET ss = set_add(ss) WHERE pk = 'b' AND sk = 1",
        )
        run(
            t,
            "set_delete of another path",
            "UPDATE partiql SET ss = set_delete(n, <<'u'>>) WHERE pk = 'b' AND sk = 1",
        )
        # -- DELETE ------------------------------------------------------------------------
        run(
            t,
            "delete with ALL OLD",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 3 RETURNING ALL OLD *",
        )
        run(t, "delete a missing item", "DELETE FROM partiql WHERE pk = 'b' AND sk = 3")
        run(
            t,
            "delete a missing item with a condition",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 3 AND n = 1",
        )
        run(
            t,
            "delete failing its condition",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 2 AND n = 1",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        run(
            t, "delete with a condition", "DELETE FROM partiql WHERE pk = 'b' AND sk = 2 AND n = 20"
        )
        run(
            t,
            "delete with ALL NEW",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 1 RETURNING ALL NEW *",
        )
        run(
            t,
            "delete with MODIFIED OLD",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 1 RETURNING MODIFIED OLD *",
        )
        run(t, "delete without a full key", "DELETE FROM partiql WHERE pk = 'b'")
        run(t, "delete without WHERE", "DELETE FROM partiql")
        run(
            t,
            "delete with parameters",
            "DELETE FROM partiql WHERE pk = ? AND sk = ?",
            {"S": "d"},
            {"N": "1"},
        )
        t("after", "execute_statement", Statement="SELECT * FROM partiql", unordered=("Items",))
        t.note("stream records", _records(t))

    differential(scenario)


# -- BatchExecuteStatement --------------------------------------------------------------------


def _statements(*texts: str | tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"Statement": text} if isinstance(text, str) else {"Statement": text[0], **text[1]}
        for text in texts
    ]


def test_partiql_batch(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        t(
            "writes",
            "batch_execute_statement",
            Statements=_statements(
                "INSERT INTO partiql VALUE {'pk': 'f', 'sk': 1}",
                "INSERT INTO partiql VALUE {'pk': 'a', 'sk': 1}",
                "UPDATE partiql SET n = 1 WHERE pk = 'nobody' AND sk = 1",
                (
                    "UPDATE partiql SET n = 1 WHERE pk = 'b' AND sk = 1 AND n = 99",
                    {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                ),
                "DELETE FROM partiql WHERE pk = 'b' AND sk = 2",
                (
                    "UPDATE partiql SET n = ? WHERE pk = ? AND sk = 3",
                    {"Parameters": [{"N": "7"}, {"S": "b"}]},
                ),
                "not a statement",
                "SELECT * FROM partiql WHERE",
                "INSERT INTO nope VALUE {'pk': 'a'}",
                "UPDATE partiql SET n = ? WHERE pk = 'b' AND sk = 1",
                "INSERT INTO partiql VALUE {'pk': 1, 'sk': 1}",
                "DELETE FROM partiql WHERE pk = 'a'",
                "UPDATE partiql SET n = absent + 1 WHERE pk = 'a' AND sk = 2",
            ),
        )
        for key in (("f", 1), ("b", 1), ("b", 2), ("b", 3), ("a", 2)):
            t(
                f"get {key[0]}{key[1]}",
                "get_item",
                TableName=TABLE,
                Key={"pk": {"S": key[0]}, "sk": {"N": str(key[1])}},
            )
        t(
            "reads",
            "batch_execute_statement",
            Statements=_statements(
                "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1",
                (
                    "SELECT v, n FROM partiql WHERE pk = ? AND sk = ?",
                    {"Parameters": [{"S": "b"}, {"N": "3"}]},
                ),
                "SELECT * FROM partiql WHERE pk = 'nobody' AND sk = 1",
                "SELECT * FROM partiql WHERE pk = 'a'",
                "SELECT * FROM partiql WHERE pk = 'a' AND sk = 1 AND n = 10",
                ("SELECT * FROM partiql WHERE pk = 'a' AND sk = 2", {"ConsistentRead": True}),
                "SELECT * FROM nope WHERE pk = 'a' AND sk = 1",
                "SELECT * FROM partiql_hash WHERE id = 'one'",
            ),
        )
        t(
            "reads with ReturnConsumedCapacity",
            "batch_execute_statement",
            Statements=_statements("SELECT * FROM partiql_hash WHERE id = 'one'"),
            ReturnConsumedCapacity="TOTAL",
        )
        t(
            "reads and writes",
            "batch_execute_statement",
            Statements=_statements(
                "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1",
                "INSERT INTO partiql VALUE {'pk': 'g', 'sk': 1}",
            ),
        )
        # Local runs the first statement before refusing: these keys are never read again.
        t(
            "two writes of one key",
            "batch_execute_statement",
            Statements=_statements(
                "DELETE FROM partiql_hash WHERE id = 'it''s'",
                "UPDATE partiql_hash SET n = 3 WHERE id = 'it''s'",
            ),
        )
        t(
            "two reads of one key",
            "batch_execute_statement",
            Statements=_statements(
                "SELECT * FROM partiql WHERE pk = 'a' AND sk = 1",
                "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1",
            ),
        )
        t(
            "only errors",
            "batch_execute_statement",
            Statements=_statements(
                "hello",
                "SELECT * FROM nope WHERE pk = 'a' AND sk = 1",
            ),
        )

    differential(scenario)


# -- ExecuteTransaction -----------------------------------------------------------------------


def test_partiql_transactions(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)

        def transact(label: str, *texts: str | tuple[str, dict[str, Any]], **extra: Any) -> None:
            t(label, "execute_transaction", TransactStatements=_statements(*texts), **extra)

        transact(
            "writes",
            "INSERT INTO partiql VALUE {'pk': 't', 'sk': 1}",
            "UPDATE partiql SET n = n + 1 WHERE pk = 'b' AND sk = 1",
            "DELETE FROM partiql WHERE pk = 'b' AND sk = 2",
            "EXISTS(SELECT * FROM partiql_hash WHERE id = 'one' AND n = 1)",
            ("UPDATE partiql SET v = ? WHERE pk = 'b' AND sk = 3", {"Parameters": [{"S": "p"}]}),
        )
        t(
            "after the writes",
            "execute_statement",
            Statement="SELECT pk, sk, n, v FROM partiql WHERE pk IN ['b', 't']",
        )
        transact(
            "cancelled",
            "INSERT INTO partiql VALUE {'pk': 't', 'sk': 1}",
            (
                "UPDATE partiql SET n = n + 1 WHERE pk = 'b' AND sk = 1 AND n = 0",
                {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
            ),
            "UPDATE partiql SET n = 1 WHERE pk = 'nobody' AND sk = 1",
            (
                "EXISTS(SELECT * FROM partiql_hash WHERE id = 'one' AND n = 2)",
                {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
            ),
            "DELETE FROM partiql WHERE pk = 'a' AND sk = 3 AND n = 0",
            "INSERT INTO partiql VALUE {'pk': 'u', 'sk': 1}",
        )
        transact("cancelled by an existing key", "INSERT INTO partiql VALUE {'pk': 'a', 'sk': 3}")
        transact(
            "cancelled by a key of another type",
            "INSERT INTO partiql VALUE {'pk': 1, 'sk': 1}",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1",
        )
        t(
            "nothing cancelled was written",
            "execute_statement",
            Statement="SELECT pk, sk, n FROM partiql WHERE pk IN ['b', 'u', 'a']",
        )
        transact(
            "token",
            "UPDATE partiql SET n = n + 1 WHERE pk = 'a' AND sk = 1",
            ClientRequestToken="once",
        )
        transact(
            "token again",
            "UPDATE partiql SET n = n + 1 WHERE pk = 'a' AND sk = 1",
            ClientRequestToken="once",
        )
        run(t, "once only", "SELECT n FROM partiql WHERE pk = 'a' AND sk = 1")
        transact(
            "reads",
            "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1",
            "SELECT * FROM partiql WHERE pk = 'nobody' AND sk = 1",
            "SELECT * FROM partiql_hash WHERE id = 'one'",
            (
                "SELECT n, v FROM partiql WHERE pk = ? AND sk = ?",
                {"Parameters": [{"S": "a"}, {"N": "2"}]},
            ),
        )
        transact(
            "reads with ReturnConsumedCapacity",
            "SELECT * FROM partiql_hash WHERE id = 'one'",
            ReturnConsumedCapacity="TOTAL",
        )
        # -- refused requests --------------------------------------------------------------
        transact("a read without the full key", "SELECT v FROM partiql WHERE pk = 'a'")
        transact(
            "reads and writes",
            "SELECT v FROM partiql WHERE pk = 'a' AND sk = 1",
            "INSERT INTO partiql VALUE {'pk': 'v', 'sk': 1}",
        )
        transact(
            "two writes of one item",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1",
            "DELETE FROM partiql WHERE pk = 'a' AND sk = 1",
        )
        transact(
            "RETURNING", "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"
        )
        transact(
            "EXISTS without a condition",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1",
            "EXISTS(SELECT * FROM partiql_hash WHERE id = 'one')",
        )
        transact(
            "a statement not well formed",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1",
            "SELECT * FROM partiql WHERE",
        )
        transact(
            "a statement refused",
            "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1",
            "UPDATE partiql SET n = 1 WHERE pk = 'a'",
        )
        transact("an unknown table", "UPDATE nope SET n = 1 WHERE pk = 'a' AND sk = 1")
        run(
            t,
            "EXISTS outside a transaction",
            "EXISTS(SELECT * FROM partiql WHERE pk = 'a' AND sk = 1 AND n = 1)",
        )

    differential(scenario)


# -- malformed and refused statements ---------------------------------------------------------

#: (label, statement) run against the filled table; each is refused.
MALFORMED: list[tuple[str, str]] = [
    ("bare word", "hello"),
    ("empty", ""),
    ("blank", " "),
    ("SELECT alone", "SELECT"),
    ("no table", "SELECT * FROM"),
    ("no FROM", "SELECT * partiql"),
    ("WHERE alone", "SELECT * FROM partiql WHERE"),
    ("no right operand", "SELECT * FROM partiql WHERE pk ="),
    ("AND at the end", "SELECT * FROM partiql WHERE pk = 'a' AND"),
    ("open string", "SELECT * FROM partiql WHERE pk = 'a"),
    ("==", "SELECT * FROM partiql WHERE pk == 'a'"),
    ("open parenthesis", "SELECT * FROM partiql WHERE (pk = 'a'"),
    ("no AND", "SELECT * FROM partiql WHERE pk = 'a' sk = 1"),
    ("empty IN", "SELECT * FROM partiql WHERE pk IN ()"),
    ("IS a string", "SELECT * FROM partiql WHERE pk IS 'a'"),
    ("BETWEEN without AND", "SELECT * FROM partiql WHERE pk = 'a' AND sk BETWEEN 1"),
    ("1x", "SELECT * FROM partiql WHERE pk = 1x"),
    ("comma alone", "SELECT , FROM partiql"),
    ("trailing comma", "SELECT v, FROM partiql"),
    ("star and a path", "SELECT *, v FROM partiql"),
    ("two statements", "SELECT * FROM partiql; SELECT * FROM partiql_hash"),
    ("INSERT without VALUE", "INSERT INTO partiql"),
    ("VALUES", "INSERT INTO partiql VALUES {'pk': 'a', 'sk': 1}"),
    ("open tuple", "INSERT INTO partiql VALUE {'pk': 'a', 'sk': 1"),
    ("UPDATE alone", "UPDATE partiql"),
    ("UPDATE without SET", "UPDATE partiql WHERE pk = 'a' AND sk = 1"),
    ("SET without a value", "UPDATE partiql SET n = WHERE pk = 'a' AND sk = 1"),
    ("REMOVE two paths", "UPDATE partiql REMOVE v, n WHERE pk = 'a' AND sk = 1"),
    ("RETURNING alone", "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 RETURNING"),
    ("RETURNING SOME", "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 RETURNING SOME NEW *"),
    ("DELETE without FROM", "DELETE partiql WHERE pk = 'a' AND sk = 1"),
    ("UPSERT", "UPSERT INTO partiql VALUE {'pk': 'a'}"),
    ("a refusal after a syntax error", 'SELECT * FROM "" WHERE'),
    # parsed, then refused
    ("alias", "SELECT * FROM partiql p"),
    ("AS alias", "SELECT * FROM partiql AS p"),
    ("two tables", "SELECT * FROM partiql, partiql_hash"),
    ("LIMIT", "SELECT * FROM partiql LIMIT 1"),
    ("DISTINCT", "SELECT DISTINCT v FROM partiql"),
    ("CREATE", "CREATE TABLE x"),
    ("DROP", "DROP TABLE partiql"),
    ("Ion literal", "SELECT v FROM partiql WHERE pk = `a`"),
    ("Ion struct", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1, 'x': `{a: 1}`}"),
    ("INSERT of a list", "INSERT INTO partiql VALUE ['a']"),
    ("INSERT of a parameter", "INSERT INTO partiql VALUE ?"),
    ("INSERT RETURNING", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1} RETURNING ALL OLD *"),
    ("tuple key not a string", "INSERT INTO partiql VALUE {pk: 'a', 'sk': 1}"),
    ("duplicate tuple keys", "INSERT INTO partiql VALUE {'pk': 'a', 'pk': 'b', 'sk': 1}"),
    ("empty bag", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1, 'x': <<>>}"),
    ("duplicates in a bag", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1, 'x': <<1, 1>>}"),
    ("a path in a tuple", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1, 'x': v}"),
    ("MISSING in a tuple", "INSERT INTO partiql VALUE {'pk': 'z', 'sk': 1, 'x': MISSING}"),
    (
        "RETURNING without *",
        "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW v",
    ),
    ("negative zero", "SELECT * FROM partiql WHERE pk = 'a' AND sk = -0.0"),
    (
        "39 digits",
        "SELECT * FROM partiql WHERE pk = 'a' AND sk = 123456789012345678901234567890123456789",
    ),
    ("number overflow", "SELECT * FROM partiql WHERE pk = 'a' AND sk = 1e400"),
    ("a call projected", "SELECT count(*) FROM partiql"),
    ("arithmetic projected", "SELECT v + 1 FROM partiql"),
    ("a string projected", "SELECT v, 'a' FROM partiql"),
    ("a number projected", "SELECT 1 FROM partiql"),
    ("a parameter projected", "SELECT ? FROM partiql"),
    ("a negation projected", "SELECT -v FROM partiql"),
    ("a list projected", "SELECT [0] FROM partiql"),
    ("TRUE projected", "SELECT TRUE FROM partiql"),
    ("a string source", "SELECT * FROM 'partiql'"),
    ("a three-part source", 'SELECT * FROM "partiql"."a"."b"'),
    ("a three-part INSERT target", "INSERT INTO partiql.a.b VALUE {'pk': 'a'}"),
    ("an empty table name", 'SELECT * FROM ""'),
    ("an empty attribute name", "SELECT * FROM partiql WHERE \"\" = 'a'"),
    ("an empty map key", "SELECT m[''] FROM partiql"),
    ("a negative index", "SELECT v FROM partiql WHERE pk = 'a' AND v[-1] = 1"),
    ("a reserved word as a name", "SELECT date FROM partiql WHERE pk = 'a' AND sk = 1"),
    ("a reserved word as a table", "SELECT * FROM table"),
    ("a reserved word in SET", "UPDATE partiql SET value = 1 WHERE pk = 'a' AND sk = 1"),
    ("an aggregate", "SELECT * FROM partiql WHERE count(v) = 1"),
    ("a reserved function", "SELECT * FROM partiql WHERE lower(v) = 'a'"),
    ("unknown function", "SELECT v FROM partiql WHERE pk = 'a' AND foo(v)"),
    ("LIKE", "SELECT v FROM partiql WHERE pk = 'a' AND v LIKE 'a%'"),
    ("size alone", "SELECT v FROM partiql WHERE pk = 'a' AND size(v)"),
    ("compare with MISSING", "SELECT v FROM partiql WHERE pk = 'a' AND v = MISSING"),
    ("arithmetic in a condition", "SELECT v FROM partiql WHERE pk = 'a' AND n + 1 = 2"),
    ("TRUE in AND", "SELECT v FROM partiql WHERE pk = 'a' AND TRUE"),
    ("TRUE as WHERE", "SELECT v FROM partiql WHERE TRUE"),
    ("a path as WHERE", "DELETE FROM partiql WHERE v"),
    ("NOT of a value", "SELECT v FROM partiql WHERE NOT TRUE"),
    ("begins_with arity", "SELECT * FROM partiql WHERE pk = 'a' AND begins_with(v)"),
    ("unknown attribute type", "SELECT * FROM partiql WHERE pk = 'a' AND attribute_type(v, 'Q')"),
    ("list_append in a condition", "SELECT * FROM partiql WHERE pk = 'a' AND list_append(v, v)"),
    ("IN a string", "SELECT * FROM partiql WHERE pk IN 'a'"),
    ("IN an empty list", "SELECT * FROM partiql WHERE pk IN []"),
    ("IN a parameter", "SELECT * FROM partiql WHERE pk IN ?"),
    ("IN a path", "SELECT * FROM partiql WHERE pk IN v.w"),
    ("IN a sum", "SELECT * FROM partiql WHERE pk IN ['a'] + 1"),
    ("IN before a bad function", "SELECT * FROM partiql WHERE pk IN 1 AND foo(v)"),
    ("a bad function before IN", "SELECT * FROM partiql WHERE foo(v) AND pk IN 1"),
    ("IN on an unknown table", "SELECT * FROM nope WHERE pk IN 1"),
    ("IN in an UPDATE", "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 AND v IN 1"),
    ("duplicate projection", "SELECT v, v FROM partiql"),
    ("overlapping projection", "SELECT m.x, m.x[0] FROM partiql"),
    ("overlapping projection reversed", "SELECT m.x[0], m.x FROM partiql"),
    ("overlapping SET and REMOVE", "UPDATE partiql SET m = 1 REMOVE m.x WHERE pk = 'a' AND sk = 1"),
    ("ORDER BY a non-key", "SELECT v FROM partiql WHERE pk = 'a' ORDER BY n"),
    ("ORDER BY without WHERE", "SELECT v FROM partiql ORDER BY sk"),
    ("ORDER BY without the hash key", "SELECT v FROM partiql WHERE n = 1 ORDER BY sk"),
    ("BETWEEN reversed", "SELECT v FROM partiql WHERE pk = 'a' AND sk BETWEEN 3 AND 1"),
    ("hash key of another type", "SELECT v FROM partiql WHERE pk = 1"),
    ("empty hash key", "SELECT v FROM partiql WHERE pk = ''"),
    ("missing parameter", "SELECT v FROM partiql WHERE pk = ?"),
    ("unknown table", "SELECT v FROM nope"),
    ("unknown index", 'SELECT v FROM "partiql"."nope"'),
    ("INSERT into an index", "INSERT INTO \"partiql\".\"idx\" VALUE {'pk': 'z', 'sk': 1}"),
    ("UPDATE of an index", 'UPDATE "partiql"."idx" SET n = 1 WHERE pk = \'a\' AND sk = 1'),
]


def test_partiql_malformed_statements(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        _fill(t)
        for label, statement in MALFORMED:
            run(t, label, statement)
        run(t, "too few parameters", "SELECT v FROM partiql WHERE pk = ? AND sk = ?", {"S": "a"})
        run(
            t,
            "a parameter of two types",
            "SELECT v FROM partiql WHERE pk = ?",
            {"S": "a", "N": "1"},
        )
        t(
            "batch of malformed statements",
            "batch_execute_statement",
            Statements=_statements(
                "hello",
                "SELECT * FROM partiql LIMIT 1",
                "SELECT * FROM partiql WHERE pk IN 1",
                "UPDATE partiql SET n = 1 WHERE pk = 'a' AND sk = 1 AND sk = 2",
            ),
        )
        t("after", "execute_statement", Statement="SELECT * FROM partiql", unordered=("Items",))

    differential(scenario)
