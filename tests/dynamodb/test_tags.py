"""Tags through boto3: Tags on CreateTable, TagResource, UntagResource, ListTagsOfResource."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table


def error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def tags(ddb: Any, arn: str) -> list[dict[str, str]]:
    listed: list[dict[str, str]] = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    return listed


def test_tags_given_at_creation_are_listed(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    assert tags(ddb, arn) == []
    created = ddb.create_table(
        TableName="Tagged",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": ""}],
    )["TableDescription"]
    assert tags(ddb, created["TableArn"]) == [
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": ""},
    ]


def test_tag_resource_replaces_the_value_of_an_existing_key(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    ddb.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": "7"}]
    )
    assert tags(ddb, arn) == [{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": "7"}]


def test_untag_resource_ignores_absent_keys(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a", "never"])
    assert tags(ddb, arn) == [{"Key": "b", "Value": "2"}]


def test_fifty_tags_fit_and_the_fifty_first_is_refused(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert error(raised) == (
        "ValidationException",
        "Number of Tags exceed the current limit for the provided ResourceArn",
    )
    assert len(tags(ddb, arn)) == 50
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "replaced"}])


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ({"Key": "a,b", "Value": "v"}, "The Tag Key provided is invalid, Key: a,b"),
        ({"Key": "k", "Value": "100%"}, "The Tag Value provided is invalid, Value: 100%"),
        (
            {"Key": "aws:owner", "Value": "v"},
            "Tag Key cannot be prefixed with aws:, Key: aws:owner",
        ),
    ],
)
def test_bad_tags_are_refused_and_none_is_applied(
    ddb: Any, tag: dict[str, str], message: str
) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "good", "Value": "ok"}, tag])
    assert error(raised) == ("ValidationException", message)
    assert tags(ddb, arn) == []


@pytest.mark.parametrize(
    "tag", [{"Key": "k" * 129, "Value": "v"}, {"Key": "k", "Value": "v" * 257}]
)
def test_too_long_keys_and_values_are_refused(ddb: Any, tag: dict[str, str]) -> None:
    # The length is checked against botocore's model first, so the message is the model
    # validation's (the live service words it "The Tag Key provided is invalid, Key: ...").
    arn = create_stream_table(ddb)["TableArn"]
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn, Tags=[tag])
    assert error(raised)[0] == "ValidationException"
    assert tags(ddb, arn) == []


def test_letters_of_any_script_and_the_allowed_punctuation_are_accepted(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "ключ 表", "Value": "a+b-c=d.e_f:g/h@i"}])
    assert tags(ddb, arn) == [{"Key": "ключ 表", "Value": "a+b-c=d.e_f:g/h@i"}]


def test_duplicate_keys_and_empty_lists_are_refused(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(
            ResourceArn=arn, Tags=[{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}]
        )
    assert error(raised) == (
        "ValidationException",
        "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup",
    )
    with pytest.raises(ClientError) as raised:
        ddb.tag_resource(ResourceArn=arn, Tags=[])
    assert error(raised) == (
        "ValidationException",
        "Atleast one Tag needs to be provided as Input.",
    )
    with pytest.raises(ClientError) as raised:
        ddb.untag_resource(ResourceArn=arn, TagKeys=[])
    assert error(raised) == (
        "ValidationException",
        "Atleast one Tag Key needs to be provided as Input.",
    )


def test_create_table_with_bad_tags_creates_nothing(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Tagged",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)],
        )
    assert (
        error(raised)[1] == "Number of Tags exceed the current limit for the provided ResourceArn"
    )
    assert ddb.list_tables()["TableNames"] == []


def test_unknown_table_arn_is_not_found(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    missing = arn.replace("table/Users", "table/Nobody")
    for call in (
        lambda: ddb.list_tags_of_resource(ResourceArn=missing),
        lambda: ddb.tag_resource(ResourceArn=missing, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: ddb.untag_resource(ResourceArn=missing, TagKeys=["k"]),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert error(raised) == (
            "ResourceNotFoundException",
            f"Requested resource not found: ResourcArn: {missing} not found",
        )


def test_what_is_not_a_table_arn_of_the_region_is_invalid(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    for bad in ("Users", arn.replace("eu-west-1", "us-east-1"), arn + "/index/x"):
        with pytest.raises(ClientError) as raised:
            ddb.list_tags_of_resource(ResourceArn=bad)
        assert error(raised) == (
            "ValidationException",
            f"Invalid TableArn: Invalid ResourceArn provided as input {bad}",
        )


def test_tags_go_with_the_table(ddb: Any) -> None:
    arn = create_stream_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    ddb.delete_table(TableName="Users")
    create_stream_table(ddb)
    assert tags(ddb, arn) == []
