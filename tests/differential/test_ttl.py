"""Time To Live settings: UpdateTimeToLive and DescribeTimeToLive.

Only the settings are compared: DynamoDB deletes expired items in the background, "typically
within a few days" (developer guide, Time to Live), and DynamoDB Local on its own schedule,
so when an expired item disappears is no part of any scenario.
"""

from __future__ import annotations

from collections.abc import Callable

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
TABLE = "expiring"


def _ttl(t: Target, label: str, enabled: bool, attribute: str, table: str = TABLE) -> None:
    t(
        label,
        "update_time_to_live",
        TableName=table,
        TimeToLiveSpecification={"Enabled": enabled, "AttributeName": attribute},
    )


def test_time_to_live_enable_and_describe(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        t("describe new", "describe_time_to_live", TableName=TABLE)
        _ttl(t, "enable", True, "expires")
        t("describe enabled", "describe_time_to_live", TableName=TABLE)
        t(
            "put with past expiry",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "a"}, "expires": {"N": "1"}},
        )
        t(
            "put with non-number expiry",
            "put_item",
            TableName=TABLE,
            Item={"pk": {"S": "b"}, "expires": {"S": "soon"}},
        )
        t("get non-number expiry", "get_item", TableName=TABLE, Key={"pk": {"S": "b"}})
        t("describe table", "describe_table", TableName=TABLE)

    differential(scenario)


def test_time_to_live_errors(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        _ttl(t, "disable when disabled", False, "expires")
        _ttl(t, "enable", True, "expires")
        _ttl(t, "enable again", True, "expires")
        _ttl(t, "enable other attribute", True, "other")
        _ttl(t, "disable other attribute", False, "other")
        _ttl(t, "empty attribute name", True, "", table="expiring")
        _ttl(t, "missing table", True, "expires", table="nosuch")
        t("describe missing table", "describe_time_to_live", TableName="nosuch")
        t("describe still enabled", "describe_time_to_live", TableName=TABLE)

    differential(scenario)


def test_time_to_live_disable(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", TABLE)
        _ttl(t, "enable", True, "expires")
        _ttl(t, "disable", False, "expires")
        t("describe disabled", "describe_time_to_live", TableName=TABLE)
        _ttl(t, "disable again", False, "expires")

    differential(scenario)
