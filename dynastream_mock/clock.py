"""Virtual time: the one place that reads the real clock.

The clock follows the wall clock (through ``time.time``, so freezegun and time-machine
steer it too) until :meth:`Clock.freeze`; :meth:`Clock.advance` moves it forward, frozen or
not. Inside it counts integer milliseconds; ``datetime`` appears only at the boundary.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

MILLIS_PER_SECOND = 1000


def duration_ms(value: object, *, name: str) -> int:
    """Convert a ``timedelta`` or a number of seconds into whole milliseconds.

    >>> duration_ms(timedelta(minutes=1), name="x")
    60000
    """
    if isinstance(value, timedelta):
        return round(value.total_seconds() * MILLIS_PER_SECOND)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{name} must be a finite duration, got {value!r}")
        return round(value * MILLIS_PER_SECOND)
    raise TypeError(f"{name} takes a timedelta or a number of seconds, got {value!r}")


class Clock:
    """The mock's clock.

    >>> clock = Clock()
    >>> clock.freeze()
    >>> before = clock.now()
    >>> clock.advance(minutes=16)
    >>> clock.now() - before
    datetime.timedelta(seconds=960)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_ms: int | None = None
        self._offset_ms = 0
        self._on_advance: list[Callable[[], None]] = []

    def now_ms(self) -> int:
        """Milliseconds since the epoch, in virtual time."""
        frozen = self._frozen_ms
        if frozen is not None:
            return frozen
        return int(time.time() * MILLIS_PER_SECOND) + self._offset_ms

    def now(self) -> datetime:
        """The virtual time as a timezone-aware UTC datetime."""
        return datetime.fromtimestamp(self.now_ms() / MILLIS_PER_SECOND, tz=timezone.utc)

    @property
    def frozen(self) -> bool:
        return self._frozen_ms is not None

    def freeze(self) -> None:
        """Stop virtual time where it is now; ``advance`` still moves it."""
        with self._lock:
            if self._frozen_ms is None:
                self._frozen_ms = self.now_ms()

    def unfreeze(self) -> None:
        """Let virtual time flow again from where it is."""
        with self._lock:
            frozen = self._frozen_ms
            if frozen is None:
                return
            self._offset_ms = frozen - int(time.time() * MILLIS_PER_SECOND)
            self._frozen_ms = None

    def advance(
        self,
        delta: timedelta | float | None = None,
        /,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
        milliseconds: float = 0,
    ) -> None:
        """Move virtual time forward by ``delta`` plus the keywords, summed.

        ``delta`` is a ``timedelta`` or a number of seconds. Negative totals are refused.
        """
        total = 0 if delta is None else duration_ms(delta, name="advance()")
        for name, amount, factor in (
            ("days", days, 86_400_000),
            ("hours", hours, 3_600_000),
            ("minutes", minutes, 60_000),
            ("seconds", seconds, 1000),
            ("milliseconds", milliseconds, 1),
        ):
            if not isinstance(amount, (int, float)) or isinstance(amount, bool):
                raise TypeError(f"advance() takes a number for {name}=, got {amount!r}")
            total += round(amount * factor)
        if total < 0:
            raise ValueError(
                f"advance() moves time forward only, got a total of {total} ms; "
                "virtual time never goes back"
            )
        self.advance_ms(total)

    def advance_ms(self, amount: int) -> None:
        """Move virtual time forward by ``amount`` milliseconds (not negative)."""
        if amount <= 0:
            return
        with self._lock:
            if self._frozen_ms is not None:
                self._frozen_ms += amount
            else:
                self._offset_ms += amount
            listeners = tuple(self._on_advance)
        for listener in listeners:
            listener()

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each advance (the world runs what became due)."""
        self._on_advance.append(listener)

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "flowing"
        return f"<Clock {self.now().isoformat()} {state}>"
