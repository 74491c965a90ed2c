"""Throughput of dynastream_mock beside moto and the canned-response floor, in one process.

    .venv/bin/pip install -q -e '.[bench]' && .venv/bin/python benchmarks/run.py

The same boto3 workloads run against three answerers:

* ``dynastream`` - this library;
* ``moto``       - moto's ``mock_aws`` (skipped when moto is not installed);
* ``floor``      - botocore answered from canned bytes at ``URLLib3Session.send``, the
  point where dynastream_mock answers: serialising, signing, hooks and parsing of the
  same answers, with no mock behind them. No mock answering there can be faster.

Each workload runs a few rounds and the best round counts; the implementations take
turns inside every round, so a noisy neighbour slows them alike. Only the ratios of one
run mean anything: absolute figures vary between machines.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Credentials for the floor (dynastream_mock and moto set their own while active).
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.pop("AWS_PROFILE", None)

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.httpsession import URLLib3Session

try:  # moto registers its hook in every client made after this import
    from moto import mock_aws

    HAVE_MOTO = True
except ImportError:  # pragma: no cover - moto is optional
    HAVE_MOTO = False

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dynastream_mock import MockStreams, mock_streams
from dynastream_mock.intercept.botocore_patch import to_aws_response
from dynastream_mock.wire.protocol import WireAnswer

REGION = "us-east-1"
TABLE = "Bench"
DRAIN_TABLE = "Drain"

# Targets, as ratios to the floor (issue 8).
TARGETS = {"put": 0.8, "get": 0.8, "drain": 0.7, "cycle": 0.7}


def item(index: int) -> dict[str, Any]:
    """A realistic user record: 7 attributes of the common types."""
    return {
        "id": {"S": f"user-{index:07d}"},
        "name": {"S": "Ada Lovelace"},
        "email": {"S": f"ada{index}@example.com"},
        "age": {"N": str(20 + index % 60)},
        "score": {"N": "1234.5"},
        "active": {"BOOL": index % 2 == 0},
        "tags": {"SS": ["admin", "beta"]},
    }


def create_table_params(name: str) -> dict[str, Any]:
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


# botocore sends stream calls to account-based hosts (<account>.streams-ddb...), which
# moto does not recognise; every side's clients use the classic hosts, alike.
_CONFIG = Config(account_id_endpoint_mode="disabled")


def clients() -> tuple[Any, Any]:
    return (
        boto3.client("dynamodb", region_name=REGION, config=_CONFIG),
        boto3.client("dynamodbstreams", region_name=REGION, config=_CONFIG),
    )


# --- the floor: canned answers at URLLib3Session.send -----------------------------------


Answer = tuple[int, dict[str, str], bytes]


class Canned:
    """Answers by operation name; a list of answers is served in turn, round and round."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.turn: dict[str, int] = {}

    def send(self, session: Any, request: Any) -> AWSResponse:
        target = request.headers["X-Amz-Target"]
        if isinstance(target, bytes):
            target = target.decode()
        operation = target.rpartition(".")[2]
        answers = self.answers[operation]
        turn = self.turn.get(operation, 0)
        self.turn[operation] = (turn + 1) % len(answers)
        status, headers, body = answers[turn]
        # Built as dynastream_mock builds its answers, so both sides pay the same.
        return to_aws_response(request.url, WireAnswer(status, headers, body))

    @contextmanager
    def installed(self) -> Iterator[None]:
        previous = URLLib3Session.send
        canned = self

        def send(session: Any, request: Any) -> AWSResponse:
            return canned.send(session, request)

        URLLib3Session.send = send
        try:
            yield
        finally:
            URLLib3Session.send = previous
            self.turn.clear()


@contextmanager
def recording(into: dict[str, list[Answer]]) -> Iterator[None]:
    """Record the answers whatever currently answers at send gives (for the floor)."""
    previous = URLLib3Session.send

    def send(session: Any, request: Any) -> Any:
        response = previous(session, request)
        target = request.headers["X-Amz-Target"]
        if isinstance(target, bytes):
            target = target.decode()
        answer = (response.status_code, dict(response.headers), response.content)
        into.setdefault(target.rpartition(".")[2], []).append(answer)
        return response

    URLLib3Session.send = send
    try:
        yield
    finally:
        URLLib3Session.send = previous


# --- measuring --------------------------------------------------------------------------


def rate(work: Callable[[int], int], budget: float, min_calls: int = 20) -> float:
    """Calls of ``work(i)`` (each returning how many units it did) per second.

    What is on the heap before (moto's backends, the other sides' state) is frozen out of
    the garbage collector's way, so no side pays for another's objects.
    """
    gc.collect()
    gc.freeze()
    try:
        units = 0
        calls = 0
        start = time.perf_counter()
        deadline = start + budget
        while True:
            units += work(calls)
            calls += 1
            now = time.perf_counter()
            if now >= deadline and calls >= min_calls:
                return units / (now - start)
    finally:
        gc.unfreeze()


class Side:
    """One implementation with its clients and what it needs between rounds."""

    def __init__(self, name: str, activate: Callable[[], Any], ddb: Any, streams: Any) -> None:
        self.name = name
        self.activate = activate  # a context manager factory
        self.ddb = ddb
        self.streams = streams
        self.stream_arn = ""
        self.shard_id = ""
        self.before_drain: Callable[[], None] = lambda: None


def put_work(side: Side, offset: int) -> Callable[[int], int]:
    ddb = side.ddb

    def work(i: int) -> int:
        ddb.put_item(TableName=TABLE, Item=item(offset + i))
        return 1

    return work


def get_work(side: Side) -> Callable[[int], int]:
    ddb = side.ddb
    keys = [{"id": {"S": f"user-{i:07d}"}} for i in range(100)]

    def work(i: int) -> int:
        got = ddb.get_item(TableName=TABLE, Key=keys[i % 100])
        assert "Item" in got, side.name
        return 1

    return work


def drain_work(side: Side, records: int) -> Callable[[int], int]:
    streams = side.streams

    def work(i: int) -> int:
        side.before_drain()
        iterator = streams.get_shard_iterator(
            StreamArn=side.stream_arn, ShardId=side.shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        seen = 0
        while seen < records:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            seen += len(page["Records"])
            iterator = page["NextShardIterator"]
        assert seen == records, (side.name, seen)
        return seen

    return work


def fill(ddb: Any, table: str, count: int) -> None:
    """``count`` items (and so stream records), 25 to a BatchWriteItem."""
    for first in range(0, count, 25):
        batch = [
            {"PutRequest": {"Item": item(index)}} for index in range(first, min(first + 25, count))
        ]
        ddb.batch_write_item(RequestItems={table: batch})


def first_shard(streams: Any, arn: str) -> str:
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 1, shards
    return str(shards[0]["ShardId"])


def cycle_dynastream(i: int) -> int:
    with mock_streams():
        ddb, _streams = clients()
        ddb.create_table(**create_table_params(TABLE))
        ddb.put_item(TableName=TABLE, Item=item(i))
    return 1


def cycle_moto(i: int) -> int:
    with mock_aws():
        ddb, _streams = clients()
        ddb.create_table(**create_table_params(TABLE))
        ddb.put_item(TableName=TABLE, Item=item(i))
    return 1


def make_cycle_floor(canned: Canned) -> Callable[[int], int]:
    def cycle_floor(i: int) -> int:
        with canned.installed():
            ddb, _streams = clients()
            ddb.create_table(**create_table_params(TABLE))
            ddb.put_item(TableName=TABLE, Item=item(i))
        return 1

    return cycle_floor


def trigger_rate(ddb: Any, streams: Any, records: int) -> float:
    """Records per second ``run_triggers()`` delivers (batches of 1000) to a no-op handler."""
    delivered = 0

    def handler(event: dict[str, Any], context: Any) -> None:
        nonlocal delivered
        delivered += len(event["Records"])

    with mock_streams() as mock:
        setup(ddb, streams, records)
        mock.add_trigger(DRAIN_TABLE, handler, StartingPosition="TRIM_HORIZON", BatchSize=1000)
        gc.collect()
        gc.freeze()
        try:
            start = time.perf_counter()
            mock.run_triggers()
            took = time.perf_counter() - start
        finally:
            gc.unfreeze()
    assert delivered == records, delivered
    return delivered / took


def start_stop_dynastream(i: int) -> int:
    mock = mock_streams()
    mock.start()
    mock.stop()
    return 1


def start_stop_moto(i: int) -> int:
    mock = mock_aws()
    mock.start()
    mock.stop()
    return 1


# --- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per workload (best counts)")
    parser.add_argument("--records", type=int, default=2000, help="records to drain")
    parser.add_argument("--budget", type=float, default=0.3, help="seconds per measurement")
    parser.add_argument("--no-moto", action="store_true", help="leave moto out")
    args = parser.parse_args()
    use_moto = HAVE_MOTO and not args.no_moto
    began = time.perf_counter()
    results: dict[str, dict[str, float]] = {}

    def best(workload: str, name: str, value: float) -> None:
        slot = results.setdefault(workload, {})
        slot[name] = max(slot.get(name, 0.0), value)

    # Phase 1: put, get and drain. Only one side is active at a time: dynastream gets a
    # fresh mock each round (its world goes with it), moto keeps its data between rounds,
    # the floor swaps send for canned answers. All share the same clients.
    ddb, streams = clients()
    sides: list[Side] = []
    dyn_side = Side("dynastream", lambda: _dynastream_on(dyn_side, args.records), ddb, streams)
    sides.append(dyn_side)

    # The floor's canned answers are dynastream's own answers, recorded once.
    recorded: dict[str, list[Answer]] = {}
    with dyn_side.activate(), recording(recorded):
        ddb.put_item(TableName=TABLE, Item=item(0))
        ddb.get_item(TableName=TABLE, Key={"id": {"S": "user-0000001"}})
        drain_work(dyn_side, args.records)(0)
    canned = Canned()
    canned.answers = {
        "PutItem": recorded["PutItem"][:1],
        "GetItem": recorded["GetItem"][:1],
        "GetShardIterator": recorded["GetShardIterator"][:1],
        "GetRecords": recorded["GetRecords"],
    }
    pages = [len(a[2]) for a in recorded["GetRecords"]]
    floor_side = Side("floor", canned.installed, ddb, streams)
    floor_side.stream_arn, floor_side.shard_id = dyn_side.stream_arn, dyn_side.shard_id
    sides.append(floor_side)

    if use_moto:
        moto = mock_aws()
        moto_side = Side("moto", lambda: _moto_on(moto), ddb, streams)
        moto.start()
        moto_side.stream_arn, moto_side.shard_id = setup(ddb, streams, args.records)
        moto.stop(remove_data=False)
        sides.append(moto_side)

    print(
        f"drain: {args.records} records in pages of 1000 "
        f"({', '.join(f'{n / 1024:.0f} KiB' for n in pages)} of JSON)"
    )
    offset = 1_000_000
    for _ in range(args.rounds):
        for side in sides:
            with side.activate():
                best("put", side.name, rate(put_work(side, offset), args.budget))
                offset += 100_000
                best("get", side.name, rate(get_work(side), args.budget))
                best(
                    "drain",
                    side.name,
                    rate(drain_work(side, args.records), args.budget, min_calls=1),
                )

    # Triggers (dynastream only): records per second run_triggers() hands to a handler
    # that does nothing, beside the drain. Skipped when this build has no triggers.
    if hasattr(MockStreams, "run_triggers"):
        for _ in range(args.rounds):
            try:
                best("triggers", "dynastream", trigger_rate(ddb, streams, args.records))
            except Exception as error:  # an unfinished triggers module must not stop the run
                print(f"triggers not measured: {type(error).__name__}: {error}")
                break

    # Phase 2: whole mock lifecycles, nothing else active.
    cycles: list[tuple[str, Callable[[int], int]]] = [
        ("dynastream", cycle_dynastream),
        ("floor", make_cycle_floor(_cycle_canned())),
    ]
    if use_moto:
        cycles.append(("moto", cycle_moto))
    starts: list[tuple[str, Callable[[int], int]]] = [("dynastream", start_stop_dynastream)]
    if use_moto:
        starts.append(("moto", start_stop_moto))
    for _ in range(args.rounds):
        for name, work in cycles:
            best("cycle", name, rate(work, args.budget, min_calls=3))
        for name, work in starts:
            best("start+stop", name, rate(work, args.budget / 3, min_calls=20))

    report(results, use_moto, time.perf_counter() - began, args)
    return 0


def setup(ddb: Any, streams: Any, records: int) -> tuple[str, str]:
    """Both tables, 100 items to get, ``records`` stream records to drain; (arn, shard)."""
    ddb.create_table(**create_table_params(TABLE))
    arn = ddb.create_table(**create_table_params(DRAIN_TABLE))["TableDescription"][
        "LatestStreamArn"
    ]
    fill(ddb, TABLE, 100)
    fill(ddb, DRAIN_TABLE, records)
    return arn, first_shard(streams, arn)


@contextmanager
def _dynastream_on(side: Side, records: int) -> Iterator[None]:
    with mock_streams() as mock:
        side.stream_arn, side.shard_id = setup(side.ddb, side.streams, records)
        # Default options: two readers per shard until idle for a second of mock time;
        # each drain is a new reader, so mock time passes between drains.
        side.before_drain = lambda: mock.clock.advance(seconds=2)
        yield


@contextmanager
def _moto_on(moto: Any) -> Iterator[None]:
    moto.start(reset=False)
    try:
        yield
    finally:
        moto.stop(remove_data=False)


def _cycle_canned() -> Canned:
    """CreateTable and PutItem answers for the floor's cycle, recorded from dynastream."""
    recorded: dict[str, list[Answer]] = {}
    with mock_streams():
        ddb, _streams = clients()
        with recording(recorded):
            ddb.create_table(**create_table_params(TABLE))
            ddb.put_item(TableName=TABLE, Item=item(0))
    canned = Canned()
    canned.answers = {"CreateTable": recorded["CreateTable"], "PutItem": recorded["PutItem"]}
    return canned


UNITS = {
    "put": "puts/s",
    "get": "gets/s",
    "drain": "records/s",
    "triggers": "records/s",
    "cycle": "cycles/s",
    "start+stop": "µs each",
}


def report(results: dict[str, dict[str, float]], use_moto: bool, took: float, args: Any) -> None:
    print()
    print(
        f"best of {args.rounds} rounds, {args.budget:.2f} s each; python "
        f"{sys.version.split()[0]}, boto3 {boto3.__version__}; {os.cpu_count()} cpus"
    )
    header = f"| {'workload':<11} | {'dynastream':>11} | {'floor':>9} |"
    rule = "|-------------|-------------|-----------|"
    if use_moto:
        header += f" {'moto':>9} |"
        rule += "-----------|"
    header += " vs floor | vs moto | target          |"
    rule += "----------|---------|-----------------|"
    print(header)
    print(rule)
    all_met = True
    for workload in ("put", "get", "drain", "triggers", "cycle", "start+stop"):
        row = results.get(workload, {})
        if workload == "triggers":
            if "dynastream" in row:
                drain = results["drain"]["dynastream"]
                cell = f"| {workload:<11} | {row['dynastream']:>11,.0f} | {'-':>9} |"
                if use_moto:
                    cell += f" {'-':>9} |"
                cell += f" {'-':>8} | {'-':>7} | {row['dynastream'] / drain:.2f}x the drain |"
                print(cell)
            continue
        mine = row.get("dynastream", 0.0)
        floor = row.get("floor")
        moto = row.get("moto")
        if workload == "start+stop":
            cell = f"| {workload:<11} | {1e6 / mine:>8.0f} µs | {'-':>9} |"
            if use_moto:
                cell += f" {1e6 / moto:>6.0f} µs |" if moto else f" {'-':>9} |"
            ratio_moto = f"{mine / moto:.0f}x" if use_moto and moto else "-"
            met = 1e6 / mine < 1000
            all_met &= met
            cell += (
                f" {'-':>8} | {ratio_moto:>7} | {'< 1 ms ' + ('met' if met else 'MISSED'):<15} |"
            )
            print(cell)
            continue
        assert floor is not None
        cell = f"| {workload:<11} | {mine:>11,.0f} | {floor:>9,.0f} |"
        if use_moto:
            cell += f" {moto:>9,.0f} |" if moto else f" {'-':>9} |"
        ratio_floor = mine / floor
        target = TARGETS[workload]
        met = ratio_floor >= target
        all_met &= met
        ratio_moto = f"{mine / moto:.1f}x" if use_moto and moto else "-"
        cell += (
            f" {ratio_floor:>7.2f}x | {ratio_moto:>7} | "
            f"{f'>= {target:.1f}x ' + ('met' if met else 'MISSED'):<15} |"
        )
        print(cell)
    print()
    print(
        "units: put/get calls/s, drain and triggers records/s, cycle cycles/s, "
        "start+stop µs per pair"
    )
    print(f"all targets {'met' if all_met else 'NOT met'}; the run took {took:.0f} s")


if __name__ == "__main__":
    raise SystemExit(main())
