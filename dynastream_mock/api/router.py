"""The routing table: (service, operation) -> handler, filled by the ``handles`` decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..backend.readers import Reader
from ..backend.world import RegionWorld

Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[RegionWorld, Params], Result]
#: A handler that also needs to know who reads (GetRecords: the throttle counts readers).
ReaderHandler = Callable[[RegionWorld, Params, Reader], Result]
HandlerT = TypeVar("HandlerT", bound=Handler)
ReaderHandlerT = TypeVar("ReaderHandlerT", bound=ReaderHandler)

HANDLERS: dict[tuple[str, str], Handler] = {}
READER_HANDLERS: dict[tuple[str, str], ReaderHandler] = {}


def _check_new(service: str, operation: str) -> tuple[str, str]:
    key = (service, operation)
    if key in HANDLERS or key in READER_HANDLERS:
        raise RuntimeError(f"two handlers for {service}.{operation}")
    return key


def handles(service: str, operation: str) -> Callable[[HandlerT], HandlerT]:
    """Register the decorated function as the handler of ``service``'s ``operation``."""

    def register(function: HandlerT) -> HandlerT:
        HANDLERS[_check_new(service, operation)] = function
        return function

    return register


def handles_reading(service: str, operation: str) -> Callable[[ReaderHandlerT], ReaderHandlerT]:
    """Like ``handles``, for a handler called with the request's reader as well."""

    def register(function: ReaderHandlerT) -> ReaderHandlerT:
        READER_HANDLERS[_check_new(service, operation)] = function
        return function

    return register


def supported_operations(service: str) -> list[str]:
    return sorted(op for svc, op in (*HANDLERS, *READER_HANDLERS) if svc == service)
