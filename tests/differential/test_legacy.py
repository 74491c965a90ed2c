"""The legacy (non-expression) parameters: Expected, AttributeUpdates, KeyConditions,
QueryFilter, ScanFilter, ConditionalOperator and AttributesToGet, answers and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
TABLE = "legacy"


def cond(operator: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"ComparisonOperator": operator, "AttributeValueList": list(values)}


ITEM = {
    "pk": {"S": "a"},
    "s": {"S": "hello"},
    "n": {"N": "5"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "l": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": True}]},
    "m": {"M": {"k": {"S": "v"}}},
}

#: (label, Expected, ConditionalOperator) tried as PutItem conditions on ITEM.
EXPECTED_CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("exists false on a present attribute", {"s": {"Exists": False}}, None),
    ("exists false on a missing attribute", {"zz": {"Exists": False}}, None),
    ("value equal", {"s": {"Value": {"S": "hello"}}}, None),
    ("value with exists true, unequal", {"s": {"Value": {"S": "x"}, "Exists": True}}, None),
    ("value with an operator", {"n": {"Value": {"N": "9"}, "ComparisonOperator": "LT"}}, None),
    ("EQ on a set", {"ss": cond("EQ", {"SS": ["b", "a"]})}, None),
    ("EQ on a list", {"l": cond("EQ", {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": True}]})}, None),
    ("EQ on a map", {"m": cond("EQ", {"M": {"k": {"S": "v"}}})}, None),
    ("NE on a missing attribute", {"zz": cond("NE", {"S": "x"})}, None),
    ("NE of another type", {"n": cond("NE", {"S": "5"})}, None),
    ("GT of another type", {"n": cond("GT", {"S": "1"})}, None),
    ("LE", {"n": cond("LE", {"N": "5"})}, None),
    ("GE fails", {"n": cond("GE", {"N": "6"})}, None),
    ("NULL on a present attribute", {"n": cond("NULL")}, None),
    ("NULL on a missing attribute", {"zz": cond("NULL")}, None),
    ("NOT_NULL", {"n": {"ComparisonOperator": "NOT_NULL"}}, None),
    ("CONTAINS in a string set", {"ss": cond("CONTAINS", {"S": "a"})}, None),
    ("CONTAINS in a number set", {"ns": cond("CONTAINS", {"N": "1.0"})}, None),
    ("CONTAINS in a list", {"l": cond("CONTAINS", {"BOOL": True})}, None),
    ("CONTAINS a substring", {"s": cond("CONTAINS", {"S": "ell"})}, None),
    ("CONTAINS on a number", {"n": cond("CONTAINS", {"N": "5"})}, None),
    ("NOT_CONTAINS on a missing attribute", {"zz": cond("NOT_CONTAINS", {"S": "x"})}, None),
    ("NOT_CONTAINS on a number", {"n": cond("NOT_CONTAINS", {"S": "x"})}, None),
    ("NOT_CONTAINS fails", {"ss": cond("NOT_CONTAINS", {"S": "a"})}, None),
    ("BEGINS_WITH", {"s": cond("BEGINS_WITH", {"S": "he"})}, None),
    ("IN", {"s": cond("IN", {"S": "q"}, {"S": "hello"})}, None),
    ("IN on a set", {"ss": cond("IN", {"S": "a"}, {"S": "b"})}, None),
    ("BETWEEN", {"n": cond("BETWEEN", {"N": "1"}, {"N": "9"})}, None),
    ("AND fails", {"s": {"Exists": False}, "zz": {"Exists": False}}, "AND"),
    ("OR passes", {"s": {"Exists": False}, "zz": {"Exists": False}}, "OR"),
    ("default AND", {"s": {"Value": {"S": "hello"}}, "n": cond("GT", {"N": "4"})}, None),
    ("empty Expected", {}, None),
    # -- errors -------------------------------------------------------------------------
    ("no value, no exists", {"s": {}}, None),
    ("exists true without value", {"s": {"Exists": True}}, None),
    ("exists false with value", {"s": {"Exists": False, "Value": {"S": "x"}}}, None),
    (
        "value and list",
        {
            "s": {
                "Value": {"S": "x"},
                "ComparisonOperator": "EQ",
                "AttributeValueList": [{"S": "x"}],
            }
        },
        None,
    ),
    ("exists and operator", {"s": {"Exists": True, "ComparisonOperator": "NOT_NULL"}}, None),
    ("operator without values", {"s": {"ComparisonOperator": "EQ"}}, None),
    ("list without operator", {"s": {"AttributeValueList": [{"S": "x"}]}}, None),
    ("EQ with two values", {"s": cond("EQ", {"S": "a"}, {"S": "b"})}, None),
    ("LT without values", {"s": cond("LT")}, None),
    ("NULL with a value", {"s": cond("NULL", {"S": "a"})}, None),
    ("NULL with Value", {"s": {"Value": {"S": "a"}, "ComparisonOperator": "NULL"}}, None),
    ("BETWEEN with Value", {"n": {"Value": {"N": "1"}, "ComparisonOperator": "BETWEEN"}}, None),
    ("IN without values", {"s": cond("IN")}, None),
    ("BETWEEN with three values", {"n": cond("BETWEEN", {"N": "1"}, {"N": "2"}, {"N": "3"})}, None),
    ("LT on a set", {"s": cond("LT", {"SS": ["a"]})}, None),
    ("GE on a list", {"s": cond("GE", {"L": []})}, None),
    ("GT on a boolean", {"s": cond("GT", {"BOOL": True})}, None),
    ("CONTAINS a set", {"s": cond("CONTAINS", {"SS": ["a"]})}, None),
    ("NOT_CONTAINS a map", {"s": cond("NOT_CONTAINS", {"M": {}})}, None),
    ("BEGINS_WITH a number", {"s": cond("BEGINS_WITH", {"N": "1"})}, None),
    ("IN of a set", {"s": cond("IN", {"SS": ["a"]})}, None),
    ("IN of a null", {"s": cond("IN", {"NULL": True})}, None),
    ("IN of mixed types", {"s": cond("IN", {"N": "1"}, {"S": "a"})}, None),
    ("IN of a number and a set", {"s": cond("IN", {"N": "1"}, {"SS": ["a"]})}, None),
    ("BETWEEN of mixed types", {"n": cond("BETWEEN", {"N": "1"}, {"S": "9"})}, None),
    ("BETWEEN of sets", {"n": cond("BETWEEN", {"NS": ["1"]}, {"NS": ["9"]})}, None),
    ("BETWEEN reversed", {"n": cond("BETWEEN", {"N": "9"}, {"N": "1"})}, None),
    ("an invalid value", {"s": {"Value": {"SS": []}}}, None),
    ("an invalid listed value before arity", {"s": cond("EQ", {"SS": []}, {"S": "x"})}, None),
    ("first bad attribute wins", {"a": cond("LT", {"SS": ["a"]}), "b": cond("EQ")}, None),
    ("ConditionalOperator with one condition", {"zz": {"Exists": False}}, "OR"),
    ("ConditionalOperator after the condition's error", {"s": {"Exists": True}}, "OR"),
]


def test_expected_on_put_item(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        t("put", "put_item", TableName=TABLE, Item=ITEM)
        for label, expected, operator in EXPECTED_CASES:
            extra = {} if operator is None else {"ConditionalOperator": operator}
            t(label, "put_item", TableName=TABLE, Item=ITEM, Expected=expected, **extra)
        t("after", "get_item", TableName=TABLE, Key={"pk": {"S": "a"}})
        t(
            "ConditionalOperator without Expected",
            "put_item",
            TableName=TABLE,
            Item=ITEM,
            ConditionalOperator="AND",
        )
        t(
            "Expected with ConditionExpression",
            "put_item",
            TableName=TABLE,
            Item=ITEM,
            Expected={"zz": {"Exists": False}},
            ConditionExpression="attribute_exists(pk)",
        )
        t(
            "ConditionalOperator with ConditionExpression",
            "put_item",
            TableName=TABLE,
            Item=ITEM,
            ConditionalOperator="OR",
            ConditionExpression="attribute_exists(pk)",
        )
        t(
            "ReturnValuesOnConditionCheckFailure",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}},
            Expected={"n": {"Value": {"N": "6"}}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        t(
            "delete with Expected fails",
            "delete_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            Expected={"s": {"Value": {"S": "x"}}},
        )
        t(
            "delete with Expected OR",
            "delete_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            Expected={"s": cond("BEGINS_WITH", {"S": "x"}), "n": cond("LT", {"N": "6"})},
            ConditionalOperator="OR",
            ReturnValues="ALL_OLD",
        )
        t("gone", "get_item", TableName=TABLE, Key={"pk": {"S": "a"}})

    differential(scenario)


def test_attribute_updates(differential: Differential) -> None:
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}

    def put(value: dict[str, Any]) -> dict[str, Any]:
        return {"Action": "PUT", "Value": value}

    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE, range_key=("sk", "N"))

        def update(label: str, updates: dict[str, Any], **extra: Any) -> None:
            t(label, "update_item", TableName=TABLE, Key=key, AttributeUpdates=updates, **extra)

        update(
            "put several",
            {
                "s": put({"S": "x"}),
                "n": put({"N": "1"}),
                "ss": put({"SS": ["a"]}),
                "l": put({"L": [{"S": "a"}]}),
            },
            ReturnValues="UPDATED_NEW",
        )
        update(
            "add a number",
            {"n": {"Action": "ADD", "Value": {"N": "2.5"}}},
            ReturnValues="UPDATED_OLD",
        )
        update(
            "add to a set",
            {"ss": {"Action": "ADD", "Value": {"SS": ["b", "a"]}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "add to a list",
            {"l": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "add a new list",
            {"l2": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "add a new number",
            {"c": {"Action": "ADD", "Value": {"N": "-3"}}},
            ReturnValues="ALL_NEW",
        )
        update(
            "delete set elements",
            {"ss": {"Action": "DELETE", "Value": {"SS": ["a", "q"]}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "delete from a missing attribute",
            {"zz": {"Action": "DELETE", "Value": {"SS": ["x"]}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "delete the last elements",
            {"ss": {"Action": "DELETE", "Value": {"SS": ["b"]}}},
            ReturnValues="ALL_NEW",
        )
        update(
            "delete an attribute",
            {"s": {"Action": "DELETE"}, "c": {"Action": "DELETE"}},
            ReturnValues="UPDATED_OLD",
        )
        update(
            "delete a missing attribute", {"zz": {"Action": "DELETE"}}, ReturnValues="UPDATED_OLD"
        )
        update(
            "put and delete with Expected",
            {"m": put({"M": {"a": {"S": "b"}}}), "l2": {"Action": "DELETE"}},
            Expected={"n": {"Value": {"N": "3.5"}}},
            ReturnValues="UPDATED_NEW",
        )
        update(
            "Expected fails",
            {"m": put({"S": "no"})},
            Expected={"n": cond("GT", {"N": "100"}), "zz": cond("NOT_NULL")},
            ConditionalOperator="OR",
        )
        update("an odd name", {"a.b": put({"S": "dot"})}, ReturnValues="UPDATED_NEW")
        t("after", "get_item", TableName=TABLE, Key=key)
        # -- runtime type errors -------------------------------------------------------------
        update("add a list to a string", {"m": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}}})
        update("add a number to a list", {"l": {"Action": "ADD", "Value": {"N": "1"}}})
        update("add a number set to a number", {"n": {"Action": "ADD", "Value": {"NS": ["1"]}}})
        update(
            "delete a number set from a list", {"l": {"Action": "DELETE", "Value": {"NS": ["1"]}}}
        )
        # -- request errors ------------------------------------------------------------------
        update("delete with a string", {"s": {"Action": "DELETE", "Value": {"S": "x"}}})
        update("add a string", {"s": {"Action": "ADD", "Value": {"S": "x"}}})
        update("add a binary", {"s": {"Action": "ADD", "Value": {"B": b"x"}}})
        update("add without value", {"s": {"Action": "ADD"}})
        update("put without value", {"s": {"Action": "PUT"}})
        update(
            "first bad action wins",
            {"t": {"Action": "PUT"}, "s": {"Action": "ADD", "Value": {"S": "x"}}},
        )
        update("update the hash key", {"pk": put({"S": "b"})})
        update("delete the range key", {"sk": {"Action": "DELETE"}})
        update("an invalid value", {"x": put({"SS": []})})
        t(
            "with UpdateExpression",
            "update_item",
            TableName=TABLE,
            Key=key,
            AttributeUpdates={"x": {"Action": "DELETE"}},
            UpdateExpression="REMOVE y",
        )
        t(
            "Expected with UpdateExpression",
            "update_item",
            TableName=TABLE,
            Key=key,
            Expected={"x": {"Exists": False}},
            UpdateExpression="REMOVE y",
        )
        t(
            "AttributeUpdates with ConditionExpression",
            "update_item",
            TableName=TABLE,
            Key=key,
            AttributeUpdates={"x": {"Action": "DELETE"}},
            ConditionExpression="attribute_exists(y)",
        )
        # -- missing items -------------------------------------------------------------------
        other = {"pk": {"S": "new"}, "sk": {"N": "1"}}
        t(
            "empty updates create the item",
            "update_item",
            TableName=TABLE,
            Key=other,
            AttributeUpdates={},
            ReturnValues="ALL_NEW",
        )
        t(
            "add on a missing item",
            "update_item",
            TableName=TABLE,
            Key={"pk": {"S": "new"}, "sk": {"N": "2"}},
            AttributeUpdates={
                "x": {"Action": "ADD", "Value": {"N": "3"}},
                "y": {"Action": "DELETE"},
            },
            ReturnValues="ALL_NEW",
        )
        t("get new", "get_item", TableName=TABLE, Key=other)

    differential(scenario)


def test_key_conditions_and_filters(differential: Differential) -> None:
    a = cond("EQ", {"S": "a"})

    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE, range_key=("sk", "N"))
        requests = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": p},
                        "sk": {"N": str(s)},
                        "v": {"S": f"{p}{s}"},
                        "n": {"N": str(s * 2)},
                    }
                }
            }
            for p in ("a", "b")
            for s in (1, 2, 3, 10)
        ]
        t("fill", "batch_write_item", RequestItems={TABLE: requests})

        def query(label: str, key_conditions: dict[str, Any], **extra: Any) -> dict[str, Any]:
            return t(label, "query", TableName=TABLE, KeyConditions=key_conditions, **extra)

        def scan(label: str, **extra: Any) -> None:
            t(label, "scan", TableName=TABLE, unordered=("Items",), **extra)

        query("hash only", {"pk": a})
        query("GT", {"pk": a, "sk": cond("GT", {"N": "2"})})
        query("LE backwards", {"pk": a, "sk": cond("LE", {"N": "3"})}, ScanIndexForward=False)
        query("BETWEEN", {"pk": a, "sk": cond("BETWEEN", {"N": "2"}, {"N": "3"})})
        page = query("paged", {"pk": a, "sk": cond("GE", {"N": "1"})}, Limit=2)
        query(
            "next page",
            {"pk": a, "sk": cond("GE", {"N": "1"})},
            Limit=2,
            ExclusiveStartKey=page["LastEvaluatedKey"],
        )
        query(
            "with QueryFilter",
            {"pk": a},
            QueryFilter={"v": cond("NE", {"S": "a2"}), "n": cond("GT", {"N": "2"})},
        )
        query(
            "with QueryFilter OR",
            {"pk": a},
            QueryFilter={"v": cond("EQ", {"S": "a2"}), "n": cond("GT", {"N": "10"})},
            ConditionalOperator="OR",
        )
        query("empty QueryFilter", {"pk": a}, QueryFilter={})
        query("AttributesToGet", {"pk": a}, AttributesToGet=["v", "sk"])
        query(
            "count",
            {"pk": a},
            Select="COUNT",
            QueryFilter={"n": cond("BETWEEN", {"N": "4"}, {"N": "6"})},
        )
        query(
            "with FilterExpression",
            {"pk": a},
            FilterExpression="n > :n",
            ExpressionAttributeValues={":n": {"N": "4"}},
        )
        query("with ProjectionExpression", {"pk": a}, ProjectionExpression="v")
        # -- errors --------------------------------------------------------------------------
        query("BEGINS_WITH a number", {"pk": a, "sk": cond("BEGINS_WITH", {"N": "1"})})
        query(
            "BEGINS_WITH a string on a number key", {"pk": a, "sk": cond("BEGINS_WITH", {"S": "1"})}
        )
        query("hash LE", {"pk": cond("LE", {"S": "a"})})
        query("no hash", {"sk": cond("EQ", {"N": "1"})})
        query("hash and another attribute", {"pk": a, "z": cond("EQ", {"S": "a"})})
        query("three conditions", {"pk": a, "sk": cond("EQ", {"N": "1"}), "z": cond("NULL")})
        query("hash type mismatch", {"pk": cond("EQ", {"N": "1"})})
        query("hash of a set", {"pk": cond("EQ", {"SS": ["a"]})})
        query("hash arity", {"pk": cond("EQ")})
        query("empty hash string", {"pk": cond("EQ", {"S": ""})})
        query("BETWEEN reversed", {"pk": a, "sk": cond("BETWEEN", {"N": "3"}, {"N": "2"})})
        query("QueryFilter on the range key", {"pk": a}, QueryFilter={"sk": cond("EQ", {"N": "1"})})
        query("QueryFilter on the hash key", {"pk": a}, QueryFilter={"pk": cond("NOT_NULL")})
        query("QueryFilter arity", {"pk": a}, QueryFilter={"v": cond("EQ")})
        query(
            "KeyConditions are checked first",
            {"pk": cond("EQ")},
            QueryFilter={"v": cond("LT", {"SS": ["a"]})},
        )
        query(
            "QueryFilter before Select",
            {"pk": a},
            QueryFilter={"v": cond("EQ")},
            Select="SPECIFIC_ATTRIBUTES",
        )
        query(
            "ConditionalOperator with one filter",
            {"pk": a},
            QueryFilter={"v": cond("NOT_NULL")},
            ConditionalOperator="OR",
        )
        query("ConditionalOperator without filter", {"pk": a}, ConditionalOperator="OR")
        query(
            "ConditionalOperator before Select",
            {"pk": a},
            ConditionalOperator="OR",
            Select="SPECIFIC_ATTRIBUTES",
        )
        query("AttributesToGet with COUNT", {"pk": a}, AttributesToGet=["v"], Select="COUNT")
        query(
            "with KeyConditionExpression",
            {"pk": a},
            KeyConditionExpression="pk = :a",
            ExpressionAttributeValues={":a": {"S": "a"}},
        )
        query(
            "QueryFilter with FilterExpression",
            {"pk": a},
            QueryFilter={"v": cond("NOT_NULL")},
            FilterExpression="v = :a",
            ExpressionAttributeValues={":a": {"S": "a"}},
        )
        query(
            "every kind",
            {"pk": a},
            QueryFilter={"v": cond("NOT_NULL")},
            AttributesToGet=["v"],
            ConditionalOperator="OR",
            FilterExpression="v = :a",
            ProjectionExpression="v",
            KeyConditionExpression="pk = :a",
            ExpressionAttributeValues={":a": {"S": "a"}},
        )
        t(
            "QueryFilter with KeyConditionExpression",
            "query",
            TableName=TABLE,
            KeyConditionExpression="pk = :a",
            ExpressionAttributeValues={":a": {"S": "a"}},
            QueryFilter={"v": cond("NOT_NULL")},
        )
        t("neither key parameter", "query", TableName=TABLE, QueryFilter={"v": cond("EQ")})
        # -- Scan ----------------------------------------------------------------------------
        scan("ScanFilter BETWEEN", ScanFilter={"n": cond("BETWEEN", {"N": "4"}, {"N": "6"})})
        scan(
            "ScanFilter on keys",
            ScanFilter={"pk": cond("EQ", {"S": "a"}), "sk": cond("IN", {"N": "1"}, {"N": "3"})},
        )
        scan(
            "ScanFilter OR",
            ScanFilter={"pk": cond("EQ", {"S": "a"}), "sk": cond("IN", {"N": "1"}, {"N": "3"})},
            ConditionalOperator="OR",
        )
        scan("NOT_CONTAINS", ScanFilter={"v": cond("NOT_CONTAINS", {"S": "1"})})
        scan("CONTAINS", ScanFilter={"v": cond("CONTAINS", {"S": "1"})})
        scan("BEGINS_WITH", ScanFilter={"v": cond("BEGINS_WITH", {"S": "b"})})
        scan("NULL count", ScanFilter={"zz": cond("NULL")}, Select="COUNT")
        scan("empty ScanFilter", ScanFilter={})
        scan("Scan AttributesToGet", AttributesToGet=["v"])
        scan(
            "ScanFilter and AttributesToGet",
            ScanFilter={"v": cond("NULL")},
            AttributesToGet=["v"],
            Select="SPECIFIC_ATTRIBUTES",
        )
        scan("Scan ConditionalOperator without filter", ConditionalOperator="AND")
        scan("ScanFilter before Segment", ScanFilter={"v": cond("EQ")}, Segment=1)
        scan(
            "ScanFilter with FilterExpression",
            ScanFilter={"v": cond("NULL")},
            FilterExpression="attribute_exists(v)",
        )
        scan("ScanFilter with a bad value", ScanFilter={"v": cond("EQ", {"SS": []})})
        scan("AttributesToGet with ALL_ATTRIBUTES", AttributesToGet=["v"], Select="ALL_ATTRIBUTES")
        t(
            "GetItem AttributesToGet",
            "get_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
            AttributesToGet=["n", "pk"],
        )
        t(
            "BatchGetItem AttributesToGet",
            "batch_get_item",
            RequestItems={
                TABLE: {"Keys": [{"pk": {"S": "b"}, "sk": {"N": "2"}}], "AttributesToGet": ["v"]}
            },
        )

    differential(scenario)
