"""Every docstring example in the package runs (the test command adds --doctest-modules):
none may be skipped, so none can rot."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dynastream_mock"

_SKIP = re.compile(r"doctest:\s*[^\n]*\+SKIP", re.IGNORECASE)


def test_no_docstring_example_is_skipped() -> None:
    skipped = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if _SKIP.search(line)
    ]
    assert not skipped, f"make these examples runnable instead of skipping them: {skipped}"


def test_the_check_sees_a_skip() -> None:
    assert _SKIP.search(">>> trigger.invocations  # doctest: +SKIP")
    assert _SKIP.search(">>> x  # doctest: +ELLIPSIS, +SKIP")
    assert not _SKIP.search(">>> x  # doctest: +ELLIPSIS")
