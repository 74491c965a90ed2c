"""``dynastream-mock serve`` as a child process: flags, the ready line, signals, refusals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from dynastream_mock import __version__


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "dynastream_mock", *args]


class _Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="eu-west-1",
            aws_access_key_id="cli-test",
            aws_secret_access_key="secret",
            config=Config(retries={"total_max_attempts": 1}),
        )


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[_Served]:
    extra = getattr(request, "param", ())
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        _command("serve", "--port", "0", "--port-file", str(port_file), *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("dynastream-mock listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        assert port_file.read_text().strip() == url.rsplit(":", 1)[1]
        yield _Served(process, url)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_serve_answers_boto3_and_stops_on_sigterm(served: _Served) -> None:
    ddb = served.client("dynamodb")
    ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    streams = served.client("dynamodbstreams")
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["eventName"] for r in streams.get_records(ShardIterator=iterator)["Records"]] == [
        "INSERT"
    ]

    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=10) == 0


@pytest.mark.parametrize("served", [("--partitions", "3")], indirect=True)
def test_world_options_are_flags(served: _Served) -> None:
    ddb = served.client("dynamodb")
    ddb.create_table(
        TableName="Wide",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    arn = ddb.describe_table(TableName="Wide")["Table"]["LatestStreamArn"]
    shards = served.client("dynamodbstreams").describe_stream(StreamArn=arn)
    assert len(shards["StreamDescription"]["Shards"]) == 3
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=10) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--allow-remote"),
        (["--partitions", "0"], "partitions must be at least 1"),
        (["--max-readers-per-shard", "lots"], "expected a whole number or none"),
        (["--retention", "soon"], "expected a number of seconds"),
        (["--replication-delay", "-1"], "replication_delay must be 0 or more"),
    ],
)
def test_bad_flags_exit_2_with_the_reason(args: list[str], message: str) -> None:
    done = subprocess.run(
        _command("serve", "--port", "0", *args), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_help_and_version() -> None:
    shown = subprocess.run(_command("serve", "--help"), capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    for flag in ("--port-file", "--max-readers-per-shard", "--freeze-clock", "--allow-host"):
        assert flag in shown.stdout
    version = subprocess.run(_command("--version"), capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"dynastream-mock {__version__}"
