"""FilterCriteria: records that match no filter are passed over for good."""

from __future__ import annotations

import json
from typing import Any

import pytest
from trigger_support import ids_of

from dynastream_mock import MockStreams
from dynastream_mock.triggers.filtering import FilterPattern


def criteria(*patterns: dict[str, Any]) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(p)} for p in patterns]}


def test_only_matching_records_are_delivered_and_the_rest_passed_over_for_good(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    trigger = dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria({"eventName": ["INSERT"]}),
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}, "x": {"S": "1"}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "a"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "b"}})

    made = dynastream.run_triggers()

    assert [ids_of(i.event) for i in made] == [["a", "b"]]
    assert [r["eventName"] for r in made[0].event["Records"]] == ["INSERT", "INSERT"]
    assert dynastream.run_triggers() == []
    assert len(trigger.invocations) == 1


def test_a_batch_filtered_out_entirely_makes_no_invocation(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        BatchSize=1,
        FilterCriteria=criteria({"eventName": ["REMOVE"]}),
    )
    for item_id in ("a", "b", "c"):
        ddb.put_item(TableName="Users", Item={"id": {"S": item_id}})

    assert dynastream.run_triggers() == []
    ddb.delete_item(TableName="Users", Key={"id": {"S": "b"}})
    assert [ids_of(i.event) for i in dynastream.run_triggers()] == [["b"]]


def test_filters_are_ored_and_match_inside_the_dynamodb_key(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria(
            {"dynamodb": {"NewImage": {"plan": {"S": [{"prefix": "pro"}]}}}},
            {"dynamodb": {"NewImage": {"vip": {"BOOL": [True]}}}},
        ),
    )
    items = [
        {"id": {"S": "free"}, "plan": {"S": "free"}},
        {"id": {"S": "pro"}, "plan": {"S": "pro-yearly"}},
        {"id": {"S": "vip"}, "vip": {"BOOL": True}},
        {"id": {"S": "novip"}, "vip": {"BOOL": False}},
    ]
    for item in items:
        ddb.put_item(TableName="Users", Item=item)
    ddb.delete_item(TableName="Users", Key={"id": {"S": "pro"}})  # no NewImage: no match

    (invocation,) = dynastream.run_triggers()

    assert ids_of(invocation.event) == ["pro", "vip"]


def test_numeric_filters_do_not_match_dynamodb_numbers(
    dynastream: MockStreams, ddb: Any, table: str
) -> None:
    on_age = dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria(
            {"dynamodb": {"NewImage": {"age": {"N": [{"numeric": [">", 1]}]}}}}
        ),
    )

    def on_size(event: dict[str, Any], context: Any) -> None:
        return None

    # SizeBytes is a JSON number in the record, so a numeric filter does match it.
    by_size = dynastream.add_trigger(
        "Users",
        on_size,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria({"dynamodb": {"SizeBytes": [{"numeric": [">=", 1, "<", 10000]}]}}),
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}, "age": {"N": "42"}})

    dynastream.run_triggers()

    assert on_age.invocations == []
    assert len(by_size.invocations) == 1


@pytest.mark.parametrize(
    ("pattern", "matching"),
    [
        ({"eventName": ["INSERT", "MODIFY"]}, {"INSERT", "MODIFY"}),
        ({"eventName": [{"anything-but": ["INSERT"]}]}, {"MODIFY", "REMOVE"}),
        ({"eventName": [{"anything-but": {"prefix": "MOD"}}]}, {"INSERT", "REMOVE"}),
        ({"eventName": [{"equals-ignore-case": "remove"}]}, {"REMOVE"}),
        ({"eventName": [{"suffix": "ERT"}]}, {"INSERT"}),
        ({"dynamodb": {"OldImage": {"id": {"S": [{"exists": True}]}}}}, {"MODIFY", "REMOVE"}),
        ({"dynamodb": {"NewImage": {"nick": {"S": [{"exists": False}]}}}}, {"INSERT", "REMOVE"}),
        ({"dynamodb": {"NewImage": {"nick": {"S": [""]}}}}, {"MODIFY"}),
        (
            {"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"Keys": {"id": {"S": ["zzz"]}}}}]},
            {"INSERT"},
        ),
    ],
)
def test_operators(
    dynastream: MockStreams, ddb: Any, table: str, pattern: dict[str, Any], matching: set[str]
) -> None:
    dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria=criteria(pattern),
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "a"}, "nick": {"S": ""}})
    ddb.delete_item(TableName="Users", Key={"id": {"S": "a"}})

    made = dynastream.run_triggers()

    assert {r["eventName"] for i in made for r in i.event["Records"]} == matching


def test_null_and_exists_on_leaves() -> None:
    null = FilterPattern.parse('{"detail": {"reason": [null]}}')
    exists = FilterPattern.parse('{"detail": [{"exists": true}]}')

    assert null.matches({"detail": {"reason": None}})
    assert not null.matches({"detail": {"reason": ""}})
    assert not null.matches({"detail": {}})
    # As in EventBridge, exists looks at leaves only.
    assert exists.matches({"detail": "x"})
    assert not exists.matches({"detail": {"reason": "x"}})


def test_exact_values_keep_their_json_types() -> None:
    five = FilterPattern.parse('{"n": [5]}')
    true = FilterPattern.parse('{"b": [true]}')

    assert five.matches({"n": 5}) and five.matches({"n": 5.0})
    assert not five.matches({"n": "5"})
    assert true.matches({"b": True}) and not true.matches({"b": 1})
    assert FilterPattern.parse('{"tags": ["red"]}').matches({"tags": ["blue", "red"]})
