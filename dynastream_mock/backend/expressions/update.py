"""Binding and applying UpdateExpressions.

Semantics follow DynamoDB: every SET value is computed from the item as it was before the
update (``SET a = b, b = a`` swaps), then SETs apply (appends past the end of a list in index
order), then REMOVEs (list indexes refer to the original positions), then ADD and DELETE.
The input item is never mutated: containers along each changed path are copied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

from dynastream_mock.errors import ValidationException

from ..values import NUMBER_CONTEXT, AttributeValue, Item, b64_bytes, number_from_decimal
from .ast import (
    AddAction,
    DeleteAction,
    ParsedUpdate,
    RemoveAction,
    ResolvedPath,
    SetAction,
    render_path,
)
from .evaluate import INCORRECT_DATA_TYPE, Binder, Getter, value_type
from .parser import expression_error

INVALID_PATH: Final = "The document path provided in the update expression is invalid for update"

_TYPE_WORDS: Final = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "M": "MAP",
    "L": "LIST",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
_SETS: Final = frozenset({"SS", "NS", "BS"})


def check_overlaps(param: str, paths: list[ResolvedPath]) -> None:
    """Reject two paths where one equals or contains the other, as DynamoDB does."""
    for j, later in enumerate(paths):
        for earlier in paths[:j]:
            shorter = min(len(earlier), len(later))
            if earlier[:shorter] == later[:shorter]:
                raise expression_error(
                    param,
                    "Two document paths overlap with each other; must remove or rewrite one of "
                    f"these paths; path one: {render_path(earlier)}, "
                    f"path two: {render_path(later)}",
                    enveloped=True,
                )


def _sort_key(path: ResolvedPath) -> tuple[tuple[int, int, str], ...]:
    return tuple((1, e, "") if isinstance(e, int) else (0, 0, e) for e in path)


class BoundUpdate:
    """An UpdateExpression bound to one request's names and values.

    ``updated_attributes`` are the top-level attribute names the update touches (for
    ReturnValues UPDATED_OLD/UPDATED_NEW); ``apply(item)`` returns the new item.
    """

    __slots__ = ("_adds", "_deletes", "_removes", "_sets", "parsed", "updated_attributes")

    def __init__(
        self,
        parsed: ParsedUpdate,
        names: Mapping[str, str] | None,
        values: Mapping[str, AttributeValue] | None,
    ) -> None:
        self.parsed = parsed
        binder = Binder(parsed, names, values)
        targets = [binder.path(action.path) for action in parsed.actions]
        check_overlaps(parsed.param, targets)
        sets: list[tuple[ResolvedPath, Getter]] = []
        removes: list[ResolvedPath] = []
        adds: list[tuple[ResolvedPath, AttributeValue]] = []
        deletes: list[tuple[ResolvedPath, AttributeValue]] = []
        for action, path in zip(parsed.actions, targets, strict=True):
            if isinstance(action, SetAction):
                getter, _ = binder.operand(action.value, update=True)
                sets.append((path, getter))
            elif isinstance(action, RemoveAction):
                removes.append(path)
            elif isinstance(action, AddAction):
                value = binder.value(action.value)
                kind = value_type(value)
                if kind != "N" and kind not in _SETS:
                    raise expression_error(
                        parsed.param,
                        "Incorrect operand type for operator or function; operator: ADD, "
                        f"operand type: {_TYPE_WORDS.get(kind, kind)}, "
                        "typeSet: ALLOWED_FOR_ADD_OPERAND",
                    )
                adds.append((path, value))
            elif isinstance(action, DeleteAction):
                value = binder.value(action.value)
                kind = value_type(value)
                if kind not in _SETS:
                    raise expression_error(
                        parsed.param,
                        "Incorrect operand type for operator or function; operator: DELETE, "
                        f"operand type: {_TYPE_WORDS.get(kind, kind)}, "
                        "typeSet: ALLOWED_FOR_DELETE_OPERAND",
                    )
                deletes.append((path, value))
        # Appends to one list land in index order; removals go from the highest index down so
        # that every index still refers to the original position.
        sets.sort(key=lambda entry: _sort_key(entry[0]))
        removes.sort(key=_sort_key, reverse=True)
        self._sets = tuple(sets)
        self._removes = tuple(removes)
        self._adds = tuple(adds)
        self._deletes = tuple(deletes)
        self.updated_attributes: tuple[str, ...] = tuple(
            dict.fromkeys(str(path[0]) for path in targets)
        )

    def apply(self, item: Mapping[str, AttributeValue] | None) -> Item:
        """The item after the update (``item`` None means the item does not exist yet).

        Raises ValidationException with DynamoDB's runtime messages (missing attribute in an
        operand, wrong operand type, invalid document path, number out of range).
        """
        old: Mapping[str, AttributeValue] = item or {}
        computed = [(path, getter(old)) for path, getter in self._sets]
        new: Item = dict(old)
        for path, value in computed:
            assert value is not None
            _write(new, path, lambda _current, v=value: v)  # type: ignore[misc]
        for path in self._removes:
            _remove(new, path)
        for path, value in self._adds:
            _write(new, path, lambda current, v=value: _add(current, v))  # type: ignore[misc]
        for path, value in self._deletes:
            _write(new, path, lambda current, v=value: _delete(current, v))  # type: ignore[misc]
        return new

    def upsert(self, old: Item | None, key_item: Item) -> Item | None:
        """The item after the update, or None where it leaves a missing item missing.

        A missing item is created from its key, then updated, except that an update of only
        REMOVE and DELETE actions on a missing item is a silent no-op, as in DynamoDB.
        """
        if old is None and not (self._sets or self._adds):
            return None
        return self.apply(old if old is not None else key_item)


def bind_update(
    parsed: ParsedUpdate,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> BoundUpdate:
    """Resolve placeholders and run the value-dependent checks; raises ValidationException."""
    return BoundUpdate(parsed, names, values)


def apply_update(
    parsed: ParsedUpdate,
    item: Mapping[str, AttributeValue] | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> Item:
    """Bind and apply in one go; returns the new item and leaves ``item`` untouched."""
    return BoundUpdate(parsed, names, values).apply(item)


def updated_attribute_names(
    parsed: ParsedUpdate, names: Mapping[str, str] | None
) -> tuple[str, ...]:
    """Top-level attribute names an update touches, placeholders resolved."""
    found: dict[str, None] = {}
    for path in parsed.targets:
        head = path.elements[0]
        if isinstance(head, str):
            found[head] = None
        elif not isinstance(head, int):
            found[(names or {})[head.placeholder]] = None
    return tuple(found)


# -- copy-on-write helpers ----------------------------------------------------------------------

Transform = Callable[[AttributeValue | None], AttributeValue | None]


def _write(item: Item, path: ResolvedPath, transform: Transform) -> None:
    """Replace the value at ``path`` by ``transform(current)``; None removes it."""
    head = path[0]
    assert isinstance(head, str)
    if len(path) == 1:
        result = transform(item.get(head))
        if result is None:
            item.pop(head, None)
        else:
            item[head] = result
        return
    parent = item.get(head)
    if parent is None:
        raise ValidationException(INVALID_PATH)
    item[head] = _write_in(parent, path[1:], transform)


def _write_in(node: AttributeValue, rest: ResolvedPath, transform: Transform) -> AttributeValue:
    key = rest[0]
    if isinstance(key, int):
        elements = node.get("L")
        if elements is None:
            raise ValidationException(INVALID_PATH)
        new_list = list(elements)
        if len(rest) == 1:
            current = elements[key] if key < len(elements) else None
            result = transform(current)
            if current is None:
                if result is not None:
                    new_list.append(result)
            elif result is None:
                del new_list[key]
            else:
                new_list[key] = result
            return {"L": new_list}
        if key >= len(elements):
            raise ValidationException(INVALID_PATH)
        new_list[key] = _write_in(elements[key], rest[1:], transform)
        return {"L": new_list}
    members = node.get("M")
    if members is None:
        raise ValidationException(INVALID_PATH)
    new_map = dict(members)
    if len(rest) == 1:
        result = transform(members.get(key))
        if result is None:
            new_map.pop(key, None)
        else:
            new_map[key] = result
        return {"M": new_map}
    child = members.get(key)
    if child is None:
        raise ValidationException(INVALID_PATH)
    new_map[key] = _write_in(child, rest[1:], transform)
    return {"M": new_map}


def _remove(item: Item, path: ResolvedPath) -> None:
    _write(item, path, lambda _current: None)


def _add(current: AttributeValue | None, value: AttributeValue) -> AttributeValue:
    if current is None:
        return value
    kind = value_type(value)
    if kind not in current:
        raise ValidationException(INCORRECT_DATA_TYPE)
    if kind == "N":
        total = NUMBER_CONTEXT.add(Decimal(current["N"]), Decimal(value["N"]))
        return {"N": number_from_decimal(total)}
    existing: list[str] = current[kind]
    seen = {_member_key(kind, m) for m in existing}
    merged = list(existing)
    for member in value[kind]:
        member_key = _member_key(kind, member)
        if member_key not in seen:
            seen.add(member_key)
            merged.append(member)
    return {kind: merged}


def _delete(current: AttributeValue | None, value: AttributeValue) -> AttributeValue | None:
    if current is None:
        return None
    kind = value_type(value)
    if kind not in current:
        raise ValidationException(INCORRECT_DATA_TYPE)
    removed = {_member_key(kind, m) for m in value[kind]}
    remaining = [m for m in current[kind] if _member_key(kind, m) not in removed]
    return {kind: remaining} if remaining else None


def _member_key(kind: str, member: str) -> str | Decimal | bytes:
    if kind == "NS":
        return Decimal(member)
    if kind == "BS":
        return b64_bytes(member)
    return member
