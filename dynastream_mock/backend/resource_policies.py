"""Resource-based policies of tables and streams: stored and versioned, never enforced.

One policy slot per resource: a table's is keyed by its TableId (so a table deleted and
made again under the same name starts without one), a stream's by its ARN (a stream's
policy can still be read, changed or deleted after its table is gone: developer guide,
"Attach a resource-based policy to a stream"). A revision id is the epoch milliseconds of
the change as a string, strictly increasing within a region (AWS's ids are 13-digit change
times; "If you're comparing revision IDs, make sure to always use string comparison").

The api hands over a canonical document (what GetResourcePolicy returns) and an identity
(what decides whether a re-put is a no-op); the store decides revisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PolicyNotFoundException

#: ``ExpectedRevisionId`` that asks for no policy to be present (API reference).
NO_POLICY = "NO_POLICY"
_NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    document: str
    identity: str
    revision_id: str


@dataclass(slots=True)
class _Slot:
    policy: ResourcePolicy | None = None
    #: The revision of the last deletion: a later idempotent delete answers it.
    deleted_revision: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyTarget:
    """Which slot a request is about, and how AWS's messages name it."""

    key: str
    #: "table" or "stream"
    kind: str
    #: The table's name or the stream's label.
    name: str
    arn: str


class PolicyStore:
    """The policies of one account and region (callers hold the region's lock)."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}
        self._last_revision_ms = 0

    def _revision(self, now_ms: int) -> str:
        self._last_revision_ms = max(now_ms, self._last_revision_ms + 1)
        return str(self._last_revision_ms)

    def get(self, target: PolicyTarget) -> ResourcePolicy:
        slot = self._slots.get(target.key)
        if slot is None or slot.policy is None:
            raise PolicyNotFoundException(_NOT_FOUND + target.arn)
        return slot.policy

    def put(
        self,
        target: PolicyTarget,
        document: str,
        identity: str,
        expected_revision: str | None,
        now_ms: int,
    ) -> str:
        """Attach ``document``; its revision id. An equivalent document is a no-op."""
        slot = self._slots.setdefault(target.key, _Slot())
        current = slot.policy
        # The revision check comes before the no-op check (live service, probed 2026).
        if expected_revision == NO_POLICY:
            if current is not None:
                raise PolicyNotFoundException(
                    f"{_NOT_FOUND}Requested policy update expecting none to be present for "
                    f"{target.kind} {target.name}, but a policy exists with revision id "
                    f"{current.revision_id}."
                )
        elif expected_revision is not None:
            self._check_expected(target, slot, expected_revision)
        if current is not None and current.identity == identity:
            return current.revision_id
        slot.policy = ResourcePolicy(document, identity, self._revision(now_ms))
        return slot.policy.revision_id

    def delete(
        self, target: PolicyTarget, expected_revision: str | None, now_ms: int
    ) -> str | None:
        """Remove the policy; the removed revision, the last deletion's, or None."""
        slot = self._slots.get(target.key) or _Slot()
        if expected_revision is not None:
            self._check_expected(target, slot, expected_revision)
        if slot.policy is None:
            # Idempotent: a resource without a policy answers the last deletion's
            # revision, or nothing when it never had one (live service, probed 2026).
            return slot.deleted_revision
        removed = slot.policy.revision_id
        slot.policy = None
        slot.deleted_revision = self._revision(now_ms)
        self._slots[target.key] = slot
        return removed

    def forget(self, key: str) -> None:
        """Drop a slot whose resource is gone for good."""
        self._slots.pop(key, None)

    @staticmethod
    def _check_expected(target: PolicyTarget, slot: _Slot, expected: str) -> None:
        current = slot.policy.revision_id if slot.policy is not None else slot.deleted_revision
        if current is None:
            raise PolicyNotFoundException(
                f"{_NOT_FOUND}Requested update for policy with revision id {expected}, but "
                f"{target.kind} {target.name} has no associated policy."
            )
        if current != expected:
            raise PolicyNotFoundException(
                f"{_NOT_FOUND}Requested update for policy with revision id {expected}, but the "
                f"policy associated to target {target.kind} {target.name} has revision id "
                f"{current}."
            )
