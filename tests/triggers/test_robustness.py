"""A handler that raises, returns garbage or mutates its event never costs a record."""

from __future__ import annotations

import itertools
from typing import Any

import boto3
from helpers import REGION, create_stream_table

from dynastream_mock import mock_streams


def test_misbehaving_handler_loses_duplicates_and_reorders_nothing() -> None:
    attempts = itertools.count()
    delivered: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        attempt = next(attempts)
        records = event["Records"]
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        # Mutate everything we were given before deciding how to fail.
        for record in records:
            record["dynamodb"]["NewImage"] = {"id": {"S": "tampered"}}
        records.reverse()
        if attempt % 4 == 1:
            event["Records"].clear()
            raise RuntimeError("flaky dependency")
        if attempt % 4 == 2:
            return {"batchItemFailures": "not a list"}  # garbage: the whole batch fails
        if attempt % 4 == 3:
            return 42  # garbage again
        delivered.extend(numbers)
        return {"batchItemFailures": []}

    with mock_streams(partitions=2) as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        mock.add_trigger(
            "Users",
            handler,
            StartingPosition="TRIM_HORIZON",
            BatchSize=7,
            FunctionResponseTypes=["ReportBatchItemFailures"],
        )
        for index in range(60):
            ddb.put_item(
                TableName="Users", Item={"id": {"S": f"u{index % 13}"}, "n": {"N": str(index)}}
            )
            if index % 20 == 19:
                mock.split_shard("Users")
        while mock.run_triggers():
            pass

        expected = [r["dynamodb"]["SequenceNumber"] for r in mock.stream_records("Users")]
        assert sorted(delivered) == sorted(expected)  # each record exactly once
        assert len(set(delivered)) == len(delivered)
        order = {number: index for index, number in enumerate(delivered)}
        for key in {f"u{n}" for n in range(13)}:
            per_key = [
                r["dynamodb"]["SequenceNumber"]
                for r in mock.stream_records("Users")
                if r["dynamodb"]["Keys"]["id"]["S"] == key
            ]
            assert [order[n] for n in per_key] == sorted(order[n] for n in per_key), key
        # The stream itself was never touched by what the handler did to its event.
        images = [r["dynamodb"]["NewImage"]["id"]["S"] for r in mock.stream_records("Users")]
        assert "tampered" not in images
