"""``MockServer``: one mock's world served over HTTP from a thread of this process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from ..service import Service
from .http import DoorSettings, HttpDoor, bind, is_loopback_host, serve_in_thread

if TYPE_CHECKING:
    from ..mock import MockStreams

#: Credentials for a child process: any key is accepted unless the server checks them.
CHILD_ACCESS_KEY_ID = "dynastream-child"
CHILD_SECRET_ACCESS_KEY = "dynastream-child"


class MockServer:
    """A mock's world answering HTTP on ``url`` until :meth:`stop` (or the mock stops).

    >>> from dynastream_mock import mock_streams
    >>> with mock_streams() as mock, mock.serve_http(port=0) as server:
    ...     server.url.startswith("http://127.0.0.1:"), server.env()["AWS_REGION"]
    (True, 'us-east-1')
    """

    def __init__(
        self,
        service: Service,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: DoorSettings | None = None,
        allow_remote: bool = False,
        mock: MockStreams | None = None,
        on_stop: Callable[[MockServer], None] | None = None,
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise ValueError(
                f"host={host!r} is not a loopback address: the server would be reachable "
                "from other machines; pass allow_remote=True if that is what you want"
            )
        #: The mock whose world this serves (its clock, faults and tools).
        self.mock = mock
        door_settings = settings if settings is not None else DoorSettings()
        #: The region of unsigned requests and of ``env()``.
        self.region = door_settings.region
        self._door: HttpDoor = bind(host, port, service, door_settings)
        self.host = host
        self.port: int = self._door.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}"
        self._stopped = threading.Event()
        self._on_stop = on_stop
        self._thread = serve_in_thread(self._door)

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    def env(self) -> dict[str, str]:
        """Environment variables that point a child process's AWS SDK or CLI here."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ENDPOINT_URL_DYNAMODB": self.url,
            "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.url,
            "AWS_ACCESS_KEY_ID": CHILD_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": CHILD_SECRET_ACCESS_KEY,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def stop(self) -> None:
        """Stop listening, finish requests in flight (at most 5 s), close every connection.

        Idempotent; the port can be bound again at once.
        """
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._door.close_all()
        self._thread.join(timeout=5.0)
        if self._on_stop is not None:
            self._on_stop(self)

    @property
    def netlocs(self) -> list[str]:
        """The ``host:port`` forms a client here may use to reach this server."""
        names = {self.host, "127.0.0.1", "localhost"} if self.host == "127.0.0.1" else {self.host}
        return sorted(f"{name}:{self.port}" for name in names)

    def __enter__(self) -> MockServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<MockServer {self.url} {'running' if self.running else 'stopped'}>"
