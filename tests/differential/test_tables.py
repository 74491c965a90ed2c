"""Control plane: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables."""

from __future__ import annotations

from collections.abc import Callable

from harness import Scenario, Target, create_table

Differential = Callable[[Scenario], None]
KEY = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}


def test_create_describe_delete_table_shapes(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        t(
            "create provisioned with indexes and stream",
            "create_table",
            TableName="orders",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "lsk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "B"},
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_lsk",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "lsk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
                }
            ],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 6},
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        t("describe provisioned", "describe_table", TableName="orders")
        create_table(t, "create on-demand", "plain")
        t("describe on-demand", "describe_table", TableName="plain")
        t("put", "put_item", TableName="plain", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
        t("describe counts", "describe_table", TableName="plain")
        t("delete", "delete_table", TableName="plain")
        t("describe deleted", "describe_table", TableName="plain")
        t("delete missing", "delete_table", TableName="plain")

    differential(scenario)


def test_create_table_errors(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create", "taken")
        create_table(t, "create again", "taken")
        t(
            "hash key not defined",
            "create_table",
            TableName="bad1",
            KeySchema=[{"AttributeName": "x", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        t(
            "unused attribute definition",
            "create_table",
            TableName="bad2",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "extra", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        t("provisioned without throughput", "create_table", TableName="bad3", **KEY)
        t(
            "stream without view type",
            "create_table",
            TableName="bad4",
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True},
            **KEY,
        )
        t(
            "name too short",
            "create_table",
            TableName="ab",
            BillingMode="PAY_PER_REQUEST",
            **KEY,
        )
        t(
            "lsi on hash-only table",
            "create_table",
            TableName="bad5",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "l", "AttributeType": "S"},
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "lsi",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "l", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        t("describe missing", "describe_table", TableName="nosuch")
        t("list", "list_tables")

    differential(scenario)


def test_list_tables_paging(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        for name in ("ccc", "aaa", "Zed", "_under", "bbb", "ddd"):
            create_table(t, f"create {name}", name)
        t("all", "list_tables")
        first = t("limit 2", "list_tables", Limit=2)
        t(
            "next page",
            "list_tables",
            Limit=2,
            ExclusiveStartTableName=first["LastEvaluatedTableName"],
        )
        t("exactly the rest", "list_tables", Limit=4, ExclusiveStartTableName="_under")
        t("start between names", "list_tables", ExclusiveStartTableName="bbc")
        t("start after the last", "list_tables", ExclusiveStartTableName="zzz")

    differential(scenario)


def test_update_table_streams_and_billing(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(
            t,
            "create",
            "upd",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        create_table(t, "create plain", "upd2")
        t(
            "enable again",
            "update_table",
            TableName="upd",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )
        t(
            "disable missing stream",
            "update_table",
            TableName="upd2",
            StreamSpecification={"StreamEnabled": False},
        )
        t("disable", "update_table", TableName="upd", StreamSpecification={"StreamEnabled": False})
        t("describe disabled", "describe_table", TableName="upd")
        t(
            "enable other view",
            "update_table",
            TableName="upd2",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"},
        )
        t(
            "to provisioned",
            "update_table",
            TableName="upd2",
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        )
        t(
            "throughput change",
            "update_table",
            TableName="upd2",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 4},
        )
        t("update missing", "update_table", TableName="nosuch", BillingMode="PAY_PER_REQUEST")

    differential(scenario)


def test_deletion_protection(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        create_table(t, "create protected", "kept", DeletionProtectionEnabled=True)
        t("delete refused", "delete_table", TableName="kept")
        t("describe", "describe_table", TableName="kept")
        t("unprotect", "update_table", TableName="kept", DeletionProtectionEnabled=False)
        t("delete", "delete_table", TableName="kept")

    differential(scenario)


def test_table_settings_round_trip(differential: Differential) -> None:
    def scenario(t: Target) -> None:
        created = create_table(
            t,
            "create with settings",
            "settings",
            TableClass="STANDARD_INFREQUENT_ACCESS",
            SSESpecification={"Enabled": True},
            Tags=[{"Key": "env", "Value": "test"}],
        )
        t("describe", "describe_table", TableName="settings")
        arn = created["TableDescription"]["TableArn"]
        t("list tags", "list_tags_of_resource", ResourceArn=arn)
        t("tag", "tag_resource", ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}])
        t("untag", "untag_resource", ResourceArn=arn, TagKeys=["env", "absent"])
        t("list tags after", "list_tags_of_resource", ResourceArn=arn)
        t("limits", "describe_limits")
        t("endpoints", "describe_endpoints")

    differential(scenario)
