"""mock_streams as a context manager and with start()/stop(): worlds, nesting, environment."""

from __future__ import annotations

import os
import threading
import time

import boto3
import botocore.httpsession
import pytest
import requests.adapters
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table, table_names

import dynastream_mock
from dynastream_mock import MockStreams, intercept, mock_streams
from dynastream_mock.intercept.active import FAKE_CREDENTIALS, HIDDEN_VARIABLES

ORIGINAL_SEND = botocore.httpsession.URLLib3Session.send
ORIGINAL_REQUESTS_SEND = requests.adapters.HTTPAdapter.send
WATCHED = (*FAKE_CREDENTIALS, *HIDDEN_VARIABLES)


def stream_arns() -> list[str]:
    streams = boto3.client("dynamodbstreams", region_name=REGION).list_streams()["Streams"]
    return [stream["StreamArn"] for stream in streams]


def watched_environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in WATCHED}


@pytest.fixture
def real_looking_environment(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """An environment as on a developer's machine: real-looking keys and a profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREALREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCOUNT_ID", "999999999999")
    monkeypatch.delenv("AWS_CREDENTIAL_EXPIRATION", raising=False)
    return watched_environment()


# -- context manager and start/stop -----------------------------------------------------


def test_context_manager_yields_the_active_control_object() -> None:
    mock = mock_streams()
    with mock as entered:
        assert entered is mock
        assert mock.active
        assert dynastream_mock.current() is mock
    assert not mock.active


def test_context_manager_answers_boto3_inside() -> None:
    with mock_streams():
        create_stream_table(boto3.client("dynamodb", region_name=REGION))
        assert table_names() == ["Users"]


def test_start_returns_the_mock_and_stop_ends_it() -> None:
    mock = mock_streams()
    assert mock.start() is mock
    try:
        create_stream_table(boto3.client("dynamodb", region_name=REGION))
        assert table_names() == ["Users"]
    finally:
        mock.stop()
    assert not mock.active
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND


def test_stop_twice_is_harmless() -> None:
    mock = mock_streams().start()
    mock.stop()
    mock.stop()
    assert not mock.active
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


def test_stop_without_start_is_harmless() -> None:
    mock_streams().stop()


def test_starting_an_active_mock_raises_runtime_error() -> None:
    with mock_streams() as mock:
        with pytest.raises(RuntimeError, match=r"already active.*stop\(\) it first"):
            mock.start()
        # The failed start changed nothing: still active, still answering.
        assert dynastream_mock.current() is mock
        assert table_names() == []


def test_restart_gives_a_fresh_world_and_clock() -> None:
    mock = mock_streams()
    with mock:
        create_stream_table(boto3.client("dynamodb", region_name=REGION))
        mock.clock.freeze()
        mock.clock.advance(hours=30)
    with mock:
        assert table_names() == []
        assert not mock.clock.frozen
        assert abs(time.time() - mock.clock.now().timestamp()) < 60


def test_tools_of_a_stopped_mock_raise_runtime_error() -> None:
    mock = mock_streams()
    with pytest.raises(RuntimeError, match="needs an active mock"):
        mock.split_shard("Users")
    with pytest.raises(RuntimeError, match=r"faults\.add\(\) needs an active mock"):
        mock.faults.add("GetRecords", "InternalServerError")
    with pytest.raises(RuntimeError, match=r"faults\.clear\(\) needs an active mock"):
        mock.faults.clear()
    with pytest.raises(RuntimeError, match="start\\(\\)"):
        mock.reset()


def test_repr_shows_options_and_state() -> None:
    mock = mock_streams(partitions=3)
    assert repr(mock) == "<MockStreams(partitions=3) inactive>"
    with mock:
        assert repr(mock) == "<MockStreams(partitions=3) active>"


# -- environment ------------------------------------------------------------------------


def test_fake_credentials_while_active_and_environment_restored_on_stop(
    real_looking_environment: dict[str, str | None],
) -> None:
    with mock_streams():
        for name, value in FAKE_CREDENTIALS.items():
            assert os.environ[name] == value
        credentials = boto3.Session().get_credentials()
        assert credentials is not None
        assert credentials.access_key == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    assert watched_environment() == real_looking_environment


def test_profile_and_account_hidden_while_active_and_restored(
    real_looking_environment: dict[str, str | None],
) -> None:
    with mock_streams():
        for name in HIDDEN_VARIABLES:
            assert name not in os.environ
        # Botocore would otherwise look for the 'production' profile and fail.
        assert table_names() == []
    assert os.environ["AWS_PROFILE"] == "production"
    assert os.environ["AWS_ACCOUNT_ID"] == "999999999999"


def test_environment_restored_when_the_body_raises(
    real_looking_environment: dict[str, str | None],
) -> None:
    with pytest.raises(ZeroDivisionError), mock_streams():
        _ = 1 / 0
    assert watched_environment() == real_looking_environment
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND


def test_variables_absent_before_are_absent_after(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in WATCHED:
        monkeypatch.delenv(name, raising=False)
    with mock_streams():
        pass
    assert watched_environment() == dict.fromkeys(WATCHED)


def test_changes_made_inside_the_mock_are_undone(
    real_looking_environment: dict[str, str | None],
) -> None:
    with mock_streams():
        os.environ["AWS_ACCESS_KEY_ID"] = "changed-inside"
        os.environ["AWS_PROFILE"] = "changed-inside"
    assert watched_environment() == real_looking_environment


def test_mocks_stopped_out_of_order_restore_the_first_environment(
    real_looking_environment: dict[str, str | None],
) -> None:
    outer = mock_streams().start()
    inner = mock_streams().start()
    outer.stop()
    # The inner mock still runs with fake credentials.
    assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    assert dynastream_mock.current() is inner
    inner.stop()
    assert watched_environment() == real_looking_environment
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND


# -- nesting ----------------------------------------------------------------------------


def test_inner_mock_answers_and_outer_answers_again_after_it() -> None:
    with mock_streams() as outer:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb, "Outer")
        with mock_streams() as inner:
            assert dynastream_mock.current() is inner
            assert table_names() == []
            create_stream_table(ddb, "Inner")
            assert table_names() == ["Inner"]
        assert dynastream_mock.current() is outer
        # The client made in the outer mock still works, through the outer world again.
        assert ddb.list_tables()["TableNames"] == ["Outer"]
        assert len(stream_arns()) == 1
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


def test_stopping_the_inner_mock_keeps_interception() -> None:
    with mock_streams():
        with mock_streams():
            pass
        assert botocore.httpsession.URLLib3Session.send is not ORIGINAL_SEND
        assert table_names() == []
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND


def test_current_raises_runtime_error_when_no_mock_is_active() -> None:
    with pytest.raises(RuntimeError, match="no dynastream_mock is active"):
        dynastream_mock.current()


def test_current_returns_the_innermost() -> None:
    with mock_streams() as outer:
        with mock_streams() as inner:
            assert dynastream_mock.current() is inner
        assert dynastream_mock.current() is outer


# -- reset ------------------------------------------------------------------------------


def test_reset_empties_tables_and_streams_and_stays_active() -> None:
    with mock_streams() as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
        assert stream_arns()
        mock.reset()
        assert mock.active
        assert dynastream_mock.current() is mock
        assert table_names() == []
        assert stream_arns() == []
        with pytest.raises(ClientError) as raised:
            ddb.get_item(TableName="Users", Key={"id": {"S": "u1"}})
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
        # The world works as new: the same table can be made again.
        create_stream_table(ddb)
        assert table_names() == ["Users"]


def test_reset_keeps_the_clock_where_it_is() -> None:
    with mock_streams() as mock:
        mock.clock.freeze()
        mock.clock.advance(hours=3)
        before = mock.clock.now()
        mock.reset()
        assert mock.clock.frozen
        assert mock.clock.now() == before


def test_reset_of_the_outer_mock_leaves_the_inner_alone() -> None:
    with mock_streams() as outer, mock_streams():
        create_stream_table(boto3.client("dynamodb", region_name=REGION))
        outer.reset()
        assert table_names() == ["Users"]


# -- no leaks ---------------------------------------------------------------------------


def test_a_thousand_starts_and_stops_leave_nothing_behind(
    real_looking_environment: dict[str, str | None],
) -> None:
    threads_before = set(threading.enumerate())
    mock_streams().start().stop()  # the first start may build lookup tables
    for _ in range(1000):
        mock = mock_streams()
        mock.start()
        mock.stop()
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_REQUESTS_SEND
    assert not intercept.installed()
    assert watched_environment() == real_looking_environment
    assert set(threading.enumerate()) == threads_before
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


def test_no_mock_active_between_tests() -> None:
    assert botocore.httpsession.URLLib3Session.send is ORIGINAL_SEND
    with pytest.raises(RuntimeError):
        dynastream_mock.current()


def test_mock_streams_builds_a_mock_streams() -> None:
    assert isinstance(mock_streams(), MockStreams)
    assert isinstance(mock_streams(partitions=2), MockStreams)
