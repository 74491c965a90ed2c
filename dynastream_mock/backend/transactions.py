"""Transactions: the ClientRequestToken ledger that makes TransactWriteItems idempotent.

AWS keeps a token for 10 minutes after the first request that used it completed; within
that window the same request again changes nothing and succeeds, a different request with
the same token is ``IdempotentParameterMismatchException``. The ledger lives with its
region's world (one per ``RegionWorld``, dropped with it) and measures time on the mock
clock.

>>> ledger = ledger_of(world)
>>> ledger.lookup(token, fingerprint, now_ms)   # True: a replay; False: new; raises on mismatch
>>> ledger.record(token, fingerprint, now_ms)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ..errors import IdempotentParameterMismatchException

if TYPE_CHECKING:
    from .world import RegionWorld

#: How long a ClientRequestToken is remembered (API reference, TransactWriteItems).
TOKEN_WINDOW_MS = 10 * 60_000


@dataclass(slots=True)
class TokenLedger:
    #: token -> (fingerprint of the request, virtual time the token is forgotten)
    _tokens: dict[str, tuple[str, int]] = field(default_factory=dict)

    def lookup(self, token: str, fingerprint: str, now_ms: int) -> bool:
        """Whether this request replays a completed one; raise on a different request."""
        self._forget_expired(now_ms)
        found = self._tokens.get(token)
        if found is None:
            return False
        if found[0] != fingerprint:
            raise IdempotentParameterMismatchException(
                "The request uses the same client token as a previous, but non-identical "
                "request. Do not reuse a client token with different requests, unless the "
                "requests are identical."
            )
        return True

    def record(self, token: str, fingerprint: str, now_ms: int) -> None:
        self._tokens[token] = (fingerprint, now_ms + TOKEN_WINDOW_MS)

    def _forget_expired(self, now_ms: int) -> None:
        expired = [token for token, (_, until) in self._tokens.items() if until <= now_ms]
        for token in expired:
            del self._tokens[token]


_LEDGERS: WeakKeyDictionary[RegionWorld, TokenLedger] = WeakKeyDictionary()


def ledger_of(world: RegionWorld) -> TokenLedger:
    """The token ledger of ``world`` (made on first use)."""
    ledger = _LEDGERS.get(world)
    if ledger is None:
        ledger = _LEDGERS[world] = TokenLedger()
    return ledger
