"""ProjectionExpression binding and projection of items.

``project`` keeps exactly the listed document paths, preserving structure: ``m.z.q`` keeps
``{"m": {"M": {"z": {"M": {"q": ...}}}}}``, and list elements keep their original order but are
compacted (``l[2], l[0]`` keeps a two-element list). Paths that do not resolve are skipped and
no empty map or list is left behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from ..values import AttributeValue, Item
from .ast import ParsedProjection, ResolvedPath
from .evaluate import Binder
from .update import check_overlaps

# Selection tree: each key maps to the sub-selection, or None for "the whole value".
_Tree: TypeAlias = "dict[str | int, _Tree | None]"


def resolve_projection(
    parsed: ParsedProjection, names: Mapping[str, str] | None
) -> tuple[ResolvedPath, ...]:
    """Substitute ``#name`` placeholders and reject overlapping paths."""
    binder = Binder(parsed, names, None)
    paths = [binder.path(path) for path in parsed.paths]
    check_overlaps(parsed.param, paths)
    return tuple(paths)


def _selection(paths: Sequence[ResolvedPath]) -> _Tree:
    tree: _Tree = {}
    for path in paths:
        node = tree
        for element in path[:-1]:
            child = node.get(element)
            if child is None:
                child = {}
                node[element] = child
            node = child
        node[path[-1]] = None
    return tree


def project(item: Mapping[str, AttributeValue] | None, paths: Sequence[ResolvedPath]) -> Item:
    """A new item holding only ``paths`` of ``item`` (resolved paths, see resolve_projection)."""
    if not item:
        return {}
    result: Item = {}
    for key, sub in _selection(paths).items():
        assert isinstance(key, str)
        value = item.get(key)
        if value is None:
            continue
        kept = value if sub is None else _project_value(value, sub)
        if kept is not None:
            result[key] = kept
    return result


def _project_value(value: AttributeValue, tree: _Tree) -> AttributeValue | None:
    members = value.get("M")
    if members is not None:
        out_map: dict[str, AttributeValue] = {}
        for key, sub in tree.items():
            if isinstance(key, str) and key in members:
                kept = members[key] if sub is None else _project_value(members[key], sub)
                if kept is not None:
                    out_map[key] = kept
        return {"M": out_map} if out_map else None
    elements = value.get("L")
    if elements is not None:
        out_list: list[AttributeValue] = []
        for index in sorted(k for k in tree if isinstance(k, int)):
            if index < len(elements):
                sub = tree[index]
                kept = elements[index] if sub is None else _project_value(elements[index], sub)
                if kept is not None:
                    out_list.append(kept)
        return {"L": out_list} if out_list else None
    return None
