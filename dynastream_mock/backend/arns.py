"""Amazon Resource Names: the one parser, and the builders of every ARN the mock makes.

``arn:<partition>:<service>:<region>:<account>:<resource>``; DynamoDB's resources are
``table/<name>``, ``table/<name>/stream/<label>``, ``table/<name>/index/<index>`` and
``table/<name>/backup/<id>``.

>>> arn = parse_arn(
...     "arn:aws:dynamodb:eu-west-1:123456789012:table/Users/stream/2026-12-02T00:00:00.000"
... )
>>> arn.region, arn.account, arn.table_name, arn.stream_label
('eu-west-1', '123456789012', 'Users', '2026-12-02T00:00:00.000')
>>> str(arn) == stream_arn(table_arn("aws", "eu-west-1", "123456789012", "Users"), arn.stream_label)
True
>>> parse_arn("Users") is None, parse_arn("arn:aws:dynamodb") is None
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Arn",
    "backup_arn",
    "build_arn",
    "index_arn",
    "is_arn",
    "parse_arn",
    "stream_arn",
    "table_arn",
]

_TABLE = "table/"
_STREAM = "/stream/"


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN in its six parts; the DynamoDB-specific parts are read from ``resource``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return build_arn(self.partition, self.service, self.region, self.account, self.resource)

    @property
    def table_name(self) -> str | None:
        """The table a DynamoDB ARN is about (``table/<name>...``); None for anything else."""
        if self.service != "dynamodb" or not self.resource.startswith(_TABLE):
            return None
        return self.resource[len(_TABLE) :].split("/", 1)[0]

    @property
    def is_table(self) -> bool:
        """Whether this is a table's own ARN (``table/<name>``, nothing after the name)."""
        name = self.table_name
        return bool(name) and self.resource == _TABLE + str(name)

    @property
    def stream_label(self) -> str | None:
        """The label of a stream ARN (``table/<name>/stream/<label>``); None otherwise."""
        if self.table_name is None or _STREAM not in self.resource:
            return None
        return self.resource.split(_STREAM, 1)[1]


def is_arn(text: str) -> bool:
    """Whether ``text`` is meant as an ARN (where AWS takes a name or an ARN)."""
    return text.startswith("arn:")


def parse_arn(text: str) -> Arn | None:
    """The parts of ``text``, or None when it is not ``arn:`` and five more parts."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    return Arn(partition, service, region, account, resource)


def build_arn(partition: str, service: str, region: str, account: str, resource: str) -> str:
    """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def table_arn(partition: str, region: str, account: str, name: str) -> str:
    return build_arn(partition, "dynamodb", region, account, _TABLE + name)


def stream_arn(table: str, label: str) -> str:
    """The ARN of the stream ``label`` of the table whose ARN is ``table``."""
    return f"{table}{_STREAM}{label}"


def index_arn(table: str, index: str) -> str:
    return f"{table}/index/{index}"


def backup_arn(table: str, backup_id: str) -> str:
    return f"{table}/backup/{backup_id}"
