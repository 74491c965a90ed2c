"""@mock_streams on functions, methods, coroutines, generators and classes."""

from __future__ import annotations

import asyncio
import inspect
import unittest
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.httpsession
import pytest
from helpers import REGION, create_stream_table, table_names

import dynastream_mock
from dynastream_mock import MockStreams, mock_streams

ORIGINAL_SEND = botocore.httpsession.URLLib3Session.send


def make_table(name: str = "Users") -> None:
    create_stream_table(boto3.client("dynamodb", region_name=REGION), name)


def shard_count(table: str = "Users") -> int:
    ddb = boto3.client("dynamodb", region_name=REGION)
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return len(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"])


def assert_no_mock_active() -> None:
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


# -- functions --------------------------------------------------------------------------


def test_decorated_function_runs_in_an_active_mock_and_stops_after() -> None:
    @mock_streams
    def signup() -> list[str]:
        make_table()
        return table_names()

    assert signup() == ["Users"]
    assert_no_mock_active()


def test_each_call_gets_a_fresh_empty_world() -> None:
    seen: list[list[str]] = []
    mocks: list[MockStreams] = []

    @mock_streams
    def run() -> None:
        mocks.append(dynastream_mock.current())
        seen.append(table_names())
        make_table()

    run()
    run()
    assert seen == [[], []]
    assert mocks[0] is not mocks[1]


def test_each_call_gets_a_fresh_clock() -> None:
    @mock_streams
    def travel() -> bool:
        clock = dynastream_mock.current().clock
        was_frozen = clock.frozen
        clock.freeze()
        clock.advance(days=3)
        return was_frozen

    assert travel() is False
    assert travel() is False


def test_arguments_and_return_value_pass_through() -> None:
    @mock_streams
    def add(a: int, b: int = 0, *, c: int) -> int:
        return a + b + c

    assert add(1, 2, c=3) == 6
    assert add(1, c=1) == 2


def test_name_docstring_and_signature_are_kept() -> None:
    def handler(event: dict[str, Any], context: object = None) -> None:
        """Handle an event."""

    decorated = mock_streams(handler)
    assert decorated.__name__ == "handler"
    assert decorated.__doc__ == "Handle an event."
    assert inspect.signature(decorated) == inspect.signature(handler)


@mock_streams
def test_pytest_injects_fixtures_into_a_decorated_test(tmp_path: Path) -> None:
    assert tmp_path.is_dir()
    make_table()
    assert table_names() == ["Users"]


@mock_streams(partitions=4)
def test_options_apply_to_the_decorated_call() -> None:
    make_table()
    assert shard_count() == 4
    assert dynastream_mock.current().options["partitions"] == 4


def test_the_mock_stops_when_the_function_raises() -> None:
    @mock_streams
    def broken() -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        broken()
    assert_no_mock_active()


def test_bad_options_raise_when_decorating() -> None:
    with pytest.raises(ValueError, match="partitions"):
        mock_streams(partitions=0)


def test_options_together_with_a_target_are_refused() -> None:
    with pytest.raises(TypeError, match="keywords only"):
        mock_streams(lambda: None, partitions=2)  # type: ignore[call-overload]


def test_decorating_something_not_callable_says_what_it_takes() -> None:
    with pytest.raises(TypeError, match=r"decorates a function.*got 3"):
        mock_streams(3)  # type: ignore[call-overload]


def test_empty_parentheses_decorate_too() -> None:
    @mock_streams()
    def run() -> MockStreams:
        return dynastream_mock.current()

    assert isinstance(run(), MockStreams)


# -- coroutines and generators ----------------------------------------------------------


def test_coroutine_function_stays_a_coroutine_function_and_runs_mocked() -> None:
    @mock_streams(partitions=2)
    async def handler(name: str) -> list[str]:
        await asyncio.sleep(0)
        make_table(name)
        return table_names()

    assert inspect.iscoroutinefunction(handler)
    assert asyncio.run(handler("Orders")) == ["Orders"]
    assert asyncio.run(handler("Users")) == ["Users"]
    assert_no_mock_active()


def test_the_mock_is_active_for_the_whole_coroutine_not_just_its_creation() -> None:
    @mock_streams
    async def handler() -> MockStreams:
        await asyncio.sleep(0)
        return dynastream_mock.current()

    coroutine = handler()
    assert_no_mock_active()
    assert isinstance(asyncio.run(coroutine), MockStreams)
    assert_no_mock_active()


def test_generator_function_runs_mocked_while_iterated() -> None:
    @mock_streams
    def names() -> Iterator[list[str]]:
        make_table()
        yield table_names()
        make_table("Orders")
        yield table_names()

    assert list(names()) == [["Users"], ["Orders", "Users"]]
    assert_no_mock_active()


def test_async_generator_function_runs_mocked_while_iterated() -> None:
    @mock_streams
    async def names() -> AsyncIterator[list[str]]:
        make_table()
        yield table_names()

    async def collect() -> list[list[str]]:
        return [item async for item in names()]

    assert inspect.isasyncgenfunction(names)
    assert asyncio.run(collect()) == [["Users"]]
    assert_no_mock_active()


# -- methods ----------------------------------------------------------------------------


class Service:
    def __init__(self, table: str) -> None:
        self.table = table

    @mock_streams
    def create(self) -> list[str]:
        make_table(self.table)
        return table_names()

    @mock_streams
    @staticmethod
    def static() -> MockStreams:
        return dynastream_mock.current()

    @mock_streams
    @classmethod
    def make(cls) -> tuple[type, MockStreams]:
        return cls, dynastream_mock.current()


def test_decorated_method_gets_self_and_a_fresh_world() -> None:
    assert Service("Orders").create() == ["Orders"]
    assert Service("Users").create() == ["Users"]
    assert_no_mock_active()


def test_decorated_static_and_class_methods() -> None:
    assert isinstance(Service.static(), MockStreams)
    cls, mock = Service.make()
    assert cls is Service
    assert isinstance(mock, MockStreams)
    assert_no_mock_active()


# -- unittest.TestCase ------------------------------------------------------------------


def run_test_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.TestLoader().loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_test_case_methods_share_one_fresh_world_with_setup_and_teardown() -> None:
    seen: dict[str, Any] = {}

    @mock_streams
    class OrdersTest(unittest.TestCase):
        def setUp(self) -> None:
            make_table("FromSetUp")
            self.mock = dynastream_mock.current()

        def test_a(self) -> None:
            seen["a"] = table_names()
            assert dynastream_mock.current() is self.mock
            make_table("FromA")

        def test_b(self) -> None:
            seen["b"] = table_names()

        def tearDown(self) -> None:
            seen.setdefault("tearDown", []).append(table_names())

    result = run_test_case(OrdersTest)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 2
    assert seen["a"] == ["FromSetUp"]
    assert seen["b"] == ["FromSetUp"]  # test_a's table is gone
    assert seen["tearDown"] == [["FromA", "FromSetUp"], ["FromSetUp"]]
    assert_no_mock_active()


def test_test_case_cleanups_run_inside_the_world() -> None:
    seen: list[list[str]] = []

    @mock_streams
    class CleanupTest(unittest.TestCase):
        def test_it(self) -> None:
            make_table()
            self.addCleanup(lambda: seen.append(table_names()))

    assert run_test_case(CleanupTest).wasSuccessful()
    assert seen == [["Users"]]


def test_test_case_world_is_stopped_when_setup_raises() -> None:
    ran: list[str] = []

    @mock_streams
    class BrokenSetUp(unittest.TestCase):
        def setUp(self) -> None:
            make_table()
            raise RuntimeError("setUp failed")

        def test_never_runs(self) -> None:
            ran.append("test")

    result = run_test_case(BrokenSetUp)
    assert len(result.errors) == 1
    assert "setUp failed" in result.errors[0][1]
    assert ran == []
    assert_no_mock_active()


def test_test_case_options_apply() -> None:
    counts: list[int] = []

    @mock_streams(partitions=3)
    class ShardsTest(unittest.TestCase):
        def test_shards(self) -> None:
            make_table()
            counts.append(shard_count())

    assert run_test_case(ShardsTest).wasSuccessful()
    assert counts == [3]


def test_subclass_overriding_setup_without_super_still_runs_mocked() -> None:
    seen: list[list[str]] = []

    @mock_streams
    class Base(unittest.TestCase):
        pass

    class Child(Base):
        def setUp(self) -> None:  # no super().setUp()
            make_table()

        def test_it(self) -> None:
            seen.append(table_names())

    assert run_test_case(Child).wasSuccessful()
    assert seen == [["Users"]]


def test_isolated_asyncio_test_case_shares_the_world_with_async_setup() -> None:
    seen: list[list[str]] = []

    @mock_streams
    class AsyncTest(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            make_table()

        async def test_it(self) -> None:
            await asyncio.sleep(0)
            seen.append(table_names())

    result = run_test_case(AsyncTest)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [["Users"]]
    assert_no_mock_active()


@mock_streams
class DecoratedTestCaseRunByPytest(unittest.TestCase):
    def setUp(self) -> None:
        make_table("FromSetUp")

    def test_a_sees_the_setup_table_and_adds_one(self) -> None:
        assert table_names() == ["FromSetUp"]
        make_table("FromTest")

    def test_b_does_not_see_the_table_of_test_a(self) -> None:
        assert table_names() == ["FromSetUp"]


# -- plain classes ----------------------------------------------------------------------


@mock_streams
class TestPlainClassUnderPytest:
    def test_first(self, tmp_path: Path) -> None:
        assert tmp_path.is_dir()
        make_table()
        assert table_names() == ["Users"]

    def test_second(self) -> None:
        assert table_names() == []

    def helper(self) -> str:
        return "not wrapped"


def test_plain_class_wraps_test_methods_only() -> None:
    assert TestPlainClassUnderPytest().helper() == "not wrapped"
    assert_no_mock_active()


def test_plain_class_wraps_every_test_method_with_a_fresh_world() -> None:
    @mock_streams(partitions=2)
    class Checks:
        def test_one(self) -> tuple[list[str], int]:
            before = table_names()
            make_table()
            return before, shard_count()

        async def test_async(self) -> list[str]:
            return table_names()

        @staticmethod
        def test_static() -> MockStreams:
            return dynastream_mock.current()

        def not_a_test(self) -> None:
            dynastream_mock.current()

    checks = Checks()
    assert checks.test_one() == ([], 2)
    assert checks.test_one() == ([], 2)
    assert asyncio.run(checks.test_async()) == []
    assert isinstance(Checks.test_static(), MockStreams)
    with pytest.raises(RuntimeError):
        checks.not_a_test()


def test_plain_class_wraps_inherited_test_methods_once() -> None:
    depth: list[int] = []

    class Base:
        def test_inherited(self) -> None:
            make_table()
            depth.append(len(table_names()))

    @mock_streams
    class Child(Base):
        pass

    @mock_streams
    class GrandChild(Child):
        pass

    Child().test_inherited()
    GrandChild().test_inherited()
    assert depth == [1, 1]
    # GrandChild reuses Child's wrapper (one fresh world, not two nested ones) ...
    assert inspect.getattr_static(GrandChild, "test_inherited") is Child.test_inherited
    # ... and the undecorated base class is left as it was.
    assert not hasattr(Base.test_inherited, "__wrapped__")


def test_method_decorated_with_its_own_options_keeps_them() -> None:
    @mock_streams
    class Checks:
        @mock_streams(partitions=5)
        def test_own(self) -> int:
            return dynastream_mock.current().options["partitions"]

    assert Checks().test_own() == 5
