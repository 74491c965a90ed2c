"""Container nodes: structures, lists and maps, which give their members their own paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .java import (
    JAVA_NS,
    MASK32,
    PARAMETERIZED,
    START_OF_MAP,
    UNEXPECTED_FIELD,
    UNEXPECTED_VALUE,
    Mismatch,
    generic_hash,
    generic_str,
    java_string_hash,
)
from .nodes import FIELD, NOT_NULL, Limits, Node, Violation, first_mismatch

# AttributeValue members whose JSON value is a string (B: base64) or a boolean.
_STRING_KINDS = frozenset({"S", "N", "B"})
_BOOL_KINDS = frozenset({"BOOL", "NULL"})


class StructNode(Node):
    __slots__ = ("by_key", "ctx", "members", "name", "opaque")

    def __init__(self, name: str, ctx: int, opaque: bool) -> None:
        super().__init__(f"{JAVA_NS}.{name}", True)
        self.name = name
        self.ctx = ctx
        self.opaque = opaque
        self.nested = True
        # (JSON key, path segment, node, required), in model order; filled after creation
        # so recursive shapes can refer to themselves.
        self.members: tuple[tuple[str, str, Node, bool], ...] = ()
        self.by_key: dict[str, Node] = {}

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is dict:
            return None
        if t is list:
            return f"Unrecognized collection type class {self.java_type}"
        return UNEXPECTED_FIELD if self.ctx == FIELD else UNEXPECTED_VALUE

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        if type(v) is not dict:
            raise Mismatch(self.type_error(v) or "")
        if self.opaque:
            # JSON types only, no constraints (see compiler._OPAQUE_STRUCTURES); a lone
            # string or boolean, the usual AttributeValue, is decided at once.
            if len(v) == 1:
                for key, x in v.items():
                    if (type(x) is str and key in _STRING_KINDS) or (
                        type(x) is bool and key in _BOOL_KINDS
                    ):
                        return
            message = first_mismatch(self, v)
            if message is not None:
                raise Mismatch(message)
            return
        for key, segment, node, required in self.members:
            x = v.get(key)
            if x is None:
                if required:
                    out.append((None, None, f"{path}.{segment}" if path else segment, NOT_NULL))
            else:
                node.check(x, f"{path}.{segment}" if path else segment, out)
                # Handlers see what the service sees; the request is ours to change.
                normal = node.normalized(x)
                if normal is not x:
                    v[key] = normal

    def children(self, v: Any) -> Iterator[tuple[Node, Any]]:
        by_key = self.by_key
        for key, x in v.items():
            node = by_key.get(key)
            if node is not None and x is not None:
                yield node, x

    def java_str(self, v: Any) -> str:
        return f"{self.java_type}@{self.java_hash(v):x}"

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, dict):
            return generic_hash(v)
        h = 1
        for key, _segment, node, _required in self.members:
            x = v.get(key)
            if x is not None:
                h += node.java_hash(x)
        return h & MASK32


class ListNode(Node):
    __slots__ = ("ctx", "limits", "member")

    def __init__(self, limits: Limits, own: bool, ctx: int, member: Node) -> None:
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
            return START_OF_MAP
        return UNEXPECTED_FIELD if self.ctx == FIELD else PARAMETERIZED

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        if type(v) is not list:
            raise Mismatch(self.type_error(v) or "")
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
                    # A null structure in a list would reach the handler as nothing at all.
                    out.append((None, None, f"{path}.{i}.member", NOT_NULL))
        else:
            for x in v:
                if x is not None:
                    member.check(x, path, out)
                    if limited and broken is None and member.violates(x):
                        broken = x
        if broken is not None:
            phrases = ", ".join(member.bracket(broken))
            out.append((self, v, path, f"Member must satisfy constraint: [{phrases}]"))

    def children(self, v: Any) -> Iterator[tuple[Node, Any]]:
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
            return generic_str(v)
        member = self.member
        return "[" + ", ".join("null" if x is None else member.java_str(x) for x in v) + "]"

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, list):
            return generic_hash(v)
        h = 1
        member = self.member
        for x in v:
            h = (31 * h + (0 if x is None else member.java_hash(x))) & MASK32
        return h


class MapNode(Node):
    __slots__ = ("check_keys", "check_values", "ctx", "key", "limits", "value")

    def __init__(self, limits: Limits, own: bool, ctx: int, key: Node, value: Node) -> None:
        super().__init__(f"java.util.Map<java.lang.String, {value.java_type}>", own)
        self.limits = limits
        self.limited = not limits.empty
        self.ctx = ctx
        self.key = key
        self.value = value
        self.nested = True
        self.check_keys = key.limited
        opaque_value = isinstance(value, StructNode) and value.opaque
        # Values need a look unless they are AttributeValues (backend/values.py's job).
        self.check_values = not opaque_value

    def type_error(self, v: Any) -> str | None:
        t = type(v)
        if t is dict:
            return None
        if t is list:
            return f"Unrecognized collection type {self.java_type}"
        return UNEXPECTED_FIELD if self.ctx == FIELD else PARAMETERIZED

    def check(self, v: Any, path: str, out: list[Violation]) -> None:
        if type(v) is not dict:
            raise Mismatch(self.type_error(v) or "")
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
        value = self.value
        if not self.check_values:
            # Opaque values: their JSON types only.
            for x in v.values():
                if x is not None:
                    value.check(x, path, out)
            return
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

    def children(self, v: Any) -> Iterator[tuple[Node, Any]]:
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
            return generic_str(v)
        value = self.value
        return (
            "{"
            + ", ".join(f"{k}={'null' if x is None else value.java_str(x)}" for k, x in v.items())
            + "}"
        )

    def java_hash(self, v: Any) -> int:
        if not isinstance(v, dict):
            return generic_hash(v)
        value = self.value
        h = 0
        for k, x in v.items():
            h += java_string_hash(str(k)) ^ (0 if x is None else value.java_hash(x))
        return h & MASK32
