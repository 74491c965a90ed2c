"""Concepts with one home (architecture.md): a grep over the package keeps them there."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dynastream_mock"


def modules_containing(text: str) -> set[str]:
    return {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if text in path.read_text(encoding="utf-8")
    }


def test_the_invalid_parameters_prefix_is_written_once() -> None:
    # Everything else raises errors.invalid_parameters(detail).
    assert modules_containing("parameter values were invalid") == {"errors.py"}
