"""Fault injection: the next N requests of an operation fail with a chosen AWS error.

``times`` counts requests the mock receives, so botocore's own retries consume a fault
exactly as they would consume a real failure in production.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .backend.arns import parse_arn
from .backend.iterators import InvalidIterator, decode_iterator
from .errors import ERRORS_BY_CODE, AwsError, InternalServerError
from .models import service_model

SERVICES = ("dynamodb", "dynamodbstreams")

#: AWS's own words for the errors a consumer test most often injects.
DEFAULT_MESSAGES = {
    "ProvisionedThroughputExceededException": (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    ),
    "InternalServerError": "Internal server error",
    "LimitExceededException": "Too many operations for a given subscriber.",
    "ExpiredIteratorException": "The provided iterator exceeds the maximum age allowed.",
    "TrimmedDataAccessException": "The data you are trying to access has been trimmed.",
    "ThrottlingException": "Rate exceeded",
    "RequestLimitExceeded": (
        "Throughput exceeds the current throughput limit for your account. Please contact "
        "AWS Support at https://aws.amazon.com/support request a limit increase"
    ),
    "ResourceNotFoundException": "Requested resource not found",
    "ConditionalCheckFailedException": "The conditional request failed",
}

# Errors a consumer test may inject into any operation (issue 5 names them), and those any
# request can meet although the models do not list them.
_COMMON_ERRORS = (
    "ProvisionedThroughputExceededException",
    "InternalServerError",
    "LimitExceededException",
    "ExpiredIteratorException",
    "TrimmedDataAccessException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "ValidationException",
)


def _service_of(operation: str) -> str:
    for service in SERVICES:
        if operation in service_model(service)["operations"]:
            return service
    known = sorted({op for service in SERVICES for op in service_model(service)["operations"]})
    raise ValueError(
        f"faults.add() got unknown operation {operation!r}; operations: {', '.join(known)}"
    )


def _error_class(service: str, operation: str, code: str) -> type[AwsError]:
    model = service_model(service)
    listed = {error["shape"] for error in model["operations"][operation].get("errors", [])}
    if code not in listed and code not in _COMMON_ERRORS:
        raise ValueError(
            f"faults.add() got error {code!r}, which {operation} cannot answer; it answers: "
            f"{', '.join(sorted(listed | set(_COMMON_ERRORS)))}"
        )
    if code in ERRORS_BY_CODE:
        return ERRORS_BY_CODE[code]
    status = model["shapes"].get(code, {}).get("error", {}).get("httpStatusCode", 400)
    return type(code, (AwsError,), {"code": code, "status": status, "sender_fault": status < 500})


@dataclass(slots=True, eq=False)
class Fault:
    """One injected failure. ``hits`` counts the requests it has answered."""

    operation: str
    error: str
    times: int
    table: str | None = None
    shard_id: str | None = None
    message: str | None = None
    hits: int = 0
    #: Names the fault in the control API (``fault-1``, ``fault-2``, ... per mock).
    id: str = ""
    _error_class: type[AwsError] = field(default=InternalServerError, repr=False)

    @property
    def _remaining(self) -> int:
        return self.times - self.hits

    def _build_error(self) -> AwsError:
        message = self.message
        if message is None:
            message = DEFAULT_MESSAGES.get(self.error, f"{self.error} injected by dynastream_mock")
        return self._error_class(message)


@dataclass(frozen=True, slots=True)
class RequestTarget:
    """What a request is about, as far as its parameters tell (faults and chaos aim by it)."""

    table: str | None
    shard_id: str | None
    stream_arn: str | None


def target_of(params: dict[str, Any]) -> RequestTarget:
    """The table, shard and stream a request names (directly, or inside its iterator)."""
    table = params.get("TableName")
    shard = params.get("ShardId")
    arn = params.get("StreamArn")
    iterator = params.get("ShardIterator")
    if isinstance(iterator, str):
        try:
            where = decode_iterator(iterator)
        except InvalidIterator:
            where = None
        if where is not None:
            arn, shard = where.stream_arn, where.shard_id
    parsed = parse_arn(arn) if table is None and isinstance(arn, str) else None
    if parsed is not None and parsed.table_name is not None:
        table = parsed.table_name
    return RequestTarget(
        table if isinstance(table, str) else None,
        shard if isinstance(shard, str) else None,
        arn if isinstance(arn, str) else None,
    )


class Faults:
    """The mock's fault list (``mock.faults``); ``add`` and ``clear`` need an active mock.

    >>> from dynastream_mock import mock_streams
    >>> with mock_streams() as mock:
    ...     fault = mock.faults.add("GetRecords", "ProvisionedThroughputExceededException", times=2)
    ...     fault.hits
    0
    """

    def __init__(self, require_active: Callable[[str], object]) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._added = 0
        # Raises the mock's "needs an active mock" error, naming the tool.
        self._require_active = require_active

    def add(
        self,
        operation: str,
        error: str,
        *,
        times: int = 1,
        table: str | None = None,
        shard_id: str | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer the next ``times`` requests of ``operation`` with the AWS error ``error``."""
        self._require_active("faults.add")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(
                f"faults.add() takes times= as a whole number of at least 1, got {times!r}"
            )
        service = _service_of(operation)
        fault = Fault(
            operation=operation,
            error=error,
            times=times,
            table=table,
            shard_id=shard_id,
            message=message,
            _error_class=_error_class(service, operation, error),
        )
        with self._lock:
            self._added += 1
            fault.id = f"fault-{self._added}"
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self._require_active("faults.clear")
        self._clear()

    def _clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __iter__(self) -> Any:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def _take(self, operation: str, params: dict[str, Any]) -> AwsError | None:
        """The error for this request if a fault matches it (counting the hit), else None."""
        if not self._faults:
            return None
        with self._lock:
            candidates = [f for f in self._faults if f.operation == operation and f._remaining]
            if not candidates:
                return None
            target = target_of(params)
            table, shard = target.table, target.shard_id
            for fault in candidates:
                if fault.table is not None and fault.table != table:
                    continue
                if fault.shard_id is not None and fault.shard_id != shard:
                    continue
                fault.hits += 1
                return fault._build_error()
        return None
