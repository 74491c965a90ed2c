"""Backups and point-in-time recovery, kept on the virtual clock.

An on-demand backup is a table's definition, settings and items at one instant. Items are
never changed in place (a change stores a new dict), so a backup shares them with the table
and costs one reference per item.

Point-in-time recovery keeps, while it is enabled, an undo log of the table's changes inside
the recovery period: the items at time T are today's items with every later change undone.
Memory grows with the table's changes in the window, not with its size, and entries older
than the window are dropped as new ones arrive.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from .arns import backup_arn
from .items import KeyTuple
from .shards import Item
from .tables import Table, TableDefinition, TableSettings

DAY_MS = 24 * 60 * 60 * 1000
#: DynamoDB restores no later than about five minutes before now (Developer Guide, PITR).
LATEST_RESTORABLE_LAG_MS = 5 * 60 * 1000
DEFAULT_RECOVERY_DAYS = 35

#: (key, item, size) of every item a snapshot holds.
SnapshotItems = tuple[tuple[KeyTuple, Item, int], ...]


@dataclass(frozen=True)
class TableSnapshot:
    """What a restore recreates: the definition, the settings and the items."""

    definition: TableDefinition
    settings: TableSettings
    items: SnapshotItems
    size_bytes: int
    stream_view_type: str | None
    ttl_attribute: str | None

    @classmethod
    def of(cls, table: Table, items: SnapshotItems | None = None) -> TableSnapshot:
        if items is None:
            items = tuple(
                (key, item, table.items.size_of(key)) for key, item in table.items.entries()
            )
        return cls(
            definition=table.definition,
            settings=dataclasses.replace(table.settings, tags=dict(table.settings.tags)),
            items=items,
            size_bytes=sum(size for _, _, size in items),
            stream_view_type=table.stream_view_type,
            ttl_attribute=table.ttl.attribute if table.ttl.enabled else None,
        )


@dataclass
class Backup:
    """One on-demand backup (BackupType USER); AWS makes them AVAILABLE at once for tables
    this size."""

    arn: str
    name: str
    created_ms: int
    snapshot: TableSnapshot
    status: str = "AVAILABLE"
    backup_type: str = "USER"


def new_backup(table: Table, name: str, now_ms: int) -> Backup:
    # AWS's backup ids: the creation time in milliseconds and eight hex digits.
    backup_id = f"{now_ms:013d}-{secrets.token_hex(4)}"
    return Backup(backup_arn(table.arn, backup_id), name, now_ms, TableSnapshot.of(table))


@dataclass
class RecoveryLog:
    """A table's point-in-time recovery: since when it runs and the changes to undo."""

    enabled_ms: int
    period_days: int = DEFAULT_RECOVERY_DAYS
    #: (time, key, the item before the change or None, its size), oldest first.
    undo: deque[tuple[int, KeyTuple, Item | None, int]] = field(default_factory=deque)

    @property
    def period_ms(self) -> int:
        return self.period_days * DAY_MS

    def earliest_ms(self, now_ms: int) -> int:
        return max(self.enabled_ms, now_ms - self.period_ms)

    def latest_ms(self, now_ms: int) -> int:
        return now_ms - LATEST_RESTORABLE_LAG_MS

    def record(self, now_ms: int, key: KeyTuple, old_item: Item | None, old_size: int) -> None:
        self.undo.append((now_ms, key, old_item, old_size))
        self.forget_before(self.earliest_ms(now_ms))

    def forget_before(self, earliest_ms: int) -> None:
        # A restore to T >= earliest undoes only changes after T: older ones are never needed.
        undo = self.undo
        while undo and undo[0][0] <= earliest_ms:
            undo.popleft()

    def items_at(self, table: Table, at_ms: int) -> SnapshotItems:
        """The table's items as they were at ``at_ms`` (changes made at ``at_ms`` count)."""
        state: dict[KeyTuple, tuple[Item, int]] = {
            key: (item, table.items.size_of(key)) for key, item in table.items.entries()
        }
        for when, key, old_item, old_size in _newest_first(self.undo):
            if when <= at_ms:
                break
            if old_item is None:
                state.pop(key, None)
            else:
                state[key] = (old_item, old_size)
        return tuple((key, item, size) for key, (item, size) in state.items())


def _newest_first(
    undo: deque[tuple[int, KeyTuple, Item | None, int]],
) -> Iterator[tuple[int, KeyTuple, Item | None, int]]:
    return reversed(undo)
