"""Resource-based policies through boto3: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy and CreateTable's ResourcePolicy, on tables and streams.

Behaviour from the API reference (PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy) and the developer guide ("Resource-based policy considerations",
"Attach a resource-based policy to a stream"); the messages are the live service's.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import MockStreams, mock_streams

ACCOUNT = "123456789012"


def policy(action: str = "dynamodb:*", **statement: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ACCOUNT},
                    "Action": [action],
                    "Resource": "*",
                    **statement,
                }
            ],
        },
        indent=2,
    )


def error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


@pytest.fixture
def arn(dynastream: MockStreams, ddb: Any) -> str:
    table_arn: str = create_stream_table(ddb)["TableArn"]
    assert table_arn.split(":")[4] == ACCOUNT
    return table_arn


def test_a_put_policy_is_read_back_in_canonical_form(ddb: Any, arn: str) -> None:
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert got["RevisionId"] == revision
    assert revision.isdigit() and len(revision) == 13
    # Minified, a one-element list as its string, an account id as its root ARN.
    assert got["Policy"] == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        f'{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"dynamodb:*","Resource":"*"}}]}}'
    )


def test_an_equivalent_policy_keeps_its_revision_and_a_new_one_gets_a_later_one(
    ddb: Any, arn: str
) -> None:
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    minified = json.dumps(json.loads(policy()), separators=(",", ":"))
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=minified)["RevisionId"] == first
    second = ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:PutItem"))
    assert second["RevisionId"] != first
    assert second["RevisionId"] > first
    assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"])["Statement"][0][
        "Action"
    ] == ("dynamodb:PutItem")


def test_a_put_against_the_current_revision_replaces_the_policy(ddb: Any, arn: str) -> None:
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    second = ddb.put_resource_policy(
        ResourceArn=arn, Policy=policy("dynamodb:GetItem"), ExpectedRevisionId=first
    )["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == second


def test_a_put_against_a_former_revision_is_refused(ddb: Any, arn: str) -> None:
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    second = ddb.put_resource_policy(
        ResourceArn=arn, Policy=policy("dynamodb:PutItem"), ExpectedRevisionId=first
    )["RevisionId"]
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(
            ResourceArn=arn, Policy=policy("dynamodb:GetItem"), ExpectedRevisionId=first
        )
    assert error(raised) == (
        "PolicyNotFoundException",
        "Resource-based policy not found for the provided ResourceArn: Requested update for "
        f"policy with revision id {first}, but the policy associated to target table Users "
        f"has revision id {second}.",
    )
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == second


def test_no_policy_as_expected_revision_attaches_only_when_none_exists(ddb: Any, arn: str) -> None:
    revision = ddb.put_resource_policy(
        ResourceArn=arn, Policy=policy(), ExpectedRevisionId="NO_POLICY"
    )["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == revision
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(ResourceArn=arn, Policy=policy(), ExpectedRevisionId="NO_POLICY")
    assert error(raised) == (
        "PolicyNotFoundException",
        "Resource-based policy not found for the provided ResourceArn: Requested policy update "
        "expecting none to be present for table Users, but a policy exists with revision id "
        f"{revision}.",
    )


def test_an_expected_revision_without_a_policy_is_refused(ddb: Any, arn: str) -> None:
    for call in (
        lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=policy(), ExpectedRevisionId="1"),
        lambda: ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId="1"),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert error(raised) == (
            "PolicyNotFoundException",
            "Resource-based policy not found for the provided ResourceArn: Requested update "
            "for policy with revision id 1, but table Users has no associated policy.",
        )


def test_get_without_a_policy_is_policy_not_found(ddb: Any, arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=arn)
    assert error(raised) == (
        "PolicyNotFoundException",
        f"Resource-based policy not found for the provided ResourceArn: {arn}",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("operation", ["put", "get", "delete"])
def test_an_unknown_table_is_not_found(ddb: Any, arn: str, operation: str) -> None:
    params: dict[str, Any] = {"ResourceArn": arn + "unknown"}
    if operation == "put":
        params["Policy"] = policy()
    with pytest.raises(ClientError) as raised:
        getattr(ddb, f"{operation}_resource_policy")(**params)
    assert error(raised) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Usersunknown not found",
    )


def test_delete_is_idempotent_and_answers_the_removed_revision(ddb: Any, arn: str) -> None:
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=arn)
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    deleted = ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=revision)
    assert deleted["RevisionId"] == revision
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=arn)
    assert error(raised)[0] == "PolicyNotFoundException"
    # A further delete answers the deletion's own revision, a later one.
    again = ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"]
    assert again > revision
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=policy(), ExpectedRevisionId="NO_POLICY")


def test_delete_against_another_revision_is_refused_and_keeps_the_policy(
    ddb: Any, arn: str
) -> None:
    old = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
    new = ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:PutItem"))["RevisionId"]
    for expected in (old, "unknown"):
        with pytest.raises(ClientError) as raised:
            ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=expected)
        assert error(raised) == (
            "PolicyNotFoundException",
            "Resource-based policy not found for the provided ResourceArn: Requested update for "
            f"policy with revision id {expected}, but the policy associated to target table "
            f"Users has revision id {new}.",
        )
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == new


def test_confirm_remove_self_resource_access_is_accepted(ddb: Any, arn: str) -> None:
    denying = policy("dynamodb:PutResourcePolicy", Effect="Deny")
    ddb.put_resource_policy(ResourceArn=arn, Policy=denying, ConfirmRemoveSelfResourceAccess=True)
    assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"])["Statement"][0][
        "Effect"
    ] == ("Deny")


_INVALID = "One or more parameter values were invalid: "
_SAMPLE: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"AWS": ACCOUNT},
    "Action": "dynamodb:GetItem",
    "Resource": "*",
}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Invalid policy document: This policy contains invalid Json"),
        ("", "Invalid policy document: This policy contains invalid Json"),
        ('["a list"]', "Invalid policy document: This policy contains invalid Json"),
        ('{"Version": "2012-10-17"}', "Invalid policy document: Missing required field Statement"),
        (
            '{"Version": "2012-10-17", "Statement": []}',
            "Invalid policy document: Could not parse the policy: Statement is empty!",
        ),
        (
            json.dumps({"Statement": [{k: v for k, v in _SAMPLE.items() if k != "Resource"}]}),
            "Invalid policy document: Missing required field Resource",
        ),
        (
            json.dumps({"Statement": [{**_SAMPLE, "Sid": "a"}, {**_SAMPLE, "Sid": "a"}]}),
            "Invalid policy document: The Statement Ids in the policy are not unique",
        ),
        (
            json.dumps({"Statement": [{**_SAMPLE, "Principal": {"Nobody": "x"}}]}),
            "Invalid principal in policy document.",
        ),
        (
            json.dumps({"Statement": [_SAMPLE], "Extra": 1}),
            "Invalid policy document: Syntax errors in policy.",
        ),
    ],
)
def test_what_is_not_a_policy_is_refused(ddb: Any, arn: str, document: str, message: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(ResourceArn=arn, Policy=document)
    assert error(raised) == ("ValidationException", _INVALID + message)
    with pytest.raises(ClientError):
        ddb.get_resource_policy(ResourceArn=arn)


def test_the_size_limit_counts_whitespace(ddb: Any, arn: str) -> None:
    compact = json.dumps({"Statement": [_SAMPLE]})
    fits = compact + " " * (20480 - len(compact))
    ddb.put_resource_policy(ResourceArn=arn, Policy=fits)
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(ResourceArn=arn, Policy=fits + " ")
    assert error(raised) == (
        "ValidationException",
        _INVALID + "Maximum policy size of 20480 bytes exceeded",
    )


def test_allowing_everyone_is_refused(ddb: Any, arn: str) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(
            ResourceArn=arn, Policy=json.dumps({"Statement": [{**_SAMPLE, "Principal": "*"}]})
        )
    assert error(raised) == (
        "ValidationException",
        "Resource-based policy grants unbounded access in one or more elements. Please revise "
        "the policy to ensure least-privilege form of access",
    )


def test_lenient_forms_are_canonicalised(ddb: Any, arn: str) -> None:
    lenient = {
        "Statement": {
            "Resource": ["*"],
            "Action": ["dynamodb:Query", "dynamodb:GetItem"],
            "Principal": {"AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"]},
            "Effect": "allow",
            "Sid": "Read",
        }
    }
    ddb.put_resource_policy(ResourceArn=arn, Policy=json.dumps(lenient))
    # No Version given reads back as IAM's default, 2008-10-17.
    assert json.loads(ddb.get_resource_policy(ResourceArn=arn)["Policy"]) == {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": ["dynamodb:Query", "dynamodb:GetItem"],
                "Resource": "*",
            }
        ],
    }


@pytest.mark.parametrize(
    ("resource_arn", "code", "message"),
    [
        ("Users", "ValidationException", _INVALID + "ARNs must start with 'arn:': Users"),
        (
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Users",
            "ValidationException",
            _INVALID + f"Invalid resource Arn: arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Users",
        ),
        (
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Users/index/byName",
            "ValidationException",
            _INVALID + "Invalid resource arn provided, only table or stream is accepted. "
            f"Provided resource arn: arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Users/index/byName",
        ),
        (
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Users/backup/01700000000000-abcdefgh",
            "ValidationException",
            _INVALID + "Provided Arn is not a DynamoDB resource arn: "
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Users/backup/01700000000000-abcdefgh",
        ),
        (
            f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/Users/stream/2000-01-01T00:00:00.000",
            "ResourceNotFoundException",
            "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for "
            "Table: Users",
        ),
    ],
)
def test_resource_arns_that_name_no_table_or_stream(
    ddb: Any, arn: str, resource_arn: str, code: str, message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=resource_arn)
    assert error(raised) == (code, message)


def test_a_stream_has_its_own_policy_slot(ddb: Any, arn: str) -> None:
    stream_arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    revision = ddb.put_resource_policy(
        ResourceArn=stream_arn, Policy=policy("dynamodb:GetRecords")
    )["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=stream_arn)["RevisionId"] == revision
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=arn)
    assert error(raised)[0] == "PolicyNotFoundException"
    with pytest.raises(ClientError) as raised:
        ddb.put_resource_policy(
            ResourceArn=stream_arn, Policy=policy(), ExpectedRevisionId="NO_POLICY"
        )
    assert error(raised)[1].endswith(
        f"expecting none to be present for stream {stream_arn.rsplit('/', 1)[1]}, but a policy "
        f"exists with revision id {revision}."
    )


def test_create_table_attaches_its_resource_policy(dynastream: MockStreams, ddb: Any) -> None:
    created = ddb.create_table(
        TableName="Guarded",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        ResourcePolicy=policy("dynamodb:GetItem"),
    )["TableDescription"]
    assert not [key for key in created if "Polic" in key or "Revision" in key]
    got = ddb.get_resource_policy(ResourceArn=created["TableArn"])
    assert json.loads(got["Policy"])["Statement"][0]["Action"] == "dynamodb:GetItem"
    assert int(got["RevisionId"]) >= int(created["CreationDateTime"].timestamp() * 1000) - 1


def test_create_table_with_a_malformed_policy_creates_nothing(
    dynastream: MockStreams, ddb: Any
) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.create_table(
            TableName="Guarded",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            ResourcePolicy="{not json",
        )
    assert error(raised) == (
        "ValidationException",
        _INVALID + "Invalid policy document: This policy contains invalid Json",
    )
    assert ddb.list_tables()["TableNames"] == []


def test_deleting_the_table_removes_its_policy(ddb: Any, arn: str) -> None:
    stream_arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
    ddb.put_resource_policy(ResourceArn=arn, Policy=policy())
    stream_revision = ddb.put_resource_policy(
        ResourceArn=stream_arn, Policy=policy("dynamodb:GetRecords")
    )["RevisionId"]
    ddb.delete_table(TableName="Users")
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=arn)
    assert error(raised) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: Users not found",
    )
    # A stream outlives its table, and so does its policy ("you can modify or delete a
    # policy after a table is deleted": developer guide, stream policies).
    assert ddb.get_resource_policy(ResourceArn=stream_arn)["RevisionId"] == stream_revision
    create_stream_table(ddb, view_type=None)
    with pytest.raises(ClientError) as raised:
        ddb.get_resource_policy(ResourceArn=arn)
    assert error(raised)[0] == "PolicyNotFoundException"


def test_a_deleting_table_keeps_its_policy_readable_but_unchangeable() -> None:
    with mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = create_stream_table(ddb)["TableArn"]
        mock.clock.advance(seconds=5)
        revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy())["RevisionId"]
        ddb.delete_table(TableName="Users")
        assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == revision
        for call in (
            lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=policy("dynamodb:GetItem")),
            lambda: ddb.delete_resource_policy(ResourceArn=arn),
        ):
            with pytest.raises(ClientError) as raised:
                call()
            assert error(raised) == (
                "ResourceInUseException",
                "Attempt to change a resource which is still in use: Table is being deleted: Users",
            )
