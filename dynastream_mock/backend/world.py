"""The world: accounts -> regions -> tables and streams, under one lock per region."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from ..clock import Clock
from ..errors import ResourceInUseException, ResourceNotFoundException
from . import due, lifecycle, replication
from .arns import Arn, is_arn, parse_arn, stream_arn, table_arn
from .backups import Backup, RecoveryLog
from .exports import TableExport, TableImport
from .kinesis_destinations import KinesisChange, TableDestinations
from .replication import Inbox
from .resource_policies import PolicyStore
from .settings import Settings
from .shards import SEQUENCE_BASE
from .streams import Stream, stream_label
from .table_updates import settle_billing_mode
from .tables import IndexDefinition, KeySchema, Table, TableDefinition, TableSettings
from .transactions import TokenLedger

_NEVER = 2**63


class RegionWorld:
    """Everything one account has in one region. All access holds ``lock``."""

    def __init__(
        self,
        account_id: str,
        region: str,
        settings: Settings,
        clock: Clock,
        *,
        partition: str = "aws",
        peer: Callable[[str], RegionWorld] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        #: The region's ARN partition (``aws``, ``aws-cn``, ...), told by whoever makes it.
        self.partition = partition
        self.settings = settings
        self.clock = clock
        self.lock = threading.RLock()
        self.tables: dict[str, Table] = {}
        self.streams: dict[str, Stream] = {}
        self._last_sequence = SEQUENCE_BASE
        self._last_label_ms: dict[str, int] = {}
        self._next_due_ms = _NEVER
        #: TransactWriteItems' ClientRequestTokens of this account and region.
        self.token_ledger = TokenLedger()
        #: On-demand backups by ARN, oldest first.
        self.backups: dict[str, Backup] = {}
        #: Point-in-time recovery of the tables that have it on, by TableId.
        self.recovery: dict[str, RecoveryLog] = {}
        #: The RestoreSummary of each table made by a restore, by TableId.
        self.restore_summaries: dict[str, dict[str, object]] = {}
        #: Exports to S3 by ARN, oldest first.
        self.exports: dict[str, TableExport] = {}
        #: Imports from S3 by ARN, oldest first.
        self.imports: dict[str, TableImport] = {}
        #: Resource-based policies of tables and streams (stored, not enforced).
        self.resource_policies = PolicyStore()
        #: What other regions' replicas of global tables sent this one.
        self.inbox = Inbox()
        #: Kinesis Data Streams destinations of the tables, by TableId (a table made again
        #: under the same name starts with none).
        self.kinesis_destinations: dict[str, TableDestinations] = {}
        #: Item changes waiting to be put to Kinesis streams, oldest first: the change
        #: funnel queues them, the api layer delivers them after each request.
        self.kinesis_outbox: list[KinesisChange] = []
        self._peer = peer

    # -- time -----------------------------------------------------------------------------

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def next_sequence(self) -> int:
        """Take the next sequence number (callers hold the region's lock)."""
        self._last_sequence += 1
        return self._last_sequence

    def peek_sequence(self) -> int:
        """The sequence number the next record will get, without taking it."""
        return self._last_sequence + 1

    def schedule(self, at_ms: int) -> None:
        """Make sure the world wakes up at ``at_ms`` to run what is due then."""
        if at_ms < self._next_due_ms:
            self._next_due_ms = at_ms

    def peer(self, region: str) -> RegionWorld:
        """The world of the same account in another region (a replica's home)."""
        if self._peer is None:
            raise RuntimeError(f"{self.region}'s world was made without access to other regions")
        return self._peer(region)

    def touch(self) -> int:
        """Run every time-driven change that is due (the world is touched); return now.

        Replicated writes due from other regions come first: they happened earlier.
        """
        now = self.clock.now_ms()
        if now >= self.inbox.next_due_ms:
            replication.receive(self, now)
        if now >= self._next_due_ms:
            self._run_due(now)
        return now

    def _run_due(self, now: int) -> None:
        self._next_due_ms = lifecycle.run_due(self, now)
        if self.kinesis_destinations:
            self._forget_destinations_of_deleted_tables()

    def _forget_destinations_of_deleted_tables(self) -> None:
        present = {table.definition.table_id for table in self.tables.values()}
        for table_id in [t for t in self.kinesis_destinations if t not in present]:
            del self.kinesis_destinations[table_id]

    def take_kinesis_outbox(self) -> list[KinesisChange]:
        """Every queued change for Kinesis, oldest first, leaving the outbox empty."""
        taken, self.kinesis_outbox = self.kinesis_outbox, []
        return taken

    # -- tables ---------------------------------------------------------------------------

    def find_table(self, name_or_arn: str) -> Table | None:
        """The table with this name, or with this table ARN (AWS accepts either as
        ``TableName``); None when there is none here."""
        if is_arn(name_or_arn):
            arn = parse_arn(name_or_arn)
            if arn is None or not self.is_home_of(arn) or arn.table_name is None:
                return None
            # Whatever follows "table/" is the name: "Users/stream/..." names no table.
            name_or_arn = arn.resource[len("table/") :]
        return self.tables.get(name_or_arn)

    def is_home_of(self, arn: Arn) -> bool:
        """Whether ``arn`` is a DynamoDB ARN of this partition, region and account."""
        return (arn.partition, arn.service, arn.region, arn.account) == (
            self.partition,
            "dynamodb",
            self.region,
            self.account_id,
        )

    def table(self, name: str) -> Table:
        """The table called ``name``; ``ResourceNotFoundException`` when there is none."""
        table = self.find_table(name)
        if table is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found"
            )
        return table

    def table_for_items(self, name: str) -> Table:
        """The table for an item operation: it must exist and not be CREATING or DELETING."""
        table = self.find_table(name)
        now = self.clock.now_ms()
        if table is None or table.status(now) in ("CREATING", "DELETING"):
            raise ResourceNotFoundException("Requested resource not found")
        return table

    def create_table(
        self,
        name: str,
        key_schema: KeySchema,
        attribute_definitions: dict[str, str],
        indexes: tuple[IndexDefinition, ...],
        settings: TableSettings,
        stream_view_type: str | None,
        *,
        table_id: str | None = None,
    ) -> Table:
        """Create a table with the settings of its CreateTable request, all validated.

        ``table_id`` is one allocated earlier (ImportTable tells it before the table exists).
        """
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        now = self.clock.now_ms()
        definition = TableDefinition(
            name=name,
            arn=table_arn(self.partition, self.region, self.account_id, name),
            table_id=table_id or str(uuid.uuid4()),
            key_schema=key_schema,
            attribute_definitions=attribute_definitions,
            created_ms=now,
            indexes=indexes,
        )
        table = Table(definition, settings, active_at_ms=due.transition_done(now, self.settings))
        settle_billing_mode(table, now)
        self.tables[name] = table
        if stream_view_type is not None:
            self.enable_stream(table, stream_view_type)
        return table

    def delete_table(self, name: str) -> Table:
        table = self.table(name)
        now = self.clock.now_ms()
        if table.status(now) in ("CREATING", "UPDATING", "DELETING"):
            raise ResourceInUseException(
                f"Attempt to change a resource which is still in use: Table is being "
                f"{'deleted' if table.deleting_at_ms is not None else 'created or updated'}: {name}"
            )
        if table.stream_view_type is not None:
            self.disable_stream(table)
        replication.leave_group(self, table)
        # Backups outlive their table; its point-in-time history does not (here).
        self.recovery.pop(table.definition.table_id, None)
        table.deleting_at_ms = due.transition_done(now, self.settings)
        if self.settings.transitions_ms == 0:
            del self.tables[table.name]
            # Its Kinesis destinations go with it (the streams themselves stay).
            self.kinesis_destinations.pop(table.definition.table_id, None)
        else:
            self.schedule(table.deleting_at_ms)
        return table

    def schedule_ttl(self, table: Table) -> None:
        """Wake up when the table's earliest Time To Live expiry falls due."""
        expiry = table.ttl.next_due_ms()
        if expiry is not None:
            self.schedule(expiry)

    # -- streams --------------------------------------------------------------------------

    def enable_stream(self, table: Table, view_type: str) -> Stream:
        now = self.clock.now_ms()
        # Labels of one table never repeat, even within one millisecond (spec).
        label_ms = max(now, self._last_label_ms.get(table.name, -1) + 1)
        self._last_label_ms[table.name] = label_ms
        label = stream_label(label_ms)
        stream = Stream(
            arn=stream_arn(table.arn, label),
            label=label,
            table_name=table.name,
            key_schema=table.key_schema.elements(),
            view_type=view_type,
            created_ms=now,
            next_sequence=self.next_sequence,
            enabled_at_ms=due.transition_done(now, self.settings),
        )
        stream.open_partitions(self.settings.partitions, now)
        self.streams[stream.arn] = stream
        table.latest_stream = stream
        table.stream_view_type = view_type
        rollover = due.rollover_at(now, self.settings)
        if rollover is not None:
            self.schedule(rollover)
        return stream

    def disable_stream(self, table: Table) -> Stream:
        stream = table.latest_stream
        assert stream is not None and table.stream_view_type is not None
        now = self.clock.now_ms()
        stream.close_all(now)
        stream.disable_requested_ms = now
        stream.disabled_at_ms = due.transition_done(now, self.settings)
        table.stream_view_type = None
        self.schedule(due.trimmed_at(stream.disabled_at_ms, self.settings))
        return stream

    def stream(self, arn: str) -> Stream:
        stream = self.streams.get(arn)
        if stream is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Stream: {arn} not found"
            )
        return stream


class World:
    """All accounts and regions of one mock; a fresh one per start or reset.

    ``partition_of`` names a region's ARN partition; the backend does not read AWS's
    partition data itself (``dynastream_mock.partitions`` does, from botocore's).
    """

    def __init__(
        self, settings: Settings, clock: Clock, partition_of: Callable[[str], str]
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._partition_of = partition_of
        self._regions: dict[tuple[str, str], RegionWorld] = {}
        self._lock = threading.Lock()

    def region(self, account_id: str, region: str) -> RegionWorld:
        found = self._regions.get((account_id, region))
        if found is not None:
            return found
        with self._lock:
            found = self._regions.get((account_id, region))
            if found is None:
                found = RegionWorld(
                    account_id,
                    region,
                    self.settings,
                    self.clock,
                    partition=self._partition_of(region),
                    peer=lambda other: self.region(account_id, other),
                )
                self._regions[(account_id, region)] = found
            return found

    def regions(self) -> list[RegionWorld]:
        with self._lock:
            return list(self._regions.values())

    def touch_all(self) -> None:
        """Run what became due everywhere (after the clock moved)."""
        for region_world in self.regions():
            with region_world.lock:
                region_world.touch()
