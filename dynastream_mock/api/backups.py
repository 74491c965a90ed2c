"""DynamoDB backups: on-demand backups, point-in-time recovery and the restores of both.

A restore makes a new table from what was kept: the key schema, attribute definitions,
indexes, billing mode, throughput and encryption; not the stream, Time To Live, tags,
deletion protection or point-in-time recovery, which AWS does not carry over either
(Developer Guide, "Restoring a DynamoDB table from a backup"). Its items go through the
change funnel like any write.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..backend.backups import (
    DEFAULT_RECOVERY_DAYS,
    Backup,
    RecoveryLog,
    TableSnapshot,
    new_backup,
)
from ..backend.changes import change_item
from ..backend.tables import IndexDefinition, Table
from ..backend.world import RegionWorld
from ..clock import epoch_seconds
from ..errors import (
    BackupNotFoundException,
    InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException,
    TableAlreadyExistsException,
    TableNotFoundException,
    ValidationException,
)
from .dynamodb_tables import describe_table, render_key_schema
from .router import Params, Result, handles

_UNSUPPORTED_OVERRIDES = (
    "GlobalSecondaryIndexOverride",
    "LocalSecondaryIndexOverride",
    "SSESpecificationOverride",
    "OnDemandThroughputOverride",
    "VectorIndexOverride",
)


def _source_table(world: RegionWorld, name: str) -> Table:
    table = world.find_table(name)
    if table is None or table.deleting_at_ms is not None:
        raise TableNotFoundException(f"Table not found: {name}")
    return table


# -- on-demand backups ----------------------------------------------------------------------


def _backup_details(backup: Backup) -> dict[str, Any]:
    return {
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupSizeBytes": backup.snapshot.size_bytes,
        "BackupStatus": backup.status,
        "BackupType": backup.backup_type,
        "BackupCreationDateTime": epoch_seconds(backup.created_ms),
    }


def _backup_description(backup: Backup) -> dict[str, Any]:
    snapshot = backup.snapshot
    definition = snapshot.definition
    settings = snapshot.settings
    source: dict[str, Any] = {
        "TableName": definition.name,
        "TableId": definition.table_id,
        "TableArn": definition.arn,
        "TableSizeBytes": snapshot.size_bytes,
        "KeySchema": render_key_schema(definition.key_schema),
        "TableCreationDateTime": epoch_seconds(definition.created_ms),
        "ProvisionedThroughput": {
            "ReadCapacityUnits": settings.read_capacity,
            "WriteCapacityUnits": settings.write_capacity,
        },
        "ItemCount": len(snapshot.items),
        "BillingMode": settings.billing_mode,
    }
    features: dict[str, Any] = {}
    for kind, member in (("LOCAL", "LocalSecondaryIndexes"), ("GLOBAL", "GlobalSecondaryIndexes")):
        described = [_index_info(index) for index in definition.indexes if index.kind == kind]
        if described:
            features[member] = described
    if snapshot.stream_view_type is not None:
        features["StreamDescription"] = {
            "StreamEnabled": True,
            "StreamViewType": snapshot.stream_view_type,
        }
    if snapshot.ttl_attribute is not None:
        features["TimeToLiveDescription"] = {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": snapshot.ttl_attribute,
        }
    description: dict[str, Any] = {
        "BackupDetails": _backup_details(backup),
        "SourceTableDetails": source,
    }
    if features:
        description["SourceTableFeatureDetails"] = features
    return description


def _index_info(index: IndexDefinition) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection_type}
    if index.non_key_attributes:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    info: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": render_key_schema(index.key_schema),
        "Projection": projection,
    }
    if index.kind == "GLOBAL" and index.read_capacity is not None:
        info["ProvisionedThroughput"] = {
            "ReadCapacityUnits": index.read_capacity,
            "WriteCapacityUnits": index.write_capacity,
        }
    return info


def _backup(world: RegionWorld, arn: str) -> Backup:
    backup = world.backups.get(arn)
    if backup is None:
        raise BackupNotFoundException(f"Backup not found: {arn}")
    return backup


@handles("dynamodb", "CreateBackup")
def create_backup(world: RegionWorld, params: Params) -> Result:
    table = _source_table(world, params["TableName"])
    backup = new_backup(table, params["BackupName"], world.now_ms())
    world.backups[backup.arn] = backup
    return {"BackupDetails": _backup_details(backup)}


@handles("dynamodb", "DescribeBackup")
def describe_backup(world: RegionWorld, params: Params) -> Result:
    return {"BackupDescription": _backup_description(_backup(world, params["BackupArn"]))}


@handles("dynamodb", "DeleteBackup")
def delete_backup(world: RegionWorld, params: Params) -> Result:
    backup = _backup(world, params["BackupArn"])
    del world.backups[backup.arn]
    description = _backup_description(backup)
    description["BackupDetails"]["BackupStatus"] = "DELETED"
    return {"BackupDescription": description}


@handles("dynamodb", "ListBackups")
def list_backups(world: RegionWorld, params: Params) -> Result:
    wanted_type = params.get("BackupType") or "USER"
    table_name = params.get("TableName")
    lower = params.get("TimeRangeLowerBound")
    upper = params.get("TimeRangeUpperBound")
    chosen = [
        backup
        for backup in world.backups.values()
        if (wanted_type == "ALL" or backup.backup_type == wanted_type)
        and (table_name is None or backup.snapshot.definition.name == table_name)
        and (lower is None or backup.created_ms >= round(lower * 1000))
        and (upper is None or backup.created_ms < round(upper * 1000))
    ]
    start = params.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [backup.arn for backup in chosen]
        chosen = chosen[arns.index(start) + 1 :] if start in arns else []
    limit = params.get("Limit") or 100
    result: Result = {
        "BackupSummaries": [
            {
                "TableName": backup.snapshot.definition.name,
                "TableId": backup.snapshot.definition.table_id,
                "TableArn": backup.snapshot.definition.arn,
                **_backup_details(backup),
            }
            for backup in chosen[:limit]
        ]
    }
    if len(chosen) > limit:
        result["LastEvaluatedBackupArn"] = chosen[limit - 1].arn
    return result


# -- point-in-time recovery -----------------------------------------------------------------


def _continuous_backups(world: RegionWorld, table: Table) -> dict[str, Any]:
    recovery = world.recovery.get(table.definition.table_id)
    point_in_time: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    if recovery is not None:
        now = world.now_ms()
        point_in_time = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": recovery.period_days,
            "EarliestRestorableDateTime": epoch_seconds(recovery.earliest_ms(now)),
            "LatestRestorableDateTime": epoch_seconds(recovery.latest_ms(now)),
        }
    return {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": point_in_time,
    }


@handles("dynamodb", "DescribeContinuousBackups")
def describe_continuous_backups(world: RegionWorld, params: Params) -> Result:
    table = _source_table(world, params["TableName"])
    return {"ContinuousBackupsDescription": _continuous_backups(world, table)}


@handles("dynamodb", "UpdateContinuousBackups")
def update_continuous_backups(world: RegionWorld, params: Params) -> Result:
    table = _source_table(world, params["TableName"])
    specification = params["PointInTimeRecoverySpecification"]
    enabled = specification["PointInTimeRecoveryEnabled"]
    days = specification.get("RecoveryPeriodInDays")
    table_id = table.definition.table_id
    if not enabled:
        if days is not None:
            raise ValidationException(
                "RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true"
            )
        world.recovery.pop(table_id, None)
    else:
        recovery = world.recovery.get(table_id)
        if recovery is None:
            recovery = RecoveryLog(world.now_ms(), days or DEFAULT_RECOVERY_DAYS)
            world.recovery[table_id] = recovery
        elif days is not None:
            recovery.period_days = days
            recovery.forget_before(recovery.earliest_ms(world.now_ms()))
    return {"ContinuousBackupsDescription": _continuous_backups(world, table)}


# -- restores -------------------------------------------------------------------------------


def _free_target(world: RegionWorld, params: Params) -> str:
    target: str = params["TargetTableName"]
    if world.find_table(target) is not None:
        raise TableAlreadyExistsException(f"Table already exists: {target}")
    return target


def _restore(
    world: RegionWorld, params: Params, snapshot: TableSnapshot, summary: dict[str, Any]
) -> Result:
    unsupported = [name for name in _UNSUPPORTED_OVERRIDES if params.get(name) is not None]
    if unsupported:
        raise ValidationException(
            f"dynastream_mock does not support {', '.join(unsupported)} yet; restore without "
            "it and update the table afterwards"
        )
    target = _free_target(world, params)
    settings = dataclasses.replace(
        snapshot.settings,
        deletion_protection_enabled=False,
        tags={},
        pay_per_request_ms=None,
        settled_billing_mode=None,
    )
    billing_mode = params.get("BillingModeOverride")
    throughput = params.get("ProvisionedThroughputOverride")
    if billing_mode == "PROVISIONED" and throughput is None:
        raise ValidationException(
            "ProvisionedThroughputOverride must be specified when BillingModeOverride is "
            "PROVISIONED"
        )
    if billing_mode is not None:
        settings = dataclasses.replace(settings, billing_mode=billing_mode)
        if billing_mode == "PAY_PER_REQUEST":
            settings = dataclasses.replace(settings, read_capacity=0, write_capacity=0)
    if throughput is not None:
        settings = dataclasses.replace(
            settings,
            read_capacity=int(throughput["ReadCapacityUnits"]),
            write_capacity=int(throughput["WriteCapacityUnits"]),
        )
    definition = snapshot.definition
    table = world.create_table(
        target,
        definition.key_schema,
        dict(definition.attribute_definitions),
        definition.indexes,
        settings,
        None,
    )
    for key, item, size in snapshot.items:
        change_item(world, table, key, item, size)
    world.restore_summaries[table.definition.table_id] = {
        **summary,
        "RestoreDateTime": epoch_seconds(world.now_ms()),
        "RestoreInProgress": False,
    }
    return {"TableDescription": describe_table(world, table)}


@handles("dynamodb", "RestoreTableFromBackup")
def restore_table_from_backup(world: RegionWorld, params: Params) -> Result:
    backup = _backup(world, params["BackupArn"])
    # AWS's RestoreSummary of a backup restore names the backup and its source table.
    summary = {"SourceBackupArn": backup.arn, "SourceTableArn": backup.snapshot.definition.arn}
    return _restore(world, params, backup.snapshot, summary)


@handles("dynamodb", "RestoreTableToPointInTime")
def restore_table_to_point_in_time(world: RegionWorld, params: Params) -> Result:
    name = params.get("SourceTableName") or params.get("SourceTableArn")
    if name is None:
        raise ValidationException("Either SourceTableArn or SourceTableName must be specified")
    table = _source_table(world, name)
    # A taken target name is refused before the source's recovery is looked at.
    _free_target(world, params)
    recovery = world.recovery.get(table.definition.table_id)
    if recovery is None:
        raise PointInTimeRecoveryUnavailableException(
            f"Point in time recovery is not enabled for table '{table.name}'"
        )
    use_latest = params.get("UseLatestRestorableTime") is True
    restore_time = params.get("RestoreDateTime")
    if use_latest == (restore_time is not None):
        raise ValidationException(
            "Exactly one of RestoreDateTime and UseLatestRestorableTime=true must be specified"
        )
    now = world.now_ms()
    earliest, latest = recovery.earliest_ms(now), recovery.latest_ms(now)
    at_ms = latest if restore_time is None else round(restore_time * 1000)
    if not earliest <= at_ms <= latest:
        raise InvalidRestoreTimeException(
            "Invalid restore time specified. RestoreDateTime must be between "
            f"EarliestRestorableDateTime ({epoch_seconds(earliest)}) and LatestRestorableDateTime "
            f"({epoch_seconds(latest)})"
        )
    snapshot = TableSnapshot.of(table, recovery.items_at(table, at_ms))
    return _restore(world, params, snapshot, {"SourceTableArn": table.arn})
