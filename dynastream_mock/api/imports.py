"""Imports from S3 into a new table: ImportTable, DescribeImport, ListImports.

What AWS does, as measured against it (a public conformance suite, and moto's tests marked
as verified on AWS): the request validates TableCreationParameters as CreateTable would and
refuses a table name in use; every object under ``S3KeyPrefix`` is read (decompressed when
``InputCompressionType`` is GZIP); DYNAMODB_JSON is a stream of ``{"Item": ...}`` objects,
blank lines ignored; CSV rows take their column names from ``HeaderList`` or the first row,
key attributes typed by the AttributeDefinitions and every other column a string. The
first record that cannot become an item counts one error and abandons the rest of its
object; an import with any error ends FAILED with ItemValidationError but keeps its table
and every item that was good. A missing bucket fails the import with S3NoSuchBucket and
leaves no table. The counters stay zero, EndTime and ProcessedSizeBytes absent, until the
import ends (``transitions`` after the request on the virtual clock). A ClientToken
reused for another table name is an ImportConflictException; reused otherwise, the
original import is answered. Imported items make no stream records: the table has no
stream.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import secrets
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

from ..backend import due, keys, values
from ..backend.arns import table_arn
from ..backend.changes import change_item
from ..backend.exports import TableImport, import_arn, new_transfer_id
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..clock import epoch_seconds
from ..errors import (
    AwsError,
    ImportConflictException,
    ImportNotFoundException,
    ResourceInUseException,
    ValidationException,
)
from .dynamodb_tables import table_creation
from .item_requests import check_item_size
from .outside import NoSuchBucket, ObjectStore, OutsideFinder, no_bucket_message
from .router import Params, Result, handles, handles_outside

_BAD_ITEMS = "Some of the items failed validation checks and were not imported"


class _BadRecord(Exception):
    """A record of an import object that cannot become an item of the table."""


def _log_group_arn(world: RegionWorld) -> str:
    return (
        f"arn:{world.partition}:logs:{world.region}:{world.account_id}:"
        "log-group:/aws-dynamodb/imports:*"
    )


def _description(world: RegionWorld, record: TableImport) -> dict[str, Any]:
    status = record.status(world.now_ms())
    described: dict[str, Any] = {
        "ImportArn": record.arn,
        "ImportStatus": status,
        "TableArn": record.table_arn,
        "TableId": record.table_id,
        "ClientToken": record.client_token,
        "S3BucketSource": record.bucket_source,
        "ErrorCount": 0,
        "CloudWatchLogGroupArn": _log_group_arn(world),
        "InputFormat": record.input_format,
        "InputCompressionType": record.compression,
        "TableCreationParameters": record.creation_parameters,
        "StartTime": epoch_seconds(record.started_ms),
        "ProcessedItemCount": 0,
        "ImportedItemCount": 0,
    }
    if record.input_format_options is not None:
        described["InputFormatOptions"] = record.input_format_options
    if status != "IN_PROGRESS":
        # The counters appear only once the import has ended (measured on AWS).
        described["EndTime"] = epoch_seconds(record.done_ms)
        described["ErrorCount"] = record.error_count
        described["ProcessedItemCount"] = record.processed_item_count
        described["ImportedItemCount"] = record.imported_item_count
        described["ProcessedSizeBytes"] = record.processed_size_bytes
        if record.failure_code is not None:
            described["FailureCode"] = record.failure_code
            described["FailureMessage"] = record.failure_message
    return described


def _check_request(params: Params) -> tuple[str, str]:
    input_format = params["InputFormat"]
    compression = params.get("InputCompressionType") or "NONE"
    unsupported = [
        name
        for name, wanted in (
            ("InputFormat ION", input_format == "ION"),
            ("InputCompressionType ZSTD", compression == "ZSTD"),
        )
        if wanted
    ]
    if unsupported:
        raise ValidationException(
            f"dynastream_mock does not support {', '.join(unsupported)} yet; import "
            "DYNAMODB_JSON or CSV, uncompressed or GZIP"
        )
    options = params.get("InputFormatOptions")
    if options is not None and options.get("Csv") is not None and input_format != "CSV":
        raise ValidationException(
            "InputFormatOptions.Csv can only be specified when InputFormat is CSV"
        )
    return input_format, compression


def _creation_params(params: Params) -> Params:
    creation = dict(params["TableCreationParameters"])
    if creation.get("VectorIndexes"):
        raise ValidationException(
            "dynastream_mock does not support VectorIndexes yet; import without them"
        )
    creation.pop("VectorIndexes", None)
    return creation


def _earlier_import(world: RegionWorld, token: str, table_name: str) -> TableImport | None:
    for earlier in world.imports.values():
        if earlier.client_token != token:
            continue
        if earlier.creation_parameters.get("TableName") != table_name:
            raise ImportConflictException("Duplicate request detected with conflicting parameters")
        return earlier
    return None


@handles_outside("dynamodb", "ImportTable")
def import_table(world: RegionWorld, params: Params, outside: OutsideFinder) -> Result:
    input_format, compression = _check_request(params)
    creation_params = _creation_params(params)
    name = creation_params["TableName"]
    if world.find_table(name) is not None:
        raise ResourceInUseException(f"Table already exists: {name}")
    token = params.get("ClientToken")
    if token is not None:
        earlier = _earlier_import(world, token, name)
        if earlier is not None:
            return {"ImportTableDescription": _description(world, earlier)}
    creation = table_creation(world, creation_params)
    now = world.now_ms()
    arn_of_table = table_arn(world.partition, world.region, world.account_id, name)
    source = params["S3BucketSource"]
    record = TableImport(
        arn=import_arn(arn_of_table, new_transfer_id(now)),
        table_arn=arn_of_table,
        table_id=str(uuid.uuid4()),
        started_ms=now,
        done_ms=due.transition_done(now, world.settings),
        client_token=token or secrets.token_hex(16),
        bucket_source=dict(source),
        input_format=input_format,
        input_format_options=params.get("InputFormatOptions"),
        compression=compression,
        creation_parameters=params["TableCreationParameters"],
    )
    services = outside(world.region)
    try:
        if services is None:
            raise NoSuchBucket(source["S3Bucket"])
        objects = _read_objects(services.s3, source)
    except NoSuchBucket:
        record.failure_code = "S3NoSuchBucket"
        record.failure_message = no_bucket_message(services is not None)
    else:
        _load(world, creation.create(world, table_id=record.table_id), record, objects)
    world.imports[record.arn] = record
    return {"ImportTableDescription": _description(world, record)}


def _read_objects(store: ObjectStore, source: Params) -> list[bytes]:
    bucket = source["S3Bucket"]
    chosen = [
        key for key in store.list_keys(bucket, source.get("S3KeyPrefix") or "") if key[-1:] != "/"
    ]
    return [store.get_object(bucket, key) for key in chosen]


def _gunzip(body: bytes) -> bytes:
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error) as error:
        raise _BadRecord() from error  # not gzip after all: the object's one error


def _load(world: RegionWorld, table: Table, record: TableImport, objects: list[bytes]) -> None:
    for body in objects:
        try:
            if record.compression == "GZIP":
                body = _gunzip(body)
            # Counted uncompressed (measured on AWS).
            record.processed_size_bytes += len(body)
            records = (
                _csv_items(body, record, table)
                if record.input_format == "CSV"
                else _json_items(body)
            )
            for raw in records:
                item, size = _checked_item(table, raw)
                change_item(world, table, keys.key_of_item(table.key_schema, item), item, size)
                record.imported_item_count += 1
        except _BadRecord:
            # The first bad record abandons the rest of its object (measured on AWS).
            record.error_count += 1
    # Every record read is processed: imported, or one error (measured on AWS).
    record.processed_item_count = record.imported_item_count + record.error_count
    if record.error_count:
        record.failure_code = "ItemValidationError"
        record.failure_message = _BAD_ITEMS


def _checked_item(table: Table, raw: object) -> tuple[values.Item, int]:
    if not isinstance(raw, dict) or any(not isinstance(name, str) or not name for name in raw):
        raise _BadRecord()
    try:
        item = values.normalize_item(raw)
        size = check_item_size(item)
        keys.key_of_item(table.key_schema, item)
        table.check_index_keys(item)
    except (AwsError, TypeError, ValueError, AttributeError) as error:
        raise _BadRecord() from error
    return item, size


def _json_items(body: bytes) -> Iterator[object]:
    """The ``Item`` of each JSON object in ``body``, in order; blank space between them."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _BadRecord() from error
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            raise _BadRecord() from None
        if not isinstance(document, dict) or set(document) != {"Item"}:
            raise _BadRecord()
        yield document["Item"]


def _csv_items(body: bytes, record: TableImport, table: Table) -> Iterator[object]:
    """Each CSV row as an item: key attributes typed by the table's definitions."""
    options: dict[str, Any] = (record.input_format_options or {}).get("Csv") or {}
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _BadRecord() from error
    reader = csv.reader(io.StringIO(text), delimiter=options.get("Delimiter") or ",")
    header: list[str] | None = options.get("HeaderList")
    types = table.definition.attribute_definitions
    try:
        for row in reader:
            if not row:
                continue
            if header is None:
                header = row
                continue
            if len(row) != len(header):
                raise _BadRecord()
            yield {
                name: {types.get(name, "S"): cell} for name, cell in zip(header, row, strict=True)
            }
    except csv.Error:
        raise _BadRecord() from None


@handles("dynamodb", "DescribeImport")
def describe_import(world: RegionWorld, params: Params) -> Result:
    arn = params["ImportArn"]
    table_part, separator, _ = arn.rpartition("/import/")
    if not separator or "table/" not in table_part:
        raise ValidationException(f"Invalid Import ARN: {arn}")
    record = world.imports.get(arn)
    if record is None:
        raise ImportNotFoundException(f"Import not found: {arn}")
    return {"ImportTableDescription": _description(world, record)}


@handles("dynamodb", "ListImports")
def list_imports(world: RegionWorld, params: Params) -> Result:
    table_arn_wanted = params.get("TableArn")
    chosen = [
        record
        for record in world.imports.values()
        if table_arn_wanted is None or record.table_arn == table_arn_wanted
    ]
    token = params.get("NextToken")
    if token is not None:
        arns = [record.arn for record in chosen]
        start = _arn_of_token(token)
        if start not in arns:
            raise ValidationException(f"Invalid NextToken: {token}")
        chosen = chosen[arns.index(start) :]
    limit = params.get("PageSize") or 25
    result: Result = {"ImportSummaryList": [_summary(world, record) for record in chosen[:limit]]}
    if len(chosen) > limit:
        result["NextToken"] = _token_of_arn(chosen[limit].arn)
    return result


def _token_of_arn(arn: str) -> str:
    # ListImports' tokens are 112 to 1024 hex digits in groups of 16 (botocore's model).
    digits = arn.encode().hex()
    return digits.ljust(max(112, -(-len(digits) // 16) * 16), "0")


def _arn_of_token(token: str) -> str:
    try:
        return bytes.fromhex(token).rstrip(b"\0").decode()
    except ValueError:
        return ""


def _summary(world: RegionWorld, record: TableImport) -> dict[str, Any]:
    described = _description(world, record)
    return {
        name: described[name]
        for name in (
            "ImportArn",
            "ImportStatus",
            "TableArn",
            "S3BucketSource",
            "CloudWatchLogGroupArn",
            "InputFormat",
            "StartTime",
            "EndTime",
        )
        if name in described
    }
