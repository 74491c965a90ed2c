"""The options of ``mock_streams(...)``: checked once, turned into backend settings."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, TypedDict

from .backend.settings import Settings
from .clock import duration_ms

_HOUR = 3600

#: A duration option: a ``timedelta`` or a number of seconds.
Duration = timedelta | float


class MockOptions(TypedDict, total=False):
    """The keyword options of ``mock_streams(...)``, for IDEs and type checkers.

    Their defaults are in ``DEFAULTS``; the documentation's Options page explains each.
    """

    partitions: int
    max_readers_per_shard: int | None
    reader_idle: Duration
    shard_rollover: Duration | None
    retention: Duration
    iterator_ttl: Duration
    transitions: Duration
    account_id: str
    replication_delay: Duration


#: The one source of the options' defaults.
DEFAULTS: dict[str, Any] = {
    "partitions": 1,
    "max_readers_per_shard": 2,
    "reader_idle": 1,
    "shard_rollover": 4 * _HOUR,
    "retention": 24 * _HOUR,
    "iterator_ttl": 15 * 60,
    "transitions": 0,
    "account_id": "123456789012",
    "replication_delay": 0,
}


def _positive_int(name: str, value: object, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        accepted = "a whole number of at least 1" + (" or None" if allow_none else "")
        raise TypeError(f"{name} takes {accepted}, got {value!r}")
    if value < 1:
        accepted = "at least 1" + (" (None turns it off)" if allow_none else "")
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return value


def _duration(
    name: str, value: object, *, allow_none: bool = False, allow_zero: bool = False
) -> int | None:
    if value is None and allow_none:
        return None
    accepted = "a timedelta or a number of seconds" + (" or None" if allow_none else "")
    try:
        millis = duration_ms(value, name=name)
    except TypeError:
        raise TypeError(f"{name} takes {accepted}, got {value!r}") from None
    except ValueError:
        raise ValueError(f"{name} must be finite ({accepted}), got {value!r}") from None
    if millis < 0 or (millis == 0 and not allow_zero):
        bound = "0 or more" if allow_zero else "at least 1 millisecond"
        raise ValueError(f"{name} must be {bound} ({accepted}), got {value!r}")
    return millis


def _account_id(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"account_id takes a string of 12 digits, got {value!r}")
    # isdigit() alone would let through other scripts' digits, such as '١٢٣'.
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValueError(f"account_id must be a string of 12 digits, got {value!r}")
    return value


def refuse_unknown_keywords(
    function: str, noun: str, given: Iterable[str], accepted: Iterable[str]
) -> None:
    """``TypeError`` naming the unknown keywords, each with a "did you mean" when one is close.

    >>> refuse_unknown_keywords("mock_streams()", "option", ["partition"], DEFAULTS)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: mock_streams() got unknown option(s) 'partition' (...did you mean 'partitions'?)...
    """
    known = list(accepted)
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return
    hints = "".join(
        f" ({name!r}: did you mean {close[0]!r}?)"
        for name in unknown
        if (close := difflib.get_close_matches(name, known, n=1))
    )
    raise TypeError(
        f"{function} got unknown {noun}(s) {', '.join(map(repr, unknown))}{hints}; "
        f"{noun}s are: {', '.join(known)}"
    )


def build_settings(options: MockOptions | dict[str, Any]) -> Settings:
    """Check ``mock_streams`` keyword options and return backend settings.

    Unknown names raise ``TypeError`` listing the known ones.
    """
    refuse_unknown_keywords("mock_streams()", "option", options, DEFAULTS)
    merged = {**DEFAULTS, **options}
    partitions = _positive_int("partitions", merged["partitions"])
    readers = _positive_int(
        "max_readers_per_shard", merged["max_readers_per_shard"], allow_none=True
    )
    reader_idle = _duration("reader_idle", merged["reader_idle"])
    rollover = _duration("shard_rollover", merged["shard_rollover"], allow_none=True)
    retention = _duration("retention", merged["retention"])
    iterator_ttl = _duration("iterator_ttl", merged["iterator_ttl"])
    transitions = _duration("transitions", merged["transitions"], allow_zero=True)
    replication_delay = _duration("replication_delay", merged["replication_delay"], allow_zero=True)
    assert partitions is not None and reader_idle is not None and retention is not None
    assert iterator_ttl is not None and transitions is not None
    assert replication_delay is not None
    return Settings(
        partitions=partitions,
        max_readers_per_shard=readers,
        reader_idle_ms=reader_idle,
        shard_rollover_ms=rollover,
        retention_ms=retention,
        iterator_ttl_ms=iterator_ttl,
        transitions_ms=transitions,
        account_id=_account_id(merged["account_id"]),
        replication_delay_ms=replication_delay,
    )
