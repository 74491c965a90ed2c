"""Unit tests of the replication inbox: what other regions post, taken in due order."""

from __future__ import annotations

from dynastream_mock.backend.replication import Inbox, ReplicaGroup, _Delivery

_NEVER = 2**63


def _group() -> ReplicaGroup:
    return ReplicaGroup("Players", {})


def test_deliveries_come_out_in_due_order_and_only_when_due() -> None:
    inbox, group = Inbox(), _group()
    late = _Delivery(20, group, removal=True)
    early = _Delivery(10, group, removal=True)
    inbox.post(late)
    inbox.post(early)
    assert inbox.next_due_ms == 10
    assert inbox.take_due(9) == []
    assert inbox.take_due(15) == [early]
    assert inbox.next_due_ms == 20
    assert inbox.take_due(20) == [late]
    assert inbox.next_due_ms == _NEVER


def test_a_new_replicas_copy_comes_before_changes_due_at_the_same_time() -> None:
    inbox, group = Inbox(), _group()
    change = _Delivery(10, group, change=(("k",), None, 0, (10, "us-east-1", 0)))
    copy = _Delivery(10, group, stamps={})
    copy.snapshot = object()  # type: ignore[assignment]  # only its presence matters here
    inbox.post(change)
    inbox.post(copy)
    assert inbox.take_due(10) == [copy, change]


def test_changes_due_together_keep_the_order_they_were_posted_in() -> None:
    inbox, group = Inbox(), _group()
    posted = [_Delivery(5, group, change=((f"k{n}",), None, 0, (5, "x", n))) for n in range(5)]
    for delivery in posted:
        inbox.post(delivery)
    assert inbox.take_due(5) == posted
