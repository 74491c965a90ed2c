"""Server mode: the same world over HTTP, for clients that are not Python in this process."""

from __future__ import annotations

from .handle import MockServer

__all__ = ["MockServer"]
