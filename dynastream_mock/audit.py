"""The delivery audit: what a consumer processed, against what the stream holds.

``mock.check_consumed(table, seen)`` compares the records a consumer processed (as boto3 or a
Lambda event gave them, or their eventIDs) with every record the stream retains, and says
what is missing, what was processed twice, and what came before an earlier change of its key:

>>> import boto3
>>> from dynastream_mock import mock_streams
>>> with mock_streams() as mock:
...     ddb = boto3.client("dynamodb", region_name="eu-west-1")
...     _ = ddb.create_table(
...         TableName="Users", BillingMode="PAY_PER_REQUEST",
...         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
...         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
...         StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
...     for version in (1, 2):
...         _ = ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": str(version)}})
...     first, second = mock.stream_records("Users")
...     report = mock.check_consumed("Users", [second, second])
>>> report.ok, len(report.missing), len(report.duplicated), len(report.out_of_order)
(False, 1, 1, 0)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: How many chaos events before a problem ``str(report)`` shows.
_EVENTS_SHOWN = 3


@dataclass(frozen=True)
class ConsumedReport:
    """What a consumer got wrong; ``ok`` when nothing (``unknown`` aside).

    Each list holds records in boto3's shape, each record once.
    """

    #: Retained records the consumer never processed.
    missing: list[dict[str, Any]]
    #: Records it processed more than once.
    duplicated: list[dict[str, Any]]
    #: Records it processed before an earlier change of their key.
    out_of_order: list[dict[str, Any]]
    #: Records it processed that the stream does not retain (trimmed, or of another stream).
    unknown: list[dict[str, Any]]
    #: How many records the stream retains.
    retained: int
    _shards: dict[str, str] = field(default_factory=dict, repr=False)
    _chaos: Sequence[Any] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.out_of_order)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return (
                f"consumed correctly: all {self.retained} retained records, each once, "
                f"every key in order ({len(self.unknown)} unknown ignored)"
            )
        lines = [
            f"consumed incorrectly: {len(self.missing)} missing, {len(self.duplicated)} "
            f"duplicated, {len(self.out_of_order)} out of order, of {self.retained} retained"
        ]
        for word, records in (
            ("missing", self.missing),
            ("duplicated", self.duplicated),
            ("out of order", self.out_of_order),
        ):
            for record in records:
                lines.append(f"  {word}: {self._describe(record)}")
                lines.extend(f"      after chaos: {event}" for event in self._events_before(record))
        return "\n".join(lines)

    def _describe(self, record: dict[str, Any]) -> str:
        data = record["dynamodb"]
        return (
            f"{record['eventName']} of key {describe_key(data['Keys'])} in shard "
            f"{self._shards.get(record['eventID'], '?')} at sequence number "
            f"{data['SequenceNumber']}"
        )

    def _events_before(self, record: dict[str, Any]) -> list[Any]:
        shard = self._shards.get(record["eventID"])
        related = [e for e in self._chaos if e.shard_id in (None, shard)]
        return related[-_EVENTS_SHOWN:]


def describe_key(keys: dict[str, Any]) -> str:
    """``id=u1`` (or ``pk=a, sk=3``) for a record's ``Keys`` in boto3's or the wire's shape."""
    parts = []
    for name, value in sorted(keys.items()):
        ((_, raw),) = value.items() if isinstance(value, dict) else (("", value),)
        parts.append(f"{name}={raw.hex() if isinstance(raw, bytes) else raw}")
    return ", ".join(parts)


def event_id_of(seen: object) -> str:
    """The eventID of a processed record (boto3's, a Lambda event's) or an eventID itself."""
    if isinstance(seen, str):
        return seen
    if isinstance(seen, dict) and isinstance(seen.get("eventID"), str):
        return str(seen["eventID"])
    raise TypeError(
        "check_consumed() takes the records the consumer processed (as boto3 or a Lambda "
        f"event gives them) or their eventIDs, got {seen!r}"
    )


def audit(
    retained: list[tuple[str, dict[str, Any]]],
    seen: Iterable[object],
    chaos: Sequence[Any] = (),
) -> ConsumedReport:
    """Compare ``seen`` with ``retained`` ((shard id, boto3 record) in lineage order)."""
    if isinstance(seen, (str, bytes, dict)) or not hasattr(seen, "__iter__"):
        raise TypeError(
            f"check_consumed() takes a list of processed records or eventIDs, got {seen!r}"
        )
    given = list(seen)
    order = [event_id_of(item) for item in given]
    by_id = {record["eventID"]: record for _, record in retained}
    shards = {record["eventID"]: shard for shard, record in retained}
    counts = Counter(order)
    missing = [record for _, record in retained if record["eventID"] not in counts]
    duplicated = [by_id[i] for i in dict.fromkeys(order) if counts[i] > 1 and i in by_id]
    unknown_ids = dict.fromkeys(i for i in order if i not in by_id)
    unknown = [
        item if isinstance(item, dict) else {"eventID": item}
        for item in {event_id_of(x): x for x in given if event_id_of(x) in unknown_ids}.values()
    ]
    # A key's changes, in the order the stream holds them (one shard at a time, lineage).
    position: dict[str, int] = {}
    changes_of_key: dict[str, int] = defaultdict(int)
    key_of: dict[str, str] = {}
    for _, record in retained:
        key = describe_key(record["dynamodb"]["Keys"])
        key_of[record["eventID"]] = key
        position[record["eventID"]] = changes_of_key[key]
        changes_of_key[key] += 1
    out_of_order = []
    first_seen = [i for i in dict.fromkeys(order) if i in by_id]
    earliest_later: dict[str, int] = {}
    for event_id in reversed(first_seen):
        key = key_of[event_id]
        later = earliest_later.get(key)
        if later is not None and later < position[event_id]:
            out_of_order.append(by_id[event_id])
        earliest_later[key] = min(position[event_id], later if later is not None else 1 << 62)
    out_of_order.reverse()
    return ConsumedReport(
        missing=missing,
        duplicated=duplicated,
        out_of_order=out_of_order,
        unknown=unknown,
        retained=len(retained),
        _shards=shards,
        _chaos=tuple(chaos),
    )
