"""Event filtering: Lambda's FilterCriteria patterns, checked and matched against a record.

A pattern is a JSON object whose leaves are lists of matchers: exact values (strings,
numbers, booleans, null, the empty string), ``prefix``, ``suffix``, ``equals-ignore-case``,
``anything-but``, ``numeric`` comparisons and ranges, ``exists``; objects nest, ``$or``
offers alternatives, and the filters of a trigger are OR'ed. Values in DynamoDB records keep
their JSON types, so a ``numeric`` matcher never matches an ``N`` value, a decimal string
(spec, "Lambda event source mappings on a stream").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import lambda_error

#: Filters per event source mapping without a quota increase (Lambda's documentation).
MAX_FILTERS = 5

_INVALID = "Invalid filter pattern definition."
_LOWER_OPERATORS = (">", ">=")
_UPPER_OPERATORS = ("<", "<=")
_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case")


@dataclass(frozen=True, slots=True)
class FilterPattern:
    """One filter: its text as given and the parsed pattern."""

    text: str
    pattern: dict[str, Any]

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether the event record (as the handler would get it) passes this filter.

        >>> FilterPattern.parse('{"eventName": ["INSERT"]}').matches({"eventName": "INSERT"})
        True
        """
        return _match_object(self.pattern, record)

    @classmethod
    def parse(cls, text: str) -> FilterPattern:
        """Parse and check one pattern; ``InvalidParameterValueException`` when invalid."""
        try:
            pattern = json.loads(text)
        except ValueError:
            raise lambda_error("InvalidParameterValueException", _INVALID) from None
        if not _valid_object(pattern):
            raise lambda_error("InvalidParameterValueException", _INVALID)
        return cls(text, pattern)


def parse_filters(texts: Sequence[str]) -> tuple[FilterPattern, ...]:
    """Parse a trigger's filters (at most five)."""
    if len(texts) > MAX_FILTERS:
        raise lambda_error(
            "InvalidParameterValueException",
            f"The number of filters in FilterCriteria ({len(texts)}) exceeds the quota of "
            f"{MAX_FILTERS}.",
        )
    return tuple(FilterPattern.parse(text) for text in texts)


def passes(filters: Sequence[FilterPattern], record: Mapping[str, Any]) -> bool:
    """True when there are no filters or any of them matches (filters are OR'ed)."""
    return not filters or any(f.matches(record) for f in filters)


# -- checking -----------------------------------------------------------------------------


def _valid_object(pattern: object) -> bool:
    if not isinstance(pattern, dict) or not pattern:
        return False
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                return False
            if not all(_valid_object(alternative) for alternative in value):
                return False
        elif isinstance(value, dict):
            if not _valid_object(value):
                return False
        elif isinstance(value, list):
            if not value or not all(_valid_matcher(m) for m in value):
                return False
        else:
            return False  # a leaf must be a list of matchers
    return True


def _is_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _valid_matcher(matcher: object) -> bool:
    if matcher is None or isinstance(matcher, (str, bool)) or _is_number(matcher):
        return True
    if not isinstance(matcher, dict) or len(matcher) != 1:
        return False
    ((operator, operand),) = matcher.items()
    if operator in _STRING_OPERATORS:
        return isinstance(operand, str)
    if operator == "exists":
        return isinstance(operand, bool)
    if operator == "numeric":
        return _valid_numeric(operand)
    if operator == "anything-but":
        if isinstance(operand, str) or _is_number(operand):
            return True
        if isinstance(operand, list):
            return bool(operand) and all(isinstance(v, str) or _is_number(v) for v in operand)
        if isinstance(operand, dict) and len(operand) == 1:
            ((inner, text),) = operand.items()
            return inner in _STRING_OPERATORS and isinstance(text, str)
    return False


def _valid_numeric(operand: object) -> bool:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        return False
    operators, numbers = operand[0::2], operand[1::2]
    if not all(_is_number(n) for n in numbers):
        return False
    if len(operand) == 2:
        return operators[0] in ("=", *_LOWER_OPERATORS, *_UPPER_OPERATORS)
    lower, upper = operators
    return lower in _LOWER_OPERATORS and upper in _UPPER_OPERATORS and numbers[0] < numbers[1]


# -- matching -----------------------------------------------------------------------------


def _match_object(pattern: Mapping[str, Any], value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_match_object(alternative, value) for alternative in expected):
                return False
        elif isinstance(expected, dict):
            # A missing object is an empty one: only {"exists": false} leaves match under it,
            # so a record without the key a pattern names does not match otherwise (spec).
            if not _match_object(expected, value.get(key, {})):
                return False
        elif not _match_leaf(expected, key in value, value.get(key)):
            return False
    return True


def _match_leaf(matchers: list[Any], present: bool, field: object) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            # As in EventBridge, on which Lambda's filtering is built: exists looks at leaves.
            leaf = present and not isinstance(field, Mapping)
            if leaf if matcher["exists"] else not present:
                return True
            continue
        if not present or isinstance(field, Mapping):
            continue
        values = field if isinstance(field, list) else [field]
        if any(_match_value(matcher, v) for v in values):
            return True
    return False


def _same(expected: object, value: object) -> bool:
    if isinstance(expected, str) or expected is None or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return _is_number(value) and value == expected


def _match_value(matcher: object, value: object) -> bool:
    if not isinstance(matcher, dict):
        return _same(matcher, value)
    ((operator, operand),) = matcher.items()
    if operator in _STRING_OPERATORS:
        return isinstance(value, str) and _string_match(operator, operand, value)
    if operator == "numeric":
        return _is_number(value) and _numeric_match(operand, float(value))  # type: ignore[arg-type]
    if operator == "anything-but":
        if isinstance(operand, dict):
            ((inner, text),) = operand.items()
            return isinstance(value, str) and not _string_match(inner, text, value)
        excluded = operand if isinstance(operand, list) else [operand]
        return value is not None and not any(_same(e, value) for e in excluded)
    return False


def _string_match(operator: str, operand: str, value: str) -> bool:
    if operator == "prefix":
        return value.startswith(operand)
    if operator == "suffix":
        return value.endswith(operand)
    return value.casefold() == operand.casefold()


def _numeric_match(operand: list[Any], value: float) -> bool:
    for operator, bound in zip(operand[0::2], operand[1::2], strict=True):
        ok = {
            "=": value == bound,
            "<": value < bound,
            "<=": value <= bound,
            ">": value > bound,
            ">=": value >= bound,
        }[operator]
        if not ok:
            return False
    return True
