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


# -- ImportTable, DescribeImport, ListImports -----------------------------------------------

_IMPORT_TABLE = {
    "TableName": "Imported",
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "n", "AttributeType": "N"},
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "n", "KeyType": "RANGE"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


def _line(pk: str, n: int, **extra: str) -> str:
    item = {"pk": {"S": pk}, "n": {"N": str(n)}, **{k: {"S": v} for k, v in extra.items()}}
    return json.dumps({"Item": item})


def _import(ddb: Any, bucket: str = "imports", **overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "S3BucketSource": {"S3Bucket": bucket},
        "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": _IMPORT_TABLE,
        **overrides,
    }
    description: dict[str, Any] = ddb.import_table(**request)["ImportTableDescription"]
    return description


def _scan_keys(ddb: Any, name: str = "Imported") -> list[tuple[str, str]]:
    items = ddb.scan(TableName=name)["Items"]
    return sorted((item["pk"]["S"], item["n"]["N"]) for item in items)


@pytest.fixture
def s3_world() -> Any:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams() as mock:
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="imports", CreateBucketConfiguration={"LocationConstraint": REGION})
        yield mock, boto3.client("dynamodb", region_name=REGION), s3


def test_import_reads_every_object_under_the_prefix_as_a_stream_of_items(s3_world: Any) -> None:
    _, ddb, s3 = s3_world
    # One object per line, two on one line, blank lines between: all DYNAMODB_JSON.
    body = "\n".join([_line("a", 1), "", "   ", _line("a", 2) + _line("b", 1)]) + "\n"
    s3.put_object(Bucket="imports", Key="in/one.json", Body=body.encode())
    s3.put_object(Bucket="imports", Key="in/empty", Body=b"")
    s3.put_object(Bucket="imports", Key="elsewhere.json", Body=_line("z", 9).encode())
    started = _import(ddb, S3BucketSource={"S3Bucket": "imports", "S3KeyPrefix": "in/"})
    described = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert described["ImportStatus"] == "COMPLETED"
    assert (described["ProcessedItemCount"], described["ImportedItemCount"]) == (3, 3)
    assert described["ErrorCount"] == 0
    assert described["ProcessedSizeBytes"] == len(body)
    assert described["InputCompressionType"] == "NONE"
    assert described["TableCreationParameters"] == _IMPORT_TABLE
    assert described["ImportArn"].startswith(described["TableArn"] + "/import/")
    table = ddb.describe_table(TableName="Imported")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableId"] == started["TableId"]
    assert "StreamSpecification" not in table
    assert _scan_keys(ddb) == [("a", "1"), ("a", "2"), ("b", "1")]


def test_import_of_an_export_round_trips_the_items(s3_world: Any) -> None:
    _, ddb, _ = s3_world
    arn = _with_pitr(ddb)
    for user in ("u1", "u2"):
        ddb.put_item(TableName="Users", Item={"id": {"S": user}, "tags": {"SS": ["x", "y"]}})
    export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="imports")
    export_id = export["ExportDescription"]["ExportArn"].rsplit("/", 1)[1]
    users = {
        "TableName": "UsersCopy",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    source = {"S3Bucket": "imports", "S3KeyPrefix": f"AWSDynamoDB/{export_id}/data/"}
    done = _import(
        ddb, S3BucketSource=source, InputCompressionType="GZIP", TableCreationParameters=users
    )
    assert (
        ddb.describe_import(ImportArn=done["ImportArn"])["ImportTableDescription"][
            "ImportedItemCount"
        ]
        == 2
    )
    copied = ddb.scan(TableName="UsersCopy")["Items"]
    assert sorted(copied, key=lambda item: item["id"]["S"]) == sorted(
        ddb.scan(TableName="Users")["Items"], key=lambda item: item["id"]["S"]
    )


def test_a_bad_record_abandons_its_object_and_fails_the_import_keeping_good_items(
    s3_world: Any,
) -> None:
    _, ddb, s3 = s3_world
    s3.put_object(Bucket="imports", Key="1-good", Body=(_line("a", 1) + "\n").encode())
    bad = "\n".join([_line("b", 1), '{"NotAnItem": {}}', _line("b", 2)])
    s3.put_object(Bucket="imports", Key="2-bad", Body=bad.encode())
    s3.put_object(
        Bucket="imports", Key="3-wrong-type", Body=b'{"Item": {"pk": {"S": "c"}, "n": {"S": "1"}}}'
    )
    s3.put_object(Bucket="imports", Key="4-not-json", Body=b'{"Item": ')
    started = _import(ddb)
    described = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert described["ImportStatus"] == "FAILED"
    assert described["FailureCode"] == "ItemValidationError"
    assert described["ErrorCount"] == 3
    assert described["ImportedItemCount"] == 2
    assert described["ProcessedItemCount"] == 5
    assert _scan_keys(ddb) == [("a", "1"), ("b", "1")]


def test_import_from_a_missing_bucket_fails_and_leaves_no_table() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        started = _import(ddb, bucket="nowhere")
        described = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
        assert described["ImportStatus"] == "FAILED"
        assert described["FailureCode"] == "S3NoSuchBucket"
        assert "The specified bucket does not exist" in described["FailureMessage"]
        assert (described["ProcessedItemCount"], described["ErrorCount"]) == (0, 0)
        assert ddb.list_tables()["TableNames"] == []


def test_csv_import_types_key_columns_by_their_definitions_and_the_rest_as_strings(
    s3_world: Any,
) -> None:
    _, ddb, s3 = s3_world
    s3.put_object(Bucket="imports", Key="rows.csv", Body=b"a;1;hello\nb;2.50;\n")
    options = {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "n", "note"]}}
    _import(ddb, InputFormat="CSV", InputFormatOptions=options)
    item = ddb.get_item(TableName="Imported", Key={"pk": {"S": "b"}, "n": {"N": "2.5"}})["Item"]
    assert item == {"pk": {"S": "b"}, "n": {"N": "2.5"}, "note": {"S": ""}}
    s3.put_object(Bucket="imports", Key="header.csv", Body=b"pk,n,note\nc,3,x\n")
    copy = dict(_IMPORT_TABLE, TableName="FromHeader")
    _import(
        ddb,
        InputFormat="CSV",
        TableCreationParameters=copy,
        S3BucketSource={"S3Bucket": "imports", "S3KeyPrefix": "header"},
    )
    assert ddb.scan(TableName="FromHeader")["Items"] == [
        {"pk": {"S": "c"}, "n": {"N": "3"}, "note": {"S": "x"}}
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"TableCreationParameters": dict(_IMPORT_TABLE, BillingMode="PROVISIONED")},
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
        (
            {"InputFormatOptions": {"Csv": {"Delimiter": ","}}},
            "InputFormatOptions.Csv can only be specified when InputFormat is CSV",
        ),
        (
            {"InputFormat": "ION"},
            "dynastream_mock does not support InputFormat ION yet; import DYNAMODB_JSON "
            "or CSV, uncompressed or GZIP",
        ),
    ],
)
def test_import_refuses_bad_requests_with_validation_exception_and_changes_nothing(
    overrides: dict[str, Any], message: str
) -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        with pytest.raises(ClientError) as raised:
            _import(ddb, **overrides)
        assert raised.value.response["Error"]["Code"] == "ValidationException"
        assert raised.value.response["Error"]["Message"] == message
        assert ddb.list_imports()["ImportSummaryList"] == []
        assert ddb.list_tables()["TableNames"] == []


def test_import_into_an_existing_table_and_client_token_reuse(s3_world: Any) -> None:
    _, ddb, _ = s3_world
    first = _import(ddb, ClientToken="token-1")
    with pytest.raises(ClientError) as in_use:
        _import(ddb, ClientToken="token-1")
    assert in_use.value.response["Error"]["Code"] == "ResourceInUseException"
    assert in_use.value.response["Error"]["Message"] == "Table already exists: Imported"
    with pytest.raises(ClientError) as conflict:
        _import(
            ddb,
            ClientToken="token-1",
            TableCreationParameters=dict(_IMPORT_TABLE, TableName="Other"),
        )
    assert conflict.value.response["Error"]["Code"] == "ImportConflictException"
    assert [s["ImportArn"] for s in ddb.list_imports()["ImportSummaryList"]] == [first["ImportArn"]]


def test_import_in_progress_shows_no_counters_and_a_creating_table() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_streams(transitions=5) as mock:
        mock.clock.freeze()
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="imports", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="imports", Key="a", Body=_line("a", 1).encode())
        ddb = boto3.client("dynamodb", region_name=REGION)
        started = _import(ddb)
        assert started["ImportStatus"] == "IN_PROGRESS"
        assert started["ImportedItemCount"] == 0
        assert "EndTime" not in started and "ProcessedSizeBytes" not in started
        assert ddb.describe_table(TableName="Imported")["Table"]["TableStatus"] == "CREATING"
        mock.clock.advance(seconds=5)
        ended = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
        assert (ended["ImportStatus"], ended["ImportedItemCount"]) == ("COMPLETED", 1)
        assert ended["EndTime"] > ended["StartTime"]
        assert _scan_keys(ddb) == [("a", "1")]


def test_list_imports_pages_filters_by_table_and_summarises(s3_world: Any) -> None:
    _, ddb, _ = s3_world
    arns = [
        _import(ddb, TableCreationParameters=dict(_IMPORT_TABLE, TableName=f"Table{i}"))[
            "ImportArn"
        ]
        for i in range(3)
    ]
    first = ddb.list_imports(PageSize=2)
    assert [s["ImportArn"] for s in first["ImportSummaryList"]] == arns[:2]
    rest = ddb.list_imports(PageSize=2, NextToken=first["NextToken"])
    assert [s["ImportArn"] for s in rest["ImportSummaryList"]] == arns[2:]
    assert "NextToken" not in rest
    table_arn = arns[1].rsplit("/import/", 1)[0]
    (summary,) = ddb.list_imports(TableArn=table_arn)["ImportSummaryList"]
    assert set(summary) == {
        "ImportArn",
        "ImportStatus",
        "TableArn",
        "S3BucketSource",
        "CloudWatchLogGroupArn",
        "InputFormat",
        "StartTime",
        "EndTime",
    }
    with pytest.raises(ClientError) as too_big:
        ddb.list_imports(PageSize=26)
    assert too_big.value.response["Error"]["Code"] == "ValidationException"


def test_describe_import_not_found_and_malformed_arn() -> None:
    with mock_streams():
        ddb = boto3.client("dynamodb", region_name=REGION)
        arn = f"arn:aws:dynamodb:{REGION}:123456789012:table/Nope/import/01658528578619-c4d4e311"
        with pytest.raises(ClientError) as missing:
            ddb.describe_import(ImportArn=arn)
        assert missing.value.response["Error"]["Code"] == "ImportNotFoundException"
        with pytest.raises(ClientError) as malformed:
            ddb.describe_import(ImportArn="arn:aws:dynamodb:us-east-1:123456789012:nothing-here")
        assert malformed.value.response["Error"]["Code"] == "ValidationException"


def test_gzip_import_counts_uncompressed_bytes_and_an_object_not_gzip_as_one_error(
    s3_world: Any,
) -> None:
    _, ddb, s3 = s3_world
    body = (_line("a", 1) + "\n").encode()
    s3.put_object(Bucket="imports", Key="1.json.gz", Body=gzip.compress(body))
    s3.put_object(Bucket="imports", Key="2.json", Body=body)
    started = _import(ddb, InputCompressionType="GZIP")
    described = ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]
    assert described["ProcessedSizeBytes"] == len(body)
    assert (described["ImportedItemCount"], described["ErrorCount"]) == (1, 1)
    assert described["FailureCode"] == "ItemValidationError"
    assert _scan_keys(ddb) == [("a", "1")]
