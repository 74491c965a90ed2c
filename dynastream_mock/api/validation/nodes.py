"""The compiled form of a shape: one small node object per shape and position.

``check`` type-checks a value, collects constraint violations and descends into members;
the other methods render values and constraints into Coral's messages.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterator
from typing import Any, Final

from ...backend.arns import is_arn
from .java import (
    MASK32,
    START_OF_MAP,
    Mismatch,
    decode_blob,
    generic_hash,
    generic_str,
    java_bytes_hash,
    java_double_hash,
    java_double_str,
    java_long_hash,
    java_string_hash,
    scalar_mismatch,
    utf16_len,
)

NOT_NULL: Final = "Member must not be null"

# Where a shape sits; Coral words type errors differently for each (observed on real AWS).
FIELD: Final = 0  # member of a structure
LIST_MEMBER: Final = 1  # element of a list
MAP_VALUE: Final = 2  # value of a map

_BOOL_WORDS: Final = {"TRUE": True, "YES": True, "1": True, "FALSE": False, "NO": False, "0": False}

# One violation, rendered only if the request has no type error:
# (node that renders the value or None for null, value, path, constraint phrase).
Violation = tuple["Node | None", Any, str, str]


# --- nodes ----------------------------------------------------------------------------------


class Node:
    """One shape in one position. ``check`` type-checks, collects violations, descends."""

    __slots__ = ("java_type", "limited", "nested", "own")

    def __init__(self, java_type: str, own: bool) -> None:
        self.java_type = java_type  # Java type name inside Map<...>/List<...>
        self.own = own  # report own constraints here (else the parent list/map does)
        self.nested = False  # has members that get their own paths (struct, list, map)
        self.limited = False  # has own constraints (length, range, pattern, enum)

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        raise NotImplementedError

    def type_error(self, v: Any) -> str | None:
        """This value's own type error, not its children's."""
        raise NotImplementedError

    def children(self, v: Any) -> Iterator[tuple[Node, Any]]:
        """Typed children in document order (for finding the first type error)."""
        return iter(())

    def bracket(self, v: Any) -> list[str]:
        """All own constraint phrases, for "Member must satisfy constraint: [...]"."""
        return []

    def violates(self, v: Any) -> bool:
        """Whether a well-typed ``v`` breaks one of the own constraints."""
        return False

    def java_str(self, v: Any) -> str:
        return generic_str(v)

    def java_hash(self, v: Any) -> int:
        return generic_hash(v)

    def normalized(self, v: Any) -> Any:
        """``v`` as the service reads it (Coral coerces "true" to a boolean, 5.5 to 5)."""
        return v


def first_mismatch(node: Node, v: Any) -> str | None:
    """The first type error in document order, as Coral's streaming parser meets it."""
    message = node.type_error(v)
    if message is not None:
        return message
    for child, x in node.children(v):
        message = first_mismatch(child, x)
        if message is not None:
            return message
    return None


class Limits:
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


class StringNode(Node):
    __slots__ = ("limits", "name_limits")

    def __init__(self, limits: Limits, own: bool, name_limits: Limits | None = None) -> None:
        super().__init__("java.lang.String", own)
        self.limits = limits
        self.limited = not limits.empty or name_limits is not None
        # TableName's limits, for plain names given where a table ARN is also accepted.
        self.name_limits = name_limits

    def _limits_for(self, v: str) -> Limits:
        if self.name_limits is not None and not is_arn(v):
            return self.name_limits
        return self.limits

    def type_error(self, v: Any) -> str | None:
        return None if type(v) is str else scalar_mismatch(v, "String")

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        if type(v) is not str:
            raise Mismatch(scalar_mismatch(v, "String"))
        if not self.own:
            return
        lim = self._limits_for(v) if self.name_limits is not None else self.limits
        if lim.empty:
            return
        if lim.low is not None or lim.high is not None:
            n = utf16_len(v)
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
            n = utf16_len(v)
            if (lim.high is not None and n > lim.high) or (lim.low is not None and n < lim.low):
                return True
        if lim.pattern is not None and lim.pattern.fullmatch(v) is None:
            return True
        return lim.enum is not None and v not in lim.enum

    def bracket(self, v: Any) -> list[str]:
        return self._limits_for(v).phrases()

    def java_str(self, v: Any) -> str:
        return v if isinstance(v, str) else generic_str(v)

    def java_hash(self, v: Any) -> int:
        return java_string_hash(v) if isinstance(v, str) else generic_hash(v)


class _NumberNode(Node):
    """Numbers with a range: subclasses say how a JSON value reads as their Java type."""

    __slots__ = ("limits",)

    def __init__(self, java_type: str, limits: Limits, own: bool) -> None:
        super().__init__(java_type, own)
        self.limits = limits
        self.limited = not limits.empty

    def coerce(self, v: Any) -> float:
        raise NotImplementedError

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
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


class IntNode(_NumberNode):
    """integer (Java Integer) and long (Java Long)."""

    __slots__ = ("bits", "java")

    def __init__(self, limits: Limits, own: bool, bits: int) -> None:
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
                raise Mismatch("Unexpected token received from parser")
            # Coral truncates decimals given for integers (TruncatingBigNumber).
            x = int(v)
        else:
            raise Mismatch(scalar_mismatch(v, self.java))
        half = 1 << (self.bits - 1)
        if not -half <= x < half:
            # Java's narrowing keeps the low-order bits.
            x = ((x + half) % (half << 1)) - half
        return x

    def type_error(self, v: Any) -> str | None:
        try:
            self.coerce(v)
        except Mismatch as e:
            return e.message
        return None

    def normalized(self, v: Any) -> Any:
        return v if type(v) is int else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return str(self.coerce(v))
        except Mismatch:
            return generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            x = self.coerce(v)
        except Mismatch:
            return generic_hash(v)
        return x & MASK32 if self.bits == 32 else java_long_hash(x)


class DoubleNode(_NumberNode):
    __slots__ = ()

    def __init__(self, limits: Limits, own: bool) -> None:
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
        raise Mismatch(scalar_mismatch(v, "Double"))

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        return None if t is float or t is int else scalar_mismatch(v, "Double")

    def normalized(self, v: Any) -> Any:
        return v if type(v) is float else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return java_double_str(self.coerce(v))
        except Mismatch:
            return generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            return java_double_hash(self.coerce(v))
        except Mismatch:
            return generic_hash(v)


class BoolNode(Node):
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
                raise Mismatch("Unexpected token received from parser")
            return word
        raise Mismatch(scalar_mismatch(v, "Boolean"))

    def type_error(self, v: Any) -> str | None:
        try:
            self.coerce(v)
        except Mismatch as e:
            return e.message
        return None

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        if type(v) is not bool:
            self.coerce(v)

    def normalized(self, v: Any) -> Any:
        return v if type(v) is bool else self.coerce(v)

    def java_str(self, v: Any) -> str:
        try:
            return "true" if self.coerce(v) else "false"
        except Mismatch:
            return generic_str(v)

    def java_hash(self, v: Any) -> int:
        try:
            return 1231 if self.coerce(v) else 1237
        except Mismatch:
            return generic_hash(v)


class TimestampNode(Node):
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
        return scalar_mismatch(v, "Date")

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        t = type(v)
        if t is not int and t is not float:
            raise Mismatch(scalar_mismatch(v, "Date"))
        if t is float and not math.isfinite(v):
            raise Mismatch("Unexpected token received from parser")

    def java_hash(self, v: Any) -> int:
        t = type(v)
        if t is int or (t is float and math.isfinite(v)):
            return java_long_hash(int(v * 1000))
        return generic_hash(v)


class BlobNode(Node):
    __slots__ = ("decodes", "limits")

    def __init__(self, limits: Limits, own: bool, decodes: bool = True) -> None:
        super().__init__("java.nio.ByteBuffer", own)
        self.limits = limits
        self.limited = not limits.empty
        # False for an AttributeValue's B and BS: backend/values.py checks their base64.
        self.decodes = decodes

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is str:
            if not self.decodes:
                return None
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
            return START_OF_MAP
        return "Unexpected token received from parser"

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        message = self.type_error(v)
        if message is not None:
            raise Mismatch(message)
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
            return generic_str(v)
        n = len(decode_blob(v))
        return f"java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]"

    def java_hash(self, v: Any) -> int:
        return java_bytes_hash(decode_blob(v)) if isinstance(v, str) else generic_hash(v)
