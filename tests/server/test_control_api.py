"""The control API under /_dynastream/ and RemoteMock: each route is an in-process tool."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams, RemoteMock, __version__, mock_streams
from dynastream_mock.server import MockServer
from dynastream_mock.server.control import ControlApi
from dynastream_mock.server.http import DoorSettings


def _remote_clients(server: MockServer) -> tuple[Any, Any]:
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "region_name": REGION,
        "aws_access_key_id": "control-test",
        "aws_secret_access_key": "secret",
        "config": Config(retries={"total_max_attempts": 1}),
    }
    return boto3.client("dynamodb", **options), boto3.client("dynamodbstreams", **options)


def _request(
    server: MockServer,
    method: str,
    route: str,
    payload: Any = None,
    *,
    content_type: str | None = "application/json",
    **headers: str,
) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    sent = dict(headers)
    if content_type is not None:
        sent["Content-Type"] = content_type
    body = None if payload is None else json.dumps(payload).encode()
    try:
        connection.request(method, f"/_dynastream/{route}", body=body, headers=sent)
        answer = connection.getresponse()
        raw = answer.read()
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw.decode()
        return answer.status, dict(answer.getheaders()), parsed
    finally:
        connection.close()


@pytest.fixture
def remote(dynastream_server: MockServer) -> RemoteMock:
    return RemoteMock(dynastream_server.url)


@pytest.fixture
def stream_arn(dynastream_server: MockServer) -> str:
    ddb = boto3.client("dynamodb", region_name=REGION)
    arn: str = create_stream_table(ddb)["LatestStreamArn"]
    for number in range(3):
        ddb.put_item(TableName="Users", Item={"id": {"S": f"u{number}"}})
    return arn


def test_health(dynastream_server: MockServer, remote: RemoteMock) -> None:
    status, _, body = _request(dynastream_server, "GET", "health")
    assert (status, body) == (200, {"status": "ready", "version": __version__})
    assert remote.health() == body


def test_the_clock_route_drives_iterator_expiry_over_http(
    dynastream_server: MockServer, remote: RemoteMock, stream_arn: str
) -> None:
    _, streams = _remote_clients(dynastream_server)
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]

    remote.clock.freeze()
    before = remote.clock.now()
    remote.clock.advance(minutes=16)

    assert remote.clock.frozen
    assert (remote.clock.now() - before).total_seconds() == 960
    assert dynastream_server.mock is not None
    assert dynastream_server.mock.clock.now() == remote.clock.now()
    with pytest.raises(ClientError) as expired:
        streams.get_records(ShardIterator=iterator)
    assert expired.value.response["Error"]["Code"] == "ExpiredIteratorException"
    remote.clock.unfreeze()
    assert not remote.clock.frozen


def test_split_shard_and_stream_records_match_the_in_process_tools(
    dynastream_server: MockServer, remote: RemoteMock, stream_arn: str
) -> None:
    mock = dynastream_server.mock
    assert mock is not None
    children = remote.split_shard("Users", children=3)

    _, streams = _remote_clients(dynastream_server)
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    assert [s["ShardId"] for s in shards][1:] == children
    assert remote.stream_records("Users") == mock.stream_records("Users")
    assert remote.stream_records(stream_arn) == mock.stream_records("Users")

    status, _, body = _request(dynastream_server, "GET", "stream-records?table=Users")
    assert status == 200
    (first, *_) = body["Records"]
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], int)  # wire shape
    assert first["dynamodb"]["Keys"] == {"id": {"S": "u0"}}


def test_faults_added_remotely_answer_http_clients(
    dynastream_server: MockServer, remote: RemoteMock, stream_arn: str
) -> None:
    ddb, _ = _remote_clients(dynastream_server)
    fault = remote.faults.add("GetItem", "ProvisionedThroughputExceededException", times=1)
    assert fault.hits == 0

    with pytest.raises(ClientError) as failed:
        ddb.get_item(TableName="Users", Key={"id": {"S": "u0"}})
    assert failed.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert fault.hits == 1
    assert ddb.get_item(TableName="Users", Key={"id": {"S": "u0"}})["Item"]
    (listed,) = remote.faults.list()
    assert listed["operation"] == "GetItem" and listed["hits"] == 1 and listed["times"] == 1

    remote.faults.clear()
    assert remote.faults.list() == []


def test_tool_errors_come_back_as_the_same_exception(
    dynastream_server: MockServer, remote: RemoteMock
) -> None:
    mock = dynastream_server.mock
    assert mock is not None
    with pytest.raises(ValueError) as in_process:
        mock.split_shard("Nope")
    with pytest.raises(ValueError) as over_http:
        remote.split_shard("Nope")
    assert str(over_http.value) == str(in_process.value)

    status, _, body = _request(dynastream_server, "POST", "split-shard", {"table": "Nope"})
    assert status == 400
    assert body == {"error": "ValueError", "message": str(in_process.value)}
    with pytest.raises(TypeError, match="children= as a whole number"):
        remote.split_shard("Users", children="two")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "route", "payload", "status", "words"),
    [
        ("GET", "nowhere", None, 404, "no control route /nowhere"),
        ("DELETE", "clock", None, 405, "/clock takes GET, not DELETE"),
        ("POST", "clock/advance", {"fortnights": 1}, 400, "unknown: fortnights"),
        ("POST", "clock/advance", {"seconds": -5}, 400, "moves time forward only"),
        ("POST", "split-shard", {"shardId": "x"}, 400, 'needs "table"'),
        ("GET", "stream-records", None, 400, "needs table="),
    ],
)
def test_refusals(
    dynastream_server: MockServer,
    method: str,
    route: str,
    payload: Any,
    status: int,
    words: str,
) -> None:
    got, _, body = _request(dynastream_server, method, route, payload)
    assert got == status
    assert words in body["message"]


def test_a_body_that_is_not_json_is_a_400(dynastream_server: MockServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", dynastream_server.port, timeout=10)
    connection.request(
        "POST", "/_dynastream/reset", body=b"{", headers={"Content-Type": "application/json"}
    )
    answer = connection.getresponse()
    assert answer.status == 400
    assert json.loads(answer.read())["message"].startswith("the body is not JSON")
    connection.close()


def test_no_active_mock_is_a_409() -> None:
    mock = mock_streams()
    answer = ControlApi(mock).answer("POST", "/_dynastream/reset", b"{}")
    assert answer.status == 409
    assert json.loads(answer.body) == {
        "error": "RuntimeError",
        "message": f"reset() needs an active mock; start() {mock!r} first",
    }


def test_shutdown_of_a_test_s_server_is_refused(dynastream_server: MockServer) -> None:
    status, _, body = _request(dynastream_server, "POST", "shutdown", {})
    assert status == 409
    assert "server.stop()" in body["message"]
    assert dynastream_server.running


def test_reset_empties_the_world(dynastream_server: MockServer, remote: RemoteMock) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    remote.reset()
    assert boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"] == []


# -- security ---------------------------------------------------------------------------


def test_a_foreign_origin_may_not_use_the_control_api(dynastream_server: MockServer) -> None:
    for method, route in (("GET", "clock"), ("POST", "reset")):
        status, _, body = _request(
            dynastream_server, method, route, {}, Origin="https://evil.example"
        )
        assert status == 403
        assert "--cors" in body


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_control_post_must_be_json(dynastream_server: MockServer, content_type: Any) -> None:
    status, _, body = _request(dynastream_server, "POST", "reset", {}, content_type=content_type)
    assert status == 415
    assert "application/json" in body


def test_json_with_a_charset_is_accepted(dynastream_server: MockServer) -> None:
    status, _, _ = _request(
        dynastream_server, "POST", "reset", {}, content_type="application/json; charset=utf-8"
    )
    assert status == 200


def test_cors_only_for_the_origins_given() -> None:
    origin = "http://localhost:3000"
    with mock_streams() as mock:
        settings = DoorSettings(cors_origins=frozenset({origin}))
        with mock._serve("127.0.0.1", 0, settings, allow_remote=False) as server:
            status, headers, _ = _request(
                server,
                "OPTIONS",
                "",
                content_type=None,
                Origin=origin,
                **{
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,x-amz-target,authorization",
                },
            )
            assert status == 204
            assert headers["Access-Control-Allow-Origin"] == origin
            assert "x-amz-target" in headers["Access-Control-Allow-Headers"]

            status, headers, _ = _request(server, "GET", "clock", Origin=origin)
            assert status == 200 and headers["Access-Control-Allow-Origin"] == origin

            status, headers, _ = _request(server, "GET", "clock", Origin="http://other:1")
            assert status == 403 and "Access-Control-Allow-Origin" not in headers


# -- URL triggers ---------------------------------------------------------------------------


class _Function:
    """A function in "another runtime": an HTTP endpoint that records what it is sent."""

    def __init__(self, status: int = 200, answer: Any = None, error: str | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        function = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                function.events.append(json.loads(self.rfile.read(length)))
                body = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                if error is not None:
                    self.send_header("X-Amz-Function-Error", error)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/invoke"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def function() -> Iterator[_Function]:
    served = _Function(answer={"batchItemFailures": []})
    yield served
    served.close()


def test_a_url_trigger_added_remotely_gets_lambda_events(
    dynastream_server: MockServer, remote: RemoteMock, stream_arn: str, function: _Function
) -> None:
    uuid = remote.add_trigger("Users", function.url, StartingPosition="TRIM_HORIZON")

    assert remote.run_triggers() == 1
    (event,) = function.events
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]] == ["u0", "u1", "u2"]
    assert event["Records"][0]["eventSourceARN"] == stream_arn
    (listed,) = remote.triggers()
    assert listed == {
        "uuid": uuid,
        "table": "Users",
        "url": function.url,
        "functionName": function.url,
        "state": "Enabled",
        "invocations": 1,
    }

    with pytest.raises(ClientError) as twice:
        remote.add_trigger("Users", function.url, StartingPosition="LATEST")
    assert twice.value.response["Error"]["Code"] == "ResourceConflictException"
    assert twice.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    remote.delete_trigger(uuid)
    assert remote.triggers() == []


@pytest.mark.parametrize(
    ("status", "error", "answer"),
    [(500, None, {"oops": True}), (200, "Unhandled", {"errorMessage": "boom"})],
)
def test_a_failing_url_function_is_a_function_error(
    dynastream: MockStreams, status: int, error: str | None, answer: Any
) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName="Users", Item={"id": {"S": "u1"}}
    )
    failing = _Function(status=status, answer=answer, error=error)
    try:
        trigger = dynastream.add_trigger(
            "Users", failing.url, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1
        )
        invocations = dynastream.run_triggers() + dynastream.run_triggers()
    finally:
        failing.close()

    assert [invocation.ok for invocation in invocations] == [False, False]
    assert len(failing.events) == 2
    assert len(trigger.discarded) == 1
    assert trigger.function_name == failing.url


def test_a_url_handler_must_be_http(dynastream: MockStreams) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    with pytest.raises(TypeError, match="handler as a callable"):
        dynastream.add_trigger("Users", "ftp://example", StartingPosition="LATEST")


def test_check_consumed_remotely(
    dynastream_server: MockServer, remote: RemoteMock, stream_arn: str
) -> None:
    status, _, body = _request(dynastream_server, "GET", "stream-records?table=Users")
    records = body["Records"]
    assert status == 200

    assert remote.check_consumed("Users", records).ok
    report = remote.check_consumed(stream_arn, [records[0]["eventID"], *records[:2]])
    assert not report.ok
    assert [r["eventID"] for r in report.missing] == [records[2]["eventID"]]
    assert [r["eventID"] for r in report.duplicated] == [records[0]["eventID"]]
    assert report.missing[0] == records[2]  # in GetRecords' wire shape
    assert str(report).startswith("consumed incorrectly: 1 missing, 1 duplicated")
    with pytest.raises(ValueError, match='needs "table"'):
        remote._call("POST", "check-consumed", {"seen": []})


def test_chaos_remotely(dynastream_server: MockServer, remote: RemoteMock, stream_arn: str) -> None:
    _, streams = _remote_clients(dynastream_server)
    chaos = remote.chaos(7, throttles=1.0, splits=0, expiries=0, server_errors=0)
    with pytest.raises(ClientError) as throttled:
        streams.describe_stream(StreamArn=stream_arn)
    assert throttled.value.response["Error"]["Code"] == "LimitExceededException"
    (event,) = chaos.events
    assert (event.kind, event.operation, event.request_index) == ("throttle", "DescribeStream", 0)
    assert dynastream_server.mock is not None
    assert dynastream_server.mock.active_chaos is not None
    chaos.stop()
    assert dynastream_server.mock.active_chaos is None
    assert streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["StreamArn"]
    with pytest.raises(ValueError, match="between 0 and 1"):
        remote.chaos(1, throttles=3)
    with pytest.raises(ValueError, match='needs "seed"'):
        remote._call("POST", "chaos", {})
