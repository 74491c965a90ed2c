"""The routing table: (service, operation) -> handler, filled by the ``handles`` decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..backend.readers import Reader
from ..backend.world import RegionWorld
from .outside import OutsideFinder

Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[RegionWorld, Params], Result]
#: A handler that also needs to know who reads (GetRecords: the throttle counts readers).
ReaderHandler = Callable[[RegionWorld, Params, Reader], Result]
#: A handler that talks to services outside DynamoDB (S3 for exports), through the port.
OutsideHandler = Callable[[RegionWorld, Params, OutsideFinder], Result]
HandlerT = TypeVar("HandlerT", bound=Handler)
OutsideHandlerT = TypeVar("OutsideHandlerT", bound=OutsideHandler)
ReaderHandlerT = TypeVar("ReaderHandlerT", bound=ReaderHandler)

HANDLERS: dict[tuple[str, str], Handler] = {}
READER_HANDLERS: dict[tuple[str, str], ReaderHandler] = {}
OUTSIDE_HANDLERS: dict[tuple[str, str], OutsideHandler] = {}


def _check_new(service: str, operation: str) -> tuple[str, str]:
    key = (service, operation)
    if key in HANDLERS or key in READER_HANDLERS or key in OUTSIDE_HANDLERS:
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


def handles_outside(service: str, operation: str) -> Callable[[OutsideHandlerT], OutsideHandlerT]:
    """Like ``handles``, for a handler called with the outside-services finder as well."""

    def register(function: OutsideHandlerT) -> OutsideHandlerT:
        OUTSIDE_HANDLERS[_check_new(service, operation)] = function
        return function

    return register


def supported_operations(service: str) -> list[str]:
    return sorted(
        op for svc, op in (*HANDLERS, *READER_HANDLERS, *OUTSIDE_HANDLERS) if svc == service
    )
