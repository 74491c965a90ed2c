"""Run one scenario against dynastream_mock and compare it with DynamoDB Local's answers.

A scenario is a function of a ``Target``: it makes boto3 calls through ``target(label, op,
**params)``, which records each call (the request and the answer, as boto3 returned it)
under its label and returns the raw response (or the raw error response) so the scenario
can go on with real ARNs and iterators. The two recordings must agree label by label, once
normalised, except where ``KNOWN_DIFFERENCES`` (``known_differences.py``) names the step and
field with the reason.

DynamoDB Local's side is either a recording (``recordings.py``: the default, which needs
neither Java nor a download) or a live run of the same scenario against a DynamoDB Local
process (``run_both``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from known_differences import KNOWN_DIFFERENCES, KnownDifference

from dynastream_mock import mock_streams

STREAM_OPERATIONS = frozenset(
    {"describe_stream", "get_records", "get_shard_iterator", "list_streams"}
)
# No client-side validation: the servers' own answers are what is compared.
_CONFIG = Config(
    retries={"total_max_attempts": 1},
    connect_timeout=5,
    read_timeout=30,
    parameter_validation=False,
)
_ABSENT = "<absent>"
_ARN_HOME = re.compile(r"arn:aws:dynamodb:[a-z0-9-]+:\d{12}:")
_STREAM_LABEL = re.compile(r"/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")
# Values that are ids, labels or positions: equal by presence only.
_OPAQUE = {
    "TableId": "<table-id>",
    "LatestStreamLabel": "<label>",
    "StreamLabel": "<label>",
    "ShardId": "<shard-id>",
    "ParentShardId": "<shard-id>",
    "LastEvaluatedShardId": "<shard-id>",
    "SequenceNumber": "<sequence-number>",
    "StartingSequenceNumber": "<sequence-number>",
    "EndingSequenceNumber": "<sequence-number>",
    "ShardIterator": "<iterator>",
    "NextShardIterator": "<iterator>",
    "eventID": "<event-id>",
    "awsRegion": "<region>",
}
_SET_TYPES = ("SS", "NS", "BS")
_access_keys = itertools.count(1)

Scenario = Callable[["Target"], None]


@dataclass(frozen=True)
class Step:
    """One recorded call (or derived value) of a scenario, in JSON-safe form."""

    label: str
    operation: str | None  # None: a value the scenario derived and noted
    request: dict[str, Any]
    answer: Any
    unordered: tuple[str, ...] = field(default=())

    def outcome(self) -> Any:
        """The answer as compared: normalised, unordered members sorted."""
        normalised = normalise(from_json_safe(self.answer))
        for member in self.unordered:
            _sort_member(normalised, member)
        return normalised

    def to_json(self) -> dict[str, Any]:
        recorded: dict[str, Any] = {"label": self.label, "operation": self.operation}
        if self.request:
            recorded["request"] = self.request
        recorded["answer"] = self.answer
        if self.unordered:
            recorded["unordered"] = list(self.unordered)
        return recorded

    @classmethod
    def from_json(cls, recorded: dict[str, Any]) -> Step:
        return cls(
            label=recorded["label"],
            operation=recorded["operation"],
            request=recorded.get("request", {}),
            answer=recorded["answer"],
            unordered=tuple(recorded.get("unordered", ())),
        )


def to_json_safe(value: Any) -> Any:
    """boto3's values as JSON: bytes and datetimes become tagged objects."""
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dict):
        return {key: to_json_safe(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(inner) for inner in value]
    return value


def from_json_safe(value: Any) -> Any:
    """The inverse of ``to_json_safe``."""
    if isinstance(value, dict):
        if value.keys() == {"$bytes"}:
            return bytes.fromhex(value["$bytes"])
        if value.keys() == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        return {key: from_json_safe(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [from_json_safe(inner) for inner in value]
    return value


class Target:
    """boto3 clients of one side, and the outcomes recorded so far."""

    def __init__(self, name: str, endpoint_url: str | None) -> None:
        self.name = name
        options: dict[str, Any] = {
            "region_name": "eu-west-1",
            # DynamoDB Local keeps one database per access key and region: a fresh key per
            # scenario isolates it from every other scenario of the session.
            "aws_access_key_id": f"differential{next(_access_keys)}",
            "aws_secret_access_key": "secret",
            "config": _CONFIG,
        }
        if endpoint_url is not None:
            options["endpoint_url"] = endpoint_url
        self.ddb = boto3.client("dynamodb", **options)
        self.streams = boto3.client("dynamodbstreams", **options)
        self.steps: list[Step] = []

    def __call__(
        self, label: str, operation: str, *, unordered: Iterable[str] = (), **params: Any
    ) -> dict[str, Any]:
        """Call ``operation`` (boto3's snake_case name), record it as ``label``.

        ``unordered`` names response members whose list order DynamoDB leaves unspecified
        (Scan's ``Items``, BatchGetItem's tables); they are compared as sorted lists.
        """
        client = self.streams if operation in STREAM_OPERATIONS else self.ddb
        try:
            response: dict[str, Any] = getattr(client, operation)(**params)
            # Request ids, HTTP headers and retry counts are no part of the answer.
            answer = {key: value for key, value in response.items() if key != "ResponseMetadata"}
            outcome: dict[str, Any] = {"ok": answer}
        except ClientError as error:
            response = error.response
            extra = {
                key: value
                for key, value in error.response.items()
                # botocore copies the body's message to the top level too: compared once.
                if key not in ("Error", "ResponseMetadata", "message", "Message")
            }
            outcome = {
                "error": {
                    "Code": error.response["Error"]["Code"],
                    "Message": error.response["Error"].get("Message", ""),
                    **extra,
                }
            }
        step = Step(label, operation, to_json_safe(params), to_json_safe(outcome), tuple(unordered))
        self._record(step)
        return response

    def note(self, label: str, value: Any) -> None:
        """Record a value the scenario derived (e.g. every item of a paged Scan)."""
        self._record(Step(label, None, {}, to_json_safe(value)))

    def _record(self, step: Step) -> None:
        if any(existing.label == step.label for existing in self.steps):
            raise ValueError(f"label {step.label!r} used twice in one scenario")
        self.steps.append(step)


def outcomes(steps: Iterable[Step]) -> list[tuple[str, Any]]:
    """Each step's label and compared outcome."""
    return [(step.label, step.outcome()) for step in steps]


def normalise(value: Any, key: str | None = None) -> Any:
    """Replace what legitimately differs between two runs by placeholders."""
    if key in _OPAQUE and value is not None:
        return _OPAQUE[key]
    if isinstance(value, datetime):
        return "<time>"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str):
        return _STREAM_LABEL.sub(
            "/stream/<label>", _ARN_HOME.sub("arn:aws:dynamodb:<home>:", value)
        )
    if isinstance(value, dict):
        out = {k: normalise(v, k) for k, v in value.items() if k != "ResponseMetadata"}
        for set_type in _SET_TYPES:
            if set_type in out and isinstance(out[set_type], list) and len(out) == 1:
                out[set_type] = sorted(out[set_type], key=sort_key)
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _sort_member(outcome: Any, member: str) -> None:
    """Sort every list found under key ``member`` (at any depth) of ``outcome``."""
    if isinstance(outcome, dict):
        for key, value in outcome.items():
            if key == member and isinstance(value, list):
                value.sort(key=sort_key)
            elif key == member and isinstance(value, dict):
                for inner in value.values():
                    if isinstance(inner, list):
                        inner.sort(key=sort_key)
            else:
                _sort_member(value, member)
    elif isinstance(outcome, list):
        for value in outcome:
            _sort_member(value, member)


def differences(mock: Any, local: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every (dotted path, mock value, local value) where the two outcomes differ."""
    if isinstance(mock, dict) and isinstance(local, dict):
        found: list[tuple[str, Any, Any]] = []
        for key in list(mock) + [k for k in local if k not in mock]:
            found += differences(
                mock.get(key, _ABSENT), local.get(key, _ABSENT), f"{path}.{key}" if path else key
            )
        return found
    if isinstance(mock, list) and isinstance(local, list) and len(mock) == len(local):
        found = []
        for index, (mock_item, local_item) in enumerate(zip(mock, local, strict=True)):
            found += differences(mock_item, local_item, f"{path}[{index}]")
        return found
    return [] if mock == local else [(path, mock, local)]


def known(step: str, path: str, mock: Any, local: Any) -> KnownDifference | None:
    for entry in KNOWN_DIFFERENCES:
        if (
            fnmatchcase(step, entry.where)
            and fnmatchcase(path, entry.field)
            and fnmatchcase(_text(mock), entry.mock)
            and fnmatchcase(_text(local), entry.local)
        ):
            return entry
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def compare(test_id: str, mock: list[tuple[str, Any]], local: list[tuple[str, Any]]) -> None:
    """Fail with a readable report unless the recordings agree or differ as known."""
    mock_labels = [label for label, _ in mock]
    local_labels = [label for label, _ in local]
    assert mock_labels == local_labels, (
        f"the scenario took different paths: {mock_labels} != {local_labels}"
    )
    report = []
    for (label, mock_outcome), (_, local_outcome) in zip(mock, local, strict=True):
        step = f"{test_id}/{label}"
        for path, mock_value, local_value in differences(mock_outcome, local_outcome):
            if known(step, path, mock_value, local_value) is None:
                report.append(
                    f"{step} {path}:\n    mock:  {_short(mock_value)}"
                    f"\n    local: {_short(local_value)}"
                )
    assert not report, "dynastream_mock and DynamoDB Local differ:\n" + "\n".join(report)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 400 else text[:400] + "..."


def run_local(endpoint_url: str, scenario: Scenario) -> list[Step]:
    """Run ``scenario`` against the DynamoDB Local at ``endpoint_url``; its steps."""
    local = Target("local", endpoint_url)
    scenario(local)
    return local.steps


def run_mock(scenario: Scenario) -> list[Step]:
    """Run ``scenario`` against a fresh mock; its steps."""
    # DynamoDB Local has no per-shard reader limit to throttle with; the rest is as shipped.
    with mock_streams(max_readers_per_shard=None):
        mock = Target("mock", None)
        scenario(mock)
    return mock.steps


def check_against(test_id: str, scenario: Scenario, local_steps: list[Step]) -> None:
    """Run ``scenario`` against a fresh mock and compare it with Local's ``local_steps``."""
    compare(test_id, outcomes(run_mock(scenario)), outcomes(local_steps))


def create_table(
    target: Target,
    label: str,
    name: str,
    hash_key: tuple[str, str] = ("pk", "S"),
    range_key: tuple[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """CreateTable of an on-demand table keyed by ``hash_key`` (and ``range_key``)."""
    schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key is not None:
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": schema,
        "AttributeDefinitions": definitions,
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }
    if "ProvisionedThroughput" in extra:
        params.pop("BillingMode")
    return target(label, "create_table", **params)
