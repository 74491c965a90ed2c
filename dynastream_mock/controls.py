"""The control tools of an active mock: what a test does to the world besides requests.

``MockStreams`` inherits them; each delegates to the tools, the triggers or the pipeline,
and needs an active mock. One session shows them all:

>>> import boto3
>>> from dynastream_mock import mock_streams
>>> with mock_streams() as mock:
...     ddb = boto3.client("dynamodb", region_name="eu-west-1")
...     _ = ddb.create_table(
...         TableName="Users", BillingMode="PAY_PER_REQUEST",
...         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
...         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
...         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
...     seen = []
...     trigger = mock.add_trigger("Users", lambda event, context: seen.append(event),
...                                StartingPosition="TRIM_HORIZON")
...     _ = ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}})
...     children = mock.split_shard("Users")
...     _ = ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "v": {"N": "2"}})
...     events = [r["eventName"] for r in mock.stream_records("Users")]
...     outcomes = [invocation.ok for invocation in mock.run_triggers()]
>>> len(children), events, outcomes, len(seen)
(2, ['INSERT', 'MODIFY'], [True, True], 2)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import tools, triggers
from .api.records import as_boto3_record
from .audit import ConsumedReport, audit
from .chaos import DEFAULT_RATES, Chaos
from .intercept import active
from .server import MockServer
from .server.control import ControlApi
from .server.http import DoorSettings
from .service import Service
from .triggers import Invocation, Trigger, TriggerParameters

if TYPE_CHECKING:
    from typing_extensions import Unpack


class Controls:
    """The tool methods of ``MockStreams`` (see the module's example)."""

    _service: Service | None
    #: Servers ``serve_http`` started; they stop with the mock.
    _servers: list[MockServer]

    def _running(self, tool: str) -> Service:
        service = self._service
        if service is None:
            raise RuntimeError(f"{tool}() needs an active mock; start() {self!r} first")
        return service

    def serve_http(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        region: str = "us-east-1",
        allow_remote: bool = False,
    ) -> MockServer:
        """Serve this mock's world (not whichever mock is innermost) over HTTP.

        The server runs on a thread until ``server.stop()`` or this mock stops; ``port=0``
        picks a free port (``server.port``, ``server.url``); ``server.env()`` points a child
        process's SDK or CLI at it. ``region`` is that of unsigned requests and of
        ``env()``; a non-loopback ``host`` needs ``allow_remote=True``.
        """
        return self._serve(host, port, DoorSettings(region=region), allow_remote=allow_remote)

    def _serve(
        self,
        host: str,
        port: int,
        settings: DoorSettings,
        *,
        allow_remote: bool,
        shutdown: Callable[[], None] | None = None,
    ) -> MockServer:
        service = self._running("serve_http")
        if settings.control is None:
            settings.control = ControlApi(self, shutdown).answer  # type: ignore[arg-type]
        server = MockServer(
            service,
            host=host,
            port=port,
            settings=settings,
            allow_remote=allow_remote,
            mock=self,  # type: ignore[arg-type]  # Controls is only ever a MockStreams
            on_stop=lambda stopped: active.note_served(stopped.netlocs, None),
        )
        active.note_served(server.netlocs, service.clock)
        self._servers.append(server)
        return server

    def _stop_servers(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.stop()

    def reset(self) -> None:
        """Empty the world (tables, streams, triggers, faults); stay active; keep the clock."""
        self._running("reset").reset()

    def split_shard(
        self,
        table: str,
        shard_id: str | None = None,
        children: int = 2,
        *,
        region: str | None = None,
    ) -> list[str]:
        """Close one open shard (or all) of the table's stream and open ``children`` children.

        The children's hash ranges divide the parent's, so every key keeps a single
        successor and per-key order holds. Returns the new shard ids.
        """
        return tools.split_shard(
            self._running("split_shard").world, table, shard_id, children, region=region
        )

    def stream_records(
        self, table_or_arn: str, *, region: str | None = None
    ) -> list[dict[str, Any]]:
        """Every retained record of the stream, in the order a correct consumer sees them.

        Parents before children, each shard in sequence order, each record shaped as
        boto3's ``get_records()["Records"]``. Not a reader: the throttle never sees it.
        """
        return tools.stream_records(
            self._running("stream_records").world, table_or_arn, region=region
        )

    def chaos(
        self,
        seed: int,
        *,
        splits: float = DEFAULT_RATES["splits"],
        throttles: float = DEFAULT_RATES["throttles"],
        expiries: float = DEFAULT_RATES["expiries"],
        server_errors: float = DEFAULT_RATES["server_errors"],
        duplicates: float = DEFAULT_RATES["duplicates"],
        table: str | None = None,
        region: str | None = None,
    ) -> Chaos:
        """Run consumers through a reproducible storm from now on (see ``dynastream_mock.chaos``).

        Before each Streams request (and each trigger delivery) one ``random.Random(seed)``
        decides whether to split the request's open shard, throttle it, expire the shard's
        iterators or answer an internal error (and for triggers, deliver a succeeded batch
        again); each rate is a probability per request, 0 turns it off. ``table=`` and
        ``region=`` narrow it to one stream. A new run replaces one in progress.
        """
        service = self._running("chaos")
        run = Chaos(
            seed,
            splits=splits,
            throttles=throttles,
            expiries=expiries,
            server_errors=server_errors,
            duplicates=duplicates,
            table=table,
            region=region,
        )
        if service.chaos is not None:
            service.chaos.stop()
        service.chaos = run
        return run

    @property
    def active_chaos(self) -> Chaos | None:
        """The chaos run in progress, or None."""
        service = self._service
        if service is None or service.chaos is None or not service.chaos.active:
            return None
        return service.chaos

    def check_consumed(
        self, table_or_arn: str, seen: Iterable[object], *, region: str | None = None
    ) -> ConsumedReport:
        """Compare what a consumer processed with every record the stream retains now.

        ``seen`` holds the records it processed, as boto3 or a Lambda event gave them, or
        their eventIDs, in the order it processed them. The report lists what is missing,
        duplicated and out of order (a record processed before an earlier change of its
        key); ``report.ok`` for the assertion, ``str(report)`` to explain a failure.
        """
        world = self._running("check_consumed").world
        return self._audit(tools.rendered_records(world, table_or_arn, region=region), seen)

    def _audit(
        self, rendered: list[tuple[str, dict[str, Any]]], seen: Iterable[object]
    ) -> ConsumedReport:
        """The audit of ``seen`` against already rendered records (shard id, wire record)."""
        service = self._running("check_consumed")
        retained = [(shard_id, as_boto3_record(record)) for shard_id, record in rendered]
        events = service.chaos.events if service.chaos is not None else ()
        return audit(retained, seen, events)

    def add_trigger(
        self,
        table_or_stream_arn: str,
        handler: Callable[[dict[str, Any], Any], Any] | str,
        *,
        on_failure: Callable[[dict[str, Any]], Any] | None = None,
        region: str | None = None,
        **parameters: Unpack[TriggerParameters],
    ) -> Trigger:
        """Run ``handler`` on the stream as a Lambda event source mapping would.

        ``handler`` is a callable ``(event, context)``, or the URL of a function in another
        runtime: each invocation POSTs the event as JSON, a 2xx JSON body is the return value,
        and a non-2xx answer or an ``X-Amz-Function-Error`` header is a function error.

        ``parameters`` are CreateEventSourceMapping's that apply to DynamoDB Streams, spelled
        as in the Lambda API (``StartingPosition`` is required), with Lambda's defaults;
        values Lambda refuses raise ``botocore.exceptions.ClientError`` with Lambda's code and
        message. ``on_failure`` receives what an on-failure destination would. Nothing runs
        until ``run_triggers()``.
        """
        service = self._running("add_trigger")
        return triggers.add_trigger(
            service.world,
            service.triggers,
            table_or_stream_arn,
            handler,
            parameters=parameters,
            on_failure=on_failure,
            region=region,
        )

    def run_triggers(self) -> list[Invocation]:
        """Make every trigger invocation that is due, now, in this thread; return them.

        Stops when no trigger can make progress. A failing batch gets one attempt per call
        (each half of a bisected batch too), so a test can count retries.
        """
        service = self._running("run_triggers")
        chaos = service.chaos if service.chaos is not None and service.chaos.active else None
        duplicate = chaos._duplicate_delivery if chaos is not None else None
        return triggers.run_triggers(service.triggers, duplicate)
