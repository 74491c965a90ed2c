"""add_trigger validates CreateEventSourceMapping's parameters as Lambda does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import create_stream_table

from dynastream_mock import MockStreams


def handler(event: dict[str, Any], context: Any) -> None:
    return None


def refused(dynastream: MockStreams, **parameters: Any) -> dict[str, Any]:
    parameters.setdefault("StartingPosition", "TRIM_HORIZON")
    with pytest.raises(ClientError) as raised:
        dynastream.add_trigger("Users", handler, **parameters)
    assert raised.value.operation_name == "CreateEventSourceMapping"
    response: dict[str, Any] = raised.value.response
    return response


@pytest.fixture
def table(ddb: Any) -> str:
    arn: str = create_stream_table(ddb)["LatestStreamArn"]
    return arn


def test_defaults_are_lambdas(dynastream: MockStreams, table: str) -> None:
    trigger = dynastream.add_trigger("Users", handler, StartingPosition="LATEST")

    config = trigger._config
    assert (config.batch_size, config.maximum_batching_window_in_seconds) == (100, 0)
    assert (config.maximum_retry_attempts, config.maximum_record_age_in_seconds) == (-1, -1)
    assert config.bisect_batch_on_function_error is False
    assert config.parallelization_factor == 1
    assert config.report_batch_item_failures is False
    assert config.filters == ()
    assert config.tumbling_window_in_seconds == 0
    assert trigger._enabled and trigger.state == "Enabled"
    assert trigger._stream_arn == table
    assert trigger.function_name == "handler"
    assert trigger._function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:handler"


def test_a_stream_arn_works_as_well_as_a_table_name(dynastream: MockStreams, table: str) -> None:
    trigger = dynastream.add_trigger(table, handler, StartingPosition="TRIM_HORIZON")

    assert trigger._stream_arn == table


def test_batch_size_above_ten_thousand_is_a_validation_exception(
    dynastream: MockStreams, table: str
) -> None:
    response = refused(dynastream, BatchSize=20000)

    assert response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '20000' at 'batchSize' failed to satisfy "
        "constraint: Member must have value less than or equal to 10000",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_several_bad_values_are_reported_together(dynastream: MockStreams, table: str) -> None:
    response = refused(
        dynastream, BatchSize=0, ParallelizationFactor=11, TumblingWindowInSeconds=901
    )

    message = response["Error"]["Message"]
    assert message.startswith("3 validation errors detected: ")
    assert (
        "Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater "
        "than or equal to 1; " in message
    )
    assert "Value '11' at 'parallelizationFactor'" in message
    assert "Value '901' at 'tumblingWindowInSeconds'" in message


@pytest.mark.parametrize(
    ("name", "value", "where"),
    [
        ("MaximumBatchingWindowInSeconds", 301, "maximumBatchingWindowInSeconds"),
        ("MaximumRetryAttempts", 10001, "maximumRetryAttempts"),
        ("MaximumRetryAttempts", -2, "maximumRetryAttempts"),
        ("MaximumRecordAgeInSeconds", 604801, "maximumRecordAgeInSeconds"),
        ("ParallelizationFactor", 0, "parallelizationFactor"),
        ("TumblingWindowInSeconds", -1, "tumblingWindowInSeconds"),
    ],
)
def test_out_of_range_numbers_name_the_parameter(
    dynastream: MockStreams, table: str, name: str, value: int, where: str
) -> None:
    response = refused(dynastream, **{name: value})

    assert response["Error"]["Code"] == "ValidationException"
    assert (
        f"Value '{value}' at '{where}' failed to satisfy constraint"
        in (response["Error"]["Message"])
    )


def test_boundaries_are_accepted(dynastream: MockStreams, table: str) -> None:
    dynastream.add_trigger(
        "Users",
        handler,
        StartingPosition="LATEST",
        BatchSize=10000,
        MaximumBatchingWindowInSeconds=300,
        MaximumRetryAttempts=10000,
        MaximumRecordAgeInSeconds=60,
        ParallelizationFactor=10,
        TumblingWindowInSeconds=900,
    )
    dynastream.add_trigger(
        "Users",
        lambda event, context: None,
        StartingPosition="LATEST",
        MaximumRecordAgeInSeconds=604800,
        MaximumRetryAttempts=0,
    )


def test_unknown_starting_position_is_an_enum_violation(
    dynastream: MockStreams, table: str
) -> None:
    response = refused(dynastream, StartingPosition="OLDEST")

    assert response["Error"]["Message"] == (
        "1 validation error detected: Value 'OLDEST' at 'startingPosition' failed to satisfy "
        "constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]"
    )


def test_at_timestamp_is_unsupported_for_a_dynamodb_stream(
    dynastream: MockStreams, table: str
) -> None:
    response = refused(dynastream, StartingPosition="AT_TIMESTAMP")

    assert response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": f"Unsupported starting position for arn type: {table}",
    }


@pytest.mark.parametrize("age", [0, 59])
def test_record_age_below_sixty_seconds_is_refused(
    dynastream: MockStreams, table: str, age: int
) -> None:
    response = refused(dynastream, MaximumRecordAgeInSeconds=age)

    assert response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and "
        "604800 (inclusive)",
    }


def test_unknown_function_response_type_is_refused(dynastream: MockStreams, table: str) -> None:
    response = refused(dynastream, FunctionResponseTypes=["ReportEverything"])

    assert response["Error"]["Message"] == (
        "1 validation error detected: Value '[ReportEverything]' at 'functionResponseTypes' "
        "failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy "
        "enum value set: [ReportBatchItemFailures]]"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "not json",
        "[]",
        "{}",
        '{"eventName": "INSERT"}',
        '{"eventName": []}',
        '{"eventName": [{"prefix": 1}]}',
        '{"eventName": [{"regex": "IN.*"}]}',
        '{"dynamodb": {"Keys": [{"numeric": [">", 5, ">", 1]}]}}',
        '{"eventName": [{"numeric": ["<", 5, ">", 1]}]}',
        '{"$or": [{"eventName": ["INSERT"]}]}',
    ],
)
def test_invalid_filter_pattern_is_refused(
    dynastream: MockStreams, table: str, pattern: str
) -> None:
    response = refused(dynastream, FilterCriteria={"Filters": [{"Pattern": pattern}]})

    assert response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Invalid filter pattern definition.",
    }


def test_more_than_five_filters_are_refused(dynastream: MockStreams, table: str) -> None:
    filters = [{"Pattern": json.dumps({"eventName": [f"E{i}"]})} for i in range(6)]

    response = refused(dynastream, FilterCriteria={"Filters": filters})

    assert response["Error"]["Code"] == "InvalidParameterValueException"
    assert "quota of 5" in response["Error"]["Message"]


def test_a_pattern_longer_than_4096_characters_is_a_validation_exception(
    dynastream: MockStreams, table: str
) -> None:
    pattern = json.dumps({"eventName": ["X" * 4100]})

    response = refused(dynastream, FilterCriteria={"Filters": [{"Pattern": pattern}]})

    assert response["Error"]["Code"] == "ValidationException"
    assert "at 'filterCriteria.filters.1.member.pattern'" in response["Error"]["Message"]
    assert "Member must have length less than or equal to 4096" in response["Error"]["Message"]


def test_second_mapping_of_the_same_handler_is_a_resource_conflict(
    dynastream: MockStreams, table: str
) -> None:
    first = dynastream.add_trigger("Users", handler, StartingPosition="LATEST")

    response = refused(dynastream, StartingPosition="LATEST")

    assert response["Error"]["Code"] == "ResourceConflictException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert table in response["Error"]["Message"]
    assert first.uuid in response["Error"]["Message"]
    # Once the first is deleted, the handler can be mapped again.
    first.delete()
    dynastream.add_trigger("Users", handler, StartingPosition="LATEST")


def test_handler_and_on_failure_must_be_callable(dynastream: MockStreams, table: str) -> None:
    with pytest.raises(TypeError, match="handler as a callable"):
        dynastream.add_trigger("Users", "handler", StartingPosition="LATEST")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_failure= as a callable or None"):
        dynastream.add_trigger(
            "Users",
            handler,
            StartingPosition="LATEST",
            on_failure=[],  # type: ignore[arg-type]
        )


def test_wrong_python_types_are_type_errors(dynastream: MockStreams, table: str) -> None:
    with pytest.raises(TypeError, match="BatchSize= as a whole number, got '10'"):
        dynastream.add_trigger(
            "Users",
            handler,
            StartingPosition="LATEST",
            BatchSize="10",  # type: ignore[arg-type]
        )
    with pytest.raises(TypeError, match="StartingPosition="):
        dynastream.add_trigger("Users", handler, StartingPosition=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="FilterCriteria="):
        dynastream.add_trigger(
            "Users",
            handler,
            StartingPosition="LATEST",
            FilterCriteria=[{"Pattern": "{}"}],  # type: ignore[arg-type]
        )


def test_unknown_table_lists_the_tables(dynastream: MockStreams, table: str) -> None:
    with pytest.raises(ValueError, match="no table 'Usrs' in eu-west-1; tables: Users"):
        dynastream.add_trigger("Usrs", handler, StartingPosition="LATEST", region="eu-west-1")


def test_add_trigger_needs_an_active_mock() -> None:
    idle = MockStreams()

    with pytest.raises(RuntimeError, match="add_trigger"):
        idle.add_trigger("Users", handler, StartingPosition="LATEST")
    with pytest.raises(RuntimeError, match="run_triggers"):
        idle.run_triggers()


def test_an_unknown_parameter_is_a_type_error_with_a_hint(
    dynastream: MockStreams, table: str
) -> None:
    with pytest.raises(TypeError) as raised:
        dynastream.add_trigger(
            table,
            lambda event, context: None,
            StartingPosition="LATEST",
            BatchSise=10,  # type: ignore[call-arg]
        )
    message = str(raised.value)
    assert "unknown parameter(s) 'BatchSise'" in message
    assert "did you mean 'BatchSize'?" in message
    assert dynastream.run_triggers() == []
