"""PartiQL in the API: the three operations (``handlers``) over planned statements."""

from __future__ import annotations

from . import handlers

__all__ = ["handlers"]
