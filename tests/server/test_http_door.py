"""The HTTP front door: the same world and the same answers as in-process, over loopback."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import threading
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, read_shard

from dynastream_mock import MockStreams, mock_streams
from dynastream_mock.server import MockServer
from dynastream_mock.wire.protocol import MAX_REQUEST_BYTES

_NO_RETRIES = Config(retries={"total_max_attempts": 1})


def _clients(server: MockServer, key: str = "reader-one", region: str = REGION) -> Any:
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "region_name": region,
        "aws_access_key_id": key,
        "aws_secret_access_key": "secret",
        "config": _NO_RETRIES,
    }
    return boto3.client("dynamodb", **options), boto3.client("dynamodbstreams", **options)


def _raw(
    server: MockServer, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


_SIGNED = "AWS4-HMAC-SHA256 Credential=raw/20261203/eu-west-1/dynamodb/aws4_request, x"


def test_an_http_client_and_an_in_process_one_share_one_world(
    dynastream_server: MockServer,
) -> None:
    remote, remote_streams = _clients(dynastream_server)
    local = boto3.client("dynamodb", region_name=REGION)
    arn = create_stream_table(local)["LatestStreamArn"]

    remote.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Ada"}})
    local.put_item(TableName="Users", Item={"id": {"S": "u2"}})

    assert local.get_item(TableName="Users", Key={"id": {"S": "u1"}})["Item"]["name"] == {
        "S": "Ada"
    }
    shard = remote_streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    records = read_shard(remote_streams, arn, shard["ShardId"])
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["u1", "u2"]


def test_the_answer_over_http_is_the_in_process_answer(dynastream_server: MockServer) -> None:
    local = boto3.client("dynamodb", region_name=REGION)
    create_stream_table(local)
    local.put_item(TableName="Users", Item={"id": {"S": "u1"}, "n": {"N": "1.50"}})
    remote, _ = _clients(dynastream_server)

    def seen(client: Any) -> tuple[int, dict[str, str], Any]:
        answer = client.get_item(TableName="Users", Key={"id": {"S": "u1"}})
        meta = answer.pop("ResponseMetadata")
        headers = {
            name: value
            for name, value in meta["HTTPHeaders"].items()
            if name not in ("x-amzn-requestid", "date", "server")
        }
        return meta["HTTPStatusCode"], headers, answer

    assert seen(remote) == seen(local)
    with pytest.raises(ClientError) as over_http:
        remote.describe_table(TableName="Nope")
    with pytest.raises(ClientError) as in_process:
        local.describe_table(TableName="Nope")
    assert over_http.value.response["Error"] == in_process.value.response["Error"]


def test_region_comes_from_the_signature_and_account_from_a_12_digit_key(
    dynastream_server: MockServer,
) -> None:
    west, _ = _clients(dynastream_server, region="eu-west-1")
    east, _ = _clients(dynastream_server, region="us-east-2")
    other_account, _ = _clients(dynastream_server, key="210987654321", region="eu-west-1")
    create_stream_table(west, "West")
    create_stream_table(east, "East")
    arn = create_stream_table(other_account, "Theirs")["TableArn"]

    assert west.list_tables()["TableNames"] == ["West"]
    assert east.list_tables()["TableNames"] == ["East"]
    assert other_account.list_tables()["TableNames"] == ["Theirs"]
    assert arn == "arn:aws:dynamodb:eu-west-1:210987654321:table/Theirs"


def test_an_unsigned_request_is_served_in_the_server_region() -> None:
    with mock_streams() as mock, mock.serve_http(region="ap-south-1") as server:
        body = json.dumps(
            {
                "TableName": "Unsigned",
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            }
        ).encode()
        status, _, answer = _raw(
            server, "POST", "/", body, **{"X-Amz-Target": "DynamoDB_20120810.CreateTable"}
        )
        assert status == 200
        assert ":ap-south-1:" in json.loads(answer)["TableDescription"]["TableArn"]


def test_describe_endpoints_answers_the_server_s_own_address(
    dynastream_server: MockServer,
) -> None:
    ddb, _ = _clients(dynastream_server)
    (endpoint,) = ddb.describe_endpoints()["Endpoints"]
    assert endpoint == {
        "Address": f"127.0.0.1:{dynastream_server.port}",
        "CachePeriodInMinutes": 1440,
    }


def test_an_idle_keep_alive_connection_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    from dynastream_mock.server import http as door

    monkeypatch.setattr(door._Handler, "timeout", 0.2)
    with mock_streams() as mock, mock.serve_http() as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            reader = raw.makefile("rb")
            assert reader.readline().startswith(b"HTTP/1.1 400")
            rest = reader.read()  # the server hangs up once the connection idles
        assert rest.endswith(b"}")


@pytest.mark.dynastream(reader_idle=60)
def test_a_reader_is_one_access_key_id(dynastream_server: MockServer) -> None:
    arn = create_stream_table(boto3.client("dynamodb", region_name=REGION))["LatestStreamArn"]
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName="Users", Item={"id": {"S": "u1"}}
    )

    def poll(key: str) -> Any:
        _, streams = _clients(dynastream_server, key=key)
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        return streams.get_records(ShardIterator=iterator)

    poll("consumer-a")
    poll("consumer-a")  # a second client with the same key: still one reader
    poll("consumer-b")
    with pytest.raises(ClientError) as third:
        poll("consumer-c")
    assert third.value.response["Error"]["Code"] == "LimitExceededException"


def test_keep_alive_serves_many_requests_on_one_connection(
    dynastream_server: MockServer,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", dynastream_server.port, timeout=10)
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Authorization": _SIGNED}
    sockets = set()
    for _ in range(5):
        connection.request("POST", "/", body=b"{}", headers=headers)
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (200, b'{"TableNames":[]}')
        sockets.add(id(connection.sock))
    connection.close()
    assert len(sockets) == 1


def test_chunked_and_gzip_request_bodies(dynastream_server: MockServer) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    body = gzip.compress(json.dumps({"TableName": "Users", "Item": {"id": {"S": "c"}}}).encode())
    connection = http.client.HTTPConnection("127.0.0.1", dynastream_server.port, timeout=10)
    connection.request(
        "POST",
        "/",
        body=iter([body[:10], body[10:]]),
        headers={
            "X-Amz-Target": "DynamoDB_20120810.PutItem",
            "Authorization": _SIGNED,
            "Content-Encoding": "gzip",
        },
        encode_chunked=True,
    )
    assert connection.getresponse().status == 200
    connection.close()
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="Users", Key={"id": {"S": "c"}}
    )
    assert item["Item"] == {"id": {"S": "c"}}


def test_an_oversized_request_gets_413_not_500(dynastream_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", dynastream_server.port), timeout=10) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
            + f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n\r\n".encode()
        )
        answer = raw.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"RequestEntityTooLargeException" in answer

    chunk = b"x" * (1024 * 1024)
    connection = http.client.HTTPConnection("127.0.0.1", dynastream_server.port, timeout=30)
    connection.request(
        "POST",
        "/",
        body=iter([chunk] * 17),
        headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"},
        encode_chunked=True,
    )
    answer_status = connection.getresponse().status
    connection.close()
    assert answer_status == 413


def test_get_slash_answers_400_as_dynamodb_local_does(dynastream_server: MockServer) -> None:
    status, headers, body = _raw(dynastream_server, "GET", "/")

    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#MissingAuthenticationToken",
        "message": "Request must contain either a valid (registered) AWS access key ID or "
        "X.509 certificate.",
    }
    assert "Date" in headers


@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1.nip.io", "10.0.0.1"])
def test_a_foreign_host_header_is_refused(dynastream_server: MockServer, host: str) -> None:
    status, _, body = _raw(dynastream_server, "GET", "/", Host=host)
    assert status == 403
    assert b"--allow-host" in body


@pytest.mark.parametrize("host", ["localhost", "api.localhost", "127.0.0.2", "[::1]:8000"])
def test_loopback_host_headers_are_accepted(dynastream_server: MockServer, host: str) -> None:
    status, _, _ = _raw(dynastream_server, "GET", "/", Host=host)
    assert status == 400  # answered, as GET / is


def test_stop_closes_connections_and_frees_the_port() -> None:
    before = set(threading.enumerate())
    with mock_streams() as mock:
        server = mock.serve_http()
        idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        idle.request("GET", "/")
        idle.getresponse().read()  # a keep-alive connection, now idle
        server.stop()
        server.stop()  # idempotent
        assert not server.running
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", server.port))
        idle.close()
    assert set(threading.enumerate()) - before == set()


def test_the_server_stops_with_its_mock() -> None:
    with mock_streams() as mock:
        server = mock.serve_http()
    assert not server.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_misuse_is_refused_with_the_fix() -> None:
    mock = mock_streams()
    with pytest.raises(RuntimeError, match=r"serve_http\(\) needs an active mock"):
        mock.serve_http()
    with mock, pytest.raises(ValueError, match="allow_remote=True"):
        mock.serve_http(host="0.0.0.0")


def test_env_points_a_child_process_here(dynastream_server: MockServer) -> None:
    env = dynastream_server.env()

    assert env["AWS_ENDPOINT_URL"] == dynastream_server.url
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert isinstance(dynastream_server.mock, MockStreams)


def test_many_concurrent_keep_alive_clients_lose_nothing(dynastream_server: MockServer) -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION))
    errors: list[BaseException] = []

    def client(number: int) -> None:
        try:
            ddb, _ = _clients(dynastream_server, key=f"writer-{number}")
            for i in range(10):
                ddb.put_item(TableName="Users", Item={"id": {"S": f"{number}-{i}"}})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    count = boto3.client("dynamodb", region_name=REGION).scan(TableName="Users", Select="COUNT")
    assert count["Count"] == 200


def _exchange(server: MockServer, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(data)
        raw.shutdown(socket.SHUT_WR)
        return raw.makefile("rb").read()


def test_http_1_0_closes_and_1_1_keeps_alive(dynastream_server: MockServer) -> None:
    once = _exchange(dynastream_server, b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
    assert once.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in once
    request = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
    twice = _exchange(dynastream_server, request * 2)
    assert twice.count(b"HTTP/1.1 400 ") == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", b"431"),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
    ],
)
def test_malformed_requests_get_4xx(
    dynastream_server: MockServer, data: bytes, status: bytes
) -> None:
    answer = _exchange(dynastream_server, data)
    assert answer.startswith(b"HTTP/1.")
    assert answer.split(b" ", 2)[1] == status


def test_expect_100_continue_is_honoured(dynastream_server: MockServer) -> None:
    body = b"{}"
    with socket.create_connection(("127.0.0.1", dynastream_server.port), timeout=10) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
            b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n"
        )
        reader = raw.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.1 100 ")
        while reader.readline() not in (b"\r\n", b""):
            pass
        raw.sendall(body)
        assert reader.readline().startswith(b"HTTP/1.1 200 ")


def test_stop_lets_a_request_in_flight_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from dynastream_mock.service import Service

    started = threading.Event()
    original = Service.answer

    def slow_answer(self: Service, *args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(0.3)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Service, "answer", slow_answer)
    answers: list[int] = []
    with mock_streams() as mock:
        server = mock.serve_http()

        def request() -> None:
            status, _, _ = _raw(
                server, "POST", "/", b"{}", **{"X-Amz-Target": "DynamoDB_20120810.ListTables"}
            )
            answers.append(status)

        client = threading.Thread(target=request)
        client.start()
        assert started.wait(5)
        server.stop()  # while the request is being answered
        client.join(5)
    assert answers == [200]
