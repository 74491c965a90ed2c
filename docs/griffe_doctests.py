"""A griffe extension for the API reference: docstring examples shown as code.

The package's docstrings hold doctest sessions (``>>>`` lines, run by the test command) and
reStructuredText literal blocks (a paragraph ending in ``::``, then an indented block).
Markdown would read ``>>>`` as nested quotes, so both become fenced code blocks here; the
docstrings themselves stay plain text, as ``help()`` shows them.
"""

from __future__ import annotations

import textwrap
from typing import Any

import griffe


def fence_examples(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith(">>>"):
            session = []
            while index < len(lines) and lines[index].strip():
                session.append(lines[index][len(indent) :])
                index += 1
            out += [f"{indent}```pycon", *(indent + s for s in session), f"{indent}```"]
            continue
        if stripped.endswith("::") and index + 1 < len(lines) and not lines[index + 1].strip():
            out.append(line[:-1])  # "like this::" reads "like this:"
            index += 1
            block = []
            while index < len(lines) and (
                not lines[index].strip()
                or len(lines[index]) - len(lines[index].lstrip()) > len(indent)
            ):
                block.append(lines[index])
                index += 1
            while block and not block[-1].strip():
                block.pop()
                index -= 1
            code = textwrap.dedent("\n".join(block)).strip("\n").splitlines()
            out += [
                "",
                f"{indent}```python",
                *(indent + c if c else c for c in code),
                f"{indent}```",
            ]
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
