"""Running sales totals per region, one-minute windows, with a Lambda tumbling window.

The seeds' aggregation use case. A Lambda function on the Sales table's stream keeps the
totals of the current minute in the window's ``state`` (Lambda hands it back on the next
invocation, so the function needs no database of its own); when the minute is over, Lambda
invokes it once more with ``isFinalInvokeForWindow``, and the function publishes the totals.
The windows run on the mock's clock. Run it: ``python examples/sales_totals.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3

from dynastream_mock import mock_streams

REGION = "eu-west-1"


def totals_keeper(published: list[tuple[str, dict[str, int]]]) -> Any:
    """The Lambda handler: add each sale to its region's total, in cents."""

    def add_sales(event: dict[str, Any], context: Any) -> dict[str, Any]:
        state: dict[str, int] = event["state"]
        for record in event["Records"]:
            if record["eventName"] != "INSERT":
                continue  # a corrected or cancelled sale is not a new one
            sale = record["dynamodb"]["NewImage"]
            cents = int(Decimal(sale["amount"]["N"]) * 100)
            state[sale["region"]["S"]] = state.get(sale["region"]["S"], 0) + cents
        if event["isFinalInvokeForWindow"]:
            published.append((event["window"]["start"], state))
            return {"state": {}}
        return {"state": state}

    return add_sales


def create_sales_table(ddb: Any) -> None:
    ddb.create_table(
        TableName="Sales",
        KeySchema=[{"AttributeName": "sale_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sale_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )


def sell(ddb: Any, sale_id: str, region: str, amount: str) -> None:
    ddb.put_item(
        TableName="Sales",
        Item={"sale_id": {"S": sale_id}, "region": {"S": region}, "amount": {"N": amount}},
    )


def main() -> list[tuple[str, dict[str, int]]]:
    published: list[tuple[str, dict[str, int]]] = []
    print("Sales totals per region and minute, kept by a Lambda tumbling window of 60 seconds")
    with mock_streams() as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_sales_table(ddb)
        mock.clock.freeze()
        # Start on a minute boundary, so that every run of the example cuts the same windows.
        now = mock.clock.now()
        mock.clock.advance(seconds=60 - now.second - now.microsecond / 1e6)
        mock.add_trigger(
            "Sales",
            totals_keeper(published),
            StartingPosition="TRIM_HORIZON",
            TumblingWindowInSeconds=60,
        )

        print("sales: second 0 s1 north 12.50, s2 south 3.00; second 20 s3 north 7.25;")
        print("       second 65 s4 south 20.00")
        sell(ddb, "s1", "north", "12.50")
        sell(ddb, "s2", "south", "3.00")
        made = mock.run_triggers()  # the first minute so far
        mock.clock.advance(seconds=20)
        sell(ddb, "s3", "north", "7.25")
        made += mock.run_triggers()  # more of the same minute, the state carried over
        mock.clock.advance(seconds=45)  # the first minute is over
        sell(ddb, "s4", "south", "20.00")
        made += mock.run_triggers()
        mock.clock.advance(minutes=1)
        made += mock.run_triggers()

    finals = sum(1 for invocation in made if invocation.event["isFinalInvokeForWindow"])
    print(f"invocations: {len(made)}, of which {finals} closed a window")
    for number, (_, totals) in enumerate(published, start=1):
        shown = ", ".join(f"{region} {cents / 100:.2f}" for region, cents in sorted(totals.items()))
        start = (number - 1) * 60
        print(f"window {number} (seconds {start} to {start + 60}): {shown}")
    return published


if __name__ == "__main__":
    main()
