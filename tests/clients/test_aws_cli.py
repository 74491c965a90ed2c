"""The AWS CLI v1 against the server: tables, items and all four stream operations."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest
from installed import aws_cli

from dynastream_mock.server import MockServer


@pytest.fixture(scope="module")
def aws() -> str:
    return str(aws_cli())


def _run(aws: str, server: MockServer, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.env())
    env["AWS_ACCESS_KEY_ID"] = "aws-cli"
    done = subprocess.run(
        [aws, *args, "--region", "eu-west-1", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_tables_items_and_the_stream_through_the_cli(
    aws: str, dynastream_server: MockServer
) -> None:
    created = _run(
        aws,
        dynastream_server,
        "dynamodb", "create-table",
        "--table-name", "Users",
        "--attribute-definitions", "AttributeName=id,AttributeType=S",
        "--key-schema", "AttributeName=id,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
        "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    )  # fmt: skip
    arn = created["TableDescription"]["LatestStreamArn"]
    item = json.dumps({"id": {"S": "u1"}, "email": {"S": "ada@example.com"}})
    _run(aws, dynastream_server, "dynamodb", "put-item", "--table-name", "Users", "--item", item)
    key = json.dumps({"id": {"S": "u1"}})
    got = _run(
        aws, dynastream_server, "dynamodb", "get-item", "--table-name", "Users", "--key", key
    )
    assert got["Item"]["email"] == {"S": "ada@example.com"}
    assert _run(aws, dynastream_server, "dynamodb", "list-tables")["TableNames"] == ["Users"]

    streams = _run(aws, dynastream_server, "dynamodbstreams", "list-streams")["Streams"]
    assert [s["StreamArn"] for s in streams] == [arn]
    description = _run(
        aws, dynastream_server, "dynamodbstreams", "describe-stream", "--stream-arn", arn
    )["StreamDescription"]
    (shard,) = description["Shards"]
    iterator = _run(
        aws,
        dynastream_server,
        "dynamodbstreams", "get-shard-iterator",
        "--stream-arn", arn,
        "--shard-id", shard["ShardId"],
        "--shard-iterator-type", "TRIM_HORIZON",
    )["ShardIterator"]  # fmt: skip
    records = _run(
        aws, dynastream_server, "dynamodbstreams", "get-records", "--shard-iterator", iterator
    )["Records"]
    assert [r["eventName"] for r in records] == ["INSERT"]
    assert records[0]["dynamodb"]["NewImage"]["email"] == {"S": "ada@example.com"}
    # The same records the in-process tool sees.
    assert dynastream_server.mock is not None
    (seen,) = dynastream_server.mock.stream_records("Users")
    assert seen["eventID"] == records[0]["eventID"]


def test_cli_errors_are_aws_errors(aws: str, dynastream_server: MockServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(dynastream_server.env())
    done = subprocess.run(
        [aws, "dynamodb", "describe-table", "--table-name", "Nope", "--region", "eu-west-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 255  # the AWS CLI v1 exits 255 on a service error
    assert "ResourceNotFoundException" in done.stderr
