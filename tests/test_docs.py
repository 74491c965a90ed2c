"""Every ```python block of README.md and docs/**/*.md runs, so the documentation cannot rot.

The blocks of one file run in order in one shared namespace, so a page can build up: the
test of a block first runs the file's earlier blocks, then the block itself. A block that
defines tests (``test_*`` functions, ``Test*`` classes or ``unittest.TestCase`` subclasses)
is run by pytest itself, in a child run (``pytester``), with the file's earlier blocks in
front of it, so fixtures such as ``dynastream`` and the marker work and its tests must pass.

Blocks that use aioboto3 or aiobotocore need the async extra, whose older botocore cannot
share the main environment: they skip there, and ``.ci/async-tests`` runs them. In that
environment, blocks that need the test extra's packages (moto, say) skip instead. A sketch
that cannot run alone belongs in a ```text fence.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import types
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
ASYNC_MODULES = frozenset({"aioboto3", "aiobotocore", "pytest_asyncio"})
ASYNC_SKIP = "needs the async extra; .ci/async-tests runs it"
# A fence may be indented (inside a tab or an admonition); its code is dedented with it.
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # the line of the opening fence, counting from 1
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def tree(self) -> ast.Module:
        return ast.parse(self.code, filename=self.name)

    def imports(self) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
        return found

    def test_names(self) -> list[str]:
        """The tests pytest would collect from this block, at its top level."""
        names = []
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith("test"):
                    names.append(node.name)
            elif isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base).split(".")[-1] for base in node.bases}
                if node.name.startswith("Test") or "TestCase" in bases:
                    names.append(node.name)
        return names

    def source(self) -> str:
        # Padded so that a traceback names the Markdown file and the line in it.
        return "\n" * self.line + self.code


def documentation_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def dedent(code: str, indent: str) -> str:
    return "".join(line.removeprefix(indent) for line in code.splitlines(keepends=True))


@cache
def blocks_of(path: Path) -> tuple[Block, ...]:
    text = path.read_text(encoding="utf-8")
    return tuple(
        Block(path, text.count("\n", 0, match.start()) + 1, dedent(match["code"], match["indent"]))
        for match in FENCE.finditer(text)
    )


def all_blocks() -> list[Block]:
    return [block for path in documentation_files() for block in blocks_of(path)]


@cache
def importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def skip_reason(block: Block) -> str | None:
    """Why this environment cannot run the block, or None when it can."""
    needed = block.imports()
    if needed & ASYNC_MODULES and not importable("aioboto3"):
        return ASYNC_SKIP
    if importable("aioboto3"):
        # The async environment has only the async extra: the rest runs in the main one.
        missing = sorted(module for module in needed if not importable(module))
        if missing:
            return f"needs {', '.join(missing)} (the test extra); the README's test command runs it"
    return None


def earlier_blocks(block: Block) -> list[Block]:
    """The blocks before this one in its file that this environment can run."""
    before = blocks_of(block.path)
    return [b for b in before[: before.index(block)] if skip_reason(b) is None]


def stop_leftover_mocks() -> list[str]:
    import dynastream_mock

    left = []
    while True:
        try:
            mock = dynastream_mock.current()
        except RuntimeError:
            return left
        left.append(repr(mock))
        mock.stop()


def run_in_one_namespace(blocks: list[Block]) -> None:
    module = types.ModuleType(f"docs_block_{abs(hash(blocks[-1].name))}")
    sys.modules[module.__name__] = module  # dataclasses and pickle look their module up
    try:
        for block in blocks:
            exec(compile(block.source(), str(block.path), "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
        left = stop_leftover_mocks()
    assert not left, f"{blocks[-1].name} left mocks active: {left}"


BLOCKS = all_blocks()


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_python_block_runs(
    block: Block, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = skip_reason(block)
    if reason:
        pytest.skip(reason)
    tests = block.test_names()
    if not tests:
        run_in_one_namespace([*earlier_blocks(block), block])
        return

    code = "\n\n".join(b.code for b in [*earlier_blocks(block), block])
    # A name no test module of the project has: the inline run shares this process's modules.
    stem = re.sub(r"\W", "_", block.path.stem.lower())
    pytester.makepyfile(**{f"test_docblock_{stem}_{block.line}": code})
    # The child imports this checkout's package, whatever the environment has installed.
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    options = ["-p", "no:cacheprovider", "-q"]
    if importable("pytest_asyncio"):  # its default loop scope is unset otherwise: a warning
        options += ["-o", "asyncio_default_fixture_loop_scope=function"]
    result = pytester.runpytest_inprocess(*options)
    outcomes = result.parseoutcomes()
    report = "\n".join(result.outlines)
    assert outcomes.get("passed", 0) >= max(len(tests), 1), report
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, report


def test_the_collector_finds_the_documentation_blocks() -> None:
    per_file = {
        path.relative_to(ROOT).as_posix(): len(blocks_of(path)) for path in documentation_files()
    }

    assert sum(per_file.values()) >= 40, per_file
    assert per_file["README.md"] >= 4, per_file
    assert sum(1 for block in BLOCKS if block.test_names()) >= 5
    assert sum(1 for block in BLOCKS if block.imports() & ASYNC_MODULES) >= 1
    assert len([name for name, count in per_file.items() if count]) >= 8, per_file


def test_no_python_fence_is_left_unrun() -> None:
    # A fence the pattern above misses (a typo such as ```Python or ```py) would never run.
    for path in documentation_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fence = line.strip()
            if fence.startswith("```") and fence[3:].strip().lower() in {"py", "python3", "pycon"}:
                pytest.fail(f"{path.name}:{number}: use ```python (runs) or ```text (a sketch)")
            if fence.lower().startswith("```python") and fence != "```python":
                pytest.fail(f"{path.name}:{number}: write the fence as exactly ```python")


def test_every_page_is_in_the_navigation() -> None:
    nav = set(re.findall(r":\s*([\w/-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M))
    pages = {path.relative_to(ROOT / "docs").as_posix() for path in (ROOT / "docs").rglob("*.md")}

    assert nav == pages


def test_the_readme_links_only_to_files_that_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)

    assert targets, "the README links to the docs"
    assert [target for target in targets if not (ROOT / target).exists()] == []
