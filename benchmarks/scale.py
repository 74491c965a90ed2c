"""How dynastream_mock's costs grow with the data it holds.

    .venv/bin/python benchmarks/scale.py

* put, get and query against tables of 1,000, 10,000 and 100,000 items (a stream of
  NEW_AND_OLD_IMAGES on each, so the stream grows with the table);
* GetRecords (Limit=100) from the start, the middle and the end of a stream of 1,000 and
  of 100,000 records (the same iterator again and again, so only GetRecords is timed);
* DescribeStream of a stream with about 1,000 shards (made with ``mock.split_shard``).

Each figure is the best of a few batches; "server" is the time spent answering inside the
mock (``MockStreams.serve``), "call" the whole boto3 call around it. Flat means the largest
size costs at most 1.3x the smallest.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

os.environ.pop("AWS_PROFILE", None)

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dynastream_mock import MockStreams, mock_streams
from dynastream_mock import mock as mock_module

REGION = "us-east-1"
SIZES = (1_000, 10_000, 100_000)
PER_PARTITION = 10  # items per partition key: what a query returns
FLAT = 1.3

_server_seconds = 0.0


@contextmanager
def server_timer() -> Iterator[None]:
    """Count the time spent in ``MockStreams.serve`` into ``_server_seconds``."""
    original = mock_module.MockStreams.serve

    def serve(self: MockStreams, *args: Any) -> Any:
        global _server_seconds
        start = time.perf_counter()
        try:
            return original(self, *args)
        finally:
            _server_seconds += time.perf_counter() - start

    mock_module.MockStreams.serve = serve  # type: ignore[method-assign]
    try:
        yield
    finally:
        mock_module.MockStreams.serve = original  # type: ignore[method-assign]


def measure(
    call: Callable[[int], object], calls: int = 150, batches: int = 5
) -> tuple[float, float]:
    """(µs per call, µs of it in the server), best batch of ``batches``."""
    global _server_seconds
    best = (float("inf"), float("inf"))
    offset = 0
    for _ in range(batches):
        gc.collect()
        gc.freeze()
        _server_seconds = 0.0
        start = time.perf_counter()
        for index in range(calls):
            call(offset + index)
        took = time.perf_counter() - start
        gc.unfreeze()
        offset += calls
        if took < best[0] * calls / 1e6:
            best = (took / calls * 1e6, _server_seconds / calls * 1e6)
    return best


def item(index: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"p{index // PER_PARTITION:07d}"},
        "sk": {"N": str(index % PER_PARTITION)},
        "name": {"S": "Ada Lovelace"},
        "email": {"S": f"ada{index}@example.com"},
        "score": {"N": "1234.5"},
        "active": {"BOOL": True},
    }


def create_table(ddb: Any, name: str) -> str:
    description = ddb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return str(description["LatestStreamArn"])


def fill(ddb: Any, table: str, count: int) -> None:
    for first in range(0, count, 25):
        batch = [{"PutRequest": {"Item": item(i)}} for i in range(first, min(first + 25, count))]
        ddb.batch_write_item(RequestItems={table: batch})


def has_operation(name: str) -> bool:
    from dynastream_mock.api.router import HANDLERS

    return ("dynamodb", name) in HANDLERS


def main() -> int:
    began = time.perf_counter()
    rows: dict[str, dict[int, tuple[float, float]]] = {}
    records_rows: dict[str, dict[int, tuple[float, float]]] = {}
    describe: dict[str, tuple[float, float]] = {}

    # max_readers_per_shard=None: every GetRecords below is a fresh reader.
    with mock_streams(max_readers_per_shard=None) as mock, server_timer():
        config = Config(account_id_endpoint_mode="disabled")  # as in run.py
        ddb = boto3.client("dynamodb", region_name=REGION, config=config)
        streams = boto3.client("dynamodbstreams", region_name=REGION, config=config)
        can_query = has_operation("Query")
        for size in SIZES:
            table = f"Items{size}"
            arn = create_table(ddb, table)
            fill(ddb, table, size)
            partitions = size // PER_PARTITION
            row = rows.setdefault("put", {})
            row[size] = measure(
                lambda i, t=table, s=size: ddb.put_item(TableName=t, Item=item(s + i))
            )
            rows.setdefault("get", {})[size] = measure(
                lambda i, t=table, p=partitions: ddb.get_item(
                    TableName=t,
                    Key={"pk": {"S": f"p{(i * 7919) % p:07d}"}, "sk": {"N": "3"}},
                )
            )
            if can_query:
                rows.setdefault(f"query ({PER_PARTITION} items)", {})[size] = measure(
                    lambda i, t=table, p=partitions: ddb.query(
                        TableName=t,
                        KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": f"p{(i * 7919) % p:07d}"}},
                    )
                )
            if size in (SIZES[0], SIZES[-1]):
                shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
                start = int(shard["SequenceNumberRange"]["StartingSequenceNumber"])
                world = mock._service.region(None, REGION)
                retained = world.stream(arn).shards[shard["ShardId"]].retained()
                first, last = retained[0].sequence_number, retained[-1].sequence_number
                for where, sequence in (
                    ("start", start),
                    ("middle", (first + last) // 2),
                    ("end", last - 99),
                ):
                    # An iterator carries its position and is not used up: read again
                    # and again from the same one, so only GetRecords is timed.
                    iterator = streams.get_shard_iterator(
                        StreamArn=arn,
                        ShardId=shard["ShardId"],
                        ShardIteratorType="AT_SEQUENCE_NUMBER",
                        SequenceNumber=str(sequence),
                    )["ShardIterator"]
                    records_rows.setdefault(where, {})[size] = measure(
                        lambda i, it=iterator: streams.get_records(ShardIterator=it, Limit=100),
                        calls=100,
                        batches=5,
                    )
            if size != SIZES[0]:
                ddb.delete_table(TableName=table)  # keep memory in check

        # About 1,000 shards: split one open shard at a time.
        arn = create_table(ddb, "Shards")
        target = mock.split_shard("Shards")[0]
        while len(mock._service.region(None, REGION).stream(arn).shards) < 1000:
            target = mock.split_shard("Shards", target)[0]
        shard_count = len(mock._service.region(None, REGION).stream(arn).shards)
        describe["first page (100 shards)"] = measure(
            lambda i: streams.describe_stream(StreamArn=arn), calls=50
        )

        def all_pages(i: int) -> None:
            kwargs: dict[str, Any] = {"StreamArn": arn}
            while True:
                page = streams.describe_stream(**kwargs)["StreamDescription"]
                if "LastEvaluatedShardId" not in page:
                    return
                kwargs["ExclusiveStartShardId"] = page["LastEvaluatedShardId"]

        describe[f"all {shard_count} shards (paged)"] = measure(all_pages, calls=5)

    print_tables(rows, records_rows, describe, can_query)
    print(f"\nthe run took {time.perf_counter() - began:.0f} s")
    return 0


def _cell(value: tuple[float, float]) -> str:
    call, server = value
    return f"{call:>7,.0f} / {server:>5,.0f}"


def print_tables(
    rows: dict[str, dict[int, tuple[float, float]]],
    records_rows: dict[str, dict[int, tuple[float, float]]],
    describe: dict[str, tuple[float, float]],
    can_query: bool,
) -> None:
    print(f"python {sys.version.split()[0]}, boto3 {boto3.__version__}; µs per call: call / server")
    print()
    header = "| items in table       | " + " | ".join(f"{s:>15,}" for s in SIZES)
    print(header + " | server 100k/1k |")
    print("|----------------------|" + "-----------------|" * len(SIZES) + "----------------|")
    for name, by_size in rows.items():
        ratio = by_size[SIZES[-1]][1] / by_size[SIZES[0]][1]
        flat = "flat" if ratio <= FLAT else "NOT flat"
        cells = " | ".join(_cell(by_size[s]) for s in SIZES)
        print(f"| {name:<20} | {cells} | {ratio:>5.2f}x {flat:<8} |")
    if not can_query:
        print("| query                | (no Query operation in this build: not measured)")
    print()
    small, large = SIZES[0], SIZES[-1]
    print(f"| GetRecords Limit=100 | {small:>9,} records | {large:>9,} records | server ratio   |")
    print("|----------------------|-------------------|-------------------|----------------|")
    for where, by_size in records_rows.items():
        ratio = by_size[large][1] / by_size[small][1]
        flat = "flat" if ratio <= FLAT else "NOT flat"
        print(
            f"| {'from the ' + where:<20} | {_cell(by_size[small]):>17} | "
            f"{_cell(by_size[large]):>17} | {ratio:>5.2f}x {flat:<8} |"
        )
    print("  (the same 100 records read again and again: each record is rendered once)")
    print()
    print("| DescribeStream, ~1,000 shards       | call / server µs  |")
    print("|-------------------------------------|-------------------|")
    for name, value in describe.items():
        print(f"| {name:<35} | {_cell(value):>17} |")


if __name__ == "__main__":
    raise SystemExit(main())
