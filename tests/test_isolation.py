"""State never leaks between tests, also when pytest-xdist runs them in several workers."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
import boto3
import pytest
from dynastream_mock import mock_streams


def make_users():
    ddb = boto3.client("dynamodb", region_name="eu-west-1")
    assert ddb.list_tables()["TableNames"] == [], "state leaked in"
    ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})


@pytest.mark.parametrize("n", range(8))
def test_fixture(dynastream, n):
    make_users()
    assert len(dynastream.stream_records("Users")) == 1


@pytest.mark.parametrize("n", range(8))
@mock_streams
def test_decorator(n):
    make_users()
"""


def test_tables_do_not_leak_between_tests_or_xdist_workers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaks=TESTS)

    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"
    )

    result.assert_outcomes(passed=16)
    result.stdout.fnmatch_lines(["*2 workers*"])
