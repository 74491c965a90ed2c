"""``RemoteMock``: the control tools of a mock served elsewhere, over its control API.

The names are the in-process ones; an error comes back as the exception the tool raised
there (``ValueError``, ``TypeError``, ``RuntimeError``, or Lambda's ``ClientError``), with its
message.

>>> from dynastream_mock import RemoteMock, mock_streams
>>> with mock_streams() as mock, mock.serve_http() as server:
...     remote = RemoteMock(server.url)
...     remote.clock.freeze()
...     remote.clock.advance(minutes=16)
...     remote.health()["status"]
'ready'
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from .api.records import as_boto3_record
from .chaos import ChaosEvent

_TIMEOUT_S = 30.0
_EXCEPTIONS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "TypeError": TypeError,
    "RuntimeError": RuntimeError,
}


class RemoteMock:
    """A client of the control API of the server at ``url`` (``dynastream-mock serve``)."""

    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"RemoteMock needs the server's http:// URL, got {url!r}")
        self.url = url.rstrip("/")
        #: The server's virtual clock: ``now``, ``frozen``, ``freeze``, ``unfreeze``,
        #: ``advance``.
        self.clock = RemoteClock(self)
        #: The server's fault list: ``add`` (a fault whose ``hits`` is read live), ``clear``.
        self.faults = RemoteFaults(self)

    def _call(self, method: str, route: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.url}/_dynastream/{route}",
            data=data if method != "GET" else None,
            method=method,
            headers={"Content-Type": "application/json"} if method != "GET" else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:
                body = answer.read()
        except urllib.error.HTTPError as failed:
            raise _error_of(failed) from None
        return json.loads(body) if body.strip() else {}

    # -- the tools ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``{"status": "ready", "version": ...}`` once the server answers."""
        result: dict[str, Any] = self._call("GET", "health")
        return result

    def reset(self) -> None:
        """Empty the world (tables, streams, triggers, faults); keep the clock."""
        self._call("POST", "reset", {})

    def split_shard(
        self,
        table: str,
        shard_id: str | None = None,
        children: int = 2,
        *,
        region: str | None = None,
    ) -> list[str]:
        """Split one open shard (or all) of the table's stream; the new shard ids."""
        payload: dict[str, Any] = {"table": table, "children": children}
        if shard_id is not None:
            payload["shardId"] = shard_id
        if region is not None:
            payload["region"] = region
        shard_ids: list[str] = self._call("POST", "split-shard", payload)["shardIds"]
        return shard_ids

    def stream_records(
        self, table_or_arn: str, *, region: str | None = None
    ) -> list[dict[str, Any]]:
        """Every retained record, in consumer order, shaped as boto3's ``get_records``."""
        name = "streamArn" if table_or_arn.startswith("arn:") else "table"
        query = {name: table_or_arn, **({"region": region} if region else {})}
        records = self._call("GET", f"stream-records?{urlencode(query)}")["Records"]
        return [as_boto3_record(record) for record in records]

    def add_trigger(
        self, table: str, url: str, *, region: str | None = None, **parameters: Any
    ) -> str:
        """Map the function at ``url`` to the table's stream; returns the mapping's UUID."""
        payload: dict[str, Any] = {"table": table, "url": url, **parameters}
        if region is not None:
            payload["region"] = region
        uuid: str = self._call("POST", "triggers", payload)["uuid"]
        return uuid

    def triggers(self) -> list[dict[str, Any]]:
        """Every trigger: ``uuid``, ``table``, ``url``, ``state``, ``invocations``."""
        listed: list[dict[str, Any]] = self._call("GET", "triggers")["triggers"]
        return listed

    def delete_trigger(self, uuid: str) -> None:
        self._call("DELETE", f"triggers/{uuid}")

    def run_triggers(self) -> int:
        """Deliver what is due to every trigger; how many invocations ran."""
        count: int = self._call("POST", "run-triggers", {})["invocations"]
        return count

    def chaos(self, seed: int, **rates: Any) -> RemoteChaos:
        """``mock.chaos`` on the server (``splits=``, ``throttles=``, ``expiries=``,
        ``server_errors=``, ``duplicates=``, ``table=``, ``region=``)."""
        names = {"server_errors": "serverErrors"}
        payload = {"seed": seed, **{names.get(k, k): v for k, v in rates.items()}}
        self._call("POST", "chaos", payload)
        return RemoteChaos(self)

    def check_consumed(
        self, table_or_arn: str, seen: list[Any], *, region: str | None = None
    ) -> RemoteReport:
        """``mock.check_consumed`` on the server: ``seen`` holds records in GetRecords'
        wire shape (as a Node or Java consumer has them) or their eventIDs."""
        name = "streamArn" if table_or_arn.startswith("arn:") else "table"
        payload: dict[str, Any] = {name: table_or_arn, "seen": seen}
        if region is not None:
            payload["region"] = region
        return RemoteReport(self._call("POST", "check-consumed", payload))

    def shutdown(self) -> None:
        """Stop a server started by ``dynastream-mock serve``."""
        self._call("POST", "shutdown", {})

    def __repr__(self) -> str:
        return f"RemoteMock({self.url!r})"


class RemoteChaos:
    """A chaos run on a remote mock: ``events`` (read live) and ``stop()``."""

    def __init__(self, remote: RemoteMock) -> None:
        self._remote = remote

    @property
    def events(self) -> list[ChaosEvent]:
        listed = self._remote._call("GET", "chaos")["events"]
        return [
            ChaosEvent(e["kind"], e["operation"], e["shardId"], e["requestIndex"]) for e in listed
        ]

    def stop(self) -> None:
        self._remote._call("DELETE", "chaos")


class RemoteReport:
    """A remote ``check_consumed`` report: ``ok``, the lists (records in GetRecords' wire
    shape) and ``str()`` with the server's explanation."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.ok: bool = bool(answer["ok"])
        self.missing: list[dict[str, Any]] = answer["missing"]
        self.duplicated: list[dict[str, Any]] = answer["duplicated"]
        self.out_of_order: list[dict[str, Any]] = answer["outOfOrder"]
        self.unknown: list[dict[str, Any]] = answer["unknown"]
        self._text: str = answer["text"]

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self._text


class RemoteClock:
    """The virtual clock of a remote mock."""

    def __init__(self, remote: RemoteMock) -> None:
        self._remote = remote

    def now(self) -> datetime:
        return datetime.fromisoformat(self._remote._call("GET", "clock")["now"])

    @property
    def frozen(self) -> bool:
        return bool(self._remote._call("GET", "clock")["frozen"])

    def freeze(self) -> None:
        self._remote._call("POST", "clock/freeze", {})

    def unfreeze(self) -> None:
        self._remote._call("POST", "clock/unfreeze", {})

    def advance(
        self,
        delta: timedelta | float | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
        milliseconds: float = 0,
    ) -> None:
        """Move virtual time forward: a timedelta or number of seconds, or keyword units."""
        if isinstance(delta, timedelta):
            seconds += delta.total_seconds()
        elif delta is not None:
            seconds += delta
        units = {
            "days": days,
            "hours": hours,
            "minutes": minutes,
            "seconds": seconds,
            "milliseconds": milliseconds,
        }
        self._remote._call("POST", "clock/advance", {k: v for k, v in units.items() if v})


class RemoteFault:
    """A fault on a remote mock; ``hits`` asks the server each time it is read."""

    def __init__(self, remote: RemoteMock, fault_id: str) -> None:
        self._remote = remote
        self.id = fault_id

    @property
    def hits(self) -> int:
        for fault in self._remote._call("GET", "faults")["faults"]:
            if fault["id"] == self.id:
                return int(fault["hits"])
        raise ValueError(f"fault {self.id!r} is gone (faults.clear() or reset() removed it)")

    def __repr__(self) -> str:
        return f"<RemoteFault {self.id}>"


class RemoteFaults:
    """The fault list of a remote mock."""

    def __init__(self, remote: RemoteMock) -> None:
        self._remote = remote

    def add(
        self,
        operation: str,
        error: str,
        *,
        times: int = 1,
        table: str | None = None,
        shard_id: str | None = None,
        message: str | None = None,
    ) -> RemoteFault:
        payload: dict[str, Any] = {"operation": operation, "error": error, "times": times}
        for name, value in (("table", table), ("shardId", shard_id), ("message", message)):
            if value is not None:
                payload[name] = value
        return RemoteFault(self._remote, self._remote._call("POST", "faults", payload)["id"])

    def clear(self) -> None:
        self._remote._call("DELETE", "faults")

    def list(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = self._remote._call("GET", "faults")["faults"]
        return listed


def _error_of(failed: urllib.error.HTTPError) -> Exception:
    body = failed.read()
    try:
        answer = json.loads(body)
    except ValueError:
        return RuntimeError(f"the server answered HTTP {failed.code}: {body[:300]!r}")
    kind = answer.get("error", "")
    message = answer.get("message", "")
    if kind in _EXCEPTIONS:
        return _EXCEPTIONS[kind](message)
    if "Type" in answer:  # Lambda's error body: raise it as boto3's lambda client would
        response = {
            "Error": {"Code": kind, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": failed.code},
        }
        error: Exception = ClientError(response, "CreateEventSourceMapping")
        return error
    return RuntimeError(f"the server answered HTTP {failed.code}: {kind}: {message}")
