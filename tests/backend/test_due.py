"""Every deadline comes from backend/due.py; these pin its arithmetic to the spec's rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from dynastream_mock.backend import due
from dynastream_mock.options import build_settings

HOUR_MS = 3_600_000
SETTINGS = replace(
    build_settings({}), transitions_ms=2_000, retention_ms=24 * HOUR_MS, shard_rollover_ms=HOUR_MS
)


def test_transitions_end_after_the_setting() -> None:
    assert due.transition_done(5_000, SETTINGS) == 7_000


def test_records_shards_and_streams_leave_the_window_after_retention() -> None:
    assert due.trimmed_at(1_000, SETTINGS) == 1_000 + 24 * HOUR_MS
    # A record made exactly at the cutoff is trimmed: the cutoff is inclusive.
    assert due.trim_cutoff(1_000 + 24 * HOUR_MS, SETTINGS) == 1_000


def test_rollover_follows_the_shard_and_can_be_off() -> None:
    assert due.rollover_at(10, SETTINGS) == 10 + HOUR_MS
    assert due.rollover_at(10, replace(SETTINGS, shard_rollover_ms=None)) is None


def test_iterators_expire_at_their_age_limit() -> None:
    ttl = SETTINGS.iterator_ttl_ms
    assert not due.iterator_expired(0, ttl - 1, SETTINGS)
    assert due.iterator_expired(0, ttl, SETTINGS)


def test_a_reader_slot_frees_after_reader_idle() -> None:
    idle = SETTINGS.reader_idle_ms
    assert not due.reader_idle(0, idle - 1, SETTINGS)
    assert due.reader_idle(0, idle, SETTINGS)


def test_ttl_expires_the_millisecond_after_the_attribute_time() -> None:
    assert due.ttl_expiry(Decimal("100"), 0) == 100_001
    assert due.ttl_expiry(Decimal("100.0005"), 0) == 100_001
    # More than five years in the past: never expired.
    now = 6 * 365 * 86_400_000
    assert due.ttl_expiry(Decimal("0"), now) is None


def test_transaction_tokens_are_remembered_ten_minutes() -> None:
    assert due.token_forgotten_at(1_000) == 1_000 + 600_000
