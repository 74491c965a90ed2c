"""Server mode's speed: our HTTP server beside moto_server and DynamoDB Local, in one run.

    .venv/bin/pip install -q -e '.[bench]' && .venv/bin/python benchmarks/server.py

Each server runs in its own process on loopback; the same botocore workloads (put, get,
drain) run against each through ``endpoint_url``, taking turns inside every round so a
noisy neighbour slows them alike; the best round counts. DynamoDB Local joins when its jar
is cached (``DYNASTREAM_DIFFERENTIAL=record`` or ``live`` fetches it) and Java 17+ runs.
Also reported: the HTTP door's own cost (the median of a request to our server minus the
median of the same request answered in-process) and 50 concurrent keep-alive clients.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "differential"))

TABLE = "Bench"
REGION = "eu-west-1"
DRAIN_RECORDS = 2000
_CONFIG = Config(retries={"total_max_attempts": 1}, account_id_endpoint_mode="disabled")


def item(index: int) -> dict[str, Any]:
    return {
        "id": {"S": f"user-{index:07d}"},
        "name": {"S": "Ada Lovelace"},
        "email": {"S": f"ada{index}@example.com"},
        "age": {"N": str(20 + index % 60)},
        "tags": {"SS": ["admin", "beta"]},
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_answering(port: int, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


@contextmanager
def _process(command: list[str], port: int, cwd: Path | None = None) -> Iterator[str]:
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_answering(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def dynastream_server() -> Any:
    port = _free_port()
    command = [sys.executable, "-m", "dynastream_mock", "serve", "--port", str(port)]
    return _process([*command, "--max-readers-per-shard", "none"], port)


def moto_server() -> Any:
    executable = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(executable).exists():
        return None
    port = _free_port()
    return _process([executable, "-p", str(port)], port)


def dynamodb_local() -> Any:
    try:
        from local_server import java_command
    except ImportError:
        return None
    from local_server import CACHE

    jars = sorted(CACHE.glob("package/lib/*/DynamoDBLocal.jar"))
    try:
        java = java_command()
    except Exception:
        return None
    if not jars:
        return None
    jar = jars[-1]
    port = _free_port()
    command = [
        java,
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-inMemory",
        "-port",
        str(port),
    ]
    return _process(command, port, cwd=jar.parent)


class Side:
    def __init__(self, name: str, url: str) -> None:
        self.name = name
        options: dict[str, Any] = {
            "endpoint_url": url,
            "region_name": REGION,
            # DynamoDB Local takes only letters and digits in an access key id.
            "aws_access_key_id": "bench" + "".join(c for c in name if c.isalnum()),
            "aws_secret_access_key": "bench",
            "config": _CONFIG,
        }
        self.ddb = boto3.client("dynamodb", **options)
        self.streams = boto3.client("dynamodbstreams", **options)
        self.ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        for index in range(DRAIN_RECORDS):
            self.ddb.put_item(TableName=TABLE, Item=item(index))
        self.arn = self.ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        shards = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.shard_id = shards[0]["ShardId"]
        self.offset = DRAIN_RECORDS

    def put(self, i: int) -> int:
        self.ddb.put_item(TableName=TABLE, Item=item(self.offset + i))
        return 1

    def get(self, i: int) -> int:
        self.ddb.get_item(TableName=TABLE, Key={"id": item(i % DRAIN_RECORDS)["id"]})
        return 1

    def drain(self, _: int) -> int:
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=self.shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        read = 0
        while iterator and read < DRAIN_RECORDS:
            page = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            read += len(page["Records"])
            iterator = page.get("NextShardIterator")
            if not page["Records"]:
                break
        return read


def rate(work: Callable[[int], int], budget: float) -> float:
    units, calls = 0, 0
    start = time.perf_counter()
    while True:
        units += work(calls)
        calls += 1
        now = time.perf_counter()
        if now - start >= budget and calls >= 3:
            return units / (now - start)


def door_cost(remote: Side, samples: int = 400) -> tuple[float, float]:
    """Median µs of one get_item sent to our server (its own process) and of the same
    request answered in-process, on a table of the same items."""
    from dynastream_mock import mock_streams

    def median(client: Any) -> float:
        times = []
        for _ in range(samples):
            start = time.perf_counter()
            client.get_item(TableName=TABLE, Key={"id": item(1)["id"]})
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e6

    with mock_streams(max_readers_per_shard=None):
        local = boto3.client("dynamodb", region_name=REGION, config=_CONFIG)
        local.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        local.put_item(TableName=TABLE, Item=item(1))
        median(local)  # warm up
        in_process = median(local)
    median(remote.ddb)
    return median(remote.ddb), in_process


def concurrent_clients(url: str, clients: int = 50, puts: int = 40) -> tuple[int, int, float]:
    """``clients`` threads, each its own keep-alive client: (stored, errors, seconds)."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients)
    table = "Concurrent"
    boto3.client(
        "dynamodb", endpoint_url=url, region_name=REGION, aws_access_key_id="setup",
        aws_secret_access_key="x", config=_CONFIG,
    ).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )  # fmt: skip

    def run(number: int) -> None:
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id=f"writer-{number}",
            aws_secret_access_key="x",
            config=Config(retries={"total_max_attempts": 1}, max_pool_connections=2),
        )
        barrier.wait()
        for i in range(puts):
            try:
                ddb.put_item(TableName=table, Item={"id": {"S": f"c{number}-{i}"}})
            except BaseException as error:  # counted below
                errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    ddb = boto3.client(
        "dynamodb", endpoint_url=url, region_name=REGION, aws_access_key_id="count",
        aws_secret_access_key="x", config=_CONFIG,
    )  # fmt: skip
    stored, start_key = 0, None
    while True:
        params: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
        if start_key:
            params["ExclusiveStartKey"] = start_key
        page = ddb.scan(**params)
        stored += page["Count"]
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return stored, len(errors), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per workload turn")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

    with tempfile.TemporaryDirectory():
        starters = {"dynastream": dynastream_server, "moto_server": moto_server}
        starters["dynamodb_local"] = dynamodb_local
        contexts = {name: start() for name, start in starters.items()}
        urls: dict[str, str] = {}
        entered = []
        try:
            for name, context in contexts.items():
                if context is None:
                    continue
                urls[name] = context.__enter__()
                entered.append(context)
            sides = {name: Side(name, url) for name, url in urls.items()}
            best: dict[tuple[str, str], float] = {}
            for _ in range(args.rounds):
                for workload in ("put", "get", "drain"):
                    for name, side in sides.items():
                        measured = rate(getattr(side, workload), args.budget)
                        key = (name, workload)
                        best[key] = max(best.get(key, 0.0), measured)
            http_us, in_process_us = door_cost(sides["dynastream"])
            stored, errors, seconds = concurrent_clients(urls["dynastream"])
        finally:
            for context in reversed(entered):
                context.__exit__(None, None, None)

    names = list(sides)
    print(f"best of {args.rounds} rounds; python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    print("| workload | " + " | ".join(names) + " | vs moto_server | vs DynamoDB Local |")
    print("|---" * (len(names) + 3) + "|")
    targets = {"put": (2.0, 1.5), "get": (2.0, 1.5), "drain": (4.0, 1.5)}
    for workload in ("put", "get", "drain"):
        ours = best[("dynastream", workload)]
        cells = [f"{best[(name, workload)]:,.0f}" for name in names]
        ratios = []
        for other, target in zip(("moto_server", "dynamodb_local"), targets[workload], strict=True):
            if (other, workload) in best:
                ratio = ours / best[(other, workload)]
                ratios.append(f"{ratio:.1f}x ({'met' if ratio >= target else 'MISSED'} {target}x)")
            else:
                ratios.append("-")
        print(f"| {workload} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print("units: put/get calls/s, drain records/s")
    print(
        f"HTTP door's own cost: {http_us - in_process_us:,.0f} µs per request "
        f"(median get_item {http_us:,.0f} µs over HTTP, {in_process_us:,.0f} µs in-process)"
    )
    print(
        f"50 concurrent keep-alive clients: {stored} of {50 * 40} puts stored, {errors} errors, "
        f"{50 * 40 / seconds:,.0f} puts/s"
    )
    return 0 if errors == 0 and stored == 50 * 40 else 1


if __name__ == "__main__":
    sys.exit(main())
