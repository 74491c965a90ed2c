"""Four stream-consumer bugs seen in real code, each caught by ``mock.check_consumed``.

Run it: ``python examples/consumer_bugs.py``. Each section runs one buggy consumer against a
stream that does what production does (a split, an expiry, Lambda's at-least-once delivery),
prints what the audit found, and then the correct way passing the same audit.
"""

from __future__ import annotations

from typing import Any

import boto3
from stream_consumer import StreamConsumer

from dynastream_mock import ConsumedReport, MockStreams, mock_streams

REGION = "eu-west-1"


def _table(ddb: Any) -> str:
    arn: str = ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    return arn


def _write(ddb: Any, version: int, keys: tuple[str, ...] = ("u1", "u2")) -> None:
    for key in keys:
        ddb.put_item(TableName="Users", Item={"id": {"S": key}, "v": {"N": str(version)}})


def _shards(streams: Any, arn: str) -> list[dict[str, Any]]:
    return list(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"])


def _read(streams: Any, arn: str, shard_id: str, kind: str) -> tuple[list[Any], str | None]:
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind)[
        "ShardIterator"
    ]
    page = streams.get_records(ShardIterator=iterator)
    return list(page["Records"]), page.get("NextShardIterator")


def children_opened_at_latest(
    mock: MockStreams, ddb: Any, streams: Any, arn: str
) -> ConsumedReport:
    """Bug 1: a shard ends, and the consumer opens its children at LATEST (a pattern seen in
    a published npm consumer): what the children got before it looked is lost."""
    _write(ddb, 1)
    mock.split_shard("Users")
    _write(ddb, 2)
    parent, *children = _shards(streams, arn)
    seen, _ = _read(streams, arn, parent["ShardId"], "TRIM_HORIZON")
    for child in children:
        records, _ = _read(streams, arn, child["ShardId"], "LATEST")
        seen += records
    return mock.check_consumed("Users", seen)


def expiry_answered_with_trim_horizon(
    mock: MockStreams, ddb: Any, streams: Any, arn: str
) -> ConsumedReport:
    """Bug 2: an iterator expires, and the consumer starts again at TRIM_HORIZON instead of
    after its checkpoint: everything it had already processed comes again."""
    _write(ddb, 1)
    (shard,) = _shards(streams, arn)
    seen, iterator = _read(streams, arn, shard["ShardId"], "TRIM_HORIZON")
    mock.clock.advance(minutes=16)  # the iterator it holds has expired
    _write(ddb, 2)
    try:
        streams.get_records(ShardIterator=iterator)
    except streams.exceptions.ExpiredIteratorException:
        records, _ = _read(streams, arn, shard["ShardId"], "TRIM_HORIZON")
        seen += records
    return mock.check_consumed("Users", seen)


def children_before_their_parent(
    mock: MockStreams, ddb: Any, streams: Any, arn: str
) -> ConsumedReport:
    """Bug 3: the consumer reads every shard it is given, children first (say, newest first):
    a key's later change is processed before its earlier one."""
    _write(ddb, 1)
    mock.split_shard("Users")
    _write(ddb, 2)
    seen: list[Any] = []
    for shard in reversed(_shards(streams, arn)):
        records, _ = _read(streams, arn, shard["ShardId"], "TRIM_HORIZON")
        seen += records
    return mock.check_consumed("Users", seen)


def lambda_not_idempotent(mock: MockStreams, ddb: Any, *, deduplicate: bool) -> ConsumedReport:
    """Bug 4: Lambda delivers a batch again after it succeeded (at-least-once), and the handler
    applies it twice; deduplicating by eventID passes."""
    applied: list[dict[str, Any]] = []
    done: set[str] = set()

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            if deduplicate and record["eventID"] in done:
                continue
            done.add(record["eventID"])
            applied.append(record)  # e.g. add the order's amount to a running total

    mock.add_trigger("Users", handler, StartingPosition="TRIM_HORIZON")
    mock.chaos(seed=4, duplicates=1.0)
    _write(ddb, 1)
    mock.run_triggers()
    return mock.check_consumed("Users", applied)


def correct(mock: MockStreams, ddb: Any, streams: Any, arn: str) -> ConsumedReport:
    """The lineage consumer (stream_consumer.py): parents first, checkpoints, expiry handled."""
    consumer = StreamConsumer(streams, arn)
    _write(ddb, 1)
    seen = consumer.poll()
    mock.split_shard("Users")
    mock.clock.advance(minutes=16)
    _write(ddb, 2)
    seen += consumer.poll()
    return mock.check_consumed("Users", seen)


def _run(title: str, scenario: Any, **extra: Any) -> ConsumedReport:
    with mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = _table(ddb)
        report = scenario(mock, ddb, **extra) if extra else scenario(mock, ddb, streams, arn)
    print(f"== {title}")
    print("   " + str(report).replace("\n", "\n   "))
    return report


def main() -> dict[str, ConsumedReport]:
    print("Consumer bugs that mock.check_consumed catches, and the correct way")
    twice = "bug 4: a Lambda handler applying a batch twice"
    return {
        "latest": _run("bug 1: children opened at LATEST", children_opened_at_latest),
        "trim_horizon": _run(
            "bug 2: expiry answered with TRIM_HORIZON", expiry_answered_with_trim_horizon
        ),
        "reversed": _run("bug 3: children before their parent", children_before_their_parent),
        "lambda": _run(twice, lambda_not_idempotent, deduplicate=False),
        "lambda_fixed": _run(
            "fixed: the handler deduplicates by eventID", lambda_not_idempotent, deduplicate=True
        ),
        "correct": _run("correct: the lineage consumer", correct),
    }


if __name__ == "__main__":
    main()
