"""Key rules: what a table's key and a secondary index's key must be, in AWS's words.

A table key has each attribute of the table's key schema, of its declared scalar type, not
empty, the hash key at most 2048 bytes and the sort key at most 1024; a ``Key`` parameter has
exactly those attributes. An index key attribute, where an item has it, is of its declared
type and not empty; an item without it is simply not in the (sparse) index. A key value is
stored as :func:`canonical_key_value`.

The api adds the request's part (normalising the AttributeValues first, the position of an
ExclusiveStartKey); the rules themselves live only here.

>>> from dynastream_mock.backend.tables import KeySchema
>>> schema = KeySchema("id", "S")
>>> key_of_item(schema, {"id": {"S": "u1"}, "name": {"S": "Ada"}})
('u1', None)
>>> key_of_key(schema, {"id": {"N": "1"}})
Traceback (most recent call last):
...
dynastream_mock.errors.ValidationException: The provided key element does not match the schema
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ..errors import ValidationException, invalid_parameters
from . import values

if TYPE_CHECKING:
    from .items import KeyPart, KeyTuple
    from .tables import IndexDefinition, KeySchema

MAX_HASH_KEY_BYTES: Final = 2048
MAX_RANGE_KEY_BYTES: Final = 1024
KEY_MISMATCH: Final = "The provided key element does not match the schema"
#: How every key type mismatch opens (a transaction cancels with it as the reason).
KEY_TYPE_MISMATCH: Final = invalid_parameters("Type mismatch for key").message
_NOT_VALID: Final = "One or more parameter values are not valid. "


def canonical_key_value(value: Mapping[str, Any]) -> str | Decimal | bytes:
    """A hashable, orderable stand-in for a key attribute (S, N or B).

    Numbers become Decimals (``1.0`` and ``1`` are one key, ordered numerically), binary its
    bytes (unsigned byte order), strings themselves (code point order equals UTF-8 byte order).
    """
    if "S" in value:
        result: str = value["S"]
        return result
    if "N" in value:
        return Decimal(value["N"])
    if "B" in value:
        return values.b64_bytes(value["B"])
    raise ValidationException("Key attributes must be of type S, N or B")


# -- table keys -----------------------------------------------------------------------------


def key_of_item(schema: KeySchema, item: Mapping[str, Any]) -> KeyTuple:
    """The storage key of a full item (PutItem's messages for missing or mistyped keys)."""
    parts: list[KeyPart] = []
    for name, expected, is_hash in schema.typed_elements:
        value = item.get(name)
        if value is None or len(value) != 1 or expected not in value:
            # The slow way, for the messages: every well-typed value's rules come first.
            _check_key_values(schema, item)
            return _key_tuple(schema, item, "item")
        _check_key_value(name, value, is_hash)
        parts.append(canonical_key_value(value))
    return (parts[0], parts[1] if len(parts) > 1 else None)


def key_of_key(schema: KeySchema, key: Mapping[str, Any]) -> KeyTuple:
    """The storage key of a ``Key`` parameter: exactly the schema's attributes and types."""
    elements = schema.typed_elements
    if len(key) != len(elements):
        raise ValidationException(KEY_MISMATCH)
    for name, kind, _is_hash in elements:
        value = key.get(name)
        if not isinstance(value, dict) or len(value) != 1 or kind not in value:
            raise ValidationException(KEY_MISMATCH)
    # Every shape is right (a mismatch anywhere wins over a value rule): now the values.
    parts: list[KeyPart] = []
    for name, _kind, is_hash in elements:
        value = key[name]
        _check_key_value(name, value, is_hash)
        parts.append(canonical_key_value(value))
    return (parts[0], parts[1] if len(parts) > 1 else None)


def _check_key_values(schema: KeySchema, item: Mapping[str, Any]) -> None:
    """Empty and oversized key values; a mistyped one is left to :func:`_key_tuple`."""
    for name, expected, is_hash in schema.typed_elements:
        value = item.get(name)
        if isinstance(value, dict) and len(value) == 1 and expected in value:
            _check_key_value(name, value, is_hash)


def check_not_empty(name: str, value: Mapping[str, Any]) -> None:
    """Refuse an empty string or binary value of key attribute ``name`` (a key, or a Query's
    key condition comparing for equality)."""
    kind = next(iter(value), "")
    if kind in ("S", "B") and value[kind] in ("", b""):
        word = "string" if kind == "S" else "binary"
        raise ValidationException(
            f"{_NOT_VALID}The AttributeValue for a key attribute cannot contain an empty "
            f"{word} value. Key: {name}"
        )


def _check_key_value(name: str, value: Mapping[str, Any], is_hash: bool) -> None:
    kind = next(iter(value), "")
    raw: Any = value[kind]
    if raw == "" or raw == b"":
        check_not_empty(name, value)
    _check_key_size(value, is_hash)


def _check_key_size(value: Mapping[str, Any], is_hash: bool) -> None:
    kind = next(iter(value), "")
    raw: Any = value[kind]
    if kind == "S":
        size = len(raw.encode("utf-8", "surrogatepass"))
    elif kind == "B":
        size = len(values.b64_bytes(raw))
    else:
        return
    if is_hash and size > MAX_HASH_KEY_BYTES:
        # "limit of2048" (no space) is AWS's own text.
        raise invalid_parameters("Size of hashkey has exceeded the maximum size limit of2048 bytes")
    if not is_hash and size > MAX_RANGE_KEY_BYTES:
        raise invalid_parameters(
            "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        )


def _key_tuple(schema: KeySchema, item: Mapping[str, Any], what: str) -> KeyTuple:
    parts: list[KeyPart] = []
    for name, expected, _is_hash in schema.typed_elements:
        value = item.get(name)
        if value is None:
            raise invalid_parameters(f"Missing the key {name} in the {what}")
        actual = next(iter(value), "")
        if actual != expected or len(value) != 1:
            raise invalid_parameters(
                f"Type mismatch for key {name} expected: {expected} actual: {actual}"
            )
        parts.append(canonical_key_value(value))
    return (parts[0], parts[1] if len(parts) > 1 else None)


# -- index keys -----------------------------------------------------------------------------


def check_index_keys(
    indexes: Iterable[IndexDefinition],
    table_schema: KeySchema,
    item: Mapping[str, Any],
    *,
    by_update: bool = False,
    types: bool = True,
    empties: bool = True,
) -> None:
    """Refuse an item whose secondary index keys have the wrong type or are empty.

    Indexes are checked in name order: AWS names the alphabetically first index that keys
    on the offending attribute. ``types`` / ``empties`` choose the checks (a transaction
    reports the first kind as a cancellation reason and the second as the request's own
    error); ``by_update`` words an empty key as UpdateItem's answer does.
    """
    for index in sorted(indexes, key=lambda index: index.name):
        check_index_key(
            index, table_schema, item, by_update=by_update, types=types, empties=empties
        )


def check_index_key(
    index: IndexDefinition,
    table_schema: KeySchema,
    item: Mapping[str, Any],
    *,
    by_update: bool = False,
    types: bool = True,
    empties: bool = True,
) -> None:
    """:func:`check_index_keys` for one index."""
    schema = index.key_schema
    table_names = table_schema.names
    for name, expected, _is_hash in schema.typed_elements:
        if name in table_names:
            continue
        value = item.get(name)
        if value is None:
            continue
        actual = values.attribute_type(value)
        if actual != expected:
            if not types:
                continue
            # The index-key wording capitalises differently from the table-key one (AWS's).
            raise invalid_parameters(
                f"Type mismatch for Index Key {name} Expected: {expected} Actual: {actual} "
                f"IndexName: {index.name}"
            )
        if empties and value[actual] in ("", b""):
            raise ValidationException(_empty_index_key(actual, name, index.name, by_update))
    if schema.composite and empties:
        _check_aggregate_sizes(index, item)
    elif empties:
        # An index key is limited as a table key is, a table's hash key included when the
        # index takes it as its (smaller) range key.
        for name, expected, is_hash in schema.typed_elements:
            value = item.get(name)
            if isinstance(value, dict) and len(value) == 1 and expected in value:
                _check_key_size(value, is_hash)


def _check_aggregate_sizes(index: IndexDefinition, item: Mapping[str, Any]) -> None:
    """A multi-attribute key's parts are limited together, as a table's single key
    attribute is: 2048 bytes for the HASH attributes, 1024 for the RANGE ones."""
    schema = index.key_schema
    for elements, word, limit in (
        (schema.hash_elements, "HASH", MAX_HASH_KEY_BYTES),
        (schema.range_elements, "RANGE", MAX_RANGE_KEY_BYTES),
    ):
        present = [item[name] for name, _kind in elements if name in item]
        if len(present) != len(elements):
            continue  # not in the (sparse) index
        size = sum(values.attribute_value_size(value) for value in present)
        if size > limit:
            names = ", ".join(name for name, _kind in elements)
            raise ValidationException(
                f"Aggregate size for {word} key attributes {names} of index {index.name} has "
                f"exceeded limit {limit} bytes, with actual size {size} bytes"
            )


def index_key_of_item(schema: KeySchema, item: Mapping[str, Any]) -> tuple[KeyPart, KeyPart] | None:
    """An index's (hash, sort) storage key of ``item``; None when the item lacks one of the
    index's key attributes or holds one of another type (it is not in the sparse index).

    A single-attribute part is its :func:`canonical_key_value`; a multi-attribute part is
    the tuple of its attributes' values, so sort keys order by each attribute in turn.
    """
    if not schema.composite:
        hash_value = item.get(schema.hash_name)
        if hash_value is None or schema.hash_type not in hash_value:
            return None
        range_key = None
        if schema.range_name is not None:
            range_value = item.get(schema.range_name)
            if range_value is None or schema.range_type not in range_value:
                return None
            range_key = canonical_key_value(range_value)
        return canonical_key_value(hash_value), range_key
    parts: list[KeyPart] = []
    for name, kind, _is_hash in schema.typed_elements:
        value = item.get(name)
        if value is None or kind not in value:
            return None
        parts.append(canonical_key_value(value))
    hash_count = len(schema.hash_elements)
    hash_key = tuple(parts[:hash_count])
    return hash_key, (tuple(parts[hash_count:]) if schema.range_elements else None)


def _empty_index_key(kind: str, name: str, index_name: str, by_update: bool) -> str:
    word = "string" if kind == "S" else "binary"
    if by_update:
        return (
            f"{_NOT_VALID}The update expression attempted to update a secondary index key to a "
            f"value that is not supported. The AttributeValue for a key attribute cannot "
            f"contain an empty {word} value."
        )
    return (
        f"{_NOT_VALID}A value specified for a secondary index key is not supported. The "
        f"AttributeValue for a key attribute cannot contain an empty {word} value. "
        f"IndexName: {index_name}, IndexKey: {name}"
    )
