"""Virtual time: the one place that reads the real clock.

The clock follows the wall clock (through ``time.time``, so freezegun and time-machine
steer it too) until :meth:`Clock.freeze`; :meth:`Clock.advance` moves it forward, frozen or
not. Inside it counts integer milliseconds; ``datetime`` appears only at the boundary.
"""

from __future__ import annotations

import math
import numbers
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

MILLIS_PER_SECOND = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_seconds(ms: int) -> float:
    """A clock reading in milliseconds as the epoch seconds DynamoDB's JSON timestamps are."""
    return ms / MILLIS_PER_SECOND


def duration_ms(value: object, *, name: str) -> int:
    """Convert a ``timedelta`` or a number of seconds into whole milliseconds.

    ``name`` says whose argument it is in error messages.

    >>> duration_ms(timedelta(minutes=1), name="x")
    60000
    >>> duration_ms(1.5, name="x")
    1500
    """
    if isinstance(value, timedelta):
        # Exact integer arithmetic: float seconds would lose microseconds on long spans.
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        millis, rest = divmod(micros, 1000)
        return millis + (rest >= 500)
    if isinstance(value, bool):
        pass  # True is an int to Python, but never a duration
    elif isinstance(value, int):
        return value * MILLIS_PER_SECOND
    elif isinstance(value, numbers.Real):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError(
                f"{name} takes a finite duration (a timedelta or a number of seconds), "
                f"got {value!r}"
            )
        return round(seconds * MILLIS_PER_SECOND)
    raise TypeError(f"{name} takes a timedelta or a number of seconds, got {value!r}")


def _wall_ms() -> int:
    # Through time.time, which freezegun and time-machine replace.
    return int(time.time() * MILLIS_PER_SECOND)


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
        return _wall_ms() + self._offset_ms

    def now(self) -> datetime:
        """The virtual time as a timezone-aware UTC datetime, to the millisecond."""
        return _EPOCH + timedelta(milliseconds=self.now_ms())

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
            self._offset_ms = frozen - _wall_ms()
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

        ``delta`` is a ``timedelta`` or a number of seconds; the keywords are numbers.
        Time only moves forward: a negative part is refused with ``ValueError``. Whatever
        became due in the world (expired iterators, trimmed records, rollovers) happens.

        >>> clock = Clock()
        >>> clock.advance(timedelta(minutes=1), seconds=30)
        """
        parts: list[tuple[str, object, int]] = [
            ("days", days, 86_400_000),
            ("hours", hours, 3_600_000),
            ("minutes", minutes, 60_000),
            ("seconds", seconds, 1000),
            ("milliseconds", milliseconds, 1),
        ]
        total = 0
        if delta is not None:
            total = duration_ms(delta, name="advance()")
            negative = delta < timedelta(0) if isinstance(delta, timedelta) else delta < 0
            if negative:
                raise ValueError(
                    f"advance() moves time forward only, got {delta!r}; virtual time never "
                    "goes back"
                )
        for name, amount, factor in parts:
            if not isinstance(amount, numbers.Real) or isinstance(amount, bool):
                raise TypeError(f"advance() takes a number for {name}=, got {amount!r}")
            number = float(amount)
            if not math.isfinite(number):
                raise ValueError(f"advance() takes a finite number for {name}=, got {amount!r}")
            if number < 0:
                raise ValueError(
                    f"advance() moves time forward only, got {name}={amount!r}; virtual time "
                    "never goes back"
                )
            total += amount * factor if isinstance(amount, int) else round(number * factor)
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

    def _restart(self) -> None:
        # For a mock started again: back on the wall clock, as a fresh clock would be.
        with self._lock:
            self._frozen_ms = None
            self._offset_ms = 0

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each advance (the world runs what became due)."""
        self._on_advance.append(listener)

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "flowing"
        return f"<Clock {self.now().isoformat()} {state}>"
