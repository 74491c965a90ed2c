"""A cache of rendered bytes for objects that never change once made (stream records).

It lives on the wire side so the backend holds no wire bytes (architecture page). Entries
are held weakly: an object the backend lets go of (a record trimmed away, a stream
deleted) takes its rendering with it, so the cache never outgrows what is retained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

Key = TypeVar("Key")


class Renderings(Generic[Key]):
    """Rendered bytes by object, made on first use by ``render`` and kept while it lives."""

    __slots__ = ("_bytes",)

    def __init__(self) -> None:
        self._bytes: WeakKeyDictionary[Key, bytes] = WeakKeyDictionary()

    def __len__(self) -> int:
        return len(self._bytes)

    def of(self, thing: Key, render: Callable[[Key], bytes]) -> bytes:
        found = self._bytes.get(thing)
        if found is None:
            found = self._bytes[thing] = render(thing)
        return found
