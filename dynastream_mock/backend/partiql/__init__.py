"""DynamoDB's PartiQL subset: tokenizer, parser and compiler to expression trees.

>>> parsed = parse_statement("SELECT * FROM Music WHERE Artist = ?")
>>> parsed.parameter_count
1
"""

from __future__ import annotations

from functools import lru_cache

from .ast import ParsedStatement
from .parser import NOT_WELL_FORMED, parse_statement_text

__all__ = ["NOT_WELL_FORMED", "ParsedStatement", "parse_statement"]


@lru_cache(maxsize=1024)
def parse_statement(text: str) -> ParsedStatement:
    """Parse (cached) one statement; raises ValidationException in DynamoDB's words."""
    return parse_statement_text(text)
