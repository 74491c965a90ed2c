"""DynamoDB control plane: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ..backend import table_updates
from ..backend.arns import index_arn
from ..backend.table_updates import TableUpdate
from ..backend.tables import IndexDefinition, KeySchema, Table, TableSettings
from ..backend.world import RegionWorld
from ..clock import epoch_seconds
from ..errors import ResourceInUseException, ValidationException, invalid_parameters
from . import global_tables, indexes, resource_policies, table_settings
from .router import Params, Result, handles


def _key_schema(
    elements: list[dict[str, Any]],
    definitions: dict[str, str],
    *,
    table: bool = False,
    multi_attribute: bool = False,
) -> KeySchema:
    names = [element["AttributeName"] for element in elements]
    types = [element["KeyType"] for element in elements]
    if types[0] != "HASH":
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if multi_attribute:
        _check_multi_attribute_order(names, types)
    elif len(elements) == 2:
        if types[1] != "RANGE":
            raise ValidationException(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
            )
        if names[0] == names[1]:
            raise ValidationException(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name"
            )
    missing = [name for name in names if name not in definitions]
    if missing and table and len(definitions) < len(names):
        # The live service's terser text when the table's KeySchema names more attributes
        # than are defined (AWS CLI output quoted in aws-cloudformation/cfn-lint#1037);
        # an index's key schema, or a same-size mismatch, gets the text listing the keys.
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if missing:
        raise invalid_parameters(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(names)}], AttributeDefinitions: [{', '.join(definitions)}]"
        )
    return KeySchema.of(
        [
            (name, definitions[name])
            for name, kind in zip(names, types, strict=True)
            if kind == "HASH"
        ],
        [
            (name, definitions[name])
            for name, kind in zip(names, types, strict=True)
            if kind == "RANGE"
        ],
    )


#: A GSI key's most HASH and most RANGE attributes (developer guide, "Multi-attribute key
#: schema": "a partition key from up to four attributes and a sort key from up to four").
MAX_GSI_KEY_PART: Final = 4


def _check_multi_attribute_order(names: list[str], types: list[str]) -> None:
    """A GSI's KeySchema: its HASH attributes, then its RANGE ones, each at most four and
    no attribute twice (AWS's texts, reported from the live service in
    alchemy-run/alchemy#1216; DynamoDB Local 3.3 for a repeated name)."""
    if "RANGE" in types and "HASH" in types[types.index("RANGE") :]:
        raise invalid_parameters(
            "All HASH key attributes must precede RANGE key attributes in the KeySchema"
        )
    for kind in ("HASH", "RANGE"):
        if types.count(kind) > MAX_GSI_KEY_PART:
            raise invalid_parameters(
                f"The KeySchema exceeds the maximum allowed number of {kind} key attributes"
            )
    if len(set(names)) == len(names):
        return
    if len(names) == 2:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    raise ValidationException("Two keys can not have the same name")


def _gsi_key_schema(elements: list[dict[str, Any]], definitions: dict[str, str]) -> KeySchema:
    return _key_schema(elements, definitions, multi_attribute=True)


def _throughput(params: Params, billing_mode: str, where: str = "") -> tuple[int, int]:
    throughput = params.get("ProvisionedThroughput")
    if billing_mode == "PAY_PER_REQUEST":
        if throughput is not None:
            raise invalid_parameters(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
                f"when BillingMode is PAY_PER_REQUEST{where}"
            )
        return 0, 0
    if throughput is None:
        raise invalid_parameters(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            f"BillingMode is PROVISIONED{where}"
        )
    return int(throughput["ReadCapacityUnits"]), int(throughput["WriteCapacityUnits"])


def _stream_view_type(
    specification: dict[str, Any] | None, *, creating: bool = False
) -> tuple[bool | None, str | None]:
    if specification is None:
        return None, None
    enabled = specification.get("StreamEnabled")
    view_type = specification.get("StreamViewType")
    # CreateTable and UpdateTable word these differently (live service, probed 2026).
    if enabled and view_type is None:
        raise invalid_parameters(
            "Table is being created with a stream enabled, UpdateViewType is required"
            if creating
            else "If stream is being enabled then UpdateViewType is required"
        )
    if not enabled and view_type is not None:
        raise invalid_parameters(
            "Table is being created with a stream disabled, UpdateViewType should not be specified"
            if creating
            else "If stream is being disabled, then UpdateViewType must not be specified"
        )
    return bool(enabled), view_type


def _indexes(
    params: Params, definitions: dict[str, str], table_key: KeySchema, billing_mode: str
) -> tuple[IndexDefinition, ...]:
    made: list[IndexDefinition] = []
    seen: set[str] = set()
    for kind, member in (("LOCAL", "LocalSecondaryIndexes"), ("GLOBAL", "GlobalSecondaryIndexes")):
        if params.get(member) == []:
            raise invalid_parameters(f"List of {member} is empty")
        for index in params.get(member) or []:
            name = index["IndexName"]
            if name in seen:
                raise invalid_parameters(f"Duplicate index name: {name}")
            seen.add(name)
            key = _key_schema(index["KeySchema"], definitions, multi_attribute=kind == "GLOBAL")
            if kind == "LOCAL":
                if table_key.range_name is None:
                    raise invalid_parameters(
                        "Table KeySchema does not have a range key, which is required "
                        "when specifying a LocalSecondaryIndex"
                    )
                if key.hash_name != table_key.hash_name:
                    raise invalid_parameters(
                        "Index KeySchema does not have the same leading hash key as "
                        f"table KeySchema for index: {name}. index hash key: {key.hash_name}, "
                        f"table hash key: {table_key.hash_name}"
                    )
            projection = index["Projection"]
            if projection.get("NonKeyAttributes") is not None and (
                projection.get("ProjectionType") != "INCLUDE"
            ):
                raise ValidationException(
                    "No attributes should be specified to be projected unless projection "
                    "type is INCLUDE"
                )
            read = write = None
            if kind == "GLOBAL" and billing_mode == "PROVISIONED":
                read, write = _throughput(index, billing_mode, f" for index {name}")
            warm = table_settings.parse_warm_throughput(index, billing_mode, f"index {name}")
            made.append(
                IndexDefinition(
                    name=name,
                    kind=kind,
                    key_schema=key,
                    projection_type=projection.get("ProjectionType", "ALL"),
                    non_key_attributes=tuple(projection.get("NonKeyAttributes") or ()),
                    read_capacity=read,
                    write_capacity=write,
                    warm_throughput=warm,
                )
            )
    return tuple(made)


def describe_table(world: RegionWorld, table: Table) -> dict[str, Any]:
    """A TableDescription as DynamoDB shapes it."""
    now = world.now_ms()
    description: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in table.definition.attribute_definitions.items()
        ],
        "TableName": table.name,
        "KeySchema": render_key_schema(table.key_schema),
        "TableStatus": table.status(now),
        "CreationDateTime": epoch_seconds(table.definition.created_ms),
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": table.settings.read_capacity,
            "WriteCapacityUnits": table.settings.write_capacity,
        },
        "TableSizeBytes": table.items.size_bytes,
        "ItemCount": len(table.items),
        "TableArn": table.arn,
        "TableId": table.definition.table_id,
        "DeletionProtectionEnabled": table.settings.deletion_protection_enabled,
    }
    if table.settings.billing_mode == "PAY_PER_REQUEST":
        description["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": epoch_seconds(table.definition.created_ms),
        }
    local = [
        _describe_index(world, table, i) for i in table.definition.indexes if i.kind == "LOCAL"
    ]
    global_ = [
        _describe_index(world, table, i) for i in table.definition.indexes if i.kind == "GLOBAL"
    ]
    global_ += [_describe_index(world, table, i) for i in indexes.deleting_indexes(world, table)]
    if local:
        description["LocalSecondaryIndexes"] = local
    if global_:
        description["GlobalSecondaryIndexes"] = global_
    if table.stream_view_type is not None:
        description["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": table.stream_view_type,
        }
    if table.latest_stream is not None:
        description["LatestStreamLabel"] = table.latest_stream.label
        description["LatestStreamArn"] = table.latest_stream.arn
    description.update(table_settings.describe_settings(table))
    settings = table.settings
    description["WarmThroughput"] = table_settings.describe_warm_throughput(
        settings.billing_mode,
        (settings.read_capacity, settings.write_capacity),
        settings.warm_throughput,
        description["TableStatus"],
    )
    description.update(global_tables.describe(world, table))
    restored = world.restore_summaries.get(table.definition.table_id)
    if restored is not None:
        description["RestoreSummary"] = restored
    return description


def render_key_schema(key: KeySchema) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in key.elements()]


def _describe_index(world: RegionWorld, table: Table, index: IndexDefinition) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection_type}
    if index.non_key_attributes:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    described: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": render_key_schema(index.key_schema),
        "Projection": projection,
        "IndexArn": index_arn(table.arn, index.name),
    }
    described.update(indexes.describe_figures(world, table, index))
    if index.kind == "GLOBAL":
        described["ProvisionedThroughput"] = {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": index.read_capacity or 0,
            "WriteCapacityUnits": index.write_capacity or 0,
        }
        described["WarmThroughput"] = table_settings.describe_warm_throughput(
            table.settings.billing_mode,
            (index.read_capacity or 0, index.write_capacity or 0),
            index.warm_throughput,
            described.get("IndexStatus", "ACTIVE"),
        )
    return described


@handles("dynamodb", "CreateTable")
def create_table(world: RegionWorld, params: Params) -> Result:
    creation = table_creation(world, params)
    policy = params.get("ResourcePolicy")
    parsed_policy = None
    if policy is not None:
        parsed_policy = resource_policies.parse_policy(policy, world.partition)
    table = creation.create(world)
    if parsed_policy is not None:
        # Attached as the table is made, strongly consistent (API reference, CreateTable);
        # the TableDescription does not mention it.
        document, identity = parsed_policy
        target = resource_policies.table_target(table)
        world.resource_policies.put(target, document, identity, None, world.now_ms())
    return {"TableDescription": describe_table(world, table)}


@dataclass(frozen=True)
class TableCreation:
    """A validated CreateTable (or ImportTable's TableCreationParameters), not yet made."""

    name: str
    key_schema: KeySchema
    attribute_definitions: dict[str, str]
    indexes: tuple[IndexDefinition, ...]
    settings: TableSettings
    stream_view_type: str | None

    def create(self, world: RegionWorld, *, table_id: str | None = None) -> Table:
        return world.create_table(
            name=self.name,
            key_schema=self.key_schema,
            attribute_definitions=self.attribute_definitions,
            indexes=self.indexes,
            settings=self.settings,
            stream_view_type=self.stream_view_type,
            table_id=table_id,
        )


def table_creation(world: RegionWorld, params: Params) -> TableCreation:
    """Validate the table-making members of a CreateTable request; change nothing."""
    definitions: dict[str, str] = {}
    if not params.get("AttributeDefinitions"):
        raise ValidationException("No Attribute Schema Defined")
    for definition in params["AttributeDefinitions"]:
        name = definition["AttributeName"]
        if name in definitions:
            raise ValidationException("Cannot have two attributes with the same name")
        definitions[name] = definition["AttributeType"]
    key = _key_schema(params["KeySchema"], definitions, table=True)
    billing_mode = params.get("BillingMode") or "PROVISIONED"
    read, write = _throughput(params, billing_mode)
    indexes = _indexes(params, definitions, key, billing_mode)
    used = set(key.names)
    for index in indexes:
        used.update(index.key_schema.names)
    if used != set(definitions):
        if not indexes:
            raise invalid_parameters(
                "Number of attributes in KeySchema does not exactly match number of "
                "attributes defined in AttributeDefinitions"
            )
        raise invalid_parameters(
            "Some AttributeDefinitions are not used. AttributeDefinitions: "
            f"[{', '.join(sorted(definitions))}], keys used: [{', '.join(sorted(used))}]"
        )
    enabled, view_type = _stream_view_type(params.get("StreamSpecification"), creating=True)
    return TableCreation(
        name=params["TableName"],
        key_schema=key,
        attribute_definitions=definitions,
        indexes=indexes,
        settings=table_settings.parse_create(world, params, billing_mode, (read, write)),
        stream_view_type=view_type if enabled else None,
    )


@handles("dynamodb", "DescribeTable")
def describe_table_handler(world: RegionWorld, params: Params) -> Result:
    return {"Table": describe_table(world, world.table(params["TableName"]))}


@handles("dynamodb", "DeleteTable")
def delete_table(world: RegionWorld, params: Params) -> Result:
    table_settings.check_deletable(world.table(params["TableName"]))
    global_tables.check_deletable(world, world.table(params["TableName"]))
    table = world.delete_table(params["TableName"])
    whole = describe_table(world, table)
    # AWS answers DeleteTable with a short description: no schema, indexes or stream.
    description = {name: whole[name] for name in _DELETED_TABLE_MEMBERS if name in whole}
    description["TableStatus"] = "DELETING"
    return {"TableDescription": description}


_DELETED_TABLE_MEMBERS = (
    "TableName",
    "TableStatus",
    "ProvisionedThroughput",
    "TableSizeBytes",
    "ItemCount",
    "TableArn",
    "TableId",
    "BillingModeSummary",
)


@handles("dynamodb", "ListTables")
def list_tables(world: RegionWorld, params: Params) -> Result:
    names = sorted(world.tables)
    start = params.get("ExclusiveStartTableName")
    if start is not None:
        names = [name for name in names if name > start]
    limit = params.get("Limit") or 100
    result: Result = {"TableNames": names[:limit]}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = names[limit - 1]
    return result


def _check_something_to_update(table: Table, params: Params) -> None:
    """An UpdateTable that names no change is refused (DynamoDB: "Nothing to update")."""
    changes = {name for name, value in params.items() if value is not None and name != "TableName"}
    if changes == {"BillingMode"} and params["BillingMode"] == table.settings.billing_mode:
        changes = set()
    if not changes:
        raise ValidationException("Nothing to update")


@handles("dynamodb", "UpdateTable")
def update_table(world: RegionWorld, params: Params) -> Result:
    table = world.table(params["TableName"])
    now = world.now_ms()
    if table.status(now) != "ACTIVE":
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being updated: "
            f"{table.name}"
        )
    _check_something_to_update(table, params)
    table_settings.check_update(world, table, params)
    enabled, view_type = _stream_view_type(params.get("StreamSpecification"))
    billing_mode = params.get("BillingMode") or table.settings.billing_mode
    throughput = None
    if "ProvisionedThroughput" in params or billing_mode != table.settings.billing_mode:
        throughput = _throughput(params, billing_mode)
    # Validate everything first, then change (a failed request changes nothing).
    if enabled is True and table.stream_view_type is not None:
        # The live service answers ValidationException, not the documented
        # ResourceInUseException (spec, "Enabling a stream").
        raise ValidationException(f"Table already has an enabled stream: TableName: {table.name}")
    if enabled is False and table.stream_view_type is None:
        raise ValidationException(f"Table has no stream to disable: TableName: {table.name}")
    replicas = global_tables.plan(world, table, params)
    index_changes = indexes.plan_index_updates(
        world, table, params, _gsi_key_schema, changes_stream=enabled is not None
    )
    # A view type enables a stream, "" disables the enabled one (TableUpdate.stream).
    stream = None if enabled is None else (view_type or "") if enabled else ""
    update = TableUpdate(
        index_changes=index_changes,
        billing_mode=billing_mode if throughput is not None else None,
        throughput=throughput,
        stream=stream,
        **table_settings.update_members(world, table, params),
    )
    table_updates.update_table(world, table, update)
    if replicas is not None:
        global_tables.apply(world, table, replicas)
    return {"TableDescription": describe_table(world, table)}
