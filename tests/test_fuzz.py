"""Random and mutated requests: every answer is a well-formed AWS answer, never a 500."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from helpers import create_stream_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dynastream_mock import MockStreams, mock_streams
from dynastream_mock.models import service_model

REGION = "eu-west-1"
ENDPOINTS = {
    "dynamodb": (f"https://dynamodb.{REGION}.amazonaws.com/", "DynamoDB_20120810"),
    "dynamodbstreams": (
        f"https://streams.dynamodb.{REGION}.amazonaws.com/",
        "DynamoDBStreams_20120810",
    ),
}
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@cache
def operations(service: str) -> tuple[str, ...]:
    model = service_model(service)
    return tuple(sorted(model["operations"]))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
attribute_values = st.recursive(
    st.one_of(
        st.builds(lambda s: {"S": s}, st.text(max_size=10)),
        st.builds(lambda n: {"N": n}, st.from_regex(r"-?\d{1,45}(\.\d{0,5})?", fullmatch=True)),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}),
        st.builds(lambda s: {"SS": s}, st.lists(st.text(max_size=4), max_size=3)),
    ),
    lambda children: (
        st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=5), children, max_size=3))
        | st.builds(lambda items: {"L": items}, st.lists(children, max_size=3))
    ),
    max_leaves=8,
)
items = st.dictionaries(
    st.sampled_from(["id", "name", "n", "x"]), attribute_values | json_values, max_size=4
)


@pytest.fixture
def world() -> Iterator[MockStreams]:
    with mock_streams(max_readers_per_shard=None) as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_stream_table(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "keep"}, "n": {"N": "1"}})
        yield mock


def post(service: str, operation: str, body: bytes) -> requests.Response:
    url, prefix = ENDPOINTS[service]
    return requests.post(
        url,
        headers={
            "X-Amz-Target": f"{prefix}.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
        },
        data=body,
        timeout=10,
    )


def assert_well_formed(answer: requests.Response) -> None:
    assert answer.status_code in (200, 400), answer.text
    payload = answer.json()
    assert isinstance(payload, dict)
    if answer.status_code == 400:
        assert "#" in payload["__type"]
        assert isinstance(payload.get("message", ""), str)


def assert_world_intact() -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    item = ddb.get_item(TableName="Users", Key={"id": {"S": "keep"}}).get("Item")
    assert item is not None and item["n"] == {"N": "1"}
    ddb.put_item(TableName="Users", Item={"id": {"S": "after"}})
    assert "Item" in ddb.get_item(TableName="Users", Key={"id": {"S": "after"}})


@FUZZ
@given(
    service=st.sampled_from(sorted(ENDPOINTS)),
    data=st.data(),
    params=st.dictionaries(st.text(max_size=20), json_values, max_size=6),
)
def test_random_requests_get_aws_errors(
    world: MockStreams, service: str, data: st.DataObject, params: dict[str, Any]
) -> None:
    # Header values must be printable, or requests itself refuses to send them.
    names = st.text(alphabet=string.ascii_letters + string.digits + "._-", max_size=15)
    operation = data.draw(st.sampled_from(operations(service)) | names)

    assert_well_formed(post(service, operation, json.dumps(params).encode()))


@FUZZ
@given(body=st.binary(max_size=60) | st.text(max_size=60).map(str.encode))
def test_garbage_bodies_get_serialization_errors(world: MockStreams, body: bytes) -> None:
    assert_well_formed(post("dynamodb", "PutItem", body))


@FUZZ
@given(
    item=items,
    condition=st.sampled_from(
        [None, "attribute_not_exists(id)", "n > :v", "size(x) < :v", "begins_with(name, :v)"]
    ),
    value=attribute_values | json_values,
)
def test_mutated_writes_are_answered_and_keep_the_world_intact(
    world: MockStreams, item: dict[str, Any], condition: str | None, value: Any
) -> None:
    params: dict[str, Any] = {"TableName": "Users", "Item": {"id": {"S": "fuzz"}, **item}}
    if condition is not None:
        params["ConditionExpression"] = condition
        if ":v" in condition:
            params["ExpressionAttributeValues"] = {":v": value}

    assert_well_formed(post("dynamodb", "PutItem", json.dumps(params).encode()))
    assert_world_intact()


@FUZZ
@given(
    update=st.sampled_from(
        ["SET n = n + :v", "ADD n :v", "REMOVE x", "SET x = list_append(x, :v)", "DELETE tags :v"]
    ),
    value=attribute_values | json_values,
    key=st.sampled_from(["keep", "fuzz"]),
)
def test_mutated_updates_through_botocore_without_its_validation(
    world: MockStreams, update: str, value: Any, key: str
) -> None:
    ddb = boto3.client(
        "dynamodb",
        region_name=REGION,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )
    before = world.stream_records("Users")
    try:
        ddb.update_item(
            TableName="Users",
            Key={"id": {"S": key}},
            UpdateExpression=update,
            ExpressionAttributeValues={":v": value},
            ConditionExpression="attribute_exists(id)",
        )
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        # A failed request changes nothing and writes no record.
        assert world.stream_records("Users") == before
    except (ParamValidationError, TypeError, ValueError, AttributeError, KeyError):
        pass  # botocore itself could not serialise the value: nothing was sent
