"""Tokenizer shared by every expression kind (condition, update, projection, key condition).

A hand-written scanner: identifiers ``[A-Za-z][A-Za-z0-9_]*``, name placeholders ``#x``, value
placeholders ``:x`` (``[A-Za-z0-9_]+`` after the sigil), list indexes ``0`` or ``[1-9][0-9]*``,
operators and punctuation. Any other character becomes a one-character ``UNKNOWN`` token so
that the parser reports it as DynamoDB does (``Syntax error; token: "@"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

NAME: Final = "NAME"
NAME_PH: Final = "NAME_PH"
VALUE_PH: Final = "VALUE_PH"
NUMBER: Final = "NUMBER"
OP: Final = "OP"
UNKNOWN: Final = "UNKNOWN"
EOF: Final = "EOF"

_WHITESPACE = frozenset(" \t\n\r\f\v")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_WORD = _ALPHA | _DIGITS | {"_"}
_SINGLE_OPS = frozenset("=(),.[]+-")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text and its ``[start, end)`` span in the expression."""

    kind: str
    text: str
    start: int
    end: int

    def is_keyword(self, word: str) -> bool:
        """Whether this is the (case-insensitive) keyword ``word`` (given in upper case)."""
        return self.kind == NAME and self.text.upper() == word

    def is_op(self, op: str) -> bool:
        return self.kind == OP and self.text == op


def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into tokens, ending with an EOF token. Never raises."""
    tokens: list[Token] = []
    append = tokens.append
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _WHITESPACE:
            i += 1
            continue
        start = i
        if ch in _ALPHA:
            i += 1
            while i < n and text[i] in _WORD:
                i += 1
            append(Token(NAME, text[start:i], start, i))
        elif ch == "#" or ch == ":":
            i += 1
            while i < n and text[i] in _WORD:
                i += 1
            if i - start == 1:
                append(Token(UNKNOWN, ch, start, i))
            else:
                append(Token(NAME_PH if ch == "#" else VALUE_PH, text[start:i], start, i))
        elif ch in _DIGITS:
            i += 1
            if ch != "0":
                while i < n and text[i] in _DIGITS:
                    i += 1
            append(Token(NUMBER, text[start:i], start, i))
        elif ch == "<":
            if i + 1 < n and text[i + 1] in "=>":
                i += 2
            else:
                i += 1
            append(Token(OP, text[start:i], start, i))
        elif ch == ">":
            i += 2 if i + 1 < n and text[i + 1] == "=" else 1
            append(Token(OP, text[start:i], start, i))
        elif ch in _SINGLE_OPS:
            i += 1
            append(Token(OP, ch, start, i))
        else:
            i += 1
            append(Token(UNKNOWN, ch, start, i))
    tokens.append(Token(EOF, "<EOF>", n, n))
    return tuple(tokens)


def near_text(text: str, tokens: tuple[Token, ...], index: int) -> str:
    """The ``near:`` context DynamoDB prints for a syntax error at ``tokens[index]``.

    It spans from the start of the previous token (or the start of the text) to the end of the
    next token (or the end of the text), original spacing included.
    """
    start = tokens[index - 1].start if index > 0 else 0
    following = index + 1
    if following < len(tokens) and tokens[following].kind != EOF:
        end = tokens[following].end
    else:
        end = len(text)
    return text[start:end]
