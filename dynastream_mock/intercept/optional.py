"""Whether an optional library is installed, asked once per ``sys.path`` rather than per mock.

``importlib.util.find_spec`` walks every ``sys.path`` entry (a ``stat`` each): asked on every
start, it was a large part of what starting a mock costs. A library already imported is
known at once; an answer about one not imported is kept until ``sys.path`` changes.
"""

from __future__ import annotations

import importlib.util
import sys

_known: dict[str, tuple[tuple[str, ...], bool]] = {}


def installed(name: str) -> bool:
    """Whether the top-level package ``name`` can be imported."""
    if name in sys.modules:
        return True
    path = tuple(sys.path)
    found = _known.get(name)
    if found is not None and found[0] == path:
        return found[1]
    present = importlib.util.find_spec(name) is not None
    _known[name] = (path, present)
    return present
