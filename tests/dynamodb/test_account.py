"""DescribeLimits, DescribeEndpoints, and the clear error for operations not supported."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from dynastream_mock import MockStreams


def test_describe_limits_answers_the_default_quotas(ddb: Any) -> None:
    limits = ddb.describe_limits()
    assert {key: value for key, value in limits.items() if key != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


@pytest.mark.in_process_only("DescribeEndpoints answers each door's own address")
@pytest.mark.parametrize(
    ("region", "address"),
    [
        ("eu-west-1", "dynamodb.eu-west-1.amazonaws.com"),
        ("cn-north-1", "dynamodb.cn-north-1.amazonaws.com.cn"),
    ],
)
def test_describe_endpoints_answers_the_regional_endpoint(
    dynastream: MockStreams, region: str, address: str
) -> None:
    ddb = boto3.client("dynamodb", region_name=region)
    assert ddb.describe_endpoints()["Endpoints"] == [
        {"Address": address, "CachePeriodInMinutes": 1440}
    ]


def test_endpoint_discovery_keeps_talking_to_the_mock(dynastream: MockStreams) -> None:
    ddb = boto3.client(
        "dynamodb", region_name="eu-west-1", config=Config(endpoint_discovery_enabled=True)
    )
    ddb.create_table(
        TableName="Orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="Orders", Item={"id": {"S": "a"}})
    assert ddb.get_item(TableName="Orders", Key={"id": {"S": "a"}})["Item"] == {"id": {"S": "a"}}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("describe_table_replica_auto_scaling", {"TableName": "Orders"}),
        ("describe_contributor_insights", {"TableName": "Orders"}),
        ("create_global_table", {"GlobalTableName": "Orders", "ReplicationGroup": []}),
        ("list_contributor_insights", {}),
    ],
)
def test_unsupported_operations_answer_a_clear_error(
    ddb: Any, operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(ddb, operation)(**params)
    code = raised.value.response["Error"]["Code"]
    message = raised.value.response["Error"]["Message"]
    assert code == "UnknownOperationException"
    name = raised.value.operation_name
    assert message.startswith(f"dynastream_mock does not support {name} yet; ")
    assert "PutItem" in message and "TagResource" in message
