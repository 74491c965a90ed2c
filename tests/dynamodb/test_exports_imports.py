"""ExportTableToPointInTime, DescribeExport, ListExports through boto3, with and without
moto's S3 (Developer Guide, "DynamoDB table export output format"; API reference,
ExportTableToPointInTime)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from helpers import REGION, create_stream_table

from dynastream_mock import mock_streams


def _with_pitr(ddb: Any) -> str:
    arn: str = create_stream_table(ddb, "Users")["TableArn"]
    ddb.update_continuous_backups(
        TableName="Users",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    return arn


def test_export_without_pitr_raises_point_in_time_recovery_unavailable() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = create_stream_table(ddb, "Users")["TableArn"]
        with pytest.raises(ClientError) as raised:
            ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="exports")
        assert raised.value.response["Error"]["Code"] == "PointInTimeRecoveryUnavailableException"
        assert raised.value.response["Error"]["Message"] == (
            "Point in time recovery is not enabled for table 'Users'"
        )


def test_export_of_a_missing_table_raises_table_not_found() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = f"arn:aws:dynamodb:{REGION}:123456789012:table/Nope"
        with pytest.raises(ClientError) as raised:
            ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="exports")
        assert raised.value.response["Error"]["Code"] == "TableNotFoundException"
        assert raised.value.response["Error"]["Message"] == f"Table not found: {arn}"


def test_export_without_s3_fails_with_s3_no_such_bucket() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = _with_pitr(ddb)
        export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="exports")
        described = ddb.describe_export(ExportArn=export["ExportDescription"]["ExportArn"])
        assert described["ExportDescription"]["ExportStatus"] == "FAILED"
        assert described["ExportDescription"]["FailureCode"] == "S3NoSuchBucket"
        assert (
            "The specified bucket does not exist"
            in (described["ExportDescription"]["FailureMessage"])
        )


def test_export_to_moto_s3_writes_aws_layout_and_lists_by_table() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams() as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="exports", CreateBucketConfiguration={"LocationConstraint": REGION})
        arn = _with_pitr(ddb)
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "b": {"B": b"bar"}})
        export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="exports", S3Prefix="p")[
            "ExportDescription"
        ]
        assert export["ExportStatus"] == "COMPLETED"
        assert export["ItemCount"] == 1
        assert export["ExportArn"].startswith(arn + "/export/")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="exports")["Contents"]]
        export_id = export["ExportArn"].rsplit("/", 1)[1]
        assert f"p/AWSDynamoDB/{export_id}/manifest-summary.json" in keys
        assert f"p/AWSDynamoDB/{export_id}/manifest-files.json" in keys
        files = s3.get_object(
            Bucket="exports", Key=f"p/AWSDynamoDB/{export_id}/manifest-files.json"
        )
        entry = json.loads(files["Body"].read())
        data = s3.get_object(Bucket="exports", Key=entry["dataFileS3Key"])["Body"].read()
        rows = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
        assert rows == [{"Item": {"id": {"S": "u1"}, "b": {"B": "YmFy"}}}]
        summaries = ddb.list_exports(TableArn=arn)["ExportSummaries"]
        assert summaries == [
            {
                "ExportArn": export["ExportArn"],
                "ExportStatus": "COMPLETED",
                "ExportType": "FULL_EXPORT",
            }
        ]
