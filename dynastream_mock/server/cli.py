"""``dynastream-mock serve``: the world over HTTP, for clients in any language.

Also ``python -m dynastream_mock serve``. Prints one line, ``dynastream-mock listening on
URL``, once the server answers; SIGTERM or SIGINT stops it gracefully (exit 0).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .. import __version__
from ..options import DEFAULTS
from .http import DoorSettings, is_loopback_host

_DESCRIPTION = """\
Serve an in-memory DynamoDB and DynamoDB Streams over HTTP on one port, with every stream
behaviour of dynastream_mock: shards that split and roll over, trimming, iterator expiry,
the reader throttle, a virtual clock you steer through the control API (/_dynastream/).
State lives in memory only: nothing persists across restarts."""

_EPILOG = """\
examples:
  dynastream-mock serve --port 8000
  dynastream-mock serve --port 0 --port-file /tmp/ddb.port --partitions 2
  AWS_ENDPOINT_URL=http://127.0.0.1:8000 aws dynamodb list-tables

durations are seconds; "none" turns a limit off where the option allows it."""


def _none_or(kind: type) -> Any:
    def parse(text: str) -> Any:
        if text.lower() == "none":
            return None
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'} or none, got {text!r}"
            ) from None

    return parse


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None


def _credential(text: str) -> tuple[str, str]:
    key, separator, secret = text.partition(":")
    if not separator or not key or not secret:
        raise argparse.ArgumentTypeError(f"expected KEY:SECRET, got {text!r}")
    return key, secret


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dynastream-mock",
        description="An in-memory fake of DynamoDB and DynamoDB Streams.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve DynamoDB and DynamoDB Streams over HTTP",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = serve.add_argument_group("where it listens")
    where.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    where.add_argument(
        "--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)"
    )
    where.add_argument(
        "--port-file", type=Path, metavar="PATH", help="write the port here once it answers"
    )
    where.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not a loopback address (reachable from other machines)",
    )
    where.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="accept requests whose Host is NAME besides loopback names (repeatable)",
    )
    where.add_argument(
        "--cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="answer CORS for ORIGIN (e.g. http://localhost:3000), which may then also use "
        "the control API (repeatable); off by default",
    )
    where.add_argument(
        "--credentials",
        action="append",
        default=[],
        type=_credential,
        metavar="KEY:SECRET",
        help="verify every request's SigV4 signature against these keys, as AWS does "
        "(repeatable); without it any signature is accepted",
    )
    where.add_argument(
        "--region",
        default="us-east-1",
        help="region of unsigned requests; signed ones name theirs (default %(default)s)",
    )

    world = serve.add_argument_group("the world (the options of mock_streams)")
    world.add_argument(
        "--partitions",
        type=int,
        default=DEFAULTS["partitions"],
        help="open shards of each new table (default 1)",
    )
    world.add_argument(
        "--max-readers-per-shard",
        type=_none_or(int),
        default=DEFAULTS["max_readers_per_shard"],
        metavar="N|none",
        help="readers allowed on one shard at once; none turns the throttle off (default 2)",
    )
    world.add_argument(
        "--reader-idle", type=_seconds, default=DEFAULTS["reader_idle"], metavar="SECONDS"
    )
    world.add_argument(
        "--shard-rollover",
        type=_none_or(float),
        default=DEFAULTS["shard_rollover"],
        metavar="SECONDS|none",
    )
    world.add_argument(
        "--retention", type=_seconds, default=DEFAULTS["retention"], metavar="SECONDS"
    )
    world.add_argument(
        "--iterator-ttl", type=_seconds, default=DEFAULTS["iterator_ttl"], metavar="SECONDS"
    )
    world.add_argument(
        "--transitions", type=_seconds, default=DEFAULTS["transitions"], metavar="SECONDS"
    )
    world.add_argument("--account-id", default=DEFAULTS["account_id"], metavar="DIGITS")
    world.add_argument(
        "--replication-delay",
        type=_seconds,
        default=DEFAULTS["replication_delay"],
        metavar="SECONDS",
    )
    world.add_argument(
        "--freeze-clock", action="store_true", help="start with the virtual clock frozen"
    )
    return parser


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in DEFAULTS}


def serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..mock import MockStreams

    if not args.allow_remote and not is_loopback_host(args.host):
        parser.error(
            f"--host {args.host} is not a loopback address: other machines could reach the "
            "server; add --allow-remote if that is what you want"
        )
    try:
        mock = MockStreams(**_options(args))
    except (TypeError, ValueError) as bad:
        parser.error(str(bad))
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    mock.start()
    try:
        if args.freeze_clock:
            mock.clock.freeze()
        settings = DoorSettings(
            region=args.region,
            allowed_hosts=frozenset(name.lower() for name in args.allow_host),
            cors_origins=frozenset(args.cors),
            credentials=dict(args.credentials),
        )
        try:
            server = mock._serve(
                args.host,
                args.port,
                settings,
                allow_remote=args.allow_remote,
                shutdown=stopping.set,
            )
        except OSError as error:
            print(
                f"dynastream-mock: cannot listen on {args.host}:{args.port}: {error}",
                file=sys.stderr,
            )
            return 1
        if args.port_file is not None:
            args.port_file.write_text(f"{server.port}\n")
        print(f"dynastream-mock listening on {server.url}", flush=True)
        while not stopping.wait(0.5):
            pass
        server.stop()
        return 0
    finally:
        mock.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args, parser)
    parser.error(f"unknown command {args.command!r}")  # argparse refuses it first


if __name__ == "__main__":
    sys.exit(main())
