"""The world's tunables, already validated, in the backend's units (milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    partitions: int = 1
    max_readers_per_shard: int | None = 2
    reader_idle_ms: int = 1_000
    shard_rollover_ms: int | None = 4 * 3_600_000
    retention_ms: int = 24 * 3_600_000
    iterator_ttl_ms: int = 15 * 60_000
    transitions_ms: int = 0
    account_id: str = "123456789012"
