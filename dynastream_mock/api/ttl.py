"""Time To Live: UpdateTimeToLive and DescribeTimeToLive.

The checks and their order are those recorded against DynamoDB: what the request asks for
is checked first ("already enabled", "already disabled", "active on a different
AttributeName"), then the interval after the previous change ("modified multiple times
within a fixed interval"). That interval lasts as long as the change is ENABLING or
DISABLING, i.e. the mock's ``transitions`` setting (at once by default); on AWS it is about
half an hour to an hour.
"""

from __future__ import annotations

from ..backend.table_updates import set_time_to_live
from ..backend.world import RegionWorld
from ..errors import ValidationException
from .router import Params, Result, handles


@handles("dynamodb", "UpdateTimeToLive")
def update_time_to_live(world: RegionWorld, params: Params) -> Result:
    specification = params["TimeToLiveSpecification"]
    enabled = bool(specification["Enabled"])
    attribute: str = specification["AttributeName"]
    table = world.table(params["TableName"])
    ttl = table.ttl
    now = world.now_ms()
    current = ttl.attribute if ttl.enabled else None
    if current is not None and current != attribute:
        raise ValidationException(
            f"TimeToLive is active on a different AttributeName: current AttributeName is {current}"
        )
    if enabled and ttl.enabled:
        raise ValidationException("TimeToLive is already enabled")
    if not enabled and not ttl.enabled:
        raise ValidationException("TimeToLive is already disabled")
    if now < ttl.settles_at_ms:
        raise ValidationException(
            "Time to live has been modified multiple times within a fixed interval"
        )
    set_time_to_live(world, table, attribute, enabled)
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


@handles("dynamodb", "DescribeTimeToLive")
def describe_time_to_live(world: RegionWorld, params: Params) -> Result:
    table = world.table(params["TableName"])
    now = world.now_ms()
    state = table.status(now)
    if state in ("CREATING", "DELETING"):
        raise ValidationException(
            f"Cannot describe time to live while table is in {state} state: Current table "
            f"state is {state}"
        )
    status = table.ttl.status(now)
    description: dict[str, str] = {"TimeToLiveStatus": status}
    if status != "DISABLED" and table.ttl.attribute is not None:
        description["AttributeName"] = table.ttl.attribute
    return {"TimeToLiveDescription": description}
