"""The PartiQL tokenizer: a statement's text as a tuple of tokens.

A hand-written scanner for DynamoDB's PartiQL: bare identifiers, ``"quoted identifiers"``
(``""`` escapes a quote), ``'strings'`` (``''`` escapes a quote), numbers (``12``, ``1.5``,
``1e3``), ``?`` parameters, ``--`` and ``/* */`` comments, and the punctuation the statements
use, ``<<`` and ``>>`` (bag brackets) and ``<>``/``!=``/``||`` included. Backquoted Ion literals
are one token, so the parser can refuse them as DynamoDB does. A character that starts no
token, or an unterminated string, raises :class:`StatementSyntaxError`.

Positions are DynamoDB's ``line:column`` (both from 1), which some of its messages print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

IDENTIFIER: Final = "IDENTIFIER"
QUOTED: Final = "QUOTED"
STRING: Final = "STRING"
NUMBER: Final = "NUMBER"
PARAMETER: Final = "PARAMETER"
PUNCTUATION: Final = "PUNCTUATION"
ION: Final = "ION"
END: Final = "END"

_WHITESPACE: Final = frozenset(" \t\n\r\f\v")
_DIGITS: Final = frozenset("0123456789")
_IDENTIFIER_START: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$")
_IDENTIFIER_PART: Final = _IDENTIFIER_START | _DIGITS
_TWO_CHARACTERS: Final = frozenset({"<=", ">=", "<>", "!=", "||", "<<", ">>"})
_ONE_CHARACTER: Final = frozenset("=<>+-*/%(),.[]{}:;")


class StatementSyntaxError(Exception):
    """The statement is not well formed (DynamoDB words every such case the same way)."""


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its value (a string's or quoted name's content), its place."""

    kind: str
    text: str
    line: int
    column: int
    length: int

    def is_word(self, word: str) -> bool:
        """Whether this is the bare (case-insensitive) keyword ``word``, given in upper case."""
        return self.kind == IDENTIFIER and self.text.upper() == word

    def is_punctuation(self, text: str) -> bool:
        return self.kind == PUNCTUATION and self.text == text

    @property
    def place(self) -> str:
        """Where DynamoDB says a token is: ``line:column:length``."""
        return f"{self.line}:{self.column}:{self.length}"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1
        self.line_start = 0
        self.tokens: list[Token] = []

    def scan(self) -> tuple[Token, ...]:
        text, n = self.text, len(self.text)
        while self.position < n:
            ch = text[self.position]
            if ch in _WHITESPACE:
                self._skip_whitespace(ch)
            elif text.startswith("--", self.position):
                end = text.find("\n", self.position)
                self.position = n if end < 0 else end
            elif text.startswith("/*", self.position):
                self._skip_block_comment()
            elif ch in _IDENTIFIER_START:
                self._identifier()
            elif ch in _DIGITS or (ch == "." and self._digit_at(self.position + 1)):
                self._number()
            elif ch == "'":
                self._quoted(STRING, "'")
            elif ch == '"':
                self._quoted(QUOTED, '"')
            elif ch == "`":
                self._ion()
            elif ch == "?":
                self._emit(PARAMETER, "?", self.position, 1)
                self.position += 1
            elif text[self.position : self.position + 2] in _TWO_CHARACTERS:
                self._emit(PUNCTUATION, text[self.position : self.position + 2], self.position, 2)
                self.position += 2
            elif ch in _ONE_CHARACTER:
                self._emit(PUNCTUATION, ch, self.position, 1)
                self.position += 1
            else:
                raise StatementSyntaxError(ch)
        self.tokens.append(Token(END, "", self.line, self.position - self.line_start + 1, 0))
        return tuple(self.tokens)

    def _emit(self, kind: str, value: str, start: int, length: int) -> None:
        self.tokens.append(Token(kind, value, self.line, start - self.line_start + 1, length))

    def _digit_at(self, index: int) -> bool:
        return index < len(self.text) and self.text[index] in _DIGITS

    def _skip_whitespace(self, ch: str) -> None:
        self.position += 1
        if ch == "\n":
            self.line += 1
            self.line_start = self.position

    def _skip_block_comment(self) -> None:
        end = self.text.find("*/", self.position + 2)
        if end < 0:
            raise StatementSyntaxError("unterminated comment")
        for index in range(self.position, end):
            if self.text[index] == "\n":
                self.line += 1
                self.line_start = index + 1
        self.position = end + 2

    def _identifier(self) -> None:
        text, start = self.text, self.position
        end = start + 1
        while end < len(text) and text[end] in _IDENTIFIER_PART:
            end += 1
        self._emit(IDENTIFIER, text[start:end], start, end - start)
        self.position = end

    def _number(self) -> None:
        text, start = self.text, self.position
        end = start
        while self._digit_at(end):
            end += 1
        if end < len(text) and text[end] == "." and (end == start or self._digit_at(end + 1)):
            end += 1
            while self._digit_at(end):
                end += 1
        elif end < len(text) and text[end] == "." and not self._digit_at(end + 1):
            end += 1  # "1." is a number too
        if end < len(text) and text[end] in "eE":
            exponent = end + 1
            if exponent < len(text) and text[exponent] in "+-":
                exponent += 1
            if self._digit_at(exponent):
                end = exponent
                while self._digit_at(end):
                    end += 1
        if end < len(text) and text[end] in _IDENTIFIER_START:
            raise StatementSyntaxError(text[start : end + 1])  # "1x"
        self._emit(NUMBER, text[start:end], start, end - start)
        self.position = end

    def _quoted(self, kind: str, quote: str) -> None:
        text, start = self.text, self.position
        parts: list[str] = []
        index = start + 1
        while True:
            end = text.find(quote, index)
            if end < 0:
                raise StatementSyntaxError("unterminated " + kind.lower())
            parts.append(text[index:end])
            if text.startswith(quote * 2, end):
                parts.append(quote)
                index = end + 2
                continue
            break
        value = "".join(parts)
        self._emit(kind, value, start, end + 1 - start)
        for offset in range(start, end):
            if text[offset] == "\n":
                self.line += 1
                self.line_start = offset + 1
        self.position = end + 1

    def _ion(self) -> None:
        start = self.position
        end = self.text.find("`", start + 1)
        if end < 0:
            raise StatementSyntaxError("unterminated Ion literal")
        self._emit(ION, self.text[start + 1 : end], start, end + 1 - start)
        self.position = end + 1


def tokenize(text: str) -> tuple[Token, ...]:
    """The tokens of ``text``, ending with an END token; raises StatementSyntaxError."""
    return _Scanner(text).scan()
