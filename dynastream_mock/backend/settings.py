"""The world's tunables, already validated, in the backend's units (milliseconds).

Their defaults live with the options they come from (``dynastream_mock.options``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    partitions: int
    max_readers_per_shard: int | None
    reader_idle_ms: int
    shard_rollover_ms: int | None
    retention_ms: int
    iterator_ttl_ms: int
    transitions_ms: int
    account_id: str
    #: How long a write to a global table's replica takes to reach the other replicas.
    replication_delay_ms: int = 0
