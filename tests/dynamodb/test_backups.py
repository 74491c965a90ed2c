"""Backups and point-in-time recovery through boto3, on the mock's clock.

DynamoDB Local does not serve these operations (UnknownOperationException), so AWS's pages
decide: "Using on-demand backup and restore for DynamoDB", "Point-in-time recovery for
DynamoDB" (restorable from EarliestRestorableDateTime to about five minutes before now,
RecoveryPeriodInDays 1 to 35) and "Restoring a DynamoDB table from a backup" (what a restore
carries over: indexes, billing, throughput, encryption; not streams, TTL, tags, PITR)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table

from dynastream_mock import MockStreams
from dynastream_mock.backend.backups import DAY_MS, RecoveryLog


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _ids(ddb: Any, table: str) -> list[str]:
    return sorted(item["id"]["S"] for item in ddb.scan(TableName=table)["Items"])


def _indexed_table(ddb: Any) -> None:
    ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-email",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        Tags=[{"Key": "team", "Value": "growth"}],
    )


def test_a_backup_keeps_the_table_as_it_was(ddb: Any) -> None:
    _indexed_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "ada"}, "email": {"S": "ada@x"}})

    details = ddb.create_backup(TableName="Users", BackupName="before-deploy")["BackupDetails"]
    ddb.put_item(TableName="Users", Item={"id": {"S": "bob"}, "email": {"S": "bob@x"}})
    description = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]

    assert details["BackupArn"].startswith(
        "arn:aws:dynamodb:eu-west-1:123456789012:table/Users/backup/"
    )
    assert (details["BackupName"], details["BackupStatus"], details["BackupType"]) == (
        "before-deploy",
        "AVAILABLE",
        "USER",
    )
    assert description["SourceTableDetails"]["ItemCount"] == 1
    assert description["SourceTableDetails"]["BillingMode"] == "PAY_PER_REQUEST"
    features = description["SourceTableFeatureDetails"]
    assert [index["IndexName"] for index in features["GlobalSecondaryIndexes"]] == ["by-email"]
    assert features["StreamDescription"]["StreamViewType"] == "NEW_IMAGE"


def test_a_restore_carries_items_and_indexes_but_not_stream_or_tags(ddb: Any) -> None:
    _indexed_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "ada"}, "email": {"S": "ada@x"}})
    arn = ddb.create_backup(TableName="Users", BackupName="nightly")["BackupDetails"]["BackupArn"]
    ddb.delete_item(TableName="Users", Key={"id": {"S": "ada"}})

    restored = ddb.restore_table_from_backup(TargetTableName="UsersAgain", BackupArn=arn)[
        "TableDescription"
    ]

    assert restored["RestoreSummary"]["SourceBackupArn"] == arn
    assert restored["RestoreSummary"]["SourceTableArn"] == arn.split("/backup/")[0]
    assert restored["RestoreSummary"]["RestoreInProgress"] is False
    assert "StreamSpecification" not in restored
    assert restored["GlobalSecondaryIndexes"][0]["IndexName"] == "by-email"
    assert _ids(ddb, "UsersAgain") == ["ada"]
    by_email = ddb.query(
        TableName="UsersAgain",
        IndexName="by-email",
        KeyConditionExpression="email = :e",
        ExpressionAttributeValues={":e": {"S": "ada@x"}},
    )
    assert by_email["Count"] == 1
    assert ddb.list_tags_of_resource(ResourceArn=restored["TableArn"])["Tags"] == []
    assert _ids(ddb, "Users") == []


def test_a_restore_may_change_the_billing_mode(ddb: Any) -> None:
    create_stream_table(ddb)
    arn = ddb.create_backup(TableName="Users", BackupName="b-1")["BackupDetails"]["BackupArn"]

    restored = ddb.restore_table_from_backup(
        TargetTableName="Provisioned",
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
    )["TableDescription"]

    assert "BillingModeSummary" not in restored
    assert restored["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert restored["ProvisionedThroughput"]["WriteCapacityUnits"] == 3


def test_backup_errors(ddb: Any) -> None:
    create_stream_table(ddb)
    arn = ddb.create_backup(TableName="Users", BackupName="b-1")["BackupDetails"]["BackupArn"]
    missing = arn[:-8] + "00000000"

    with pytest.raises(ClientError) as no_table:
        ddb.create_backup(TableName="Nobody", BackupName="b-2")
    with pytest.raises(ClientError) as no_backup:
        ddb.describe_backup(BackupArn=missing)
    with pytest.raises(ClientError) as taken:
        ddb.restore_table_from_backup(TargetTableName="Users", BackupArn=arn)

    assert _error(no_table) == ("TableNotFoundException", "Table not found: Nobody")
    assert _error(no_backup) == ("BackupNotFoundException", f"Backup not found: {missing}")
    assert _error(taken) == ("TableAlreadyExistsException", "Table already exists: Users")


def test_list_backups_filters_pages_and_forgets_deleted_ones(
    ddb: Any, dynastream: MockStreams
) -> None:
    create_stream_table(ddb)
    create_stream_table(ddb, "Orders")
    arns = []
    for number, table in enumerate(["Users", "Orders", "Users"]):
        arns.append(
            ddb.create_backup(TableName=table, BackupName=f"b-{number}")["BackupDetails"][
                "BackupArn"
            ]
        )
        dynastream.clock.advance(seconds=1)

    first = ddb.list_backups(Limit=2)
    rest = ddb.list_backups(Limit=2, ExclusiveStartBackupArn=first["LastEvaluatedBackupArn"])
    of_users = ddb.list_backups(TableName="Users")["BackupSummaries"]
    deleted = ddb.delete_backup(BackupArn=arns[0])["BackupDescription"]

    assert [summary["BackupArn"] for summary in first["BackupSummaries"]] == arns[:2]
    assert [summary["BackupArn"] for summary in rest["BackupSummaries"]] == arns[2:]
    assert "LastEvaluatedBackupArn" not in rest
    assert [summary["BackupName"] for summary in of_users] == ["b-0", "b-2"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    assert [s["BackupArn"] for s in ddb.list_backups()["BackupSummaries"]] == arns[1:]


def test_point_in_time_recovery_is_off_until_enabled(ddb: Any, dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    create_stream_table(ddb)

    before = ddb.describe_continuous_backups(TableName="Users")["ContinuousBackupsDescription"]
    enabled = ddb.update_continuous_backups(
        TableName="Users",
        PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True,
            "RecoveryPeriodInDays": 7,
        },
    )["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    with pytest.raises(ClientError) as too_soon:
        ddb.restore_table_to_point_in_time(
            SourceTableName="Users", TargetTableName="Copy", UseLatestRestorableTime=True
        )

    assert before["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
    assert enabled["PointInTimeRecoveryStatus"] == "ENABLED"
    assert enabled["RecoveryPeriodInDays"] == 7
    assert enabled["LatestRestorableDateTime"] == dynastream.clock.now() - timedelta(minutes=5)
    assert enabled["EarliestRestorableDateTime"] == dynastream.clock.now()
    assert _error(too_soon)[0] == "InvalidRestoreTimeException"


def test_a_point_in_time_restore_undoes_every_later_change(
    ddb: Any, streams: Any, dynastream: MockStreams
) -> None:
    create_stream_table(ddb)
    ddb.put_item(TableName="Users", Item={"id": {"S": "ada"}, "v": {"N": "1"}})
    ddb.update_continuous_backups(
        TableName="Users",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    dynastream.clock.advance(minutes=10)
    ddb.put_item(TableName="Users", Item={"id": {"S": "bob"}})
    good_state = dynastream.clock.now()
    dynastream.clock.advance(minutes=1)
    ddb.put_item(TableName="Users", Item={"id": {"S": "ada"}, "v": {"N": "2"}})  # a bad deploy
    ddb.delete_item(TableName="Users", Key={"id": {"S": "bob"}})
    ddb.put_item(TableName="Users", Item={"id": {"S": "eve"}})
    dynastream.clock.advance(minutes=10)

    restored = ddb.restore_table_to_point_in_time(
        SourceTableName="Users", TargetTableName="Rescued", RestoreDateTime=good_state
    )["TableDescription"]
    latest = ddb.restore_table_to_point_in_time(
        SourceTableName="Users", TargetTableName="Latest", UseLatestRestorableTime=True
    )["TableDescription"]

    assert restored["RestoreSummary"]["SourceTableArn"] == restored["TableArn"].replace(
        "Rescued", "Users"
    )
    assert _ids(ddb, "Rescued") == ["ada", "bob"]
    ada = ddb.get_item(TableName="Rescued", Key={"id": {"S": "ada"}})["Item"]
    assert ada["v"] == {"N": "1"}
    assert latest["ItemCount"] == 2
    assert _ids(ddb, "Latest") == ["ada", "eve"]
    assert "LatestStreamArn" not in restored


def test_point_in_time_errors(ddb: Any, dynastream: MockStreams) -> None:
    create_stream_table(ddb)

    with pytest.raises(ClientError) as not_enabled:
        ddb.restore_table_to_point_in_time(
            SourceTableName="Users", TargetTableName="Copy", UseLatestRestorableTime=True
        )
    with pytest.raises(ClientError) as target_taken:
        ddb.restore_table_to_point_in_time(
            SourceTableName="Users", TargetTableName="Users", UseLatestRestorableTime=True
        )
    ddb.update_continuous_backups(
        TableName="Users", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    dynastream.clock.advance(hours=1)
    with pytest.raises(ClientError) as before_enabling:
        ddb.restore_table_to_point_in_time(
            SourceTableName="Users",
            TargetTableName="Copy",
            RestoreDateTime=dynastream.clock.now() - timedelta(hours=2),
        )
    with pytest.raises(ClientError) as no_table:
        ddb.describe_continuous_backups(TableName="Nobody")

    assert _error(not_enabled) == (
        "PointInTimeRecoveryUnavailableException",
        "Point in time recovery is not enabled for table 'Users'",
    )
    assert _error(target_taken) == ("TableAlreadyExistsException", "Table already exists: Users")
    assert _error(before_enabling)[0] == "InvalidRestoreTimeException"
    assert _error(no_table) == ("TableNotFoundException", "Table not found: Nobody")
    assert "Copy" not in ddb.list_tables()["TableNames"]


def test_the_recovery_log_keeps_only_the_recovery_period() -> None:
    log = RecoveryLog(enabled_ms=0, period_days=1)
    for hour in range(72):
        log.record(hour * 3_600_000, ("k", None), None, 0)

    now = 71 * 3_600_000
    assert log.earliest_ms(now) == now - DAY_MS
    assert len(log.undo) == 24
    assert all(when > now - DAY_MS for when, *_ in log.undo)
