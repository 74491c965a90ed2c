"""Lambda triggers in-process: a handler on a table's stream, run as Lambda would run it.

``mock.add_trigger(...)`` makes a :class:`Trigger` (an event source mapping) and
``mock.run_triggers()`` delivers what is due, in the calling thread. The package is split by
concern: ``parameters`` (validation), ``filtering``, ``events`` (event and context),
``lanes`` (progress per shard), ``delivery`` (batching, retries, bisecting, discarding),
``outcomes`` (reading answers, on-failure payloads) and ``windows`` (tumbling windows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..backend.arns import build_arn, is_arn
from ..backend.world import World
from ..tools import find_stream
from .delivery import run_triggers
from .errors import lambda_error
from .events import LambdaContext, stable_uuid
from .parameters import TriggerConfig, TriggerParameters, check_callable, validate_parameters
from .trigger import Invocation, OnFailure, Trigger
from .url_handler import UrlFunctionError, UrlHandler

__all__ = [
    "Invocation",
    "LambdaContext",
    "Trigger",
    "TriggerConfig",
    "TriggerParameters",
    "UrlFunctionError",
    "UrlHandler",
    "add_trigger",
    "run_triggers",
]


def function_name_of(handler: Callable[..., Any]) -> str:
    """A Lambda function name for a handler: its ``__name__``, in Lambda's alphabet.

    >>> def on_user_change(event, context): ...
    >>> function_name_of(on_user_change)
    'on_user_change'
    """
    return function_name_of_text(getattr(handler, "__name__", None) or type(handler).__name__)


def function_name_of_text(name: str) -> str:
    """``name`` in Lambda's alphabet for function names (as an ARN's last part)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(name))[:64] or "handler"


def add_trigger(
    world: World,
    registry: list[Trigger],
    table_or_stream_arn: str,
    handler: Callable[..., Any] | str,
    *,
    parameters: Mapping[str, Any],
    on_failure: OnFailure | None = None,
    region: str | None = None,
) -> Trigger:
    """Map ``handler`` to a stream of ``world``, validating the parameters as Lambda would;
    the new trigger joins ``registry`` (the triggers of that world, oldest first)."""
    if isinstance(handler, str) and handler.startswith(("http://", "https://")):
        handler = UrlHandler(handler)
    if not callable(handler):
        raise TypeError(
            "add_trigger() takes the handler as a callable (event, context) or an http:// or "
            f"https:// URL of a function, got {handler!r}"
        )
    check_callable("on_failure=", on_failure, optional=True)
    by_arn = isinstance(table_or_stream_arn, str) and is_arn(table_or_stream_arn)
    region_world, stream = find_stream(
        world, table_or_stream_arn, region=region, enabled_only=not by_arn
    )
    config = validate_parameters(stream.arn, parameters)
    function_name = parameters.get("FunctionName") or (
        handler.url if isinstance(handler, UrlHandler) else function_name_of(handler)
    )
    with region_world.lock:
        for other in registry:
            if other._stream_arn == stream.arn and other._handler == handler:
                raise lambda_error(
                    "ResourceConflictException",
                    f'An event source mapping with DynamoDB arn (" {stream.arn} ") and '
                    f'function (" {other.function_name} ") already exists. Please update or '
                    f"delete the existing mapping with UUID {other.uuid}",
                )
        now = region_world.touch()
        trigger = Trigger(
            uuid=stable_uuid(f"{stream.arn}/{function_name}/{now}/{len(registry)}"),
            handler=handler,
            function_name=function_name,
            function_arn=build_arn(
                region_world.partition,
                "lambda",
                region_world.region,
                region_world.account_id,
                f"function:{function_name_of_text(function_name)}",
            ),
            stream=stream,
            region_world=region_world,
            registry=registry,
            config=config,
            on_failure=on_failure,
        )
        registry.append(trigger)
        return trigger
