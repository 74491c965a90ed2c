"""The layers point one way (architecture.md): a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dynastream_mock"

#: Layer -> the parts of the package it must not import.
FORBIDDEN = {
    "backend": {
        "api",
        "wire",
        "intercept",
        "triggers",
        "server",
        "service",
        "mock",
        "tools",
        "models",
    },
    "wire": {"api", "backend", "intercept", "triggers", "server", "service", "mock", "tools"},
    "api": {"intercept", "triggers", "server", "service", "mock", "tools"},
    "service": {"intercept", "server", "mock"},
    "triggers": {"intercept", "server", "service", "mock"},
}


def imported_parts(path: Path) -> set[str]:
    """The top-level parts of dynastream_mock that the module at ``path`` imports."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = module[:-1]  # the package a relative import starts from (also for __init__)
    parts: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[tuple[str, ...]] = []
        if isinstance(node, ast.Import):
            names = [tuple(alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + tuple((node.module or "").split(".") if node.module else ())
                names = (
                    [(*target, alias.name) for alias in node.names] if not node.module else [target]
                )
            else:
                names = [tuple((node.module or "").split("."))]
        for name in names:
            if len(name) >= 2 and name[0] == "dynastream_mock":
                parts.add(name[1])
    return parts


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 else path.stem


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_layers_below_it(path: Path) -> None:
    forbidden = FORBIDDEN.get(layer_of(path), set())
    assert not imported_parts(path) & forbidden, (
        f"{path.relative_to(PACKAGE)} imports {sorted(imported_parts(path) & forbidden)}"
    )


def test_the_rules_see_imports() -> None:
    # A rule that sees nothing cannot fail: the api imports the backend, the pipeline the api.
    assert "backend" in imported_parts(PACKAGE / "api" / "dispatch.py")
    assert "api" in imported_parts(PACKAGE / "service.py")
    assert "service" in imported_parts(PACKAGE / "intercept" / "active.py")
