"""Settings infrastructure code sets on tables, described back as DynamoDB does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

INVALID = "One or more parameter values were invalid: "
KEY = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
}


def error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def create(ddb: Any, name: str = "Orders", **settings: Any) -> dict[str, Any]:
    settings.setdefault("BillingMode", "PAY_PER_REQUEST")
    created: dict[str, Any] = ddb.create_table(TableName=name, **KEY, **settings)[
        "TableDescription"
    ]
    return created


def describe(ddb: Any, name: str = "Orders") -> dict[str, Any]:
    described: dict[str, Any] = ddb.describe_table(TableName=name)["Table"]
    return described


def test_a_plain_table_has_no_settings_but_deletion_protection_off(ddb: Any) -> None:
    described = create(ddb)
    assert described["DeletionProtectionEnabled"] is False
    for absent in ("SSEDescription", "TableClassSummary", "OnDemandThroughput"):
        assert absent not in described


# -- SSESpecification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "specification", [{"Enabled": True}, {"SSEType": "KMS"}, {"Enabled": True, "SSEType": "KMS"}]
)
def test_kms_encryption_uses_the_aws_managed_key(ddb: Any, specification: Any) -> None:
    created = create(ddb, SSESpecification=specification)
    sse = created["SSEDescription"]
    assert sse["Status"] == "ENABLED" and sse["SSEType"] == "KMS"
    assert sse["KMSMasterKeyArn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    assert describe(ddb)["SSEDescription"] == sse
    other = create(ddb, "Other", SSESpecification={"Enabled": True})["SSEDescription"]
    assert other["KMSMasterKeyArn"] == sse["KMSMasterKeyArn"]


@pytest.mark.parametrize(
    ("key_id", "arn"),
    [
        (
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
        (
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
    ],
)
def test_a_customer_key_is_described_by_its_arn(ddb: Any, key_id: str, arn: str) -> None:
    created = create(
        ddb, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_id}
    )
    assert created["SSEDescription"] == {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": arn,
    }


def test_an_alias_stands_for_one_key(ddb: Any) -> None:
    by_alias = create(
        ddb, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/mine"}
    )["SSEDescription"]["KMSMasterKeyArn"]
    by_alias_arn = create(
        ddb,
        "Other",
        SSESpecification={
            "SSEType": "KMS",
            "KMSMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/mine",
        },
    )["SSEDescription"]["KMSMasterKeyArn"]
    assert by_alias == by_alias_arn
    assert ":key/" in by_alias


@pytest.mark.parametrize("specification", [{}, {"Enabled": False}])
def test_the_aws_owned_key_is_not_described(ddb: Any, specification: Any) -> None:
    assert "SSEDescription" not in create(ddb, SSESpecification=specification)


@pytest.mark.parametrize(
    ("specification", "message"),
    [
        ({"Enabled": False, "SSEType": "KMS"}, "SSEType can not be specified if Enabled is false"),
        (
            {"Enabled": False, "KMSMasterKeyId": "alias/x"},
            "KMSMasterKeyId can not be specified if Enabled is false",
        ),
        ({"Enabled": True, "SSEType": "AES256"}, "SSEType AES256 is not supported"),
        (
            {"Enabled": True, "KMSMasterKeyId": "alias/x"},
            "SSEType KMS is required if KMSMasterKeyId is specified",
        ),
    ],
)
def test_inconsistent_sse_specifications_are_refused(
    ddb: Any, specification: Any, message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        create(ddb, SSESpecification=specification)
    assert error(raised) == ("ValidationException", INVALID + message)
    assert ddb.list_tables()["TableNames"] == []


def test_update_table_switches_encryption_keys(ddb: Any) -> None:
    create(ddb)
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Orders", SSESpecification={"Enabled": False})
    assert error(raised) == (
        "ValidationException",
        INVALID + "Table is already encrypted by default",
    )
    key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    spec = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
    updated = ddb.update_table(TableName="Orders", SSESpecification=spec)["TableDescription"]
    assert updated["SSEDescription"]["KMSMasterKeyArn"] == key
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Orders", SSESpecification=spec)
    assert error(raised) == (
        "ValidationException",
        INVALID + "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId "
        "parameter if you want to change Master Key",
    )
    ddb.update_table(TableName="Orders", SSESpecification={"Enabled": False})
    assert "SSEDescription" not in describe(ddb)


# -- TableClass ---------------------------------------------------------------------------


def test_table_class_given_at_creation_is_summarised(ddb: Any) -> None:
    created = create(ddb, TableClass="STANDARD_INFREQUENT_ACCESS")
    assert created["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    assert create(ddb, "Std", TableClass="STANDARD")["TableClassSummary"] == {
        "TableClass": "STANDARD"
    }


def test_update_table_changes_the_class_and_stamps_it(ddb: Any) -> None:
    create(ddb)
    same = ddb.update_table(TableName="Orders", TableClass="STANDARD")["TableDescription"]
    assert "TableClassSummary" not in same
    changed = ddb.update_table(TableName="Orders", TableClass="STANDARD_INFREQUENT_ACCESS")
    summary = changed["TableDescription"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert isinstance(summary["LastUpdateDateTime"], datetime)
    assert describe(ddb)["TableClassSummary"] == summary


# -- DeletionProtectionEnabled ------------------------------------------------------------


def test_deletion_protection_refuses_delete_table_until_turned_off(ddb: Any) -> None:
    assert create(ddb, DeletionProtectionEnabled=True)["DeletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as raised:
        ddb.delete_table(TableName="Orders")
    assert error(raised) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.",
    )
    assert describe(ddb)["TableStatus"] == "ACTIVE"
    off = ddb.update_table(TableName="Orders", DeletionProtectionEnabled=False)
    assert off["TableDescription"]["DeletionProtectionEnabled"] is False
    ddb.delete_table(TableName="Orders")
    assert ddb.list_tables()["TableNames"] == []


def test_update_table_turns_deletion_protection_on(ddb: Any) -> None:
    create(ddb)
    ddb.update_table(TableName="Orders", DeletionProtectionEnabled=True)
    assert describe(ddb)["DeletionProtectionEnabled"] is True


# -- OnDemandThroughput -------------------------------------------------------------------


def test_on_demand_maxima_are_described_and_removed_with_minus_one(ddb: Any) -> None:
    created = create(ddb, OnDemandThroughput={"MaxReadRequestUnits": 100})
    assert created["OnDemandThroughput"] == {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": -1}
    ddb.update_table(TableName="Orders", OnDemandThroughput={"MaxWriteRequestUnits": 50})
    assert describe(ddb)["OnDemandThroughput"] == {
        "MaxReadRequestUnits": 100,
        "MaxWriteRequestUnits": 50,
    }
    ddb.update_table(
        TableName="Orders",
        OnDemandThroughput={"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1},
    )
    assert "OnDemandThroughput" not in describe(ddb)


def test_on_demand_maxima_need_an_on_demand_table(ddb: Any) -> None:
    with pytest.raises(ClientError) as raised:
        create(
            ddb,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            OnDemandThroughput={"MaxWriteRequestUnits": 10},
        )
    assert error(raised) == (
        "ValidationException",
        INVALID + "MaxWriteRequestUnits for OnDemandThroughput cannot be specified when the "
        "table BillingMode is PROVISIONED",
    )


def test_switching_to_provisioned_drops_the_maxima_and_keeps_the_billing_summary(
    ddb: Any,
) -> None:
    created = create(ddb, OnDemandThroughput={"MaxReadRequestUnits": 100})
    updated = ddb.update_table(
        TableName="Orders",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )["TableDescription"]
    assert "OnDemandThroughput" not in updated
    assert updated["BillingModeSummary"] == {
        "BillingMode": "PROVISIONED",
        "LastUpdateToPayPerRequestDateTime": created["CreationDateTime"],
    }


# -- one concern per UpdateTable ----------------------------------------------------------


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (
            {"DeletionProtectionEnabled": True, "TableClass": "STANDARD_INFREQUENT_ACCESS"},
            "TableClass modification must be the only operation in the request",
        ),
        (
            {"SSESpecification": {"Enabled": True}, "DeletionProtectionEnabled": True},
            "Server-Side Encryption modification must be the only operation in the request",
        ),
        (
            {
                "DeletionProtectionEnabled": True,
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
            },
            "DeletionProtection modification must be the only operation in the request",
        ),
        (
            {
                "OnDemandThroughput": {"MaxReadRequestUnits": 5},
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
            },
            "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request",
        ),
    ],
)
def test_update_table_changes_one_setting_at_a_time(ddb: Any, update: Any, message: str) -> None:
    create(ddb)
    with pytest.raises(ClientError) as raised:
        ddb.update_table(TableName="Orders", **update)
    assert error(raised) == ("ValidationException", INVALID + message)
    described = describe(ddb)
    assert described["DeletionProtectionEnabled"] is False
    assert "StreamSpecification" not in described


def test_on_demand_maxima_combine_with_the_billing_mode(ddb: Any) -> None:
    create(
        ddb,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    updated = ddb.update_table(
        TableName="Orders",
        BillingMode="PAY_PER_REQUEST",
        OnDemandThroughput={"MaxReadRequestUnits": 7, "MaxWriteRequestUnits": 8},
    )["TableDescription"]
    assert updated["OnDemandThroughput"] == {"MaxReadRequestUnits": 7, "MaxWriteRequestUnits": 8}
    assert updated["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


# -- WarmThroughput (Developer Guide, "Understanding DynamoDB warm throughput") ---------------


def _warm(read: int, write: int, status: str = "ACTIVE") -> dict[str, Any]:
    return {"ReadUnitsPerSecond": read, "WriteUnitsPerSecond": write, "Status": status}


def _on_demand_table(ddb: Any, **extra: Any) -> dict[str, Any]:
    description: dict[str, Any] = ddb.create_table(
        TableName="Warm",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}]
        + (
            [{"AttributeName": "g", "AttributeType": "S"}]
            if "GlobalSecondaryIndexes" in extra
            else []
        ),
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )["TableDescription"]
    return description


def test_every_table_and_gsi_describes_its_warm_throughput(ddb: Any) -> None:
    gsi = {
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        "WarmThroughput": {"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 5000},
    }
    created = _on_demand_table(ddb, GlobalSecondaryIndexes=[gsi])
    assert created["WarmThroughput"] == _warm(12000, 4000)
    assert created["GlobalSecondaryIndexes"][0]["WarmThroughput"] == _warm(15000, 5000)
    ddb.create_table(
        TableName="Provisioned",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 5},
    )
    table = ddb.describe_table(TableName="Provisioned")["Table"]
    assert table["WarmThroughput"] == _warm(3, 5)


def test_update_table_raises_warm_throughput_and_never_lowers_it(ddb: Any) -> None:
    _on_demand_table(ddb)
    ddb.update_table(
        TableName="Warm", WarmThroughput={"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 4000}
    )
    ddb.update_table(TableName="Warm", WarmThroughput={"WriteUnitsPerSecond": 6000})
    table = ddb.describe_table(TableName="Warm")["Table"]
    assert table["WarmThroughput"] == _warm(20000, 6000)
    with pytest.raises(ClientError) as alone:
        ddb.update_table(
            TableName="Warm",
            WarmThroughput={"ReadUnitsPerSecond": 30000},
            DeletionProtectionEnabled=True,
        )
    assert alone.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "table",
            "One or more parameter values were invalid: Requested WriteUnitsPerSecond for "
            "WarmThroughput for table is lower than initial throughput for OnDemand",
        ),
        (
            "index",
            "One or more parameter values were invalid: Requested WriteUnitsPerSecond for "
            "WarmThroughput for index by-g is lower than initial throughput for OnDemand",
        ),
    ],
)
def test_on_demand_warm_throughput_below_the_initial_one_is_refused(
    ddb: Any, where: str, message: str
) -> None:
    low = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 3000}
    gsi: dict[str, Any] = {
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    extra: dict[str, Any] = {"GlobalSecondaryIndexes": [gsi]}
    if where == "table":
        extra["WarmThroughput"] = low
    else:
        gsi["WarmThroughput"] = low
    with pytest.raises(ClientError) as raised:
        _on_demand_table(ddb, **extra)
    assert raised.value.response["Error"]["Message"] == message
    assert ddb.list_tables()["TableNames"] == []


def test_warm_throughput_of_an_existing_gsi_is_refused_not_ignored(ddb: Any) -> None:
    gsi = {
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    _on_demand_table(ddb, GlobalSecondaryIndexes=[gsi])
    with pytest.raises(ClientError) as raised:
        ddb.update_table(
            TableName="Warm",
            GlobalSecondaryIndexUpdates=[
                {"Update": {"IndexName": "by-g", "WarmThroughput": {"ReadUnitsPerSecond": 20000}}}
            ],
        )
    assert raised.value.response["Error"]["Message"] == (
        "dynastream_mock does not support WarmThroughput in a GlobalSecondaryIndexUpdates "
        "Update yet; give it when the index is created"
    )
    index = ddb.describe_table(TableName="Warm")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["WarmThroughput"] == _warm(12000, 4000)
