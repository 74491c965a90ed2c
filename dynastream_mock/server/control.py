"""The control API under ``/_dynastream/``: each route is an in-process tool of the mock.

JSON in, JSON out. A ``ValueError`` or ``TypeError`` the tool raises is a 400, "needs an
active mock" a 409, a Lambda ``ClientError`` its own status with Lambda's error body; the
body names the exception (``{"error": "ValueError", "message": "..."}``) so that
``RemoteMock`` raises the same type with the same message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .. import __version__
from ..backend.arns import parse_arn
from ..tools import rendered_records
from ..triggers import Trigger, UrlHandler
from ..wire.protocol import WireAnswer, encode_json

if TYPE_CHECKING:
    from ..faults import Fault
    from ..mock import MockStreams

_JSON = "application/json"
_ADVANCE_UNITS = ("days", "hours", "minutes", "seconds", "milliseconds")


class ControlError(Exception):
    """A refusal of the control API itself (unknown route, wrong method, bad JSON)."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


Route = Callable[["ControlApi", dict[str, Any], dict[str, list[str]]], Any]
_ROUTES: dict[tuple[str, str], Route] = {}


def _route(method: str, path: str) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        _ROUTES[(method, path)] = function
        return function

    return register


def fault_view(fault: Fault) -> dict[str, Any]:
    """A fault as the control API lists it."""
    return {
        "id": fault.id,
        "operation": fault.operation,
        "error": fault.error,
        "times": fault.times,
        "hits": fault.hits,
        "table": fault.table,
        "shardId": fault.shard_id,
        "message": fault.message,
    }


def trigger_view(trigger: Trigger) -> dict[str, Any]:
    """A trigger as the control API lists it."""
    handler = trigger._handler
    parsed = parse_arn(trigger._stream_arn)
    return {
        "uuid": trigger.uuid,
        "table": parsed.table_name if parsed is not None else None,
        "url": handler.url if isinstance(handler, UrlHandler) else None,
        "functionName": trigger.function_name,
        "state": trigger.state,
        "invocations": len(trigger.invocations),
    }


def json_answer(status: int, payload: Any) -> WireAnswer:
    body = encode_json(payload)
    return WireAnswer(status, {"Content-Type": _JSON, "Content-Length": str(len(body))}, body)


class ControlApi:
    """Answers control requests with the tools of ``mock``."""

    def __init__(self, mock: MockStreams, shutdown: Callable[[], None] | None = None) -> None:
        self.mock = mock
        # Only a server started by the command can be shut down over HTTP.
        self._shutdown = shutdown

    def answer(self, method: str, target: str, body: bytes) -> WireAnswer:
        parts = urlsplit(target)
        path = parts.path[len("/_dynastream") :].rstrip("/") or "/"
        query = parse_qs(parts.query)
        try:
            route, arguments = self._find(method, path)
            params = _parse_json(body) if method in ("POST", "PUT") else {}
            result = route(self, {**params, **arguments}, query)
        except ControlError as refused:
            return json_answer(refused.status, {"error": refused.error, "message": refused.message})
        except (TypeError, ValueError) as bad:
            return json_answer(400, {"error": type(bad).__name__, "message": str(bad)})
        except RuntimeError as inactive:
            return json_answer(409, {"error": "RuntimeError", "message": str(inactive)})
        except Exception as error:
            lambda_answer = _lambda_error(error)
            if lambda_answer is None:
                raise
            return lambda_answer
        return json_answer(200, {} if result is None else result)

    def _find(self, method: str, path: str) -> tuple[Route, dict[str, Any]]:
        found = _ROUTES.get((method, path))
        if found is not None:
            return found, {}
        if path.startswith("/triggers/") and method == "DELETE":
            return _ROUTES[("DELETE", "/triggers/{uuid}")], {"uuid": path[len("/triggers/") :]}
        methods = sorted(m for m, p in _ROUTES if p == path)
        if methods:
            raise ControlError(
                405, "MethodNotAllowed", f"{path} takes {', '.join(methods)}, not {method}"
            )
        known = ", ".join(sorted({p for _, p in _ROUTES}))
        raise ControlError(404, "NotFound", f"no control route {path}; routes: {known}")

    # -- routes ---------------------------------------------------------------------------

    @_route("GET", "/health")
    def _health(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        return {"status": "ready", "version": __version__}

    @_route("POST", "/reset")
    def _reset(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        self.mock.reset()

    @_route("GET", "/clock")
    def _clock(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        clock = self.mock.clock
        return {"now": clock.now().isoformat(), "frozen": clock.frozen}

    @_route("POST", "/clock/freeze")
    def _freeze(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        self.mock.clock.freeze()
        return self._clock(params, query)

    @_route("POST", "/clock/unfreeze")
    def _unfreeze(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        self.mock.clock.unfreeze()
        return self._clock(params, query)

    @_route("POST", "/clock/advance")
    def _advance(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        _only(params, _ADVANCE_UNITS, "clock/advance")
        if not params:
            raise ValueError(
                "clock/advance takes one or more of "
                + ", ".join(_ADVANCE_UNITS)
                + ', e.g. {"seconds": 960}'
            )
        for unit, amount in params.items():
            if isinstance(amount, bool) or not isinstance(amount, (int, float)):
                raise TypeError(f"clock/advance takes {unit} as a number, got {amount!r}")
        self.mock.clock.advance(timedelta(**params))
        return self._clock({}, query)

    @_route("POST", "/split-shard")
    def _split_shard(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        _only(params, ("table", "shardId", "children", "region"), "split-shard")
        if "table" not in params:
            raise ValueError('split-shard needs "table" (a table name or a stream ARN)')
        shard_ids = self.mock.split_shard(
            params["table"],
            params.get("shardId"),
            params.get("children", 2),
            region=params.get("region"),
        )
        return {"shardIds": shard_ids}

    @_route("GET", "/stream-records")
    def _stream_records(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        unknown = sorted(set(query) - {"table", "streamArn", "region"})
        if unknown:
            raise ValueError(f"stream-records takes table=, streamArn= and region=, not {unknown}")
        named = _first(query, "streamArn") or _first(query, "table")
        if named is None:
            raise ValueError("stream-records needs table= (a table name) or streamArn=")
        region = _first(query, "region")
        service = self.mock._running("stream_records")
        records = rendered_records(service.world, named, region=region)
        return {"Records": [record for _, record in records]}

    @_route("POST", "/chaos")
    def _start_chaos(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        names = ("seed", "splits", "throttles", "expiries", "serverErrors", "duplicates")
        _only(params, (*names, "table", "region"), "chaos")
        if "seed" not in params:
            raise ValueError('chaos needs "seed" (a whole number), e.g. {"seed": 7}')
        arguments = {_snake(name): value for name, value in params.items()}
        run = self.mock.chaos(**arguments)
        return {"seed": run.seed, "rates": run.rates, "table": run.table, "region": run.region}

    @_route("GET", "/chaos")
    def _chaos_events(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        service = self.mock._running("chaos")
        run = service.chaos
        events = [] if run is None else run.events
        return {
            "active": run is not None and run.active,
            "events": [
                {
                    "kind": e.kind,
                    "operation": e.operation,
                    "shardId": e.shard_id,
                    "requestIndex": e.request_index,
                }
                for e in events
            ],
        }

    @_route("DELETE", "/chaos")
    def _stop_chaos(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        run = self.mock._running("chaos").chaos
        if run is not None:
            run.stop()

    @_route("POST", "/check-consumed")
    def _check_consumed(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        _only(params, ("table", "streamArn", "region", "seen"), "check-consumed")
        named = params.get("streamArn") or params.get("table")
        if named is None or "seen" not in params:
            raise ValueError(
                'check-consumed needs "table" (or "streamArn") and "seen": the records the '
                "consumer processed, in GetRecords' shape, or their eventIDs"
            )
        service = self.mock._running("check_consumed")
        records = rendered_records(service.world, named, region=params.get("region"))
        wire = {record["eventID"]: record for _, record in records}
        report = self.mock._audit(records, params["seen"])  # rendered once, for both views

        def shown(listed: list[dict[str, Any]]) -> list[Any]:
            return [wire.get(record["eventID"], record) for record in listed]

        return {
            "ok": report.ok,
            "missing": shown(report.missing),
            "duplicated": shown(report.duplicated),
            "outOfOrder": shown(report.out_of_order),
            "unknown": report.unknown,
            "text": str(report),
        }

    @_route("POST", "/faults")
    def _add_fault(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        names = ("operation", "error", "times", "table", "shardId", "message")
        _only(params, names, "faults")
        for needed in ("operation", "error"):
            if needed not in params:
                raise ValueError(f'faults needs "{needed}"')
        fault = self.mock.faults.add(
            params["operation"],
            params["error"],
            times=params.get("times", 1),
            table=params.get("table"),
            shard_id=params.get("shardId"),
            message=params.get("message"),
        )
        return {"id": fault.id, "hits": fault.hits}

    @_route("GET", "/faults")
    def _list_faults(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        self.mock._running("faults")
        return {"faults": [fault_view(fault) for fault in self.mock.faults]}

    @_route("DELETE", "/faults")
    def _clear_faults(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        self.mock.faults.clear()

    @_route("POST", "/triggers")
    def _add_trigger(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        for needed in ("table", "url"):
            if needed not in params:
                raise ValueError(
                    f'triggers needs "{needed}" (and event source mapping parameters such as '
                    '"StartingPosition", spelled as in Lambda\'s API)'
                )
        parameters = {k: v for k, v in params.items() if k not in ("table", "url", "region")}
        trigger = self.mock.add_trigger(
            params["table"], params["url"], region=params.get("region"), **parameters
        )
        return {"uuid": trigger.uuid}

    @_route("GET", "/triggers")
    def _list_triggers(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        service = self.mock._running("triggers")
        return {"triggers": [trigger_view(trigger) for trigger in service.triggers]}

    @_route("DELETE", "/triggers/{uuid}")
    def _delete_trigger(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        service = self.mock._running("triggers")
        for trigger in service.triggers:
            if trigger.uuid == params["uuid"]:
                trigger.delete()
                return {"uuid": trigger.uuid, "state": trigger.state}
        known = ", ".join(t.uuid for t in service.triggers) or "none"
        raise ControlError(404, "NotFound", f"no trigger {params['uuid']!r}; triggers: {known}")

    @_route("POST", "/run-triggers")
    def _run_triggers(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        return {"invocations": len(self.mock.run_triggers())}

    @_route("POST", "/shutdown")
    def _shutdown_route(self, params: dict[str, Any], query: dict[str, list[str]]) -> Any:
        if self._shutdown is None:
            raise ControlError(
                409,
                "Conflict",
                "this server belongs to a test's mock (serve_http); stop it with server.stop()",
            )
        self._shutdown()
        return {"status": "stopping"}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _only(params: dict[str, Any], allowed: tuple[str, ...], route: str) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(f"{route} takes {', '.join(allowed)}; unknown: {', '.join(unknown)}")


def _parse_json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ControlError(400, "ValueError", f"the body is not JSON: {error}") from None
    if not isinstance(params, dict):
        raise ControlError(400, "ValueError", "the body must be a JSON object")
    return params


def _lambda_error(error: Exception) -> WireAnswer | None:
    response = getattr(error, "response", None)
    if not isinstance(response, dict) or "Error" not in response:
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
    code = response["Error"].get("Code", "ServiceException")
    message = response["Error"].get("Message", "")
    answer = json_answer(status, {"error": code, "message": message, "Type": "User"})
    answer.headers["x-amzn-ErrorType"] = code
    return answer
