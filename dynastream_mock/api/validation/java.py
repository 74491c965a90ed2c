"""How Coral, DynamoDB's Java front end, words type errors and prints values.

Serialization errors name Java types, and constraint messages print the offending value the
way Java's ``toString`` would (``[a, b]``, ``{k=v}``, ``...KeySchemaElement@21b90f``, whose
number is a Java hash code): these helpers reproduce both.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from decimal import Decimal
from typing import Any, Final

# Java package of DynamoDB's (and DynamoDB Streams') model classes, as AWS prints them in
# serialization errors and in the toString of structures (``...KeySchemaElement@21b90f``).
JAVA_NS: Final = "com.amazonaws.dynamodb.v20120810"

START_OF_MAP: Final = "Start of structure or map found where not expected"
UNEXPECTED_FIELD: Final = "Unexpected field type"
UNEXPECTED_VALUE: Final = "Unexpected value type in payload"

# What Coral answers for a scalar where a list or map nested in a list or map is expected.
PARAMETERIZED: Final = (
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to "
    "class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl "
    "and java.lang.Class are in module java.base of loader 'bootstrap')"
)


class Mismatch(Exception):
    """A JSON type error; becomes a SerializationException."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Java renderings ------------------------------------------------------------------------
# Values in messages print as Java's toString: lists "[a, b]", maps "{k=v}", structures
# "<class>@<hex hashCode>". Coral's structure hashCode is 1 + the sum of its non-null members'
# hashCodes: it reproduces every real sample (KeySchemaElement@21b90f for {KeyType: HASH},
# @62 for {AttributeName: a}, @293b3b for {KeyType: Woop, AttributeName: a}).

MASK32: Final = 0xFFFFFFFF


def java_string_hash(s: str) -> int:
    h = 0
    if s.isascii():
        for ch in s:
            h = (31 * h + ord(ch)) & MASK32
        return h
    data = s.encode("utf-16-be", "surrogatepass")
    for (unit,) in struct.iter_unpack(">H", data):
        h = (31 * h + unit) & MASK32
    return h


def java_long_hash(v: int) -> int:
    v &= 0xFFFFFFFFFFFFFFFF
    return (v ^ (v >> 32)) & MASK32


def java_double_hash(d: float) -> int:
    if d != d:
        bits = 0x7FF8000000000000  # Java canonicalizes NaN
    else:
        (bits,) = struct.unpack(">Q", struct.pack(">d", d))
    return (bits ^ (bits >> 32)) & MASK32


def java_bytes_hash(data: bytes) -> int:
    # ByteBuffer.hashCode walks from the end, with signed bytes.
    h = 1
    for b in reversed(data):
        h = (31 * h + (b - 256 if b > 127 else b)) & MASK32
    return h


def java_double_str(d: float) -> str:
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


def decode_blob(v: str) -> bytes:
    try:
        return base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return v.encode("utf-8", "surrogatepass")


def generic_hash(v: Any) -> int:
    """Hash of a value whose shape is unknown or mistyped (only inside opaque values)."""
    if v is None:
        return 0
    if v is True:
        return 1231
    if v is False:
        return 1237
    if isinstance(v, str):
        return java_string_hash(v)
    if isinstance(v, int):
        return java_long_hash(v)
    if isinstance(v, float):
        return java_double_hash(v)
    if isinstance(v, list):
        h = 1
        for x in v:
            h = (31 * h + generic_hash(x)) & MASK32
        return h
    if isinstance(v, dict):
        return sum(java_string_hash(str(k)) ^ generic_hash(x) for k, x in v.items()) & MASK32
    return 0


def generic_str(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return java_double_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(generic_str(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={generic_str(x)}" for k, x in v.items()) + "}"
    return str(v)


def utf16_len(s: str) -> int:
    # Coral measures strings as Java does, in UTF-16 code units.
    if s.isascii():
        return len(s)
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def scalar_mismatch(v: Any, java: str) -> str:
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
        return START_OF_MAP
    return "Unexpected token received from parser"
