"""What a handler receives: Lambda's DynamoDB Streams event and its context object."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..api.records import as_lambda_record, render_record
from ..backend.shards import StreamRecord

#: Lambda's default function timeout, the budget ``get_remaining_time_in_millis`` counts down.
DEFAULT_TIMEOUT_MS = 3_000
#: Lambda's default memory size; the Python runtime hands it over as a string.
DEFAULT_MEMORY_MB = "128"

# An event is ``{"Records":[...]}``; a record's share of the payload is its text plus a comma.
_EVENT_SHELL = len('{"Records":[]}')


def encode(value: Any) -> str:
    """Compact JSON, as Lambda sends a payload (ASCII, so characters are bytes)."""
    return json.dumps(value, separators=(",", ":"))


def event_record_text(record: StreamRecord, region: str, view_type: str, stream_arn: str) -> str:
    """One record of the event as JSON text: the Lambda view of the GetRecords record."""
    return encode(as_lambda_record(render_record(record, region, view_type), stream_arn))


def payload_size(record_texts: list[str], extra: int = 0) -> int:
    """Bytes of ``{"Records":[...]}`` holding these records, plus ``extra`` for other keys."""
    commas = max(len(record_texts) - 1, 0)
    return _EVENT_SHELL + sum(len(t) for t in record_texts) + commas + extra


def iso_seconds(ms: int) -> str:
    """``2020-07-30T17:00:00Z``: Lambda's form for window bounds and arrival times."""
    moment = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_millis(ms: int) -> str:
    """``2019-11-14T00:13:49.717Z``: Lambda's form for an invocation record's timestamp."""
    moment = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def stable_uuid(seed: str) -> str:
    """A UUID derived from ``seed``, so ids repeat from one test run to the next."""
    return str(uuid.UUID(hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()))


@dataclass(frozen=True, slots=True)
class CognitoIdentity:
    """``context.identity`` as the Python runtime gives it to a function not called by Cognito."""

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


@dataclass(slots=True)
class LambdaContext:
    """The context object a Python handler receives, with the Python runtime's attributes.

    ``get_remaining_time_in_millis()`` counts down the function's timeout on the mock's
    clock, so a handler that advances the clock sees its time run out.

    >>> import boto3
    >>> from dynastream_mock import mock_streams
    >>> def on_user_change(event, context):
    ...     before = context.get_remaining_time_in_millis()
    ...     mock.clock.advance(seconds=1)
    ...     seen.append((context.function_name, context.memory_limit_in_mb, before,
    ...                  context.get_remaining_time_in_millis()))
    >>> seen = []
    >>> with mock_streams() as mock:
    ...     mock.clock.freeze()
    ...     ddb = boto3.client("dynamodb", region_name="eu-west-1")
    ...     _ = ddb.create_table(
    ...         TableName="Users", BillingMode="PAY_PER_REQUEST",
    ...         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    ...         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    ...         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ...     _ = mock.add_trigger("Users", on_user_change, StartingPosition="TRIM_HORIZON")
    ...     _ = ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
    ...     _ = mock.run_triggers()
    >>> seen
    [('on_user_change', '128', 3000, 2000)]
    """

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    log_stream_name: str
    _deadline_ms: int = field(repr=False)
    _now_ms: Callable[[], int] = field(repr=False)
    function_version: str = "$LATEST"
    memory_limit_in_mb: str = DEFAULT_MEMORY_MB
    identity: CognitoIdentity = field(default_factory=CognitoIdentity)
    client_context: None = None

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function would time out, on the mock's clock."""
        return max(self._deadline_ms - self._now_ms(), 0)
