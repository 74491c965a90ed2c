"""The parameters of a trigger: CreateEventSourceMapping's, validated as Lambda validates them.

Ranges, enums and lengths come from botocore's ``lambda`` service model (operation
CreateEventSourceMapping) and are checked by the validator the api compiles from it
(``api/validation``), so the messages are AWS's aggregate ones. The rules the model cannot
express (AT_TIMESTAMP on a DynamoDB stream, the record-age gap 0..59, filter patterns) are
checked here with Lambda's own words (spec, "Lambda event source mappings on a stream").
Python values of the wrong type are ``TypeError``, as misuse of the library.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from ..api.validation import Validator, members_validator
from ..errors import ValidationException
from ..models import service_model
from ..options import refuse_unknown_keywords
from .errors import lambda_error
from .filtering import FilterPattern, parse_filters

#: Lambda's payload limit for a synchronous invocation, which caps a batch (spec).
MAX_PAYLOAD_BYTES = 6_291_456

#: The parameters that apply to DynamoDB Streams (violations are reported in model order).
STREAM_PARAMETERS = (
    "BatchSize",
    "MaximumBatchingWindowInSeconds",
    "ParallelizationFactor",
    "StartingPosition",
    "MaximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "TumblingWindowInSeconds",
    "FunctionResponseTypes",
    "Enabled",
)


class TriggerParameters(TypedDict, total=False):
    """The parameters of ``add_trigger``: CreateEventSourceMapping's, in Lambda's spelling.

    ``StartingPosition`` is required; the others default as in Lambda (``LAMBDA_DEFAULTS``).
    """

    StartingPosition: str
    BatchSize: int
    MaximumBatchingWindowInSeconds: int
    MaximumRetryAttempts: int
    MaximumRecordAgeInSeconds: int
    BisectBatchOnFunctionError: bool
    ParallelizationFactor: int
    FunctionResponseTypes: list[str] | None
    FilterCriteria: dict[str, Any] | None
    TumblingWindowInSeconds: int
    Enabled: bool
    FunctionName: str


#: Lambda's defaults for a DynamoDB stream mapping: the one place they are written.
LAMBDA_DEFAULTS: dict[str, Any] = {
    "BatchSize": 100,
    "MaximumBatchingWindowInSeconds": 0,
    "MaximumRetryAttempts": -1,
    "MaximumRecordAgeInSeconds": -1,
    "BisectBatchOnFunctionError": False,
    "ParallelizationFactor": 1,
    "FunctionResponseTypes": (),
    "TumblingWindowInSeconds": 0,
    "Enabled": True,
}

# FunctionName names the function (a URL handler's, or to override a callable's __name__).
_ACCEPTED = (*STREAM_PARAMETERS, "FilterCriteria", "FunctionName")
_OPERATION = "CreateEventSourceMapping"


@dataclass(frozen=True, slots=True)
class TriggerConfig:
    """A trigger's validated parameters, in Lambda's spelling and units (seconds)."""

    starting_position: str
    batch_size: int
    maximum_batching_window_in_seconds: int
    maximum_retry_attempts: int
    maximum_record_age_in_seconds: int
    bisect_batch_on_function_error: bool
    parallelization_factor: int
    report_batch_item_failures: bool
    filters: tuple[FilterPattern, ...]
    tumbling_window_in_seconds: int
    enabled: bool


@functools.cache
def _member_types() -> dict[str, str]:
    # Loaded once, on the first add_trigger: the model is large and most tests never need it.
    model = service_model("lambda")
    shapes = model["shapes"]
    members = shapes[model["operations"][_OPERATION]["input"]["shape"]]["members"]
    return {name: shapes[member["shape"]]["type"] for name, member in members.items()}


@functools.cache
def _check_constraints(named: bool) -> Validator:
    # The ranges, enums and lengths, checked by the validator the api compiles from models.
    # FunctionName is required by the model but optional here (the handler names itself).
    members = _ACCEPTED if named else tuple(m for m in _ACCEPTED if m != "FunctionName")
    return members_validator("lambda", _OPERATION, members)


def _check_types(parameters: Mapping[str, Any]) -> None:
    # Misuse of the Python API is a TypeError (style: two error families, never mixed).
    for name, value in parameters.items():
        if value is None:
            continue
        kind = _member_types()[name]
        if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"add_trigger() takes {name}= as a whole number, got {value!r}")
        if kind == "boolean" and not isinstance(value, bool):
            raise TypeError(f"add_trigger() takes {name}= as True or False, got {value!r}")
        if kind == "string" and not isinstance(value, str):
            raise TypeError(f"add_trigger() takes {name}= as a string, got {value!r}")
        if kind == "list" and (
            not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value)
        ):
            raise TypeError(f"add_trigger() takes {name}= as a list of strings, got {value!r}")


def _filter_texts(criteria: object) -> list[str]:
    if criteria is None:
        return []
    filters = criteria.get("Filters") if isinstance(criteria, Mapping) else None
    if not isinstance(criteria, Mapping) or set(criteria) - {"Filters"}:
        raise TypeError(
            "add_trigger() takes FilterCriteria= as {'Filters': [{'Pattern': '<json>'}]}, "
            f"got {criteria!r}"
        )
    if filters is None:
        return []
    if not isinstance(filters, (list, tuple)) or not all(
        isinstance(f, Mapping) and set(f) <= {"Pattern"} for f in filters
    ):
        raise TypeError(
            "add_trigger() takes FilterCriteria= as {'Filters': [{'Pattern': '<json>'}]}, "
            f"got {criteria!r}"
        )
    texts = [f.get("Pattern", "") for f in filters]
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"a filter's Pattern is a JSON string (json.dumps(...)), got {text!r}")
    return texts


def validate_parameters(stream_arn: str, parameters: Mapping[str, Any]) -> TriggerConfig:
    """Check every parameter as Lambda would; return them as a :class:`TriggerConfig`.

    ``parameters`` maps CreateEventSourceMapping names (``BatchSize``, ...) to values; a
    missing or None value takes Lambda's default.

    >>> config = validate_parameters(
    ...     "arn:aws:dynamodb:eu-west-1:123456789012:table/Users/stream/2026-12-02T00:00:00.000",
    ...     {"StartingPosition": "LATEST", "BatchSize": 10},
    ... )
    >>> config.batch_size, config.maximum_retry_attempts
    (10, -1)
    """
    refuse_unknown_keywords("add_trigger()", "parameter", parameters, _ACCEPTED)
    filter_criteria = parameters.get("FilterCriteria")
    parameters = {name: value for name, value in parameters.items() if name != "FilterCriteria"}
    if parameters.get("StartingPosition") is None:
        raise TypeError(
            "add_trigger() needs StartingPosition= 'TRIM_HORIZON' or 'LATEST', as Lambda "
            "requires for a stream"
        )
    _check_types(parameters)
    texts = _filter_texts(filter_criteria)
    request: dict[str, Any] = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in parameters.items()
        if value is not None
    }
    if texts:
        request["FilterCriteria"] = {"Filters": [{"Pattern": text} for text in texts]}
    try:
        _check_constraints("FunctionName" in request)(request)
    except ValidationException as error:
        raise lambda_error("ValidationException", error.message) from None

    starting_position = parameters["StartingPosition"]
    if starting_position == "AT_TIMESTAMP":
        # Only Kinesis (and Kafka) sources read from a timestamp (spec).
        raise lambda_error(
            "InvalidParameterValueException",
            f"Unsupported starting position for arn type: {stream_arn}",
        )
    record_age = parameters.get("MaximumRecordAgeInSeconds")
    if record_age is not None and 0 <= record_age < 60:
        # The model's range is -1..604800, but the service refuses the gap 0..59.
        raise lambda_error(
            "InvalidParameterValueException",
            "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 "
            "(inclusive)",
        )
    filters = parse_filters(texts)

    def given(name: str) -> Any:
        value = parameters.get(name)
        return LAMBDA_DEFAULTS[name] if value is None else value

    return TriggerConfig(
        starting_position=starting_position,
        batch_size=given("BatchSize"),
        maximum_batching_window_in_seconds=given("MaximumBatchingWindowInSeconds"),
        maximum_retry_attempts=given("MaximumRetryAttempts"),
        maximum_record_age_in_seconds=given("MaximumRecordAgeInSeconds"),
        bisect_batch_on_function_error=given("BisectBatchOnFunctionError"),
        parallelization_factor=given("ParallelizationFactor"),
        report_batch_item_failures="ReportBatchItemFailures" in given("FunctionResponseTypes"),
        filters=filters,
        tumbling_window_in_seconds=given("TumblingWindowInSeconds"),
        enabled=given("Enabled"),
    )


def check_callable(name: str, value: object, *, optional: bool = False) -> None:
    """``TypeError`` unless ``value`` is callable (or None, when ``optional``)."""
    if optional and value is None:
        return
    if not callable(value):
        accepted = "a callable or None" if optional else "a callable"
        raise TypeError(f"add_trigger() takes {name} as {accepted}, got {value!r}")
