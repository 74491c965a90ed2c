"""Lambda's errors for a mapping it would refuse, raised as boto3's lambda client raises them."""

from __future__ import annotations

from botocore.exceptions import ClientError

_OPERATION = "CreateEventSourceMapping"

#: HTTP status of each Lambda error code the triggers raise (Lambda's API reference).
_STATUS = {
    "ValidationException": 400,
    "InvalidParameterValueException": 400,
    "ResourceConflictException": 409,
}


def lambda_error(code: str, message: str) -> ClientError:
    """A ``ClientError`` built as botocore builds it from Lambda's answer.

    >>> error = lambda_error("InvalidParameterValueException", "Invalid filter pattern.")
    >>> error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    ('InvalidParameterValueException', 400)
    """
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": _STATUS[code]},
    }
    return ClientError(response, _OPERATION)
