"""DynamoDB expressions: parsing (cached), binding, evaluation, updates and projections.

Typical use for one request::

    names = validate_expression_names(request.get("ExpressionAttributeNames"))
    values = validate_expression_values(request.get("ExpressionAttributeValues"))
    cond = parse_condition(text) if text else None          # "Invalid ConditionExpression: ..."
    upd = parse_update(update_text)                           # "Invalid UpdateExpression: ..."
    bound_cond = bind_condition(cond, names, values)          # undefined placeholders, types
    bound_upd = bind_update(upd, names, values)
    check_placeholders(names, values, cond, upd)              # unused names/values, request-wide
    if not bound_cond.evaluate(old_item): raise ConditionalCheckFailedException(...)
    new_item = bound_upd.apply(old_item)

Error prefix convention: every parse function takes ``param``, the request parameter the text
came from; static and binding errors read ``Invalid <param>: <reason>``. Pass
``param="FilterExpression"`` to ``parse_condition`` for filters. Runtime errors of updates
("The provided expression refers to an attribute that does not exist in the item", ...) and a
few KeyConditionExpression errors carry no prefix, as in DynamoDB.

Parsed expressions are immutable and cached per ``(text, param)``, so they are safe to share
across threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from dynastream_mock.errors import EnvelopedValidationException, ValidationException

from ..values import AttributeValue, validate_expression_values
from .ast import (
    ParsedCondition,
    ParsedExpression,
    ParsedKeyCondition,
    ParsedProjection,
    ParsedUpdate,
    ResolvedPath,
)
from .evaluate import BoundCondition, bind_condition, evaluate_condition, get_path
from .keycondition import KeyCondition, KeyConditionPart, bind_key_condition
from .parser import (
    parse_condition_text,
    parse_key_condition_text,
    parse_projection_text,
    parse_update_text,
)
from .projection import project, resolve_projection
from .reserved import RESERVED_WORDS, is_reserved
from .update import BoundUpdate, apply_update, bind_update, updated_attribute_names

__all__ = [
    "RESERVED_WORDS",
    "BoundCondition",
    "BoundUpdate",
    "KeyCondition",
    "KeyConditionPart",
    "ParsedCondition",
    "ParsedExpression",
    "ParsedKeyCondition",
    "ParsedProjection",
    "ParsedUpdate",
    "ResolvedPath",
    "apply_update",
    "bind_condition",
    "bind_key_condition",
    "bind_update",
    "check_placeholders",
    "evaluate_condition",
    "get_path",
    "is_reserved",
    "parse_condition",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
    "project",
    "resolve_projection",
    "unused_placeholder_order",
    "updated_attribute_names",
    "validate_expression_names",
    "validate_expression_values",
]

_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def parse_condition(text: str, param: str = "ConditionExpression") -> ParsedCondition:
    """Parse a ConditionExpression (or, with ``param="FilterExpression"``, a filter)."""
    return parse_condition_text(text, param)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_update(text: str, param: str = "UpdateExpression") -> ParsedUpdate:
    """Parse an UpdateExpression."""
    return parse_update_text(text, param)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_projection(text: str, param: str = "ProjectionExpression") -> ParsedProjection:
    """Parse a ProjectionExpression; resolve its paths with ``resolve_projection``."""
    return parse_projection_text(text, param)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_key_condition(text: str, param: str = "KeyConditionExpression") -> ParsedKeyCondition:
    """Parse a KeyConditionExpression; bind it with ``bind_key_condition``."""
    return parse_key_condition_text(text, param)


def validate_expression_names(names: Mapping[str, str] | None) -> dict[str, str]:
    """Check ExpressionAttributeNames keys (``#`` + word characters) and non-empty values."""
    if not names:
        return {}
    for key, value in names.items():
        rest = key[1:]
        if not (
            key.startswith("#") and rest and rest.isascii() and rest.replace("_", "a").isalnum()
        ):
            raise ValidationException(
                f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
            )
        if not value:
            raise ValidationException(
                "ExpressionAttributeNames contains invalid value: "
                f"Empty attribute name for key {key}"
            )
    return dict(names)


def _java_string_hash(text: str) -> int:
    encoded = text.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(encoded), 2):
        h = (31 * h + (encoded[i] << 8 | encoded[i + 1])) & 0xFFFFFFFF
    return h


def unused_placeholder_order(keys: list[str]) -> list[str]:
    """Order keys as DynamoDB lists them in "unused" messages (a Java HashSet's order)."""
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2

    def bucket(key: str) -> int:
        h = _java_string_hash(key)
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(keys, key=bucket)


def check_placeholders(
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
    *parsed: ParsedExpression | None,
) -> None:
    """Reject names/values that none of the request's expressions use (names checked first).

    Pass every parsed expression of the request (None entries are skipped), after binding
    them, since undefined placeholders are reported before unused ones.
    """
    used_names: set[str] = set()
    used_values: set[str] = set()
    for expression in parsed:
        if expression is not None:
            used_names.update(expression.name_refs)
            used_values.update(expression.value_refs)
    unused = [key for key in names or {} if key not in used_names]
    if unused:
        raise EnvelopedValidationException(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
            + ", ".join(unused_placeholder_order(unused))
            + "}"
        )
    unused = [key for key in values or {} if key not in used_values]
    if unused:
        raise EnvelopedValidationException(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
            + ", ".join(unused_placeholder_order(unused))
            + "}"
        )
