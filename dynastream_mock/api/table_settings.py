"""Table settings infrastructure code sets: encryption, table class, deletion protection,
on-demand maxima (and tags, through ``api/tags.py``), parsed, checked and described.

The rules and messages are the live service's (API reference of CreateTable, UpdateTable,
SSESpecification, OnDemandThroughput; probes of the live service published 2026):

* ``SSESpecification``: absent, ``{}`` or ``Enabled: false`` keep the AWS owned key, and the
  table has no ``SSEDescription``. ``Enabled: true`` or ``SSEType: KMS`` encrypt with a KMS
  key: the one ``KMSMasterKeyId`` names, else the AWS managed key ``alias/aws/dynamodb``.
  DescribeTable then shows ``{"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": ...}``.
  There is no KMS here: a key id or alias becomes a key ARN of the caller's account and
  region, an alias always the same made-up key id.
* ``TableClass``: ``TableClassSummary`` appears once a class was given (at creation without
  ``LastUpdateDateTime``); a table never given one is STANDARD and has no summary.
* ``DeletionProtectionEnabled``: always described; DeleteTable is refused while it is on.
* ``OnDemandThroughput``: on-demand tables only; -1 removes a maximum; described while a
  maximum is set, the member not set as -1.
* ``WarmThroughput`` (table and GSI): described always. An on-demand table or index starts
  warm at 12,000 read and 4,000 write units per second (Developer Guide, "Understanding
  DynamoDB warm throughput") and may not ask for less; a provisioned one is warm at its
  provisioned capacity. A request raises it; it is never lowered.
* UpdateTable changes one concern at a time: SSE, TableClass and DeletionProtection must each
  be the only operation of a request, OnDemandThroughput combines with BillingMode only.

Example::

    ddb.create_table(..., DeletionProtectionEnabled=True, TableClass="STANDARD_INFREQUENT_ACCESS")
    ddb.delete_table(TableName="Orders")  # ValidationException: ... protected against deletion
"""

from __future__ import annotations

import uuid
from typing import Any

from ..backend.arns import build_arn, is_arn, parse_arn
from ..backend.tables import Table, TableSettings
from ..backend.world import RegionWorld
from ..errors import ValidationException, invalid_parameters
from . import tags as table_tags
from .router import Params

_AWS_MANAGED_KEY = "alias/aws/dynamodb"
#: UpdateTable members that are each an operation (AttributeDefinitions only serves them).
_OPERATIONS = (
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexUpdates",
    "StreamSpecification",
    "SSESpecification",
    "ReplicaUpdates",
    "TableClass",
    "DeletionProtectionEnabled",
    "MultiRegionConsistency",
    "GlobalTableWitnessUpdates",
    "OnDemandThroughput",
    "WarmThroughput",
)
# Exclusive members in the order the service names them when several are present
# (SSE > TableClass > DeletionProtection > WarmThroughput).
_EXCLUSIVE = (
    ("SSESpecification", "Server-Side Encryption modification"),
    ("TableClass", "TableClass modification"),
    ("DeletionProtectionEnabled", "DeletionProtection modification"),
    ("WarmThroughput", "WarmThroughput"),
)


#: Where every on-demand table and index starts (read, write units per second).
ON_DEMAND_WARM_THROUGHPUT = (12000, 4000)


def parse_warm_throughput(
    params: Params, billing_mode: str, where: str = "table"
) -> tuple[int, int] | None:
    """The WarmThroughput a CreateTable, UpdateTable or GSI asks for, checked."""
    requested = params.get("WarmThroughput")
    if requested is None:
        return None
    read = requested.get("ReadUnitsPerSecond")
    write = requested.get("WriteUnitsPerSecond")
    if read is None and write is None:
        raise invalid_parameters(
            f"At least one of ReadUnitsPerSecond or WriteUnitsPerSecond must be specified "
            f"for WarmThroughput for {where}"
        )
    if billing_mode == "PAY_PER_REQUEST":
        for member, value, initial in (
            ("ReadUnitsPerSecond", read, ON_DEMAND_WARM_THROUGHPUT[0]),
            ("WriteUnitsPerSecond", write, ON_DEMAND_WARM_THROUGHPUT[1]),
        ):
            if value is not None and value < initial:
                raise invalid_parameters(
                    f"Requested {member} for WarmThroughput for {where} is lower than "
                    "initial throughput for OnDemand"
                )
    return int(read or 0), int(write or 0)


def describe_warm_throughput(
    billing_mode: str, capacity: tuple[int, int], requested: tuple[int, int] | None, status: str
) -> dict[str, Any]:
    """The WarmThroughput member of a table or GSI description."""
    base = ON_DEMAND_WARM_THROUGHPUT if billing_mode == "PAY_PER_REQUEST" else capacity
    asked = requested or (0, 0)
    return {
        "ReadUnitsPerSecond": max(base[0], asked[0], 1),
        "WriteUnitsPerSecond": max(base[1], asked[1], 1),
        "Status": status,
    }


def parse_create(
    world: RegionWorld, params: Params, billing_mode: str, throughput: tuple[int, int]
) -> TableSettings:
    """Check the settings members of CreateTable; raise ``ValidationException``."""
    settings = TableSettings(
        billing_mode=billing_mode,
        read_capacity=throughput[0],
        write_capacity=throughput[1],
        deletion_protection_enabled=bool(params.get("DeletionProtectionEnabled")),
        table_class=params.get("TableClass"),
        tags=table_tags.parse_tags(params.get("Tags") or []),
        warm_throughput=parse_warm_throughput(params, billing_mode),
    )
    specification = params.get("SSESpecification")
    if specification is not None:
        settings.sse_kms_key_arn = _sse_key_arn(world, specification)
    on_demand = params.get("OnDemandThroughput")
    if on_demand is not None:
        _check_on_demand(on_demand, billing_mode)
        settings.max_read_request_units = on_demand.get("MaxReadRequestUnits", -1)
        settings.max_write_request_units = on_demand.get("MaxWriteRequestUnits", -1)
    return settings


def check_update(world: RegionWorld, table: Table, params: Params) -> None:
    """Check the settings members of UpdateTable, before anything changes."""
    present = {member for member in _OPERATIONS if params.get(member) is not None}
    for member, what in _EXCLUSIVE:
        if member in present and len(present) > 1:
            raise invalid_parameters(f"{what} must be the only operation in the request")
    on_demand = params.get("OnDemandThroughput")
    if on_demand is not None:
        if present - {"OnDemandThroughput", "BillingMode"}:
            raise invalid_parameters(
                "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request"
            )
        _check_on_demand(on_demand, params.get("BillingMode") or table.settings.billing_mode)
    specification = params.get("SSESpecification")
    if specification is not None:
        arn = _sse_key_arn(world, specification)
        if arn is None and table.settings.sse_kms_key_arn is None:
            raise invalid_parameters("Table is already encrypted by default")
        if arn is not None and arn == table.settings.sse_kms_key_arn == specification.get(
            "KMSMasterKeyId"
        ):
            raise invalid_parameters(
                "Table is already encrypted with given KMSMasterKeyId. Use "
                "KMSMasterKeyId parameter if you want to change Master Key"
            )


def update_members(world: RegionWorld, table: Table, params: Params) -> dict[str, Any]:
    """The ``TableUpdate`` members of the settings an UpdateTable ``check_update`` accepted."""
    members: dict[str, Any] = {
        "deletion_protection_enabled": params.get("DeletionProtectionEnabled"),
        "table_class": params.get("TableClass"),
        "on_demand": params.get("OnDemandThroughput"),
    }
    if params.get("WarmThroughput") is not None:
        members["warm_throughput"] = parse_warm_throughput(params, table.settings.billing_mode)
    specification = params.get("SSESpecification")
    if specification is not None:
        members["sse_kms_key_arn"] = _sse_key_arn(world, specification)
    return members


def check_deletable(table: Table) -> None:
    """Refuse to delete a table under deletion protection."""
    if table.settings.deletion_protection_enabled:
        raise ValidationException(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )


def describe_settings(table: Table) -> dict[str, Any]:
    """The TableDescription members of the settings that are set."""
    described: dict[str, Any] = {}
    # A table that was ever on demand keeps its BillingModeSummary, with the time it last
    # became so (API reference, BillingModeSummary).
    if table.settings.pay_per_request_ms is not None:
        described["BillingModeSummary"] = {
            "BillingMode": table.settings.billing_mode,
            "LastUpdateToPayPerRequestDateTime": table.settings.pay_per_request_ms / 1000,
        }
    if table.settings.sse_kms_key_arn is not None:
        described["SSEDescription"] = {
            "Status": "ENABLED",
            "SSEType": "KMS",
            "KMSMasterKeyArn": table.settings.sse_kms_key_arn,
        }
    if table.settings.table_class is not None:
        summary: dict[str, Any] = {"TableClass": table.settings.table_class}
        if table.settings.table_class_updated_ms is not None:
            summary["LastUpdateDateTime"] = table.settings.table_class_updated_ms / 1000
        described["TableClassSummary"] = summary
    if table.settings.max_read_request_units != -1 or table.settings.max_write_request_units != -1:
        described["OnDemandThroughput"] = {
            "MaxReadRequestUnits": table.settings.max_read_request_units,
            "MaxWriteRequestUnits": table.settings.max_write_request_units,
        }
    return described


def _check_on_demand(on_demand: dict[str, Any], billing_mode: str) -> None:
    if billing_mode == "PAY_PER_REQUEST":
        return
    for member in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
        if member in on_demand:
            raise invalid_parameters(
                f"{member} for OnDemandThroughput cannot be specified when the table "
                "BillingMode is PROVISIONED"
            )


def _sse_key_arn(world: RegionWorld, specification: dict[str, Any]) -> str | None:
    """The KMS key ARN an SSESpecification asks for; None for the AWS owned key."""
    enabled = specification.get("Enabled")
    sse_type = specification.get("SSEType")
    key_id = specification.get("KMSMasterKeyId")
    if enabled is False:
        if sse_type is not None:
            raise invalid_parameters("SSEType can not be specified if Enabled is false")
        if key_id is not None:
            raise invalid_parameters("KMSMasterKeyId can not be specified if Enabled is false")
        return None
    if sse_type == "AES256":
        raise invalid_parameters("SSEType AES256 is not supported")
    if key_id is not None and sse_type is None:
        raise invalid_parameters("SSEType KMS is required if KMSMasterKeyId is specified")
    if enabled is None and sse_type is None:
        return None
    return kms_key_arn(world, key_id or _AWS_MANAGED_KEY)


def kms_key_arn(world: RegionWorld, key_id: str) -> str:
    """The ARN of the KMS key ``key_id`` (key ARN, alias ARN, ``alias/name`` or key id).

    An alias stands for a made-up key id, the same for the same alias, account and region.
    """
    prefix = build_arn(world.partition, "kms", world.region, world.account_id, "")
    if is_arn(key_id):
        parsed = parse_arn(key_id)
        # A short "arn:..." keeps its last part, as before any parsing.
        resource = parsed.resource if parsed is not None else key_id.rsplit(":", 1)[-1]
        if resource.startswith("key/"):
            return key_id
        key_id = resource
    if key_id.startswith("alias/"):
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, prefix + key_id))
    return f"{prefix}key/{key_id}"
