"""Exports to S3: ExportTableToPointInTime, DescribeExport, ListExports.

A FULL_EXPORT writes the table as it was at ExportTime (from its point-in-time recovery
history) in AWS's layout (Developer Guide, "DynamoDB table export output format"):
``<prefix>/AWSDynamoDB/<ExportId>/`` holds ``_started``, ``data/<name>.json.gz`` (one
``{"Item": ...}`` line per item), ``manifest-files.json`` and ``manifest-summary.json``.
The objects are written when the export is requested; its status is IN_PROGRESS for
``transitions`` on the virtual clock, then COMPLETED, or FAILED with S3NoSuchBucket when
the bucket does not exist (as AWS answers: the request itself succeeds). The bucket is
S3's as the outside-services port gives it (moto's while ``mock_aws`` is active); without
one every bucket is missing.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
from datetime import datetime, timezone
from typing import Any

from ..backend import due
from ..backend.exports import TableExport, export_arn, new_transfer_id
from ..backend.world import RegionWorld
from ..clock import epoch_seconds
from ..errors import (
    ExportConflictException,
    ExportNotFoundException,
    InvalidExportTimeException,
    PointInTimeRecoveryUnavailableException,
    TableNotFoundException,
    ValidationException,
)
from .outside import NoSuchBucket, ObjectStore, OutsideFinder, no_bucket_message
from .router import Params, Result, handles, handles_outside
from .transactions import request_fingerprint


def _iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _data_file_name() -> str:
    # AWS names data files with 26 lowercase base32 characters.
    return base64.b32encode(secrets.token_bytes(16)).decode()[:26].lower()


def _description(world: RegionWorld, export: TableExport) -> dict[str, Any]:
    now = world.now_ms()
    status = export.status(now)
    described: dict[str, Any] = {
        "ExportArn": export.arn,
        "ExportStatus": status,
        "StartTime": epoch_seconds(export.started_ms),
        "TableArn": export.table_arn,
        "TableId": export.table_id,
        "ExportTime": epoch_seconds(export.export_time_ms),
        "ClientToken": export.client_token,
        "S3Bucket": export.bucket,
        "S3SseAlgorithm": export.sse_algorithm or "AES256",
        "ExportFormat": export.export_format,
        "ExportType": export.export_type,
    }
    if export.prefix is not None:
        described["S3Prefix"] = export.prefix
    if export.bucket_owner is not None:
        described["S3BucketOwner"] = export.bucket_owner
    if status != "IN_PROGRESS":
        described["EndTime"] = epoch_seconds(export.done_ms)
        if export.failure_code is None:
            described["ExportManifest"] = export.manifest_key
            described["ItemCount"] = export.item_count
            described["BilledSizeBytes"] = export.billed_size_bytes
        else:
            described["FailureCode"] = export.failure_code
            described["FailureMessage"] = export.failure_message
    return described


def _write(store: ObjectStore, export: TableExport, lines: list[str]) -> None:
    base = f"AWSDynamoDB/{export.export_id}/"
    if export.prefix:
        base = f"{export.prefix.rstrip('/')}/{base}"
    bucket = export.bucket
    store.put_object(bucket, base + "_started", b"")
    data = gzip.compress("".join(line + "\n" for line in lines).encode())
    data_key = f"{base}data/{_data_file_name()}.json.gz"
    etag = store.put_object(bucket, data_key, data)
    files = json.dumps(
        {
            "itemCount": export.item_count,
            "md5": base64.b64encode(hashlib.md5(data).digest()).decode(),
            "etag": etag,
            "dataFileS3Key": data_key,
        }
    )
    files_key = base + "manifest-files.json"
    store.put_object(bucket, files_key, (files + "\n").encode())
    summary = {
        "version": "2020-06-30",
        "exportArn": export.arn,
        "startTime": _iso(export.started_ms),
        "endTime": _iso(export.done_ms),
        "tableArn": export.table_arn,
        "tableId": export.table_id,
        "exportTime": _iso(export.export_time_ms),
        "s3Bucket": bucket,
        "s3Prefix": export.prefix,
        "s3SseAlgorithm": export.sse_algorithm or "AES256",
        "s3SseKmsKeyId": None,
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": export.billed_size_bytes,
        "itemCount": export.item_count,
        "outputFormat": export.export_format,
        "exportType": export.export_type,
    }
    export.manifest_key = base + "manifest-summary.json"
    store.put_object(bucket, export.manifest_key, json.dumps(summary).encode())


@handles_outside("dynamodb", "ExportTableToPointInTime")
def export_table_to_point_in_time(
    world: RegionWorld, params: Params, outside: OutsideFinder
) -> Result:
    export_type = params.get("ExportType") or "FULL_EXPORT"
    export_format = params.get("ExportFormat") or "DYNAMODB_JSON"
    unsupported = [
        name
        for name, wanted in (
            ("ExportType INCREMENTAL_EXPORT", export_type == "INCREMENTAL_EXPORT"),
            ("ExportFormat ION", export_format == "ION"),
            ("FilterSpecification", params.get("FilterSpecification") is not None),
        )
        if wanted
    ]
    if unsupported:
        raise ValidationException(
            f"dynastream_mock does not support {', '.join(unsupported)} yet; export a "
            "FULL_EXPORT in DYNAMODB_JSON"
        )
    arn = params["TableArn"]
    table = world.find_table(arn)
    if table is None or table.deleting_at_ms is not None:
        raise TableNotFoundException(f"Table not found: {arn}")
    recovery = world.recovery.get(table.definition.table_id)
    if recovery is None:
        raise PointInTimeRecoveryUnavailableException(
            f"Point in time recovery is not enabled for table '{table.name}'"
        )
    fingerprint = request_fingerprint({k: v for k, v in params.items() if k != "ClientToken"})
    token = params.get("ClientToken")
    if token is not None:
        for earlier in world.exports.values():
            if earlier.client_token == token and earlier.table_arn == table.arn:
                if earlier.fingerprint != fingerprint:
                    raise ExportConflictException(
                        "There was a conflict when writing to the specified S3 bucket: "
                        f"ClientToken {token} was used with different parameters"
                    )
                return {"ExportDescription": _description(world, earlier)}
    now = world.now_ms()
    requested = params.get("ExportTime")
    at_ms = now if requested is None else round(requested * 1000)
    earliest = recovery.earliest_ms(now)
    if not earliest <= at_ms <= now:
        raise InvalidExportTimeException(
            f"Export time {epoch_seconds(at_ms)} is outside the point in time recovery window of "
            f"table '{table.name}' ({epoch_seconds(earliest)} to {epoch_seconds(now)})"
        )
    export_id = new_transfer_id(now)
    export = TableExport(
        arn=export_arn(table.arn, export_id),
        export_id=export_id,
        table_arn=table.arn,
        table_id=table.definition.table_id,
        table_name=table.name,
        started_ms=now,
        done_ms=due.transition_done(now, world.settings),
        export_time_ms=at_ms,
        bucket=params["S3Bucket"],
        prefix=params.get("S3Prefix"),
        export_format=export_format,
        export_type=export_type,
        client_token=token or secrets.token_hex(16),
        fingerprint=fingerprint,
        sse_algorithm=params.get("S3SseAlgorithm"),
        bucket_owner=params.get("S3BucketOwner"),
    )
    snapshot = recovery.items_at(table, at_ms)
    export.item_count = len(snapshot)
    export.billed_size_bytes = sum(size for _, _, size in snapshot)
    services = outside(world.region)
    try:
        if services is None:
            raise NoSuchBucket(export.bucket)
        _write(services.s3, export, [json.dumps({"Item": item}) for _, item, _ in snapshot])
    except NoSuchBucket:
        export.failure_code = "S3NoSuchBucket"
        export.failure_message = no_bucket_message(services is not None)
        export.item_count = export.billed_size_bytes = 0
    world.exports[export.arn] = export
    return {"ExportDescription": _description(world, export)}


@handles("dynamodb", "DescribeExport")
def describe_export(world: RegionWorld, params: Params) -> Result:
    export = world.exports.get(params["ExportArn"])
    if export is None:
        raise ExportNotFoundException(f"Export not found: {params['ExportArn']}")
    return {"ExportDescription": _description(world, export)}


@handles("dynamodb", "ListExports")
def list_exports(world: RegionWorld, params: Params) -> Result:
    table_arn = params.get("TableArn")
    chosen = [e for e in world.exports.values() if table_arn is None or e.table_arn == table_arn]
    token = params.get("NextToken")
    if token is not None:
        arns = [e.arn for e in chosen]
        chosen = chosen[arns.index(token) :] if token in arns else []
    limit = params.get("MaxResults") or 25
    now = world.now_ms()
    result: Result = {
        "ExportSummaries": [
            {"ExportArn": e.arn, "ExportStatus": e.status(now), "ExportType": e.export_type}
            for e in chosen[:limit]
        ]
    }
    if len(chosen) > limit:
        result["NextToken"] = chosen[limit].arn
    return result
