"""aiobotocore and aioboto3 clients, whose send path is async, answered by the mock.

Runs in the second virtualenv (``.ci/async-tests``): aiobotocore pins an older botocore than
the newest boto3 needs. Without aiobotocore the whole module is skipped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import pytest

pytest.importorskip(
    "aiobotocore",
    reason="aiobotocore is not installed here; the async tests run in .venv-async "
    "(.ci/async-tests)",
)
aioboto3 = pytest.importorskip("aioboto3", reason="aioboto3 is not installed here")

import aiobotocore.httpsession  # noqa: E402
import aiobotocore.session  # noqa: E402
from aiobotocore.config import AioConfig  # noqa: E402
from botocore.exceptions import ClientError, EndpointConnectionError  # noqa: E402

from dynastream_mock import mock_streams  # noqa: E402

REGION = "eu-west-1"
KEYS = {"aws_access_key_id": "before-the-mock", "aws_secret_access_key": "before-the-mock"}
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def client(service: str, **kwargs: Any) -> Any:
    """An aiobotocore client context manager (``async with client(...) as c``)."""
    session = aiobotocore.session.get_session()
    return session.create_client(service, region_name=REGION, **kwargs)


async def create_stream_table(ddb: Any, name: str = "Users") -> dict[str, Any]:
    response = await ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    description: dict[str, Any] = response["TableDescription"]
    return description


def send_methods() -> list[Callable[..., Awaitable[Any]]]:
    import aiobotocore.httpxsession

    return [aiobotocore.httpsession.AIOHTTPSession.send, aiobotocore.httpxsession.HttpxSession.send]


# -- clients made before and inside the mock -----------------------------------------------


def test_client_made_before_the_mock_and_one_made_inside_are_both_answered() -> None:
    async def scenario() -> None:
        async with client("dynamodb", **KEYS) as before:
            with mock_streams():
                await create_stream_table(before)
                async with client("dynamodb") as inside:
                    listed = await inside.list_tables()
                    assert listed["TableNames"] == ["Users"]
                    await inside.put_item(TableName="Users", Item={"id": {"S": "u1"}})
                got = await before.get_item(TableName="Users", Key={"id": {"S": "u1"}})
                assert got["Item"] == {"id": {"S": "u1"}}
                assert got["ResponseMetadata"]["HTTPStatusCode"] == 200

    run(scenario())


def test_an_httpx_session_client_is_answered_too() -> None:
    httpxsession = pytest.importorskip("aiobotocore.httpxsession")
    pytest.importorskip("httpx")
    config = AioConfig(http_session_cls=httpxsession.HttpxSession)

    async def scenario() -> None:
        with mock_streams():
            async with client("dynamodb", config=config) as ddb:
                await create_stream_table(ddb)
                await ddb.put_item(TableName="Users", Item={"id": {"S": "x"}})
                got = await ddb.get_item(TableName="Users", Key={"id": {"S": "x"}})
                assert got["Item"] == {"id": {"S": "x"}}

    run(scenario())


def test_stream_records_read_back_through_the_async_streams_client() -> None:
    async def scenario() -> None:
        with mock_streams():
            async with client("dynamodb") as ddb, client("dynamodbstreams") as streams:
                table = await create_stream_table(ddb)
                for n in range(3):
                    await ddb.put_item(
                        TableName="Users", Item={"id": {"S": f"u{n}"}, "n": {"N": str(n)}}
                    )
                await ddb.put_item(TableName="Users", Item={"id": {"S": "u0"}, "n": {"N": "9"}})

                listed = await streams.list_streams(TableName="Users")
                assert [s["StreamArn"] for s in listed["Streams"]] == [table["LatestStreamArn"]]
                arn = table["LatestStreamArn"]
                described = (await streams.describe_stream(StreamArn=arn))["StreamDescription"]
                assert described["TableName"] == "Users"
                assert described["StreamViewType"] == "NEW_AND_OLD_IMAGES"

                records: list[dict[str, Any]] = []
                for shard in described["Shards"]:
                    iterator = (
                        await streams.get_shard_iterator(
                            StreamArn=arn,
                            ShardId=shard["ShardId"],
                            ShardIteratorType="TRIM_HORIZON",
                        )
                    )["ShardIterator"]
                    while iterator:
                        page = await streams.get_records(ShardIterator=iterator)
                        records.extend(page["Records"])
                        if not page["Records"]:
                            break
                        iterator = page.get("NextShardIterator")

        names = sorted(r["eventName"] for r in records)
        assert names == ["INSERT", "INSERT", "INSERT", "MODIFY"]
        modify = next(r for r in records if r["eventName"] == "MODIFY")
        assert modify["dynamodb"]["OldImage"]["n"] == {"N": "0"}
        assert modify["dynamodb"]["NewImage"]["n"] == {"N": "9"}

    run(scenario())


def test_many_concurrent_calls_are_all_answered() -> None:
    async def scenario() -> list[dict[str, Any]]:
        with mock_streams():
            async with client("dynamodb") as ddb:
                await create_stream_table(ddb)
                await asyncio.gather(
                    *(
                        ddb.put_item(TableName="Users", Item={"id": {"S": f"k{n}"}})
                        for n in range(25)
                    )
                )
                got: list[dict[str, Any]] = await asyncio.gather(
                    *(
                        ddb.get_item(TableName="Users", Key={"id": {"S": f"k{n}"}})
                        for n in range(25)
                    )
                )
                return got

    results = run(scenario())
    assert [r["Item"]["id"]["S"] for r in results] == [f"k{n}" for n in range(25)]


# -- aioboto3 --------------------------------------------------------------------------------


def test_aioboto3_resource_table_put_and_get() -> None:
    async def scenario() -> dict[str, Any]:
        with mock_streams():
            session = aioboto3.Session()
            async with session.resource("dynamodb", region_name=REGION) as resource:
                await resource.create_table(
                    TableName="Orders",
                    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                )
                table = await resource.Table("Orders")
                await table.put_item(Item={"id": "o-1", "total": 42, "tags": {"a", "b"}})
                got: dict[str, Any] = (await table.get_item(Key={"id": "o-1"}))["Item"]
                return got

    item = run(scenario())
    assert item["id"] == "o-1"
    assert item["total"] == 42
    assert item["tags"] == {"a", "b"}


# -- the decorator on coroutine functions -----------------------------------------------------


@mock_streams
async def decorated_scenario() -> list[str]:
    async with client("dynamodb") as ddb:
        await create_stream_table(ddb, "Decorated")
        tables: list[str] = (await ddb.list_tables())["TableNames"]
        return tables


def test_mock_streams_on_an_async_def_gives_each_call_a_fresh_world() -> None:
    assert run(decorated_scenario()) == ["Decorated"]
    # A second call starts from an empty world, so creating the table again works.
    assert run(decorated_scenario()) == ["Decorated"]


def test_the_decorated_coroutine_function_stays_a_coroutine_function() -> None:
    import inspect

    assert inspect.iscoroutinefunction(decorated_scenario)


# -- what is not answered ---------------------------------------------------------------------


def test_a_client_with_its_own_endpoint_url_is_left_alone() -> None:
    async def scenario() -> None:
        with mock_streams():
            async with client(
                "dynamodb", endpoint_url="http://127.0.0.1:9", config=NO_RETRIES
            ) as local:
                await local.list_tables()

    with pytest.raises(EndpointConnectionError):
        run(scenario())


def test_errors_come_back_as_client_error_with_the_service_code() -> None:
    async def scenario() -> None:
        with mock_streams():
            async with client("dynamodb") as ddb:
                await ddb.describe_table(TableName="Missing")

    with pytest.raises(ClientError) as caught:
        run(scenario())
    error = caught.value.response["Error"]
    assert error["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.operation_name == "DescribeTable"


def test_modeled_exception_classes_match_on_the_async_client() -> None:
    async def scenario() -> str:
        with mock_streams():
            async with client("dynamodb") as ddb:
                try:
                    await ddb.describe_table(TableName="Missing")
                except ddb.exceptions.ResourceNotFoundException as error:
                    return str(error.response["Error"]["Code"])
        return "not raised"

    assert run(scenario()) == "ResourceNotFoundException"


# -- installing and removing ------------------------------------------------------------------


def test_send_is_patched_while_active_and_restored_after() -> None:
    originals = send_methods()
    with mock_streams():
        patched = send_methods()
        assert all(p is not o for p, o in zip(patched, originals, strict=True))
        assert [getattr(p, "__wrapped__", None) for p in patched] == originals
        with mock_streams():  # nested: still one patch
            assert send_methods() == patched
        assert send_methods() == patched
    assert send_methods() == originals


def test_the_innermost_mock_answers() -> None:
    async def scenario() -> list[str]:
        async with client("dynamodb") as ddb:
            await create_stream_table(ddb, "Outer")
            with mock_streams():
                assert (await ddb.list_tables())["TableNames"] == []
            tables: list[str] = (await ddb.list_tables())["TableNames"]
            return tables

    with mock_streams():
        assert run(scenario()) == ["Outer"]


def test_importing_the_package_does_not_import_aiobotocore() -> None:
    code = (
        "import sys, dynastream_mock, dynastream_mock.intercept.aiobotocore_patch\n"
        "assert 'aiobotocore' not in sys.modules, 'imported at package import'\n"
        "assert 'aiohttp' not in sys.modules, 'imported at package import'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_async_retry_back_off_runs_on_the_mock_clock() -> None:
    async def scenario() -> tuple[int, int, float]:
        import time

        with mock_streams() as mock:
            mock.clock.freeze()
            before = mock.clock.now()
            fault = mock.faults.add("ListTables", "InternalServerError", times=3)
            config = AioConfig(retries={"mode": "standard", "max_attempts": 5})
            started = time.monotonic()
            async with client("dynamodb", config=config) as ddb:
                answer = await ddb.list_tables()
            elapsed = time.monotonic() - started
            assert mock.clock.now() > before
            return fault.hits, answer["ResponseMetadata"]["RetryAttempts"], elapsed

    hits, retries, elapsed = run(scenario())

    assert (hits, retries) == (3, 3)
    assert elapsed < 1.0


def test_async_with_mock_streams_activates_and_stops() -> None:
    async def scenario() -> list[str]:
        async with mock_streams() as mock:
            assert mock.active
            async with client("dynamodb") as ddb:
                await create_stream_table(ddb)
                names: list[str] = (await ddb.list_tables())["TableNames"]
        assert not mock.active
        return names

    assert run(scenario()) == ["Users"]


def test_each_async_client_is_one_reader() -> None:
    async def scenario() -> str:
        with mock_streams(max_readers_per_shard=1) as mock:
            mock.clock.freeze()
            async with (
                client("dynamodb") as ddb,
                client("dynamodbstreams") as first,
                client("dynamodbstreams", config=NO_RETRIES) as second,
            ):
                arn = (await create_stream_table(ddb))["LatestStreamArn"]
                shards = (await first.describe_stream(StreamArn=arn))["StreamDescription"]
                shard_id = shards["Shards"][0]["ShardId"]
                for reader in (first, first, second):
                    iterator = (
                        await reader.get_shard_iterator(
                            StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                        )
                    )["ShardIterator"]
                    try:
                        await reader.get_records(ShardIterator=iterator)
                    except ClientError as error:
                        assert reader is second
                        return str(error.response["Error"]["Code"])
        return "not throttled"

    assert run(scenario()) == "LimitExceededException"
