"""Node clients against the server: the AWS SDK for JavaScript v3 in a KCL-style worker,
the published consumer dynamodb-streams-readable, and a Node handler as a URL trigger.

The packages are pinned in ``node/package-lock.json`` and installed with ``npm ci`` on
first use; without Node.js and npm these tests skip with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import boto3
import pytest
from helpers import REGION, create_stream_table
from installed import node_project

from dynastream_mock import MockStreams, RemoteMock
from dynastream_mock.server import MockServer


@pytest.fixture(scope="module")
def node() -> Path:
    return node_project()


def _env(server: MockServer, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.env())
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = REGION
    env["AWS_ACCESS_KEY_ID"] = key  # one consumer process, one reader
    return env


def _start(node: Path, server: MockServer, key: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["node", *args],
        cwd=node,
        env=_env(server, key),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _put(ddb: Any, *keys: str, version: int) -> None:
    for key in keys:
        ddb.put_item(TableName="Users", Item={"id": {"S": key}, "v": {"N": str(version)}})


def _wait_for(condition: Any, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.dynastream(partitions=2)
def test_a_kcl_style_worker_sees_every_change_once_in_order(
    node: Path, dynastream_server: MockServer
) -> None:
    mock = dynastream_server.mock
    assert mock is not None
    remote = RemoteMock(dynastream_server.url)
    ddb = boto3.client("dynamodb", region_name=REGION)
    arn = create_stream_table(ddb)["LatestStreamArn"]
    keys = [f"k{i}" for i in range(6)]
    _put(ddb, *keys, version=1)
    worker = _start(node, dynastream_server, "kcl-worker", "kcl_worker.mjs", arn, str(6 * 4))
    lines: list[dict[str, Any]] = []
    reading = threading.Thread(target=_collect, args=(worker, lines), daemon=True)
    reading.start()
    try:
        remote.split_shard("Users")  # a split while the worker reads
        _put(ddb, *keys, version=2)
        _wait_for(lambda: len(lines) >= 12, "the worker to read the first two versions")
        # It now holds iterators on the children: every one of them expires, and the
        # shards roll over to new children.
        remote.clock.advance(hours=5)
        _put(ddb, *keys, version=3)
        remote.split_shard("Users", children=3)
        _put(ddb, *keys, version=4)
        worker.wait(timeout=90)
        reading.join(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    summary = lines.pop()
    assert worker.returncode == 0, summary
    assert summary["done"] and summary["expired"] >= 1 and summary["childListings"] >= 3

    records = mock.stream_records("Users")
    assert sorted(r["eventID"] for r in lines) == sorted(r["eventID"] for r in records)
    by_event = {r["eventID"]: r for r in records}
    versions: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        versions[line["key"]].append(by_event[line["eventID"]]["dynamodb"]["NewImage"]["v"]["N"])
    assert versions == {key: ["1", "2", "3", "4"] for key in keys}


def _collect(process: subprocess.Popen[str], into: list[dict[str, Any]]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        into.append(json.loads(line))


def test_dynamodb_streams_readable_reads_what_node_wrote(
    node: Path, dynastream_server: MockServer
) -> None:
    arn = create_stream_table(boto3.client("dynamodb", region_name=REGION))["LatestStreamArn"]
    writer = subprocess.run(
        ["node", "writer.mjs", "Users", "a", "b", "c"],
        cwd=node,
        env=_env(dynastream_server, "node-writer"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert writer.stdout.strip() == "ok 3", writer.stderr
    shard = boto3.client("dynamodbstreams", region_name=REGION).describe_stream(StreamArn=arn)[
        "StreamDescription"
    ]["Shards"][0]["ShardId"]

    reader = subprocess.run(
        ["node", "readable.mjs", arn, shard, "3"],
        cwd=node,
        env=_env(dynastream_server, "node-readable"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert reader.returncode == 0, reader.stderr
    assert json.loads(reader.stdout) == [["INSERT", "a"], ["INSERT", "b"], ["INSERT", "c"]]


def test_a_node_handler_as_a_url_trigger(node: Path, dynastream: MockStreams) -> None:
    handler = subprocess.Popen(
        ["node", "handler.mjs"], cwd=node, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert handler.stdout is not None
        port = int(handler.stdout.readline().split()[1])
        url = f"http://127.0.0.1:{port}/invoke"
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        trigger = dynastream.add_trigger(
            "Users",
            url,
            StartingPosition="TRIM_HORIZON",
            FunctionResponseTypes=["ReportBatchItemFailures"],
            BatchSize=10,
        )
        for key in ("a", "poison", "b"):
            ddb.put_item(TableName="Users", Item={"id": {"S": key}})

        first = dynastream.run_triggers()
        second = dynastream.run_triggers()

        import urllib.request

        with urllib.request.urlopen(url, timeout=10) as answer:
            seen = json.loads(answer.read())
    finally:
        handler.terminate()
        handler.wait(timeout=10)
        for stream in (handler.stdout, handler.stderr):
            if stream is not None:
                stream.close()
    # The batch reports "poison" as failed: it is retried from the failed record on.
    assert [i.ok for i in first] == [False]
    assert seen[:3] == ["a", "poison", "b"]
    assert seen[3:5] == ["poison", "b"]
    assert trigger.function_name == url
    assert len(second) == 1
