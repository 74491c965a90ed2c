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


def test_the_key_rules_are_written_in_keys_py() -> None:
    for text in (
        "cannot contain an empty",
        "Missing the key",
        "Type mismatch for key",
        "Type mismatch for Index Key",
        "The provided key element does not match the schema",
        "Size of hashkey",
        "Aggregated size of all range keys",
    ):
        assert modules_containing(text) == {"backend/keys.py"}, text
