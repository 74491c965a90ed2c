"""Chaos for stream consumers: a reproducible storm of what production does between reads.

``mock.chaos(seed)`` draws, before answering each Streams request, from one
``random.Random(seed)`` only, what may happen at that point: a split of the request's open
shard, a throttle, the expiry of the shard's iterators, an internal error; and, per trigger
delivery, a batch delivered a second time after it succeeded. It never loses, doubles or
reorders a record: a correct consumer still sees every change once, per key in order.
``chaos.events`` says what was done, so a failure can be replayed with the same seed.

>>> from dynastream_mock import mock_streams
>>> with mock_streams() as mock:
...     chaos = mock.chaos(seed=7, throttles=0.5)
...     mock.active_chaos is chaos, chaos.events
(True, [])
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .backend import reading
from .backend.arns import parse_arn
from .errors import (
    AwsError,
    InternalServerError,
    LimitExceededException,
    ProvisionedThroughputExceededException,
)
from .faults import target_of
from .tools import split_open_shard

if TYPE_CHECKING:
    from .backend.world import RegionWorld

#: The default rates, probabilities per request (per trigger delivery for duplicates).
DEFAULT_RATES: dict[str, float] = {
    "splits": 0.01,
    "throttles": 0.04,
    "expiries": 0.02,
    "server_errors": 0.01,
    "duplicates": 0.0,
}
KINDS = ("split", "throttle", "expire", "server_error", "duplicate")
#: The operations a split, an expiry or an error aims at (the ones with a shard).
_SHARD_OPERATIONS = ("GetShardIterator", "GetRecords")


@dataclass(frozen=True, slots=True)
class ChaosEvent:
    """One thing chaos did: ``kind`` (split, throttle, expire, server_error, duplicate), the
    request's ``operation``, the ``shard_id`` it concerned (None for none) and the
    ``request_index`` (0 for the first Streams request or delivery chaos saw)."""

    kind: str
    operation: str
    shard_id: str | None
    request_index: int

    def __str__(self) -> str:
        shard = f" on {self.shard_id}" if self.shard_id else ""
        return f"#{self.request_index} {self.operation}: {self.kind}{shard}"


def _rate(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"chaos() takes {name}= as a probability (a number), got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"chaos() takes {name}= between 0 and 1 (0 turns it off), got {value!r}")
    return float(value)


class Chaos:
    """A chaos run on a mock (``mock.chaos(...)``); ``stop()`` ends it."""

    def __init__(
        self,
        seed: int,
        *,
        splits: float = DEFAULT_RATES["splits"],
        throttles: float = DEFAULT_RATES["throttles"],
        expiries: float = DEFAULT_RATES["expiries"],
        server_errors: float = DEFAULT_RATES["server_errors"],
        duplicates: float = DEFAULT_RATES["duplicates"],
        table: str | None = None,
        region: str | None = None,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"chaos() takes seed= as a whole number, got {seed!r}")
        self.seed = seed
        self.rates = {
            "server_error": _rate("server_errors", server_errors),
            "throttle": _rate("throttles", throttles),
            "expire": _rate("expiries", expiries),
            "split": _rate("splits", splits),
            "duplicate": _rate("duplicates", duplicates),
        }
        self.table = table
        self.region = region
        #: What chaos did, oldest first.
        self.events: list[ChaosEvent] = []
        self._random = random.Random(seed)
        self._requests = 0
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def active(self) -> bool:
        return not self._stopped

    def stop(self) -> None:
        """End the run: requests are answered plainly again; ``events`` stays."""
        self._stopped = True

    # -- the pipeline's side --------------------------------------------------------------

    def _aims_at(self, world: RegionWorld, params: dict[str, Any]) -> bool:
        if self.region is not None and world.region != self.region:
            return False
        if self.table is None:
            return True
        target = target_of(params)
        return target.table == self.table

    def _before_request(
        self, world: RegionWorld, operation: str, params: dict[str, Any]
    ) -> AwsError | None:
        """Draw for one Streams request; make it happen; the error to answer, if any."""
        if self._stopped or not self._aims_at(world, params):
            return None
        with self._lock:
            index = self._requests
            self._requests += 1
            draw = self._random.random()
            second = self._random.random()
        kind = self._kind_of(draw, operation)
        if kind is None:
            return None
        target = target_of(params)
        if kind == "throttle":
            self._note(kind, operation, target.shard_id, index)
            if operation == "GetRecords" and second < 0.5:
                return ProvisionedThroughputExceededException(
                    "Rate exceeded for shard (injected by dynastream_mock chaos)"
                )
            return LimitExceededException(
                "Rate exceeded for stream (injected by dynastream_mock chaos)"
            )
        if kind == "server_error":
            self._note(kind, operation, target.shard_id, index)
            return InternalServerError("Internal server error (injected by dynastream_mock chaos)")
        if target.stream_arn is None or target.shard_id is None:
            return None
        with world.lock:
            world.touch()
            stream = world.streams.get(target.stream_arn)
            shard = stream.shards.get(target.shard_id) if stream is not None else None
            if stream is None or shard is None:
                return None  # the request fails on its own
            if kind == "expire":
                reading.expire_iterators(world, stream.arn, shard.shard_id)
            elif kind == "split":
                if not (shard.is_open and stream.is_enabled):
                    return None
                split_open_shard(world, stream, shard, 2)
        self._note(kind, operation, target.shard_id, index)
        return None

    def _kind_of(self, draw: float, operation: str) -> str | None:
        # One draw picks at most one kind: the rates stack up from 0.
        threshold = 0.0
        for kind in ("server_error", "throttle", "expire", "split"):
            if kind in ("expire", "split") and operation not in _SHARD_OPERATIONS:
                continue
            threshold += self.rates[kind]
            if draw < threshold:
                return kind
        return None

    def _duplicate_delivery(self, stream_arn: str, shard_id: str) -> bool:
        """Whether a batch that just succeeded is delivered a second time (at-least-once)."""
        if self._stopped or self.rates["duplicate"] == 0.0:
            return False
        parsed = parse_arn(stream_arn)
        if self.table is not None and (parsed is None or parsed.table_name != self.table):
            return False
        if self.region is not None and (parsed is None or parsed.region != self.region):
            return False
        with self._lock:
            index = self._requests
            self._requests += 1
            again = self._random.random() < self.rates["duplicate"]
        if again:
            self._note("duplicate", "Invoke", shard_id, index)
        return again

    def _note(self, kind: str, operation: str, shard_id: str | None, index: int) -> None:
        with self._lock:
            self.events.append(ChaosEvent(kind, operation, shard_id, index))

    def __repr__(self) -> str:
        state = "running" if self.active else "stopped"
        return f"<Chaos seed={self.seed} {state}, {len(self.events)} events>"
