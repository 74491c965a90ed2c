"""Transactions: the ClientRequestToken ledger that makes TransactWriteItems idempotent.

AWS keeps a token for 10 minutes after the first request that used it completed; within
that window the same request again changes nothing and succeeds, a different request with
the same token is ``IdempotentParameterMismatchException``. The ledger lives with its
region's world (``RegionWorld.token_ledger``, dropped with it) and measures time on the
mock clock.

>>> ledger = TokenLedger()
>>> ledger.lookup("token-1", "fingerprint-a", 0)  # a token never seen: a new request
False
>>> ledger.record("token-1", "fingerprint-a", 0)
>>> ledger.lookup("token-1", "fingerprint-a", 60_000)  # the same request again: a replay
True
>>> ledger.lookup("token-1", "fingerprint-a", 600_000)  # ten minutes on: forgotten
False
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import IdempotentParameterMismatchException
from . import due


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
        self._tokens[token] = (fingerprint, due.token_forgotten_at(now_ms))

    def _forget_expired(self, now_ms: int) -> None:
        expired = [token for token, (_, until) in self._tokens.items() if until <= now_ms]
        for token in expired:
            del self._tokens[token]
