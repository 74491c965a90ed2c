"""DynamoDB data plane: item reads and writes."""

from __future__ import annotations

from ..backend import values
from ..backend.world import RegionWorld
from .router import Params, Result, handles


@handles("dynamodb", "PutItem")
def put_item(world: RegionWorld, params: Params) -> Result:
    table = world.table_for_items(params["TableName"])
    item = values.normalize_item(params["Item"])
    key = table.key_of(item)
    size = values.item_size(item)
    old = world.write_item(table, key, item, size)
    result: Result = {}
    if params.get("ReturnValues") == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    return result


@handles("dynamodb", "GetItem")
def get_item(world: RegionWorld, params: Params) -> Result:
    table = world.table_for_items(params["TableName"])
    key = table.check_key_only(params["Key"])
    item = table.get(key)
    return {} if item is None else {"Item": item}


@handles("dynamodb", "DeleteItem")
def delete_item(world: RegionWorld, params: Params) -> Result:
    table = world.table_for_items(params["TableName"])
    key = table.check_key_only(params["Key"])
    old = world.write_item(table, key, None, 0)
    result: Result = {}
    if params.get("ReturnValues") == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    return result
