"""The pytest plugin, tested in child pytest runs: the `dynastream` fixture and marker."""

from __future__ import annotations

import boto3  # noqa: F401 (imported once here, not again in every child run)
import botocore.httpsession
import pytest

import dynastream_mock

pytest_plugins = ["pytester"]

ORIGINAL_SEND = botocore.httpsession.URLLib3Session.send

HELPERS = """
import boto3
import botocore.httpsession
import pytest

import dynastream_mock

REGION = "eu-west-1"
ORIGINAL_SEND = botocore.httpsession.URLLib3Session.send


def create_stream_table(name="Users"):
    ddb = boto3.client("dynamodb", region_name=REGION)
    return ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]


def table_names():
    return boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"]


def shard_count(arn):
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    return len(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"])


def assert_no_mock_active():
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND
    with pytest.raises(RuntimeError):
        dynastream_mock.current()
"""


def run(pytester: pytest.Pytester, tests: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(child_helpers=HELPERS, test_it=tests)
    # Without hypothesis' plugin, which would import hypothesis again in every child run.
    return pytester.runpytest(
        "--strict-markers", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


def test_fixture_is_an_active_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import dynastream_mock
        from child_helpers import create_stream_table, table_names

        def test_it(dynastream):
            assert isinstance(dynastream, dynastream_mock.MockStreams)
            assert dynastream.active
            assert dynastream_mock.current() is dynastream
            create_stream_table()
            assert table_names() == ["Users"]
            dynastream.clock.advance(seconds=5)
        """,
    )
    result.assert_outcomes(passed=1)


def test_marker_options_configure_the_fixture(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from child_helpers import create_stream_table, shard_count

        @pytest.mark.dynastream(partitions=3, max_readers_per_shard=None)
        def test_three_shards(dynastream):
            assert dynastream.options["max_readers_per_shard"] is None
            assert shard_count(create_stream_table()["LatestStreamArn"]) == 3

        def test_default_one_shard(dynastream):
            assert shard_count(create_stream_table()["LatestStreamArn"]) == 1
        """,
    )
    result.assert_outcomes(passed=2)


def test_each_test_gets_a_fresh_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from child_helpers import create_stream_table, table_names

        seen = []

        def test_first(dynastream):
            seen.append(dynastream)
            dynastream.clock.freeze()
            create_stream_table()
            assert table_names() == ["Users"]

        def test_second(dynastream):
            assert dynastream is not seen[0]
            assert not dynastream.clock.frozen
            assert table_names() == []
        """,
    )
    result.assert_outcomes(passed=2)


def test_a_failing_test_still_stops_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from child_helpers import assert_no_mock_active, create_stream_table

        def test_fails(dynastream):
            create_stream_table()
            raise AssertionError("the test failed")

        def test_after_the_failure():
            assert_no_mock_active()
        """,
    )
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the test failed*"])
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


def test_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_it="")
    result = pytester.runpytest("--markers", "-p", "no:hypothesispytest")
    result.stdout.fnmatch_lines(["@pytest.mark.dynastream(**options):*mock_streams*"])


def test_marker_alone_activates_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        import dynastream_mock
        from child_helpers import create_stream_table, shard_count

        @pytest.fixture
        def users_stream():
            # The mock is already active for the test's own fixtures.
            return create_stream_table()["LatestStreamArn"]

        @pytest.mark.dynastream(partitions=2)
        def test_marked_only(users_stream):
            assert dynastream_mock.current().options["partitions"] == 2
            assert shard_count(users_stream) == 2
        """,
    )
    result.assert_outcomes(passed=1)


def test_markers_merge_the_closest_winning(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.dynastream(partitions=2, max_readers_per_shard=4)

        @pytest.mark.dynastream(partitions=5)
        class TestMerged:
            @pytest.mark.dynastream(max_readers_per_shard=None)
            def test_all_three(self, dynastream):
                assert dynastream.options["partitions"] == 5
                assert dynastream.options["max_readers_per_shard"] is None

            def test_class_and_module(self, dynastream):
                assert dynastream.options["partitions"] == 5
                assert dynastream.options["max_readers_per_shard"] == 4

        def test_module_only(dynastream):
            assert dynastream.options["partitions"] == 2
        """,
    )
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("marker", "error"),
    [
        ("partitions=0", "ValueError: partitions must be at least 1, got 0"),
        ("retention='1d'", "TypeError: retention takes a timedelta or a number of seconds*"),
        ("partition=3", "TypeError: *unknown option(s) 'partition'*did you mean 'partitions'*"),
        ("3", "TypeError: @pytest.mark.dynastream takes keyword options only*"),
    ],
)
def test_marker_with_bad_options_fails_the_test_with_the_option_error(
    pytester: pytest.Pytester, marker: str, error: str
) -> None:
    result = run(
        pytester,
        f"""
        import pytest
        from child_helpers import assert_no_mock_active

        @pytest.mark.dynastream({marker})
        def test_bad(dynastream):
            pass

        def test_after():
            assert_no_mock_active()
        """,
    )
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines([f"E *{error}"])


def test_fixture_works_with_unittest_style_decorator_free_tests(
    pytester: pytest.Pytester,
) -> None:
    # The fixture and the decorator can meet: the decorator nests a fresh world inside.
    result = run(
        pytester,
        """
        import dynastream_mock
        from dynastream_mock import mock_streams
        from child_helpers import create_stream_table, table_names

        def test_nested(dynastream):
            create_stream_table("Outer")

            @mock_streams
            def inner():
                assert dynastream_mock.current() is not dynastream
                return table_names()

            assert inner() == []
            assert table_names() == ["Outer"]
        """,
    )
    result.assert_outcomes(passed=1)
