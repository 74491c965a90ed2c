"""The HTTP front door: the standard library's threading HTTP server, on loopback.

A thin caller of the request pipeline, as interception is: it reads the request (keep-alive,
chunked bodies, a size cap), checks the Host, finds the service by ``X-Amz-Target``, the
region by the SigV4 scope and the account and reader by the access key id, and writes the
pipeline's answer back unchanged. The control API under ``/_dynastream/`` is routed to
``control.py``.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..errors import AwsError, MissingAuthenticationToken, RequestEntityTooLargeException
from ..service import Service, reader_of_key
from ..wire.protocol import (
    MAX_REQUEST_BYTES,
    WireAnswer,
    http_date,
    render,
    render_error,
    service_of_target,
)
from ..wire.signing import credential_of, verify_signature

#: A keep-alive connection that sends nothing for this long is closed.
IDLE_TIMEOUT_S = 60.0
#: On stop, requests already being answered get this long to finish.
DRAIN_TIMEOUT_S = 5.0
CONTROL_PREFIX = "/_dynastream/"
_UNSIGNED = MissingAuthenticationToken(
    "Request must contain either a valid (registered) AWS access key ID or X.509 certificate."
)

#: Answers a control request: (method, path with query, body) -> answer.
ControlHandler = Callable[[str, str, bytes], WireAnswer]
#: What the AWS SDK for JavaScript sends from a browser, so preflights may allow it.
_CORS_REQUEST_HEADERS = (
    "amz-sdk-invocation-id, amz-sdk-request, authorization, content-encoding, content-type, "
    "x-amz-content-sha256, x-amz-date, x-amz-security-token, x-amz-target, x-amz-user-agent"
)
_CORS_EXPOSED_HEADERS = "x-amzn-RequestId, x-amz-crc32, x-amzn-ErrorType, Date"


@dataclass
class DoorSettings:
    """How the door admits requests (the command's flags)."""

    #: The region of unsigned requests (a signed one names its own).
    region: str = "us-east-1"
    #: Host names accepted beside the loopback ones (DNS rebinding protection).
    allowed_hosts: frozenset[str] = frozenset()
    #: Origins allowed to call the control API and to get CORS answers.
    cors_origins: frozenset[str] = frozenset()
    #: The secret of each access key id (``--credentials``): when given, every AWS request's
    #: SigV4 signature is verified as AWS verifies it; when empty, any signature passes.
    credentials: Mapping[str, str] = field(default_factory=dict)
    control: ControlHandler | None = field(default=None, repr=False)


@functools.lru_cache(maxsize=256)
def is_loopback_host(host: str) -> bool:
    """``localhost``, ``*.localhost``, 127.0.0.0/8 or ::1 (a Host header, port removed)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):  # [::1]:8000
        return host_header[: host_header.find("]") + 1]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _plain(status: int, text: str) -> WireAnswer:
    body = (text + "\n").encode()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
    return WireAnswer(status, headers, body)


class _RequestHeaders(Mapping[str, str]):
    """A request's headers by lower-case name (repeats joined with commas, as HTTP allows);
    looked up in any case, as the pipeline and the signature check read them."""

    __slots__ = ("_by_name",)

    def __init__(self, by_name: dict[str, str]) -> None:
        self._by_name = by_name

    def __getitem__(self, name: str) -> str:
        return self._by_name[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:
        return self._by_name.get(name.lower(), default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


_MAX_HEADER_LINE = 65536
_MAX_HEADERS = 100


class _BodyTooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dynastream-mock"
    sys_version = ""
    timeout = IDLE_TIMEOUT_S
    # Without it each answer waits for the client's delayed ACK (Nagle): about 40 ms.
    disable_nagle_algorithm = True
    server: HttpDoor

    def parse_request(self) -> bool:
        # The standard library parses headers with the e-mail parser, a large share of a
        # small request's time; HTTP needs only name: value lines.
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")  # type: ignore[attr-defined]
        self.requestline = line
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            self.close_connection = True
            self.command, self.request_version = "", "HTTP/1.0"  # an answer with a status line
            self.send_error(400, f"Bad request line {line!r}")
            return False
        self.command, self.path, self.request_version = parts
        by_name: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            raw = self.rfile.readline(_MAX_HEADER_LINE + 1)
            if len(raw) > _MAX_HEADER_LINE:
                self.close_connection = True
                self.send_error(431, "A header line is too long")
                return False
            if raw in (b"\r\n", b"\n", b""):
                break
            name, colon, value = raw.decode("iso-8859-1").partition(":")
            if not colon:
                self.close_connection = True
                self.send_error(400, f"Bad header line {raw[:100]!r}")
                return False
            key = name.strip().lower()
            value = value.strip()
            by_name[key] = f"{by_name[key]}, {value}" if key in by_name else value
        else:
            self.close_connection = True
            self.send_error(431, "Too many headers")
            return False
        self.headers = _RequestHeaders(by_name)  # type: ignore[assignment]
        connection = by_name.get("connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive"
        )
        if by_name.get("expect", "").lower() == "100-continue":
            return self.handle_expect_100()
        return True

    def handle_one_request(self) -> None:
        # Busy from a parsed request line (see _handle) to its answer; idle in between.
        try:
            super().handle_one_request()
        finally:
            self.server.busy(self, False)

    def do_POST(self) -> None:
        self._handle()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a test run's output is the tests'; errors reach clients as answers

    def _handle(self) -> None:
        self.server.busy(self, True)
        settings = self.server.settings
        host = _host_name(self.headers.get("Host") or "")
        if not is_loopback_host(host) and host.lower() not in settings.allowed_hosts:
            self._send_plain(403, f"Host {host!r} is not allowed; start with --allow-host {host}")
            return
        try:
            body = self._read_body()
        except _BodyTooLarge as too_large:
            self.close_connection = True  # the rest of the body is never read
            self._send(
                render_error(
                    RequestEntityTooLargeException(
                        f"Request size {too_large.size} bytes exceeds the limit of "
                        f"{MAX_REQUEST_BYTES} bytes"
                    )
                )
            )
            return
        origin = self.headers.get("Origin")
        cors = origin is not None and origin in settings.cors_origins
        if self.command == "OPTIONS" and cors:
            self._send(self._dated(self._preflight()), cors=cors)
            return
        is_control = self.path.startswith(CONTROL_PREFIX) or self.path.split("?")[0].rstrip(
            "/"
        ) == CONTROL_PREFIX.rstrip("/")
        if is_control:
            self._send(self._dated(self._answer_control(origin, cors, body)), cors=cors)
            return
        if self.command != "POST":
            self._send(self._dated(render_error(_UNSIGNED)), cors=cors)
            return
        self._send(self._answer_aws(body), cors=cors)

    def _answer_control(self, origin: str | None, cors: bool, body: bytes) -> WireAnswer:
        control = self.server.settings.control
        if origin is not None and not cors:
            # A web page must not steer or reset the world (CSRF): only --cors origins may.
            return _plain(403, f"Origin {origin!r} may not use the control API; see --cors")
        if self.command == "POST":
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type.lower() != "application/json":
                return _plain(
                    415,
                    "control POSTs take Content-Type: application/json "
                    f"(got {content_type or 'none'!r})",
                )
        if control is None:
            return _plain(404, "no control API on this server")
        return control(self.command, self.path, body)

    def _preflight(self) -> WireAnswer:
        asked = self.headers.get("Access-Control-Request-Headers")
        headers = {
            "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
            "Access-Control-Allow-Headers": asked or _CORS_REQUEST_HEADERS,
            "Access-Control-Max-Age": "600",
            "Content-Length": "0",
        }
        return WireAnswer(204, headers, b"")

    def _answer_aws(self, body: bytes) -> WireAnswer:
        headers: Any = self.headers
        secrets = self.server.settings.credentials
        if secrets:
            try:
                verify_signature(
                    self.command, self.path, headers, body, secrets, datetime.now(timezone.utc)
                )
            except AwsError as refused:
                return self._dated(render_error(refused))
        credential = credential_of(headers)
        key = "" if credential is None else credential.access_key_id
        region = (credential.region if credential else None) or self.server.settings.region
        account = key if len(key) == 12 and key.isdigit() else None
        target = headers.get("X-Amz-Target") or ""
        service = service_of_target(target) or "dynamodb"
        answer = self.server.service.answer(
            service, region, account, headers, body, reader_of_key(key)
        )
        if answer.status == 200 and target.endswith(".DescribeEndpoints"):
            # Per door: the endpoint a client here should use is this server.
            address = headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
            endpoints = {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}
            answer = self._dated(render(200, endpoints))
        return answer

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise _BodyTooLarge(length)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                if total > MAX_REQUEST_BYTES:
                    # Read to the end (up to twice the limit) before answering 413, so the
                    # client is not cut off mid-send and gets the answer, not a broken pipe.
                    raise _BodyTooLarge(total)
                return b"".join(parts)
            total += size
            if total > 2 * MAX_REQUEST_BYTES:
                raise _BodyTooLarge(total)
            chunk = self.rfile.read(size)
            if total <= MAX_REQUEST_BYTES:
                parts.append(chunk)
            self.rfile.readline(1024)  # the CRLF after each chunk

    @staticmethod
    def _dated(answer: WireAnswer) -> WireAnswer:
        answer.headers["Date"] = http_date()
        return answer

    def _send_plain(self, status: int, text: str) -> None:
        self._send(self._dated(_plain(status, text)))

    def _send(self, answer: WireAnswer, *, cors: bool = False) -> None:
        # One write per answer: status line, headers and body leave in one segment.
        reason = self.responses.get(answer.status, ("",))[0]
        lines = [f"HTTP/1.1 {answer.status} {reason}", f"Server: {self.server_version}"]
        lines += [f"{name}: {value}" for name, value in answer.headers.items()]
        if cors:
            lines.append(f"Access-Control-Allow-Origin: {self.headers.get('Origin')}")
            lines.append(f"Access-Control-Expose-Headers: {_CORS_EXPOSED_HEADERS}")
            lines.append("Vary: Origin")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + answer.body)


class HttpDoor(ThreadingHTTPServer):
    """The listening socket and its connection threads (daemon threads, tracked)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    # Threads are tracked here, not by ThreadingMixIn: idle keep-alive ones are closed.
    block_on_close = False

    def __init__(self, address: tuple[str, int], service: Service, settings: DoorSettings):
        self.service = service
        self.settings = settings
        self._connections: dict[socket.socket, bool] = {}  # socket -> answering now
        self._handlers: dict[_Handler, socket.socket] = {}
        self._guard = threading.Condition()
        self._connection_threads: set[threading.Thread] = set()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), daemon=True
        )
        with self._guard:
            self._connections[request] = False
            self._connection_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            pass  # a client that hung up mid-request
        finally:
            self.shutdown_request(request)
            with self._guard:
                self._connections.pop(request, None)
                self._connection_threads.discard(threading.current_thread())
                self._guard.notify_all()

    def busy(self, handler: _Handler, answering: bool) -> None:
        # Twice per request: one dict store (atomic under the GIL), no lock, no wake-up;
        # close_all polls while it drains.
        connection = handler.connection
        if connection in self._connections:
            self._connections[connection] = answering

    def close_all(self, drain_s: float = DRAIN_TIMEOUT_S) -> None:
        """Stop listening, let requests in flight finish (up to ``drain_s``), close all."""
        self.shutdown()
        self.server_close()
        deadline = time.monotonic() + drain_s
        while any(list(self._connections.values())) and time.monotonic() < deadline:
            time.sleep(0.005)
        with self._guard:
            for connection in list(self._connections):
                _hang_up(connection)
            threads = list(self._connection_threads)
        for thread in threads:
            thread.join(timeout=1.0)


def _hang_up(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already gone
        connection.shutdown(socket.SHUT_RDWR)


def bind(host: str, port: int, service: Service, settings: DoorSettings) -> HttpDoor:
    """A door listening on ``host:port`` (0: a free port), not yet serving."""
    return HttpDoor((host, port), service, settings)


def serve_in_thread(door: HttpDoor, name: str = "dynastream-mock-server") -> threading.Thread:
    thread = threading.Thread(
        target=door.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    return thread


__all__ = [
    "CONTROL_PREFIX",
    "DoorSettings",
    "HttpDoor",
    "bind",
    "is_loopback_host",
    "serve_in_thread",
]
