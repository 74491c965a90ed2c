"""DynamoDB AttributeValues in wire form: validation, number canonicalisation, size, ordering.

Items are ``dict[str, dict[str, Any]]`` exactly as they travel in DynamoDB's JSON protocol
(``{"n": {"N": "12.5"}, "b": {"B": "<base64>"}}``). Nothing here mutates its arguments: every
helper that changes a value returns new dicts.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from decimal import Context, Decimal
from typing import Any

from dynastream_mock.errors import (
    INVALID_PARAMETERS,
    EnvelopedValidationException,
    SerializationException,
    ValidationException,
    invalid_parameters,
)

__all__ = [
    "MAX_NESTING_DEPTH",
    "NUMBER_CONTEXT",
    "SCALAR_TYPES",
    "SET_TYPES",
    "TYPE_KEYS",
    "AttributeValue",
    "Item",
    "attribute_type",
    "attribute_value_size",
    "b64_bytes",
    "compare_values",
    "decimal_of",
    "item_size",
    "normalize_item",
    "normalize_number",
    "normalize_value",
    "number_from_decimal",
    "to_decimal",
    "validate_expression_values",
    "validate_item",
    "validate_value",
    "values_equal",
]

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TYPE_KEYS: frozenset[str] = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
SCALAR_TYPES: frozenset[str] = frozenset({"S", "N", "B"})
SET_TYPES: frozenset[str] = frozenset({"SS", "NS", "BS"})

# A value may nest this many maps/lists inside it; the item itself is the 32nd level.
MAX_NESTING_DEPTH = 31
_MAX_DIGITS = 38
# Decimal point position (digits before the point once leading zeros are gone) bounds.
_MAX_POINT = 126  # 9.99..E+125 has 126 integer digits
_MIN_POINT = -129  # 1E-130 is 0.<129 zeros>1

# Enough precision that adding or subtracting any two storable numbers is exact: their
# exponents span at most 256 decimal places, plus 38 significant digits and a carry.
NUMBER_CONTEXT = Context(prec=400, Emax=999_999, Emin=-999_999)

_NUMBER_RE = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\Z")

# The live service's words (DynamoDB Local says "A value provided cannot be converted into
# a number" instead).
_MSG_NOT_NUMBER = "The parameter cannot be converted to a numeric value"


def _not_a_number(text: object) -> ValidationException:
    return ValidationException(f"{_MSG_NOT_NUMBER}: {text}")


_MSG_OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
_MSG_UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)
_MSG_PRECISION = "Attempting to store more than 38 significant digits in a Number"
_MSG_MULTIPLE = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
_MSG_EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
_MSG_NESTING = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
_MSG_NULL = "Null attribute value types must have the value of true"
_EMPTY_SET_MESSAGES = {
    "SS": "An string set  may not be empty",
    "NS": "An number set  may not be empty",
    "BS": "Binary sets should not be empty",
}


# ---------------------------------------------------------------------------------------------
# Numbers


def _split_number(text: str) -> tuple[bool, str, int]:
    """Parse number text into ``(negative, significant_digits, point)``.

    The value is ``0.<significant_digits> * 10**point``; ``significant_digits`` has neither
    leading nor trailing zeros and is empty for zero. Raises ValidationException on bad syntax.
    """
    match = _NUMBER_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise _not_a_number(text)
    sign, int_part, frac_part, exp_part = match.groups()
    frac_part = frac_part or ""
    if not int_part and not frac_part:
        raise _not_a_number(text)
    # \d also matches non-ASCII digits, which DynamoDB does not accept.
    if not text.isascii():
        raise _not_a_number(text)
    digits = int_part + frac_part
    point = len(int_part) + (int(exp_part) if exp_part else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    return sign == "-" and bool(stripped), stripped, point


def _check_range(digits: str, point: int) -> None:
    if len(digits) > _MAX_DIGITS:
        raise ValidationException(_MSG_PRECISION)
    if digits:
        if point > _MAX_POINT:
            raise ValidationException(_MSG_OVERFLOW)
        if point < _MIN_POINT:
            raise ValidationException(_MSG_UNDERFLOW)


def _format_plain(negative: bool, digits: str, point: int) -> str:
    if not digits:
        return "0"
    if point <= 0:
        body = "0." + "0" * -point + digits
    elif point >= len(digits):
        body = digits + "0" * (point - len(digits))
    else:
        body = digits[:point] + "." + digits[point:]
    return "-" + body if negative else body


def normalize_number(text: str) -> str:
    """Validate number text the way DynamoDB does and return its canonical form.

    DynamoDB answers numbers in plain notation with no exponent, no leading zeros, no
    trailing fractional zeros and no sign on zero: ``"12.50"`` → ``"12.5"``, ``"1E+2"`` →
    ``"100"``, ``"-0"`` → ``"0"``, ``".5"`` → ``"0.5"``. Raises ValidationException with AWS's
    message for bad syntax, more than 38 significant digits, overflow and underflow.
    """
    # Fast path: a plain integer without leading zeros is already canonical.
    if isinstance(text, str) and 0 < len(text) <= _MAX_DIGITS and text.isascii():
        if text.isdigit():
            if text[0] != "0" or text == "0":
                return text
        elif (
            text[0] == "-" and len(text) > 1 and text[1:].isdigit() and text[1] != "0"
        ) or _is_canonical_decimal(text):
            return text
    negative, digits, point = _split_number(text)
    _check_range(digits, point)
    return _format_plain(negative, digits, point)


def _is_canonical_decimal(text: str) -> bool:
    # "12.5" / "-0.25": already canonical, and short enough (at most 38 digits) to be in range.
    body = text[1:] if text[0] == "-" else text
    int_part, dot, frac_part = body.partition(".")
    return (
        bool(dot)
        and int_part.isdigit()
        and frac_part.isdigit()
        and (int_part == "0" or int_part[0] != "0")
        and frac_part[-1] != "0"
        and len(int_part) + len(frac_part) <= _MAX_DIGITS
        and (int_part != "0" or frac_part.strip("0") != "")
    )


def to_decimal(text: str) -> Decimal:
    """Convert (already validated) number text to a Decimal."""
    return Decimal(text)


def number_from_decimal(value: Decimal) -> str:
    """Canonical number text for a Decimal result of arithmetic, range-checked like input."""
    if not value.is_finite():
        raise _not_a_number(value)
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    _check_range(stripped, point)
    return _format_plain(bool(sign) and bool(stripped), stripped, point)


# Sizes of number texts seen lately: the same few numbers recur in most tables.
_number_sizes: dict[str, int] = {}
_NUMBER_SIZES_LIMIT = 4096


def _number_size(text: str) -> int:
    found = _number_sizes.get(text) if type(text) is str else None
    if found is None:
        found = _compute_number_size(text)
        if len(_number_sizes) >= _NUMBER_SIZES_LIMIT:
            _number_sizes.clear()
        _number_sizes[text] = found
    return found


def _compute_number_size(text: str) -> int:
    # One byte of exponent, one per two significant digits on each side of the decimal point,
    # and one more for negatives (DynamoDB stores numbers base-100 around the point).
    negative, digits, point = _split_number(text)
    if not digits:
        return 1
    if point <= 0:
        int_digits, frac_digits = 0, len(digits)
    elif point >= len(digits):
        int_digits, frac_digits = len(digits), 0
    else:
        int_digits, frac_digits = point, len(digits) - point
    return 1 + (int_digits + 1) // 2 + (frac_digits + 1) // 2 + (1 if negative else 0)


# ---------------------------------------------------------------------------------------------
# Binary


def b64_bytes(text: str | bytes) -> bytes:
    """Decode a wire-form binary value (base64 text) into bytes."""
    if isinstance(text, bytes | bytearray):
        return bytes(text)
    try:
        return base64.b64decode(text)
    except (binascii.Error, ValueError):
        return text.encode("utf-8")


def check_base64(text: str | bytes) -> None:
    """Refuse a wire-form binary value that is not padded base64, as DynamoDB's parser does."""
    if isinstance(text, bytes | bytearray):
        return
    if len(text) % 4:
        raise SerializationException(
            f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(text)}"
        )
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationException(
            "Invalid Base64 encoded binary value: only A-Z, a-z, 0-9, '+', '/' and '=' "
            "padding are allowed"
        ) from None


# ---------------------------------------------------------------------------------------------
# Validation


def attribute_type(value: Mapping[str, Any]) -> str:
    """The type key of a validated AttributeValue (``"S"``, ``"NS"``, ``"M"``...)."""
    for key in value:
        return key
    raise ValidationException(_MSG_EMPTY)


def _only_type(value: Any) -> str:
    if not isinstance(value, dict):
        raise ValidationException(_MSG_EMPTY)
    if len(value) == 1:  # the usual case, decided without counting
        only: str
        for only, inner in value.items():
            if only in TYPE_KEYS and inner is not None:
                return only
    count = 0
    found = ""
    for key, inner in value.items():
        if key in TYPE_KEYS:
            # A member sent as JSON null is "not set", as in the AWS SDKs.
            if inner is None:
                continue
            count += 1
            found = key
    if count == 0:
        raise ValidationException(_MSG_EMPTY)
    if count > 1:
        raise ValidationException(_MSG_MULTIPLE)
    return found


def _set_repr(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def normalize_value(value: Any, depth: int = 0) -> AttributeValue:
    """Validate one AttributeValue and return it in canonical form.

    Numbers (also inside NS, L and M) are canonicalised; everything else is kept as sent. The
    result is a new dict wherever something changed, the input itself otherwise (values are
    never mutated, so sharing unchanged ones is safe). Raises ValidationException with AWS's
    message on the first problem found.
    """
    if type(value) is dict and len(value) == 1:
        # The usual shapes, already canonical, decided at once; anything else (and every
        # error) goes the general way below.
        for kind, inner in value.items():
            if type(inner) is str:
                if kind == "S":
                    return value
                if kind == "N":
                    canonical = normalize_number(inner)
                    return value if canonical == inner else {"N": canonical}
            elif kind == "BOOL" and (inner is True or inner is False):
                return value
    kind = _only_type(value)
    inner = value[kind]
    if kind == "S":
        if not isinstance(inner, str):
            raise ValidationException(_MSG_EMPTY)
        return value if len(value) == 1 else {"S": inner}
    if kind == "N":
        canonical = normalize_number(inner)
        return value if canonical == inner and len(value) == 1 else {"N": canonical}
    if kind == "B":
        if not isinstance(inner, str | bytes):
            raise ValidationException(_MSG_EMPTY)
        check_base64(inner)
        return value if len(value) == 1 else {"B": inner}
    if kind == "BOOL":
        if not isinstance(inner, bool):
            raise ValidationException(_MSG_EMPTY)
        return value if len(value) == 1 else {"BOOL": inner}
    if kind == "NULL":
        if inner is not True:
            raise invalid_parameters(_MSG_NULL)
        return value if len(value) == 1 else {"NULL": True}
    if kind in SET_TYPES:
        return _normalize_set(kind, inner)
    if depth >= MAX_NESTING_DEPTH:
        raise ValidationException(_MSG_NESTING)
    if kind == "L":
        if not isinstance(inner, list):
            raise ValidationException(_MSG_EMPTY)
        changed = len(value) != 1
        out_list: list[AttributeValue] = []
        for element in inner:
            new = normalize_value(element, depth + 1)
            changed = changed or new is not element
            out_list.append(new)
        return {"L": out_list} if changed else value
    if not isinstance(inner, dict):
        raise ValidationException(_MSG_EMPTY)
    changed = len(value) != 1
    out_map: dict[str, AttributeValue] = {}
    for name, element in inner.items():
        new = normalize_value(element, depth + 1)
        changed = changed or new is not element
        out_map[name] = new
    return {"M": out_map} if changed else value


def _normalize_set(kind: str, members: Any) -> AttributeValue:
    if not isinstance(members, list) or not members:
        raise EnvelopedValidationException(INVALID_PARAMETERS + _EMPTY_SET_MESSAGES[kind])
    if kind == "SS":
        if len(set(members)) != len(members):
            raise invalid_parameters(f"Input collection {_set_repr(members)} contains duplicates.")
        return {"SS": list(members)}
    if kind == "NS":
        canonical = [normalize_number(m) for m in members]
        # Canonical text is unique per numeric value, so "1" and "1.0" collide here.
        if len(set(canonical)) != len(canonical):
            raise ValidationException("Input collection contains duplicates")
        return {"NS": canonical}
    for member in members:
        if not isinstance(member, str | bytes):
            raise ValidationException(_MSG_EMPTY)
        check_base64(member)
    if len({b64_bytes(m) for m in members}) != len(members):
        raise invalid_parameters("Input collection of type BS contains duplicates.")
    return {"BS": list(members)}


def validate_value(value: Any) -> None:
    """Raise ValidationException if ``value`` is not a valid AttributeValue."""
    normalize_value(value)


def normalize_item(item: Mapping[str, Any]) -> Item:
    """Validate every attribute of an item and return the item with canonical numbers."""
    return {name: normalize_value(value) for name, value in item.items()}


def validate_item(item: Mapping[str, Any]) -> None:
    """Raise ValidationException (AWS's message) if any attribute of ``item`` is invalid."""
    for value in item.values():
        normalize_value(value)


def validate_expression_values(values: Mapping[str, Any] | None) -> dict[str, AttributeValue]:
    """Validate ExpressionAttributeValues and return them with canonical numbers.

    Errors read as AWS words them: ``ExpressionAttributeValues contains invalid value:
    <reason> for key :v``; keys must be ``:`` followed by letters, digits or ``_``.
    """
    if not values:
        return {}
    out: dict[str, AttributeValue] = {}
    for key, value in values.items():
        if not _is_placeholder(key, ":"):
            raise ValidationException(
                f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
            )
        try:
            out[key] = normalize_value(value)
        except EnvelopedValidationException:
            # An empty set reads as in an Item, without this wrapper (moto's aws_verified
            # test_update_item_add_empty_set, captured on real AWS).
            raise
        except ValidationException as exc:
            raise ValidationException(
                f"ExpressionAttributeValues contains invalid value: {exc.message} for key {key}"
            ) from None
    return out


def _is_placeholder(key: str, prefix: str) -> bool:
    if len(key) < 2 or key[0] != prefix:
        return False
    rest = key[1:]
    return rest.isascii() and rest.replace("_", "a").isalnum()


# ---------------------------------------------------------------------------------------------
# Size


def attribute_value_size(value: Mapping[str, Any]) -> int:
    """Size in bytes of one AttributeValue (without its attribute name), per DynamoDB's rules."""
    if not value:
        raise ValidationException(_MSG_EMPTY)
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(inner) if inner.isascii() else _utf8_len(inner)
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(b64_bytes(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8_len(m) for m in inner)
    if kind == "NS":
        return sum(_number_size(m) for m in inner)
    if kind == "BS":
        return sum(len(b64_bytes(m)) for m in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_value_size(e) for e in inner)
    return 3 + sum(1 + _utf8_len(k) + attribute_value_size(e) for k, e in inner.items())


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Size in bytes of an item: attribute names (UTF-8) plus value sizes."""
    total = 0
    for name, value in item.items():
        total += (len(name) if name.isascii() else _utf8_len(name)) + attribute_value_size(value)
    return total


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------------------------
# Comparison


def compare_values(a: Mapping[str, Any], b: Mapping[str, Any]) -> int | None:
    """Order two scalar values of the same type (S, N, B): -1, 0 or 1.

    Returns None when they are not comparable (different types or non-scalar types), so that
    the comparison operators evaluate to false, as in DynamoDB.
    """
    kind = attribute_type(a)
    if kind not in b or kind not in SCALAR_TYPES:
        return None
    left = a[kind]
    right = b[kind]
    if left == right:
        return 0
    if kind == "N":
        dl, dr = Decimal(left), Decimal(right)
        return (dl > dr) - (dl < dr)
    if kind == "B":
        bl, br = b64_bytes(left), b64_bytes(right)
        return (bl > br) - (bl < br)
    return 1 if left > right else -1


def values_equal(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equality with DynamoDB semantics: numbers numerically, sets unordered, deep M and L."""
    kind = attribute_type(a)
    if kind not in b:
        return False
    left = a[kind]
    right = b[kind]
    if kind in ("S", "BOOL", "NULL"):
        return bool(left == right)
    if kind == "N":
        return bool(left == right) or Decimal(left) == Decimal(right)
    if kind == "B":
        return bool(left == right) or b64_bytes(left) == b64_bytes(right)
    if kind == "SS":
        return len(left) == len(right) and set(left) == set(right)
    if kind == "NS":
        return len(left) == len(right) and {Decimal(n) for n in left} == {Decimal(n) for n in right}
    if kind == "BS":
        return len(left) == len(right) and {b64_bytes(m) for m in left} == {
            b64_bytes(m) for m in right
        }
    if kind == "L":
        return len(left) == len(right) and all(
            values_equal(x, y) for x, y in zip(left, right, strict=True)
        )
    if len(left) != len(right):
        return False
    for name, element in left.items():
        other = right.get(name)
        if other is None or not values_equal(element, other):
            return False
    return True


def decimal_of(value: Mapping[str, Any]) -> Decimal:
    """The Decimal of an ``{"N": ...}`` value."""
    return Decimal(value["N"])
