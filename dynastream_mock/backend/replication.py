"""Global tables (version 2019.11.21): replica groups, replicated writes, last writer wins.

A global table is a group of same-named tables, one per region of one account. A write to
any replica goes through the change funnel as usual; the funnel then posts the new item
image, stamped with when and where it was written, to every other replica's region. Each
region world has an inbox: what other regions sent it, due ``replication_delay`` after the
write on the mock's clock. A world applies what is due when it is touched (every request
and every clock advance touches it first), again through the change funnel, so each
replica's own stream carries the changes that reached it, local and replicated alike.

Concurrent writes to one item resolve as DynamoDB documents: the last writer wins. A
replicated change is applied only if its stamp (write time, then region name, then order of
writing) is later than the stamp of the replica's current version of the item, so every
replica settles on the same item whatever order the changes arrive in. Stamps of deleted
items are kept as tombstones so that a late, older write cannot bring an item back.

No code ever holds two regions' locks: a writer holds its own region's lock and posts to
the other inboxes, each behind its own small lock taken last, and a world empties its inbox
under its own lock. Two replicas writing at once therefore cannot deadlock, whatever their
order (there is no lock order to get wrong). Replica creation and removal travel the same
way, so UpdateTable in one region never locks another.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import due
from .changes import change_item
from .items import KeyTuple
from .shards import Item

if TYPE_CHECKING:
    from .backups import TableSnapshot
    from .tables import Table
    from .world import RegionWorld

GLOBAL_TABLE_VERSION = "2019.11.21"
#: The view type DynamoDB gives (and requires of) every replica's stream.
REPLICA_VIEW_TYPE = "NEW_AND_OLD_IMAGES"
#: A region that sourced a new replica cannot be deleted for this long (Developer Guide).
SOURCE_HOLD_MS = 24 * 60 * 60 * 1000
_NEVER = 2**63

#: When and where a version of an item was written: (time in ms, region, order of writing).
Stamp = tuple[int, str, int]


@dataclass(eq=False)
class ReplicaGroup:
    """The replicas of one global table: the regions that have one, and their worlds."""

    name: str
    #: Region name -> that region's world, for every replica (the first table's included).
    members: dict[str, RegionWorld]
    #: When each region last sourced a new replica (DeleteTable refuses for a day after).
    sourced_ms: dict[str, int] = field(default_factory=dict)
    #: When each region's replica was asked for (CREATING for ``transitions`` after).
    joined_ms: dict[str, int] = field(default_factory=dict)
    _serial: Callable[[], int] = field(default_factory=lambda: itertools.count().__next__)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def regions(self) -> list[str]:
        with self._lock:
            return sorted(self.members)

    def sole_member(self) -> RegionWorld | None:
        """The world of the one replica left, or None while there are more (or none)."""
        with self._lock:
            return next(iter(self.members.values())) if len(self.members) == 1 else None

    def add(self, world: RegionWorld, now_ms: int) -> None:
        with self._lock:
            self.members[world.region] = world
            self.joined_ms[world.region] = now_ms

    def remove(self, region: str) -> None:
        with self._lock:
            self.members.pop(region, None)

    def post_change(
        self, world: RegionWorld, table: Table, key: KeyTuple, new_item: Item | None, size: int
    ) -> None:
        """Stamp a local write to a replica and post it to every other replica's region.

        Called by the change funnel, with the writing region's lock held.
        """
        now = world.now_ms()
        with self._lock:
            stamp: Stamp = (now, world.region, self._serial())
            others = [w for name, w in sorted(self.members.items()) if name != world.region]
        current = table.write_stamps.get(key)
        if current is not None and current >= stamp:
            # A write that saw a version must beat it everywhere, even within one clock
            # millisecond and against a region name that sorts later (as a Lamport clock).
            stamp = (current[0] + 1, world.region, stamp[2])
        table.write_stamps[key] = stamp
        due = now + world.settings.replication_delay_ms
        for other in others:
            other.inbox.post(_Delivery(due, self, change=(key, new_item, size, stamp)))


@dataclass(slots=True)
class _Delivery:
    """Something another region sent, applied when it falls due."""

    due_ms: int
    group: ReplicaGroup
    #: A replicated change: (key, new item or None, its size, its stamp).
    change: tuple[KeyTuple, Item | None, int, Stamp] | None = None
    #: A new replica to make here from this snapshot of the source replica.
    snapshot: TableSnapshot | None = None
    #: The stamps of the snapshot's items (with its tombstones), for last writer wins.
    stamps: dict[KeyTuple, Stamp] | None = None
    #: This region's replica is to be removed (and its table deleted).
    removal: bool = False
    #: The group is down to this region's replica: it is a regional table again.
    dissolved: bool = False


class Inbox:
    """What other regions posted to one region world, in due order.

    Writers in other regions post under the inbox's own lock (never under this region's);
    the region takes what is due while holding its own lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heap: list[tuple[int, int, int, _Delivery]] = []
        self._order = itertools.count()
        #: The earliest due time waiting (a plain read for the hot path of every touch).
        self.next_due_ms = _NEVER

    def post(self, delivery: _Delivery) -> None:
        with self._lock:
            # A new replica's copy comes before changes due at the same time (they follow it).
            rank = 0 if delivery.snapshot is not None else 1
            heapq.heappush(self._heap, (delivery.due_ms, rank, next(self._order), delivery))
            self.next_due_ms = self._heap[0][0]

    def take_due(self, now_ms: int) -> list[_Delivery]:
        with self._lock:
            taken = []
            while self._heap and self._heap[0][0] <= now_ms:
                taken.append(heapq.heappop(self._heap)[3])
            self.next_due_ms = self._heap[0][0] if self._heap else _NEVER
            return taken


# -- the writer's side ------------------------------------------------------------------------


def join_group(table: Table, world: RegionWorld) -> ReplicaGroup:
    """The table's replica group, made (with the table as its first member) if it has none."""
    if table.replica_group is None:
        table.replica_group = ReplicaGroup(table.name, {world.region: world})
    return table.replica_group


def add_replica(
    world: RegionWorld, table: Table, target: RegionWorld, snapshot: TableSnapshot
) -> None:
    """Make ``target`` a member of the table's group and post it the table's copy.

    From now on every write here is posted to ``target`` as well, after the copy, so the
    new replica is the snapshot plus every later change.
    """
    group = join_group(table, world)
    group.add(target, world.now_ms())
    group.sourced_ms[world.region] = world.now_ms()
    target.inbox.post(
        _Delivery(world.now_ms(), group, snapshot=snapshot, stamps=dict(table.write_stamps))
    )
    if world.settings.transitions_ms:
        # The source table is UPDATING while its new replica is CREATING.
        table.active_at_ms = due.transition_done(world.now_ms(), world.settings)
        table.status_while_pending = "UPDATING"


def remove_replica(table: Table, target: RegionWorld) -> None:
    """Take ``target`` out of the table's group and post it the removal of its replica."""
    group = table.replica_group
    assert group is not None
    group.remove(target.region)
    target.inbox.post(_Delivery(target.now_ms(), group, removal=True))
    _dissolve_if_alone(group)


def leave_group(world: RegionWorld, table: Table) -> None:
    """The replica is deleted here (DeleteTable): the others stop replicating to it."""
    group = table.replica_group
    if group is None:
        return
    group.remove(world.region)
    table.replica_group = None
    _dissolve_if_alone(group)


def _dissolve_if_alone(group: ReplicaGroup) -> None:
    # One replica left is a regional table again (DescribeTable shows no Replicas).
    last = group.sole_member()
    if last is not None:
        last.inbox.post(_Delivery(last.now_ms(), group, dissolved=True))


# -- the receiver's side ----------------------------------------------------------------------


def receive(world: RegionWorld, now_ms: int) -> None:
    """Apply everything other regions sent that is due by now (this region's lock held)."""
    for delivery in world.inbox.take_due(now_ms):
        table = world.tables.get(delivery.group.name)
        if delivery.snapshot is not None:
            _create_replica(world, delivery)
        elif delivery.removal:
            if table is not None and table.replica_group is delivery.group:
                table.replica_group = None
                _drop_table(world, table)
        elif delivery.change is not None:
            if table is not None and table.replica_group is delivery.group:
                _apply_change(world, table, *delivery.change)
        elif (
            delivery.dissolved
            and table is not None
            and table.replica_group is delivery.group
            and delivery.group.regions() == [world.region]
        ):
            table.replica_group = None


def _drop_table(world: RegionWorld, table: Table) -> None:
    if table.deleting_at_ms is not None:
        return
    # A replica still CREATING is removed all the same (ReplicaUpdates Delete).
    table.active_at_ms = min(table.active_at_ms, world.now_ms())
    world.delete_table(table.name)


def _apply_change(
    world: RegionWorld,
    table: Table,
    key: KeyTuple,
    new_item: Item | None,
    size: int,
    stamp: Stamp,
) -> None:
    current = table.write_stamps.get(key)
    if current is not None and current >= stamp:
        return  # this replica holds a later write: the last writer wins
    table.write_stamps[key] = stamp
    if table.deleting_at_ms is None:
        change_item(world, table, key, new_item, size, replicated=True)


def _create_replica(world: RegionWorld, delivery: _Delivery) -> None:
    snapshot = delivery.snapshot
    assert snapshot is not None and delivery.stamps is not None
    group = delivery.group
    definition = snapshot.definition
    if definition.name in world.tables:
        # Made here by someone else meanwhile: this region cannot hold the replica.
        group.remove(world.region)
        return
    table = world.create_table(
        definition.name,
        definition.key_schema,
        dict(definition.attribute_definitions),
        definition.indexes,
        snapshot.settings,
        None,
    )
    for key, item, size in snapshot.items:
        change_item(world, table, key, item, size, replicated=True)
    # The copy is the replica's starting point, not changes: its stream starts after it.
    world.enable_stream(table, REPLICA_VIEW_TYPE)
    table.write_stamps = dict(delivery.stamps)
    table.replica_group = group


# -- what DescribeTable shows -----------------------------------------------------------------


def replica_statuses(world: RegionWorld, table: Table) -> list[tuple[str, str]]:
    """(region, ReplicaStatus) of every other replica of the table's global table."""
    group = table.replica_group
    if group is None:
        return []
    now = world.now_ms()
    statuses = []
    for region in group.regions():
        if region == world.region:
            continue
        joined = group.joined_ms.get(region)
        creating = joined is not None and now < due.transition_done(joined, world.settings)
        statuses.append((region, "CREATING" if creating else "ACTIVE"))
    return statuses


def sourced_recently(world: RegionWorld, table: Table) -> bool:
    """Whether this replica sourced a new replica less than a day ago (DeleteTable refuses)."""
    group = table.replica_group
    if group is None:
        return False
    sourced = group.sourced_ms.get(world.region)
    return sourced is not None and world.now_ms() < sourced + SOURCE_HOLD_MS
