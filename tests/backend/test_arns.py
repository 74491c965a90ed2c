"""One ARN parser and the builders of every ARN the mock makes (backend/arns.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynastream_mock.backend.arns import (
    Arn,
    backup_arn,
    build_arn,
    index_arn,
    is_arn,
    parse_arn,
    stream_arn,
    table_arn,
)

TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/Users"
STREAM = TABLE + "/stream/2026-12-02T00:00:00.000"


def test_a_stream_arn_has_its_table_and_label() -> None:
    arn = parse_arn(STREAM)
    assert arn == Arn(
        "aws", "dynamodb", "eu-west-1", "123456789012", "table/Users/stream/2026-12-02T00:00:00.000"
    )
    assert arn.table_name == "Users"
    assert arn.stream_label == "2026-12-02T00:00:00.000"
    assert not arn.is_table


def test_a_table_arn_is_a_table_without_a_stream() -> None:
    arn = parse_arn(TABLE)
    assert arn is not None
    assert (arn.table_name, arn.stream_label, arn.is_table) == ("Users", None, True)


def test_other_partitions_keep_their_parts() -> None:
    arn = parse_arn("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/T/index/by_x")
    assert arn is not None
    assert (arn.partition, arn.region, arn.table_name, arn.is_table) == (
        "aws-cn",
        "cn-north-1",
        "T",
        False,
    )


def test_the_resource_keeps_its_colons() -> None:
    arn = parse_arn("arn:aws:lambda:eu-west-1:123456789012:function:handler:$LATEST")
    assert arn is not None
    assert arn.resource == "function:handler:$LATEST"
    assert arn.table_name is None and arn.stream_label is None


@pytest.mark.parametrize(
    "text", ["Users", "", "arn:short", "arn:aws:dynamodb:eu-west-1:123", "urn:a:b:c:d:e"]
)
def test_what_is_not_six_parts_starting_with_arn_is_no_arn(text: str) -> None:
    assert parse_arn(text) is None


def test_a_table_name_is_not_an_arn() -> None:
    assert is_arn(TABLE) and is_arn("arn:short")
    assert not is_arn("Users")


def test_only_dynamodb_resources_name_tables() -> None:
    arn = parse_arn("arn:aws:s3:eu-west-1:123456789012:table/Users/stream/x")
    assert arn is not None
    assert arn.table_name is None and arn.stream_label is None and not arn.is_table


def test_an_empty_table_name_is_not_a_table() -> None:
    arn = parse_arn("arn:aws:dynamodb:eu-west-1:123456789012:table/")
    assert arn is not None
    assert arn.table_name == "" and not arn.is_table


def test_builders_make_the_arns_dynamodb_answers() -> None:
    table = table_arn("aws", "eu-west-1", "123456789012", "Users")
    assert table == TABLE
    assert stream_arn(table, "2026-12-02T00:00:00.000") == STREAM
    assert index_arn(table, "by_status") == TABLE + "/index/by_status"
    assert backup_arn(table, "01700000000000-abcdef12") == TABLE + "/backup/01700000000000-abcdef12"
    assert build_arn("aws-us-gov", "lambda", "us-gov-west-1", "1", "function:f") == (
        "arn:aws-us-gov:lambda:us-gov-west-1:1:function:f"
    )


_PART = st.text(st.characters(blacklist_characters=":"), max_size=12)


@given(_PART, _PART, _PART, _PART, st.text(max_size=30))
def test_parse_reads_back_what_build_makes(
    partition: str, service: str, region: str, account: str, resource: str
) -> None:
    text = build_arn(partition, service, region, account, resource)
    arn = parse_arn(text)
    assert arn == Arn(partition, service, region, account, resource)
    assert str(arn) == text
