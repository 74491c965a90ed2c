"""Exports of a table to S3 (ExportTableToPointInTime) and imports of a new table from S3
(ImportTable), kept on the virtual clock.

Either is IN_PROGRESS from its request until ``transitions`` later, then COMPLETED or
FAILED; what it writes or reads and whether it fails is settled when it is requested.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any


def new_transfer_id(now_ms: int) -> str:
    # AWS's export and import ids: the request time in milliseconds (14 digits) and eight
    # hex digits.
    return f"{now_ms:014d}-{secrets.token_hex(4)}"


def export_arn(table_arn: str, export_id: str) -> str:
    return f"{table_arn}/export/{export_id}"


def import_arn(table_arn: str, import_id: str) -> str:
    return f"{table_arn}/import/{import_id}"


@dataclass
class TableExport:
    """One export of a table to an S3 bucket."""

    arn: str
    export_id: str
    table_arn: str
    table_id: str
    table_name: str
    started_ms: int
    done_ms: int
    export_time_ms: int
    bucket: str
    prefix: str | None
    export_format: str
    export_type: str
    client_token: str
    fingerprint: str
    sse_algorithm: str | None = None
    bucket_owner: str | None = None
    item_count: int = 0
    billed_size_bytes: int = 0
    manifest_key: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None

    def status(self, now_ms: int) -> str:
        if now_ms < self.done_ms:
            return "IN_PROGRESS"
        return "FAILED" if self.failure_code is not None else "COMPLETED"


@dataclass
class TableImport:
    """One import of a new table from objects in an S3 bucket."""

    arn: str
    table_arn: str
    table_id: str | None
    started_ms: int
    done_ms: int
    client_token: str
    #: The request's own members, described back as given.
    bucket_source: dict[str, Any]
    input_format: str
    input_format_options: dict[str, Any] | None
    compression: str
    creation_parameters: dict[str, Any]
    error_count: int = 0
    processed_item_count: int = 0
    imported_item_count: int = 0
    processed_size_bytes: int = 0
    failure_code: str | None = None
    failure_message: str | None = None

    def status(self, now_ms: int) -> str:
        if now_ms < self.done_ms:
            return "IN_PROGRESS"
        return "FAILED" if self.failure_code is not None else "COMPLETED"
