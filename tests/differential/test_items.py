"""Data plane: item writes and reads with conditions, updates, projections, ReturnValues."""

from __future__ import annotations

from collections.abc import Callable

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
TABLE = "items"


def _key(value: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": value}}


def test_put_get_delete_with_conditions_and_return_values(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        item = {
            "pk": {"S": "a"},
            "n": {"N": "1.50"},
            "s": {"SS": ["y", "x"]},
            "m": {"M": {"k": {"S": "v"}, "l": {"L": [{"N": "1"}, {"BOOL": True}, {"NULL": True}]}}},
            "b": {"B": b"\x00\x01"},
        }
        t("put", "put_item", TableName=TABLE, Item=item)
        t("get", "get_item", TableName=TABLE, Key=_key("a"))
        t("get consistent", "get_item", TableName=TABLE, Key=_key("a"), ConsistentRead=True)
        t("get missing", "get_item", TableName=TABLE, Key=_key("zz"))
        t(
            "put ALL_OLD",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}, "n": {"N": "2"}},
            ReturnValues="ALL_OLD",
        )
        t(
            "put if absent fails",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
        t(
            "put condition fails with old item",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}},
            ConditionExpression="n > :ten",
            ExpressionAttributeValues={":ten": {"N": "10"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        t(
            "put condition holds",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}, "n": {"N": "3"}, "tags": {"SS": ["p"]}},
            ConditionExpression="n BETWEEN :lo AND :hi AND attribute_type(n, :type)",
            ExpressionAttributeValues={
                ":lo": {"N": "1"},
                ":hi": {"N": "2"},
                ":type": {"S": "N"},
            },
        )
        t(
            "put ALL_NEW refused",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "b"}},
            ReturnValues="ALL_NEW",
        )
        t(
            "projection",
            "get_item",
            TableName=TABLE,
            Key=_key("a"),
            ProjectionExpression="#n, tags",
            ExpressionAttributeNames={"#n": "n"},
        )
        t("delete ALL_OLD", "delete_item", TableName=TABLE, Key=_key("a"), ReturnValues="ALL_OLD")
        t("delete missing", "delete_item", TableName=TABLE, Key=_key("a"))
        t(
            "delete condition fails",
            "delete_item",
            TableName=TABLE,
            Key=_key("a"),
            ConditionExpression="attribute_exists(pk)",
        )

    differential(scenario)


def test_update_expressions_and_return_values(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        t(
            "put",
            "put_item",
            TableName=TABLE,
            Item={
                "pk": {"S": "u"},
                "count": {"N": "5"},
                "colors": {"SS": ["red", "green", "blue"]},
                "doc": {
                    "M": {
                        "inner": {"M": {"x": {"N": "1"}}},
                        "list": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
                    }
                },
                "gone": {"S": "bye"},
            },
        )
        for label, expression, values, returns in (
            ("set arithmetic", "SET #c = #c + :one", {":one": {"N": "1"}}, "UPDATED_NEW"),
            (
                "set nested",
                "SET doc.inner.y = :v, doc.#l[1] = :w",
                {":v": {"S": "why"}, ":w": {"S": "B"}},
                "ALL_NEW",
            ),
            (
                "if_not_exists",
                "SET fresh = if_not_exists(fresh, :z)",
                {":z": {"N": "0"}},
                "UPDATED_OLD",
            ),
            (
                "list_append",
                "SET doc.#l = list_append(doc.#l, :more)",
                {":more": {"L": [{"S": "d"}]}},
                "UPDATED_NEW",
            ),
            ("remove", "REMOVE gone, doc.#l[0]", None, "ALL_OLD"),
            (
                "add number and set",
                "ADD #c :five, colors :purple",
                {":five": {"N": "5"}, ":purple": {"SS": ["purple"]}},
                "ALL_NEW",
            ),
            (
                "delete from set",
                "DELETE colors :rg",
                {":rg": {"SS": ["red", "green"]}},
                "UPDATED_NEW",
            ),
        ):
            names = {"#c": "count"} if "#c" in expression else {}
            if "#l" in expression:
                names["#l"] = "list"
            params = {
                "TableName": TABLE,
                "Key": _key("u"),
                "UpdateExpression": expression,
                "ReturnValues": returns,
            }
            if values:
                params["ExpressionAttributeValues"] = values
            if names:
                params["ExpressionAttributeNames"] = names
            t(label, "update_item", **params)
        t(
            "update creates item",
            "update_item",
            TableName=TABLE,
            Key=_key("new"),
            UpdateExpression="SET q = :q",
            ExpressionAttributeValues={":q": {"NULL": True}},
            ReturnValues="ALL_NEW",
        )
        t(
            "update key attribute",
            "update_item",
            TableName=TABLE,
            Key=_key("u"),
            UpdateExpression="SET pk = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        )
        t(
            "condition fails",
            "update_item",
            TableName=TABLE,
            Key=_key("u"),
            UpdateExpression="SET a = :a",
            ConditionExpression="#c < :zero",
            ExpressionAttributeNames={"#c": "count"},
            ExpressionAttributeValues={":a": {"S": "a"}, ":zero": {"N": "0"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        t("get", "get_item", TableName=TABLE, Key=_key("u"))
        # Only REMOVE/DELETE actions on a missing item: DynamoDB creates nothing.
        t(
            "remove-only update of a missing item",
            "update_item",
            TableName=TABLE,
            Key=_key("absent"),
            UpdateExpression="REMOVE gone DELETE colors :red",
            ExpressionAttributeValues={":red": {"SS": ["red"]}},
            ReturnValues="ALL_NEW",
        )
        t("get after remove-only update", "get_item", TableName=TABLE, Key=_key("absent"))

    differential(scenario)


def test_item_validation_errors(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        create_table(t, "create ranged", "ranged", range_key=("sk", "N"))
        t("missing key", "put_item", TableName=TABLE, Item={"x": {"S": "1"}})
        t("key type mismatch", "put_item", TableName=TABLE, Item={"pk": {"N": "1"}})
        t("empty string key", "put_item", TableName=TABLE, Item={"pk": {"S": ""}})
        t("empty set", "put_item", TableName=TABLE, Item={"pk": {"S": "a"}, "s": {"SS": []}})
        t(
            "duplicate set",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}, "s": {"SS": ["a", "a"]}},
        )
        t("bad number", "put_item", TableName=TABLE, Item={"pk": {"S": "a"}, "n": {"N": "abc"}})
        t("missing table", "put_item", TableName="nosuch", Item={"pk": {"S": "a"}})
        t("get partial key", "get_item", TableName="ranged", Key={"pk": {"S": "a"}})
        t("get extra key", "get_item", TableName=TABLE, Key={"pk": {"S": "a"}, "x": {"S": "b"}})
        t(
            "unused value",
            "update_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET a = :a",
            ExpressionAttributeValues={":a": {"S": "1"}, ":z": {"S": "2"}},
        )
        t(
            "undefined value",
            "update_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET a = :nope",
        )
        t(
            "syntax error",
            "update_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET = q",
        )
        t(
            "reserved word",
            "get_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            ProjectionExpression="name",
        )
        t(
            "return values invalid",
            "delete_item",
            TableName=TABLE,
            Key={"pk": {"S": "a"}},
            ReturnValues="ALL_NEW",
        )

    differential(scenario)
