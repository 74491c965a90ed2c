"""The routing table: (service, operation) -> handler, filled by the ``handles`` decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..backend.world import RegionWorld

Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[RegionWorld, Params], Result]
HandlerT = TypeVar("HandlerT", bound=Handler)

HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(service: str, operation: str) -> Callable[[HandlerT], HandlerT]:
    """Register the decorated function as the handler of ``service``'s ``operation``."""

    def register(function: HandlerT) -> HandlerT:
        key = (service, operation)
        if key in HANDLERS:
            raise RuntimeError(f"two handlers for {service}.{operation}")
        HANDLERS[key] = function
        return function

    return register
