"""Many clients in many threads: nothing lost, nothing doubled, order kept per item.

Writers update shared counters (alone and in transactions), put and delete in batches and
alone, while two readers follow every shard.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

import boto3
from botocore.config import Config
from helpers import REGION, create_stream_table

from dynastream_mock import mock_streams

WRITERS = 6
UPDATES_PER_WRITER = 150
KEYS = 10
ONCE = Config(retries={"total_max_attempts": 1}, max_pool_connections=20)


def write(worker: int, errors: list[BaseException]) -> None:
    try:
        ddb = boto3.client("dynamodb", region_name=REGION, config=ONCE)
        for step in range(UPDATES_PER_WRITER):
            key = f"counter-{(worker + step) % KEYS}"
            ddb.update_item(
                TableName="Users",
                Key={"id": {"S": key}},
                UpdateExpression="ADD #total :one",
                ExpressionAttributeNames={"#total": "total"},
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            if step % 50 == 0:
                # A transaction moving two other counters at once.
                ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "Users",
                                "Key": {"id": {"S": f"counter-{(worker + step + n) % KEYS}"}},
                                "UpdateExpression": "ADD #total :one",
                                "ExpressionAttributeNames": {"#total": "total"},
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                        for n in (3, 4)
                    ]
                )
            if step % 30 == 0:
                # Puts and deletes of worker-private items, in batches and alone.
                ddb.batch_write_item(
                    RequestItems={
                        "Users": [
                            {"PutRequest": {"Item": {"id": {"S": f"w{worker}-{step}-{n}"}}}}
                            for n in range(5)
                        ]
                    }
                )
                ddb.delete_item(TableName="Users", Key={"id": {"S": f"w{worker}-{step}-0"}})
    except BaseException as error:  # surfaced by the test thread
        errors.append(error)


def read_shard_until(
    arn: str, shard_id: str, done: threading.Event, out: list[Any], errors: list[BaseException]
) -> None:
    """One reader: one chain of iterators, followed until the writers are done and drained."""
    try:
        streams = boto3.client("dynamodbstreams", region_name=REGION, config=ONCE)
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            finished = done.is_set()
            page = streams.get_records(ShardIterator=iterator)
            out.extend(page["Records"])
            iterator = page.get("NextShardIterator")
            if finished and not page["Records"]:
                return
            if not page["Records"]:
                time.sleep(0.005)
    except BaseException as error:
        errors.append(error)


def test_concurrent_writers_and_readers_lose_and_double_nothing() -> None:
    with mock_streams(partitions=2) as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = create_stream_table(ddb)["LatestStreamArn"]
        shards = [
            s["ShardId"]
            for s in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        ]
        errors: list[BaseException] = []
        done = threading.Event()
        # Two readers on every shard: exactly what the throttle allows.
        seen: list[list[Any]] = [[] for _ in range(2 * len(shards))]
        readers = [
            threading.Thread(target=read_shard_until, args=(arn, shard, done, seen[i], errors))
            for i, shard in enumerate(shards * 2)
        ]
        writers = [threading.Thread(target=write, args=(w, errors)) for w in range(WRITERS)]
        for thread in readers + writers:
            thread.start()
        for thread in writers:
            thread.join(timeout=120)
        done.set()
        for thread in readers:
            thread.join(timeout=120)

        assert errors == []
        expected = mock.stream_records("Users")
        # Every change has exactly one record ...
        transactions = WRITERS * len(range(0, UPDATES_PER_WRITER, 50))
        total_updates = WRITERS * UPDATES_PER_WRITER + 2 * transactions
        batches = WRITERS * len(range(0, UPDATES_PER_WRITER, 30))
        assert len(expected) == total_updates + batches * 5 + batches
        assert len({r["dynamodb"]["SequenceNumber"] for r in expected}) == len(expected)
        # ... each reader sees each record of its shard exactly once, in order ...
        by_shard: dict[int, list[str]] = defaultdict(list)
        for index, records in enumerate(seen):
            by_shard[index % len(shards)].append(
                ",".join(r["dynamodb"]["SequenceNumber"] for r in records)
            )
        for copies in by_shard.values():
            assert copies[0] == copies[1]
        assert sum(len(records) for records in seen) == 2 * len(expected)
        # ... per-item order holds, and the final state is the sum of the changes.
        totals: dict[str, list[int]] = defaultdict(list)
        for record in expected:
            key = record["dynamodb"]["Keys"]["id"]["S"]
            if key.startswith("counter-"):
                totals[key].append(int(record["dynamodb"]["NewImage"]["total"]["N"]))
        for key, observed in totals.items():
            assert observed == list(range(1, len(observed) + 1)), key
        final = {
            item["id"]["S"]: int(item["total"]["N"])
            for item in ddb.scan(TableName="Users")["Items"]
            if item["id"]["S"].startswith("counter-")
        }
        assert sum(final.values()) == total_updates
        assert final == {key: len(values) for key, values in totals.items()}
