"""Global tables (version 2019.11.21) in UpdateTable, DescribeTable and DeleteTable.

UpdateTable's ``ReplicaUpdates`` adds a replica of the table in another region of the same
mock (``Create``) or removes one (``Delete``); the backend's ``replication.py`` carries the
copy and every later write there. Validation comes first, for every action of the request,
so a refused request changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..backend import replication
from ..backend.backups import TableSnapshot
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import ValidationException, invalid_parameters
from .router import Params

#: Members of a Create action this mock does not apply yet; refused rather than ignored.
_UNSUPPORTED_CREATE_MEMBERS = (
    "KMSMasterKeyId",
    "ProvisionedThroughputOverride",
    "OnDemandThroughputOverride",
    "GlobalSecondaryIndexes",
    "TableClassOverride",
)
#: UpdateTable members of Multi-Region strong consistency, which this mock leaves out.
UNSUPPORTED_MEMBERS = ("MultiRegionConsistency", "GlobalTableWitnessUpdates")


@dataclass(frozen=True, slots=True)
class ReplicaPlan:
    """The accepted actions of one ReplicaUpdates list."""

    create: tuple[RegionWorld, ...] = ()
    delete: tuple[RegionWorld, ...] = ()


def plan(world: RegionWorld, table: Table, params: Params) -> ReplicaPlan | None:
    """Validate UpdateTable's ReplicaUpdates (and what they rule out); None when absent."""
    unsupported = [name for name in UNSUPPORTED_MEMBERS if params.get(name) is not None]
    if unsupported:
        raise ValidationException(
            f"dynastream_mock does not support Multi-Region strong consistency: UpdateTable's "
            f"{', '.join(unsupported)} cannot be applied (global tables replicate eventually)"
        )
    updates = params.get("ReplicaUpdates")
    if _disables_stream(params) and (table.replica_group is not None or updates):
        raise invalid_parameters("Disabling Stream is not allowed for a Global Table replica.")
    if updates is None:
        return None
    if table.stream_view_type not in (None, replication.REPLICA_VIEW_TYPE):
        raise invalid_parameters(
            f"A global table's replicas need a stream with StreamViewType "
            f"{replication.REPLICA_VIEW_TYPE}; table {table.name} has "
            f"{table.stream_view_type}. Disable the stream, or enable it with "
            f"{replication.REPLICA_VIEW_TYPE}"
        )
    members = set() if table.replica_group is None else set(table.replica_group.regions())
    create: list[RegionWorld] = []
    delete: list[RegionWorld] = []
    named: set[str] = set()
    for update in updates:
        actions = [name for name in ("Create", "Update", "Delete") if update.get(name)]
        if len(actions) != 1:
            raise invalid_parameters(
                "One and only one of Create, Update or Delete must be specified in each "
                "ReplicationGroupUpdate"
            )
        (action,) = actions
        member: dict[str, Any] = update[action]
        region = member["RegionName"]
        if region in named:
            raise invalid_parameters(
                f"Only one action per region can be specified in ReplicaUpdates: {region}"
            )
        named.add(region)
        if action == "Update":
            raise ValidationException(
                "dynastream_mock does not support replica overrides yet: ReplicaUpdates' "
                "Update cannot be applied"
            )
        if action == "Create":
            given = [name for name in _UNSUPPORTED_CREATE_MEMBERS if member.get(name)]
            if given:
                raise ValidationException(
                    f"dynastream_mock does not support replica overrides yet: "
                    f"{', '.join(given)} of ReplicaUpdates' Create cannot be applied"
                )
            target = world.peer(region)
            # Another world's tables are read without its lock: a name made there meanwhile
            # is caught when the copy arrives (the replica is then not made).
            if region in members or target.find_table(table.name) is not None:
                raise ValidationException(
                    f"Failed to create a the new replica of table with name: '{table.name}' "
                    "because one or more replicas already existed as tables."
                )
            create.append(target)
        else:
            if region not in members or region == world.region:
                raise ValidationException(
                    "Replica specified in the Replica Update or Replica Delete action of the "
                    "request was not found."
                )
            delete.append(world.peer(region))
    return ReplicaPlan(tuple(create), tuple(delete))


def apply(world: RegionWorld, table: Table, accepted: ReplicaPlan) -> None:
    """Carry out a validated plan: replicas are made and removed through their inboxes."""
    if accepted.create and table.stream_view_type is None:
        # DynamoDB enables the stream every replica needs (Developer Guide, global tables).
        world.enable_stream(table, replication.REPLICA_VIEW_TYPE)
    for target in accepted.create:
        replication.add_replica(world, table, target, _replica_snapshot(table))
    for target in accepted.delete:
        replication.remove_replica(table, target)


def _replica_snapshot(table: Table) -> TableSnapshot:
    snapshot = TableSnapshot.of(table)
    # Deletion protection and tags belong to each replica; the rest is the global table's.
    settings = dataclasses.replace(snapshot.settings, deletion_protection_enabled=False, tags={})
    return dataclasses.replace(snapshot, settings=settings)


def check_deletable(world: RegionWorld, table: Table) -> None:
    """DeleteTable of a replica that sourced a new replica less than a day ago is refused."""
    if replication.sourced_recently(world, table):
        raise ValidationException(
            "Replica cannot be deleted because it has acted as a source region for new "
            "replica(s) being added to the table in the last 24 hours."
        )


def describe(world: RegionWorld, table: Table) -> dict[str, Any]:
    """DescribeTable's GlobalTableVersion and Replicas (the other regions' replicas)."""
    statuses = replication.replica_statuses(world, table)
    if not statuses:
        return {}
    return {
        "GlobalTableVersion": replication.GLOBAL_TABLE_VERSION,
        "Replicas": [
            {"RegionName": region, "ReplicaStatus": status} for region, status in statuses
        ],
    }


def _disables_stream(params: Params) -> bool:
    specification = params.get("StreamSpecification")
    return specification is not None and specification.get("StreamEnabled") is False
