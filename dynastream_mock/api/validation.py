"""Shape validation of requests, compiled from botocore's service models.

DynamoDB's front end (Amazon's "Coral" framework) handles a request in two steps before any
handler runs, and this module does the same:

1. Deserialization. A JSON value of the wrong type fails the whole request with a
   ``SerializationException`` (``NUMBER_VALUE cannot be converted to String``, ``Start of
   structure or map found where not expected``, ...). The first mismatch in document order
   wins. Unknown members are skipped and JSON ``null`` counts as absent.
2. Constraint validation. Every violated constraint (required, length, range, pattern, enum)
   becomes one ``Value <v> at '<path>' failed to satisfy constraint: <phrase>`` and the
   request fails with one ``ValidationException``: ``N validation error(s) detected: a; b``,
   listing at most 10 of them, as Coral does.

Sources for the exact texts: the DynamoDB test suites of dynalite (recorded against real AWS,
last refreshed 2018-2023), public reports of real AWS answers (2015-2026), the messages the
brief quotes, and Amazon's DynamoDB Local where it performs this validation itself (it mostly
does not). Where these disagree, real AWS wins. Details that cannot be known are chosen as
the plainest faithful rendering and marked "unknowable" below.

Each (service, operation) compiles once into a tree of small node objects; a request then
only walks its own values. AttributeValues (``Item``, ``Key``, ``ExpressionAttributeValues``
values, ...) are checked only for being JSON objects where a map is required: their deep
validation belongs to ``backend/values.py``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Final

from botocore.loaders import Loader

from ..errors import SerializationException, ValidationException

__all__ = ["operation_names", "validator_for"]

Validator = Callable[[dict[str, Any]], None]

# Coral reports at most this many violations (real AWS messages never exceed
# "10 validation errors detected", even when more constraints fail).
_MAX_REPORTED: Final = 10

# Java package of DynamoDB's (and DynamoDB Streams') model classes, as AWS prints them in
# serialization errors and in the toString of structures (``...KeySchemaElement@21b90f``).
_JAVA_NS: Final = "com.amazonaws.dynamodb.v20120810"

_NOT_NULL: Final = "Member must not be null"

# Where a shape sits; Coral words type errors differently for each (observed on real AWS).
_FIELD: Final = 0  # member of a structure
_LIST_MEMBER: Final = 1  # element of a list
_MAP_VALUE: Final = 2  # value of a map

_START_OF_MAP: Final = "Start of structure or map found where not expected"
_UNEXPECTED_FIELD: Final = "Unexpected field type"
_UNEXPECTED_VALUE: Final = "Unexpected value type in payload"
# What Coral answers for a scalar where a list or map nested in a list or map is expected.
_PARAMETERIZED: Final = (
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to "
    "class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl "
    "and java.lang.Class are in module java.base of loader 'bootstrap')"
)

# Enum sets print in the order of AWS's internal model, which is neither botocore's order nor
# a hash order. These orders are taken from real AWS messages; values botocore adds later
# (AT_TIMESTAMP) follow in model order, values botocore dropped are left out.
_AWS_ENUM_ORDER: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("dynamodb", "ReturnConsumedCapacity"): ("INDEXES", "TOTAL", "NONE"),
    ("dynamodb", "ReturnValue"): ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    ("dynamodb", "ReturnItemCollectionMetrics"): ("SIZE", "NONE"),
    ("dynamodb", "ScalarAttributeType"): ("B", "N", "S"),
    ("dynamodb", "KeyType"): ("HASH", "RANGE"),
    ("dynamodb", "BillingMode"): ("PROVISIONED", "PAY_PER_REQUEST"),
    ("dynamodb", "ConditionalOperator"): ("OR", "AND"),
    ("dynamodb", "ProjectionType"): ("ALL", "INCLUDE", "KEYS_ONLY"),
    ("dynamodb", "Select"): (
        "SPECIFIC_ATTRIBUTES",
        "COUNT",
        "ALL_ATTRIBUTES",
        "ALL_PROJECTED_ATTRIBUTES",
    ),
    ("dynamodb", "ComparisonOperator"): (
        "IN",
        "NULL",
        "BETWEEN",
        "LT",
        "NOT_CONTAINS",
        "EQ",
        "GT",
        "NOT_NULL",
        "NE",
        "LE",
        "BEGINS_WITH",
        "GE",
        "CONTAINS",
    ),
    ("dynamodb", "StreamViewType"): ("OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE"),
    ("dynamodb", "ContributorInsightsAction"): ("ENABLE", "DISABLE"),
    ("dynamodb", "ContributorInsightsMode"): ("THROTTLED_KEYS", "ACCESSED_AND_THROTTLED_KEYS"),
    ("dynamodbstreams", "ShardIteratorType"): (
        "AT_SEQUENCE_NUMBER",
        "LATEST",
        "TRIM_HORIZON",
        "AFTER_SEQUENCE_NUMBER",
    ),
}

# Constraints real AWS enforces that botocore's public model omits, by (service, structure,
# member). Streams' limits are documented ("The upper limit is 1000/100") and rejected with
# ValidationException; KMSMasterKeyId '' answers "length greater than or equal to 1" (probed).
_EXTRA_CONSTRAINTS: Final[dict[tuple[str, str, str], dict[str, int]]] = {
    ("dynamodbstreams", "GetRecordsInput", "Limit"): {"max": 1000},
    ("dynamodbstreams", "DescribeStreamInput", "Limit"): {"max": 100},
    ("dynamodbstreams", "ListStreamsInput", "Limit"): {"max": 100},
    ("dynamodb", "SSESpecification", "KMSMasterKeyId"): {"min": 1},
}
# The same, for every use of a shape: real AWS answers "keySchema ... Member must have length
# less than or equal to 2" (dynalite's recordings, users' reports); botocore dropped the max.
_EXTRA_SHAPE_CONSTRAINTS: Final[dict[tuple[str, str], dict[str, int]]] = {
    ("dynamodb", "KeySchema"): {"max": 2},
}

# DynamoDB accepts a table name or a table ARN where botocore's model says ``TableArn``
# (length 1-1024, no pattern). Real AWS still checks plain names as ``TableName`` (length
# 3-255, pattern): DescribeTable with TableName '' answers "length greater than or equal to 3"
# and the pattern (probed 2026). So a value not starting with "arn:" gets TableName's
# constraints.
_TABLE_ARN_SHAPE: Final = "TableArn"
_TABLE_NAME_SHAPE: Final = "TableName"
# The request maps keyed by table name or ARN (BatchGetItem, BatchWriteItem).
_TABLE_KEYED_MAPS: Final = frozenset({"BatchGetRequestMap", "BatchWriteItemRequestMap"})

# Opaque to this module: deep validation belongs to backend/values.py.
_OPAQUE_STRUCTURES: Final = frozenset({"AttributeValue"})

_BOOL_WORDS: Final = {"TRUE": True, "YES": True, "1": True, "FALSE": False, "NO": False, "0": False}

# One violation, rendered only if the request has no type error:
# (node that renders the value or None for null, value, path, constraint phrase).
_Violation = tuple["_Node | None", Any, str, str]


class _Mismatch(Exception):
    """A JSON type error; becomes a SerializationException."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Java renderings ------------------------------------------------------------------------
# Values in messages print as Java's toString: lists "[a, b]", maps "{k=v}", structures
# "<class>@<hex hashCode>". Coral's structure hashCode is 1 + the sum of its non-null members'
# hashCodes: it reproduces every real sample (KeySchemaElement@21b90f for {KeyType: HASH},
# @62 for {AttributeName: a}, @293b3b for {KeyType: Woop, AttributeName: a}).

_MASK32: Final = 0xFFFFFFFF


def _java_string_hash(s: str) -> int:
    h = 0
    if s.isascii():
        for ch in s:
            h = (31 * h + ord(ch)) & _MASK32
        return h
    data = s.encode("utf-16-be", "surrogatepass")
    for (unit,) in struct.iter_unpack(">H", data):
        h = (31 * h + unit) & _MASK32
    return h


def _java_long_hash(v: int) -> int:
    v &= 0xFFFFFFFFFFFFFFFF
    return (v ^ (v >> 32)) & _MASK32


def _java_double_hash(d: float) -> int:
    if d != d:
        bits = 0x7FF8000000000000  # Java canonicalizes NaN
    else:
        (bits,) = struct.unpack(">Q", struct.pack(">d", d))
    return (bits ^ (bits >> 32)) & _MASK32


def _java_bytes_hash(data: bytes) -> int:
    # ByteBuffer.hashCode walks from the end, with signed bytes.
    h = 1
    for b in reversed(data):
        h = (31 * h + (b - 256 if b > 127 else b)) & _MASK32
    return h


def _java_double_str(d: float) -> str:
    if d != d:
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0:
        return "-0.0" if math.copysign(1.0, d) < 0 else "0.0"
    a = abs(d)
    sign = "-" if d < 0 else ""
    if 1e-3 <= a < 1e7:
        r = repr(a)
        return sign + (r if "." in r else r + ".0")
    digits_tuple = Decimal(repr(a)).as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    exponent = len(digits) - 1 + int(digits_tuple.exponent)
    digits = digits.rstrip("0") or "0"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _decode_blob(v: str) -> bytes:
    try:
        return base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return v.encode("utf-8", "surrogatepass")


def _generic_hash(v: Any) -> int:
    """Hash of a value whose shape is unknown or mistyped (only inside opaque values)."""
    if v is None:
        return 0
    if v is True:
        return 1231
    if v is False:
        return 1237
    if isinstance(v, str):
        return _java_string_hash(v)
    if isinstance(v, int):
        return _java_long_hash(v)
    if isinstance(v, float):
        return _java_double_hash(v)
    if isinstance(v, list):
        h = 1
        for x in v:
            h = (31 * h + _generic_hash(x)) & _MASK32
        return h
    if isinstance(v, dict):
        return sum(_java_string_hash(str(k)) ^ _generic_hash(x) for k, x in v.items()) & _MASK32
    return 0


def _generic_str(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _java_double_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_generic_str(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_generic_str(x)}" for k, x in v.items()) + "}"
    return str(v)


def _utf16_len(s: str) -> int:
    # Coral measures strings as Java does, in UTF-16 code units.
    if s.isascii():
        return len(s)
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _scalar_mismatch(v: Any, java: str) -> str:
    """Coral's message for ``v`` where a ``java.lang.<java>`` scalar is expected."""
    t = type(v)
    if t is bool:
        return f"{'TRUE_VALUE' if v else 'FALSE_VALUE'} cannot be converted to {java}"
    if t is int:
        return f"NUMBER_VALUE cannot be converted to {java}"
    if t is float:
        return f"DECIMAL_VALUE cannot be converted to {java}"
    if t is str:
        return f"STRING_VALUE cannot be converted to {java}"
    if t is list:
        return f"Unrecognized collection type class java.lang.{java}"
    if t is dict:
        return _START_OF_MAP
    return "Unexpected token received from parser"


def _aggregate(violations: list[_Violation]) -> str:
    shown = violations[:_MAX_REPORTED]
    parts = []
    for node, value, path, phrase in shown:
        rendered = "null" if node is None else "'" + node.java_str(value) + "'"
        parts.append(f"Value {rendered} at '{path}' failed to satisfy constraint: {phrase}")
    n = len(shown)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(parts)


# --- nodes ----------------------------------------------------------------------------------


class _Node:
    """One shape in one position. ``check`` type-checks, collects violations, descends."""

    __slots__ = ("java_type", "limited", "nested", "own")

    def __init__(self, java_type: str, own: bool) -> None:
        self.java_type = java_type  # Java type name inside Map<...>/List<...>
        self.own = own  # report own constraints here (else the parent list/map does)
        self.nested = False  # has members that get their own paths (struct, list, map)
        self.limited = False  # has own constraints (length, range, pattern, enum)

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        raise NotImplementedError

    def type_error(self, v: Any) -> str | None:
        """This value's own type error, not its children's."""
        raise NotImplementedError

    def children(self, v: Any) -> Iterator[tuple[_Node, Any]]:
        """Typed children in document order (for finding the first type error)."""
        return iter(())

    def bracket(self, v: Any) -> list[str]:
        """All own constraint phrases, for "Member must satisfy constraint: [...]"."""
        return []

    def violates(self, v: Any) -> bool:
        """Whether a well-typed ``v`` breaks one of the own constraints."""
        return False

    def java_str(self, v: Any) -> str:
        return _generic_str(v)

    def java_hash(self, v: Any) -> int:
        return _generic_hash(v)

    def normalized(self, v: Any) -> Any:
        """``v`` as the service reads it (Coral coerces "true" to a boolean, 5.5 to 5)."""
        return v


class _Limits:
    """Length or value bounds and string pattern/enum of one scalar shape."""

    __slots__ = (
        "enum",
        "enum_phrase",
        "high",
        "high_phrase",
        "low",
        "low_phrase",
        "pattern",
        "pattern_phrase",
    )

    def __init__(
        self,
        shape: dict[str, Any],
        what: str,
        enum: tuple[str, ...] | None = None,
    ) -> None:
        # ``what`` is "length" or "value": "Member must have length/value ...".
        low = shape.get("min")
        high = shape.get("max")
        self.low: int | float | None = low
        self.high: int | float | None = high
        self.low_phrase = f"Member must have {what} greater than or equal to {_num(low)}"
        self.high_phrase = f"Member must have {what} less than or equal to {_num(high)}"
        self.pattern: re.Pattern[str] | None = None
        self.pattern_phrase = ""
        source = shape.get("pattern")
        if source is not None:
            self.pattern_phrase = f"Member must satisfy regular expression pattern: {source}"
            try:
                self.pattern = re.compile(source)
            except re.error:
                # A Java-only construct Python cannot compile: the pattern goes unchecked.
                self.pattern = None
        self.enum: frozenset[str] | None = frozenset(enum) if enum else None
        self.enum_phrase = f"Member must satisfy enum value set: [{', '.join(enum or ())}]"

    def outside(self, amount: float) -> bool:
        """Whether a length or value breaks the bounds."""
        return (self.high is not None and amount > self.high) or (
            self.low is not None and amount < self.low
        )

    def phrases(self) -> list[str]:
        # Coral's order inside brackets: max, min, pattern, enum.
        out = []
        if self.high is not None:
            out.append(self.high_phrase)
        if self.low is not None:
            out.append(self.low_phrase)
        if self.pattern_phrase:
            out.append(self.pattern_phrase)
        if self.enum is not None:
            out.append(self.enum_phrase)
        return out

    @property
    def empty(self) -> bool:
        return (
            self.low is None and self.high is None and not self.pattern_phrase and self.enum is None
        )


def _num(x: float | None) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


class _StringNode(_Node):
    __slots__ = ("limits", "name_limits")

    def __init__(self, limits: _Limits, own: bool, name_limits: _Limits | None = None) -> None:
        super().__init__("java.lang.String", own)
        self.limits = limits
        self.limited = not limits.empty or name_limits is not None
        # TableName's limits, for plain names given where a table ARN is also accepted.
        self.name_limits = name_limits

    def _limits_for(self, v: str) -> _Limits:
        if self.name_limits is not None and not v.startswith("arn:"):
            return self.name_limits
        return self.limits

    def type_error(self, v: Any) -> str | None:
        return None if type(v) is str else _scalar_mismatch(v, "String")

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        if type(v) is not str:
            raise _Mismatch(_scalar_mismatch(v, "String"))
        if not self.own:
            return
        lim = self._limits_for(v) if self.name_limits is not None else self.limits
        if lim.empty:
            return
        if lim.low is not None or lim.high is not None:
            n = _utf16_len(v)
            if lim.high is not None and n > lim.high:
                out.append((self, v, path, lim.high_phrase))
            elif lim.low is not None and n < lim.low:
                out.append((self, v, path, lim.low_phrase))
        if lim.pattern is not None and lim.pattern.fullmatch(v) is None:
            out.append((self, v, path, lim.pattern_phrase))
        if lim.enum is not None and v not in lim.enum:
            out.append((self, v, path, lim.enum_phrase))

    def violates(self, v: Any) -> bool:
        lim = self._limits_for(v)
        if lim.low is not None or lim.high is not None:
            n = _utf16_len(v)
            if (lim.high is not None and n > lim.high) or (lim.low is not None and n < lim.low):
                return True
        if lim.pattern is not None and lim.pattern.fullmatch(v) is None:
            return True
        return lim.enum is not None and v not in lim.enum

    def bracket(self, v: Any) -> list[str]:
        return self._limits_for(v).phrases()

    def java_str(self, v: Any) -> str:
        return v if isinstance(v, str) else _generic_str(v)

    def java_hash(self, v: Any) -> int:
        return _java_string_hash(v) if isinstance(v, str) else _generic_hash(v)


class _NumberNode(_Node):
    """Numbers with a range: subclasses say how a JSON value reads as their Java type."""

    __slots__ = ("limits",)

    def __init__(self, java_type: str, limits: _Limits, own: bool) -> None:
        super().__init__(java_type, own)
        self.limits = limits
        self.limited = not limits.empty

    def coerce(self, v: Any) -> float:
        raise NotImplementedError

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        x = self.coerce(v)
        if self.own:
            lim = self.limits
            if lim.high is not None and x > lim.high:
                out.append((self, x, path, lim.high_phrase))
            elif lim.low is not None and x < lim.low:
                out.append((self, x, path, lim.low_phrase))

    def violates(self, v: Any) -> bool:
        return self.limits.outside(self.coerce(v))

    def bracket(self, v: Any) -> list[str]:
        return self.limits.phrases()


class _IntNode(_NumberNode):
    """integer (Java Integer) and long (Java Long)."""

    __slots__ = ("bits", "java")

    def __init__(self, limits: _Limits, own: bool, bits: int) -> None:
        java = "Integer" if bits == 32 else "Long"
        super().__init__(f"java.lang.{java}", limits, own)
        self.bits = bits
        self.java = java

    def coerce(self, v: Any) -> int:
        t = type(v)
        if t is int:
            x: int = v
        elif t is float:
            if not math.isfinite(v):
                raise _Mismatch("Unexpected token received from parser")
            # Coral truncates decimals given for integers (TruncatingBigNumber).
            x = int(v)
        else:
            raise _Mismatch(_scalar_mismatch(v, self.java))
        half = 1 << (self.bits - 1)
        if not -half <= x < half:
            # Java's narrowing keeps the low-order bits.
            x = ((x + half) % (half << 1)) - half
        return x

    def type_error(self, v: Any) -> str | None:
        try:
            self.coerce(v)
        except _Mismatch as e:
            return e.message
        return None

    def normalized(self, v: Any) -> Any:
        return v if type(v) is int else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return str(self.coerce(v))
        except _Mismatch:
            return _generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            x = self.coerce(v)
        except _Mismatch:
            return _generic_hash(v)
        return x & _MASK32 if self.bits == 32 else _java_long_hash(x)


class _DoubleNode(_NumberNode):
    __slots__ = ()

    def __init__(self, limits: _Limits, own: bool) -> None:
        super().__init__("java.lang.Double", limits, own)

    def coerce(self, v: Any) -> float:
        t = type(v)
        if t is float:
            return float(v)
        if t is int:
            try:
                return float(v)
            except OverflowError:
                # Beyond a double's range: Java's parser yields Infinity.
                return math.inf if v > 0 else -math.inf
        raise _Mismatch(_scalar_mismatch(v, "Double"))

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        return None if t is float or t is int else _scalar_mismatch(v, "Double")

    def normalized(self, v: Any) -> Any:
        return v if type(v) is float else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return _java_double_str(self.coerce(v))
        except _Mismatch:
            return _generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            return _java_double_hash(self.coerce(v))
        except _Mismatch:
            return _generic_hash(v)


class _BoolNode(_Node):
    __slots__ = ()

    def __init__(self, own: bool) -> None:
        super().__init__("java.lang.Boolean", own)

    def coerce(self, v: Any) -> bool:
        t = type(v)
        if t is bool:
            return bool(v)
        if t is str:
            # Coral's parser takes these words for booleans (seen on real AWS).
            word = _BOOL_WORDS.get(v.upper())
            if word is None:
                raise _Mismatch("Unexpected token received from parser")
            return word
        raise _Mismatch(_scalar_mismatch(v, "Boolean"))

    def type_error(self, v: Any) -> str | None:
        try:
            self.coerce(v)
        except _Mismatch as e:
            return e.message
        return None

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        if type(v) is not bool:
            self.coerce(v)

    def normalized(self, v: Any) -> Any:
        return v if type(v) is bool else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return "true" if self.coerce(v) else "false"
        except _Mismatch:
            return _generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            return 1231 if self.coerce(v) else 1237
        except _Mismatch:
            return _generic_hash(v)


class _TimestampNode(_Node):
    """Epoch seconds. Coral's text for a string here is unknowable; it is worded like the
    other numeric types."""

    __slots__ = ()

    def __init__(self, own: bool) -> None:
        super().__init__("java.util.Date", own)

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is int or (t is float and math.isfinite(v)):
            return None
        if t is float:
            return "Unexpected token received from parser"
        return _scalar_mismatch(v, "Date")

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        t = type(v)
        if t is not int and t is not float:
            raise _Mismatch(_scalar_mismatch(v, "Date"))
        if t is float and not math.isfinite(v):
            raise _Mismatch("Unexpected token received from parser")

    def java_hash(self, v: Any) -> int:
        t = type(v)
        if t is int or (t is float and math.isfinite(v)):
            return _java_long_hash(int(v * 1000))
        return _generic_hash(v)


class _BlobNode(_Node):
    __slots__ = ("limits",)

    def __init__(self, limits: _Limits, own: bool) -> None:
        super().__init__("java.nio.ByteBuffer", own)
        self.limits = limits
        self.limited = not limits.empty

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is str:
            if len(v) % 4:
                return (
                    f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(v)}"
                )
            try:
                base64.b64decode(v, validate=True)
            except (binascii.Error, ValueError):
                return "Invalid last non-pad Base64 character dectected"  # sic, AWS's spelling
            return None
        if t is bool or t is int or t is float:
            return "only base-64-encoded strings are convertible to bytes"
        if t is list:
            return "Unrecognized collection type class java.nio.ByteBuffer"
        if t is dict:
            return _START_OF_MAP
        return "Unexpected token received from parser"

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        message = self.type_error(v)
        if message is not None:
            raise _Mismatch(message)
        if self.own:
            n = len(base64.b64decode(v))
            lim = self.limits
            if lim.high is not None and n > lim.high:
                out.append((self, v, path, lim.high_phrase))
            elif lim.low is not None and n < lim.low:
                out.append((self, v, path, lim.low_phrase))

    def violates(self, v: Any) -> bool:
        return self.limits.outside(len(base64.b64decode(v)))

    def bracket(self, v: Any) -> list[str]:
        return self.limits.phrases()

    def java_str(self, v: Any) -> str:
        if not isinstance(v, str):
            return _generic_str(v)
        n = len(_decode_blob(v))
        return f"java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]"

    def java_hash(self, v: Any) -> int:
        return _java_bytes_hash(_decode_blob(v)) if isinstance(v, str) else _generic_hash(v)


class _StructNode(_Node):
    __slots__ = ("by_key", "ctx", "members", "name", "opaque")

    def __init__(self, name: str, ctx: int, opaque: bool) -> None:
        super().__init__(f"{_JAVA_NS}.{name}", True)
        self.name = name
        self.ctx = ctx
        self.opaque = opaque
        self.nested = True
        # (JSON key, path segment, node, required), in model order; filled after creation
        # so recursive shapes can refer to themselves.
        self.members: tuple[tuple[str, str, _Node, bool], ...] = ()
        self.by_key: dict[str, _Node] = {}

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is dict:
            return None
        if t is list:
            return f"Unrecognized collection type class {self.java_type}"
        return _UNEXPECTED_FIELD if self.ctx == _FIELD else _UNEXPECTED_VALUE

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        if type(v) is not dict:
            raise _Mismatch(self.type_error(v) or "")
        if self.opaque:
            return
        for key, segment, node, required in self.members:
            x = v.get(key)
            if x is None:
                if required:
                    out.append((None, None, f"{path}.{segment}" if path else segment, _NOT_NULL))
            else:
                node.check(x, f"{path}.{segment}" if path else segment, out)
                # Handlers see what the service sees; the request is ours to change.
                normal = node.normalized(x)
                if normal is not x:
                    v[key] = normal

    def children(self, v: Any) -> Iterator[tuple[_Node, Any]]:
        if self.opaque:
            return
        by_key = self.by_key
        for key, x in v.items():
            node = by_key.get(key)
            if node is not None and x is not None:
                yield node, x

    def java_str(self, v: Any) -> str:
        return f"{self.java_type}@{self.java_hash(v):x}"

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, dict):
            return _generic_hash(v)
        h = 1
        for key, _segment, node, _required in self.members:
            x = v.get(key)
            if x is not None:
                h += node.java_hash(x)
        return h & _MASK32


class _ListNode(_Node):
    __slots__ = ("ctx", "limits", "member")

    def __init__(self, limits: _Limits, own: bool, ctx: int, member: _Node) -> None:
        super().__init__(f"java.util.List<{member.java_type}>", own)
        self.limits = limits
        self.limited = not limits.empty
        self.ctx = ctx
        self.member = member
        self.nested = True

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is list:
            return None
        if t is dict:
            return _START_OF_MAP
        return _UNEXPECTED_FIELD if self.ctx == _FIELD else _PARAMETERIZED

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        if type(v) is not list:
            raise _Mismatch(self.type_error(v) or "")
        lim = self.limits
        if self.own and (lim.low is not None or lim.high is not None):
            n = len(v)
            if lim.high is not None and n > lim.high:
                out.append((self, v, path, lim.high_phrase))
            elif lim.low is not None and n < lim.low:
                out.append((self, v, path, lim.low_phrase))
        member = self.member
        limited = member.limited
        broken: Any = None
        if member.nested:
            for i, x in enumerate(v, 1):
                if x is not None:
                    member.check(x, f"{path}.{i}.member", out)
                    if limited and broken is None and member.violates(x):
                        broken = x
        else:
            for x in v:
                if x is not None:
                    member.check(x, path, out)
                    if limited and broken is None and member.violates(x):
                        broken = x
        if broken is not None:
            phrases = ", ".join(member.bracket(broken))
            out.append((self, v, path, f"Member must satisfy constraint: [{phrases}]"))

    def children(self, v: Any) -> Iterator[tuple[_Node, Any]]:
        member = self.member
        for x in v:
            if x is not None:
                yield member, x

    def violates(self, v: Any) -> bool:
        return self.limits.outside(len(v))

    def bracket(self, v: Any) -> list[str]:
        return self.limits.phrases()

    def java_str(self, v: Any) -> str:
        if not isinstance(v, list):
            return _generic_str(v)
        member = self.member
        return "[" + ", ".join("null" if x is None else member.java_str(x) for x in v) + "]"

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, list):
            return _generic_hash(v)
        h = 1
        member = self.member
        for x in v:
            h = (31 * h + (0 if x is None else member.java_hash(x))) & _MASK32
        return h


class _MapNode(_Node):
    __slots__ = ("check_keys", "check_values", "ctx", "key", "limits", "value")

    def __init__(self, limits: _Limits, own: bool, ctx: int, key: _Node, value: _Node) -> None:
        super().__init__(f"java.util.Map<java.lang.String, {value.java_type}>", own)
        self.limits = limits
        self.limited = not limits.empty
        self.ctx = ctx
        self.key = key
        self.value = value
        self.nested = True
        self.check_keys = key.limited
        opaque_value = isinstance(value, _StructNode) and value.opaque
        # Values need a look unless they are AttributeValues (backend/values.py's job).
        self.check_values = not opaque_value

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is dict:
            return None
        if t is list:
            return f"Unrecognized collection type {self.java_type}"
        return _UNEXPECTED_FIELD if self.ctx == _FIELD else _PARAMETERIZED

    def check(self, v: Any, path: str, out: list[_Violation]) -> None:
        if type(v) is not dict:
            raise _Mismatch(self.type_error(v) or "")
        lim = self.limits
        if self.own and (lim.low is not None or lim.high is not None):
            n = len(v)
            if lim.high is not None and n > lim.high:
                out.append((self, v, path, lim.high_phrase))
            elif lim.low is not None and n < lim.low:
                out.append((self, v, path, lim.low_phrase))
        if self.check_keys:
            key = self.key
            for k in v:
                if key.violates(k):
                    phrases = ", ".join(key.bracket(k))
                    out.append((self, v, path, f"Map keys must satisfy constraint: [{phrases}]"))
                    break
        if not self.check_values:
            return
        value = self.value
        limited = value.limited
        broken: Any = None
        for k, x in v.items():
            if x is None:
                continue
            value.check(x, f"{path}.{k}.member", out)
            if limited and broken is None and value.violates(x):
                broken = x
        if broken is not None:
            phrases = ", ".join(value.bracket(broken))
            out.append((self, v, path, f"Map value must satisfy constraint: [{phrases}]"))

    def children(self, v: Any) -> Iterator[tuple[_Node, Any]]:
        if not self.check_values:
            return
        value = self.value
        for x in v.values():
            if x is not None:
                yield value, x

    def violates(self, v: Any) -> bool:
        return self.limits.outside(len(v))

    def bracket(self, v: Any) -> list[str]:
        return self.limits.phrases()

    def java_str(self, v: Any) -> str:
        # Java would print its HashMap's bucket order, which depends on how Coral builds the
        # map (unknowable); the request's own order is the plainest faithful choice.
        if not isinstance(v, dict):
            return _generic_str(v)
        value = self.value
        return (
            "{"
            + ", ".join(f"{k}={'null' if x is None else value.java_str(x)}" for k, x in v.items())
            + "}"
        )

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, dict):
            return _generic_hash(v)
        value = self.value
        h = 0
        for k, x in v.items():
            h += _java_string_hash(str(k)) ^ (0 if x is None else value.java_hash(x))
        return h & _MASK32


# --- compilation ----------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    # Coral's path segments lower only the first letter: 'sSESpecification.kMSMasterKeyId'.
    return name[:1].lower() + name[1:]


class _Compiler:
    """Turns one service model into nodes; nodes are shared between operations."""

    def __init__(self, service: str) -> None:
        model = Loader().load_service_model(service, "service-2")
        self.service = service
        self.shapes: dict[str, dict[str, Any]] = model["shapes"]
        self.operations: dict[str, dict[str, Any]] = model["operations"]
        self.nodes: dict[tuple[str, int, str], _Node] = {}
        self.lock = threading.RLock()

    def node(self, name: str, ctx: int, extra: dict[str, int] | None = None) -> _Node:
        # ``extra`` (from _EXTRA_CONSTRAINTS) is rare; it keys the cache by its content.
        cache_key = (name, ctx, repr(sorted(extra.items())) if extra else "")
        found = self.nodes.get(cache_key)
        if found is not None:
            return found
        shape = self.shapes[name]
        shape_extra = _EXTRA_SHAPE_CONSTRAINTS.get((self.service, name))
        if shape_extra or extra:
            shape = {**shape, **(shape_extra or {}), **(extra or {})}
        own = ctx == _FIELD
        kind = shape["type"]
        node: _Node
        if kind == "structure":
            struct_node = _StructNode(name, ctx, name in _OPAQUE_STRUCTURES)
            self.nodes[cache_key] = struct_node  # before members: shapes may recurse
            required = frozenset(shape.get("required", ()))
            members = []
            for member_name, ref in shape["members"].items():
                member_extra = _EXTRA_CONSTRAINTS.get((self.service, name, member_name))
                member_node = self.member_node(ref["shape"], member_name, member_extra)
                members.append(
                    (member_name, _lower_first(member_name), member_node, member_name in required)
                )
                struct_node.by_key[member_name] = member_node
            struct_node.members = tuple(members)
            return struct_node
        if kind == "list":
            member = self.node(shape["member"]["shape"], _LIST_MEMBER)
            node = _ListNode(_Limits(shape, "length"), own, ctx, member)
        elif kind == "map":
            key_shape = shape["key"]["shape"]
            key = (
                self.table_name_node(key_shape, _LIST_MEMBER)
                if name in _TABLE_KEYED_MAPS
                else (self.node(key_shape, _LIST_MEMBER))
            )
            value = self.node(shape["value"]["shape"], _MAP_VALUE)
            node = _MapNode(_Limits(shape, "length"), own, ctx, key, value)
        elif kind == "string":
            node = _StringNode(_Limits(shape, "length", self.enum_order(name, shape)), own)
        elif kind in ("integer", "long"):
            node = _IntNode(_Limits(shape, "value"), own, 32 if kind == "integer" else 64)
        elif kind in ("double", "float"):
            node = _DoubleNode(_Limits(shape, "value"), own)
        elif kind == "boolean":
            node = _BoolNode(own)
        elif kind == "timestamp":
            node = _TimestampNode(own)
        elif kind == "blob":
            node = _BlobNode(_Limits(shape, "length"), own)
        else:  # pragma: no cover - no other types in these models
            raise ValueError(f"unsupported shape type {kind!r} of {name}")
        self.nodes[cache_key] = node
        return node

    def member_node(self, shape_name: str, member_name: str, extra: dict[str, int] | None) -> _Node:
        if member_name == "TableName" and shape_name == _TABLE_ARN_SHAPE:
            return self.table_name_node(shape_name, _FIELD)
        return self.node(shape_name, _FIELD, extra)

    def table_name_node(self, shape_name: str, ctx: int) -> _Node:
        cache_key = (shape_name, ctx, "table-name-or-arn")
        found = self.nodes.get(cache_key)
        if found is not None:
            return found
        node: _Node = self.node(shape_name, ctx)
        if shape_name == _TABLE_ARN_SHAPE and _TABLE_NAME_SHAPE in self.shapes:
            assert isinstance(node, _StringNode)
            node = _StringNode(
                node.limits, node.own, _Limits(self.shapes[_TABLE_NAME_SHAPE], "length")
            )
        self.nodes[cache_key] = node
        return node

    def enum_order(self, name: str, shape: dict[str, Any]) -> tuple[str, ...] | None:
        values: list[str] | None = shape.get("enum")
        if not values:
            return None
        known = _AWS_ENUM_ORDER.get((self.service, name))
        if known is None:
            return tuple(values)
        present = set(values)
        ordered = [v for v in known if v in present]
        ordered += [v for v in values if v not in set(known)]
        return tuple(ordered)

    def validator(self, operation: str) -> Validator:
        op = self.operations.get(operation)
        if op is None:
            raise KeyError(f"{self.service} has no operation {operation!r}")
        input_ref = op.get("input")
        with self.lock:
            root: _StructNode | None = None
            if input_ref is not None:
                node = self.node(input_ref["shape"], _FIELD)
                assert isinstance(node, _StructNode)
                root = node
        return _make_validator(root)


def _first_mismatch(node: _Node, v: Any) -> str | None:
    """The first type error in document order, as Coral's streaming parser meets it."""
    message = node.type_error(v)
    if message is not None:
        return message
    for child, x in node.children(v):
        message = _first_mismatch(child, x)
        if message is not None:
            return message
    return None


def _make_validator(root: _StructNode | None) -> Validator:
    if root is None:
        # No input shape: any object is accepted.
        def validate_nothing(params: dict[str, Any]) -> None:
            if type(params) is not dict:
                raise SerializationException(_START_OF_MAP)

        return validate_nothing

    def validate(params: dict[str, Any]) -> None:
        out: list[_Violation] = []
        try:
            root.check(params, "", out)
        except _Mismatch as first_seen:
            raise SerializationException(
                _first_mismatch(root, params) or first_seen.message
            ) from None
        if out:
            raise ValidationException(_aggregate(out))

    return validate


_compilers: dict[str, _Compiler] = {}
_validators: dict[tuple[str, str], Validator] = {}
_lock = threading.Lock()


def _compiler(service: str) -> _Compiler:
    found = _compilers.get(service)
    if found is None:
        with _lock:
            found = _compilers.get(service)
            if found is None:
                found = _Compiler(service)
                _compilers[service] = found
    return found


def validator_for(service: str, operation: str) -> Validator:
    """The request validator of ``operation`` (``dynamodb`` or ``dynamodbstreams``).

    It raises ``SerializationException`` for a JSON type error and ``ValidationException``
    with AWS's aggregate message for violated constraints; compiled once, then cached.
    ``KeyError`` for an operation the model does not have.
    """
    found = _validators.get((service, operation))
    if found is None:
        found = _compiler(service).validator(operation)
        _validators[(service, operation)] = found
    return found


def operation_names(service: str) -> frozenset[str]:
    """All operation names of ``service``'s model."""
    return frozenset(_compiler(service).operations)
