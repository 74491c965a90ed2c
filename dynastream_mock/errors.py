"""AWS errors, one class per AWS error code.

Raised by the backend and the api layer where AWS would fail a request; the wire layer
renders them as AWS's JSON 1.0 error envelope. The message is always written where the
error is raised, in AWS's own words.
"""

from __future__ import annotations

from typing import Any, ClassVar

_DYNAMODB = "com.amazonaws.dynamodb.v20120810"
_CORAL_SERVICE = "com.amazon.coral.service"
_CORAL_VALIDATE = "com.amazon.coral.validate"
_CORAL_AVAILABILITY = "com.amazon.coral.availability"


class AwsError(Exception):
    """An error answered to the client as AWS answers it.

    ``code`` is the AWS error code, ``status`` the HTTP status, ``namespace`` the prefix of
    ``__type`` in the JSON envelope. ``extra`` holds additional top-level envelope members
    (``CancellationReasons``, ``Item`` for ReturnValuesOnConditionCheckFailure, ...).
    """

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 400
    namespace: ClassVar[str] = _DYNAMODB
    sender_fault: ClassVar[bool] = True

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ValidationException(AwsError):
    code = "ValidationException"
    namespace = _CORAL_VALIDATE


class EnvelopedValidationException(ValidationException):
    """A ValidationException from the checks PutItem, UpdateItem and DeleteItem report inside
    Coral's one-error envelope ("1 validation error detected: <message>"), while the other
    operations (GetItem, Query, Scan, batches, transactions) answer the bare message: unused or
    empty placeholder maps, UpdateExpression clause clashes and path overlaps, empty
    expressions, empty sets (moto's aws_verified tests, captured on real AWS). The three
    handlers add the envelope (``api/item_requests.py``, ``in_one_error_envelope``).
    """


class SerializationException(AwsError):
    code = "SerializationException"
    namespace = _CORAL_SERVICE


class UnknownOperationException(AwsError):
    code = "UnknownOperationException"
    namespace = _CORAL_SERVICE


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class ResourceInUseException(AwsError):
    code = "ResourceInUseException"


class ConditionalCheckFailedException(AwsError):
    code = "ConditionalCheckFailedException"


class TransactionCanceledException(AwsError):
    code = "TransactionCanceledException"

    @classmethod
    def for_reasons(cls, reasons: list[dict[str, Any]]) -> TransactionCanceledException:
        """The cancellation DynamoDB answers: every action's reason code, in order."""
        codes = ", ".join(reason["Code"] for reason in reasons)
        return cls(
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]",
            CancellationReasons=reasons,
        )


class DuplicateItemException(AwsError):
    code = "DuplicateItemException"


class TransactionConflictException(AwsError):
    code = "TransactionConflictException"


class IdempotentParameterMismatchException(AwsError):
    code = "IdempotentParameterMismatchException"


class ItemCollectionSizeLimitExceededException(AwsError):
    code = "ItemCollectionSizeLimitExceededException"


class ProvisionedThroughputExceededException(AwsError):
    code = "ProvisionedThroughputExceededException"


class RequestLimitExceeded(AwsError):
    code = "RequestLimitExceeded"


class LimitExceededException(AwsError):
    code = "LimitExceededException"


class ThrottlingException(AwsError):
    code = "ThrottlingException"
    namespace = _CORAL_AVAILABILITY


class ExpiredIteratorException(AwsError):
    code = "ExpiredIteratorException"


class TrimmedDataAccessException(AwsError):
    code = "TrimmedDataAccessException"


class MissingAuthenticationToken(AwsError):
    code = "MissingAuthenticationToken"


class MissingAuthenticationTokenException(AwsError):
    code = "MissingAuthenticationTokenException"
    namespace = _CORAL_SERVICE


class IncompleteSignatureException(AwsError):
    code = "IncompleteSignatureException"
    namespace = _CORAL_SERVICE


class InvalidSignatureException(AwsError):
    code = "InvalidSignatureException"
    namespace = _CORAL_SERVICE


class UnrecognizedClientException(AwsError):
    code = "UnrecognizedClientException"
    namespace = _CORAL_SERVICE


class RequestEntityTooLargeException(AwsError):
    code = "RequestEntityTooLargeException"
    status = 413
    namespace = _CORAL_SERVICE


class TableNotFoundException(AwsError):
    code = "TableNotFoundException"


class TableAlreadyExistsException(AwsError):
    code = "TableAlreadyExistsException"


class TableInUseException(AwsError):
    code = "TableInUseException"


class BackupNotFoundException(AwsError):
    code = "BackupNotFoundException"


class ExportNotFoundException(AwsError):
    code = "ExportNotFoundException"


class ExportConflictException(AwsError):
    code = "ExportConflictException"


class ImportNotFoundException(AwsError):
    code = "ImportNotFoundException"


class ImportConflictException(AwsError):
    code = "ImportConflictException"


class InvalidExportTimeException(AwsError):
    code = "InvalidExportTimeException"


class PolicyNotFoundException(AwsError):
    code = "PolicyNotFoundException"


class PointInTimeRecoveryUnavailableException(AwsError):
    code = "PointInTimeRecoveryUnavailableException"


class InvalidRestoreTimeException(AwsError):
    code = "InvalidRestoreTimeException"


class InternalServerError(AwsError):
    code = "InternalServerError"
    status = 500
    sender_fault = False


#: How DynamoDB opens the message of a parameter that is well-formed but not acceptable.
INVALID_PARAMETERS = "One or more parameter values were invalid: "


def invalid_parameters(detail: str) -> ValidationException:
    """DynamoDB's ValidationException for an unacceptable parameter value, in AWS's words.

    >>> invalid_parameters("Invalid SequenceNumber").message
    'One or more parameter values were invalid: Invalid SequenceNumber'
    """
    return ValidationException(INVALID_PARAMETERS + detail)


ERRORS_BY_CODE: dict[str, type[AwsError]] = {
    cls.code: cls
    for cls in (
        ValidationException,
        SerializationException,
        UnknownOperationException,
        RequestEntityTooLargeException,
        MissingAuthenticationToken,
        ResourceNotFoundException,
        ResourceInUseException,
        ConditionalCheckFailedException,
        TransactionCanceledException,
        DuplicateItemException,
        TransactionConflictException,
        IdempotentParameterMismatchException,
        ItemCollectionSizeLimitExceededException,
        ProvisionedThroughputExceededException,
        RequestLimitExceeded,
        LimitExceededException,
        ThrottlingException,
        ExpiredIteratorException,
        TrimmedDataAccessException,
        TableNotFoundException,
        TableAlreadyExistsException,
        TableInUseException,
        BackupNotFoundException,
        PolicyNotFoundException,
        PointInTimeRecoveryUnavailableException,
        InvalidRestoreTimeException,
        InternalServerError,
    )
}
