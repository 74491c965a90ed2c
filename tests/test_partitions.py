"""One partition table, read from botocore's data: partition ids and DNS suffixes."""

from __future__ import annotations

import boto3
import pytest

from dynastream_mock import mock_streams
from dynastream_mock.partitions import dns_suffix, find_partition, partition_id, partitions


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("us-east-1", "aws", "amazonaws.com"),
        ("eu-west-1", "aws", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
    ],
)
def test_known_regions_are_in_their_partition(region: str, partition: str, suffix: str) -> None:
    assert partition_id(region) == partition
    assert dns_suffix(region) == suffix


def test_a_region_newer_than_botocore_is_placed_by_its_partitions_pattern() -> None:
    assert partition_id("cn-south-77") == "aws-cn"
    assert partition_id("us-gov-north-77") == "aws-us-gov"
    assert partition_id("eu-central-77") == "aws"


def test_an_unknown_region_falls_back_to_aws_as_botocore_does() -> None:
    assert partition_id("mars-base-1") == "aws"
    assert dns_suffix("mars-base-1") == "amazonaws.com"
    assert find_partition("mars-base-1", default=False) is None


def test_the_table_is_botocores() -> None:
    ids = [partition.id for partition in partitions()]
    assert ids[0] == "aws" and {"aws-cn", "aws-us-gov"} <= set(ids)
    assert partitions() is partitions()  # read once


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
    ],
)
def test_arns_and_endpoints_follow_the_region_partition(
    region: str, partition: str, suffix: str
) -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=region)
        ddb.create_table(
            TableName="Users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        arn = ddb.describe_table(TableName="Users")["Table"]["TableArn"]
        assert arn == f"arn:{partition}:dynamodb:{region}:123456789012:table/Users"
        address = ddb.describe_endpoints()["Endpoints"][0]["Address"]
        assert address == f"dynamodb.{region}.{suffix}"
