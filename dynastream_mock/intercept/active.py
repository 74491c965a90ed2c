"""The active mocks and the environment they set up while active.

Each active mock puts its pipeline (a :class:`~dynastream_mock.service.Service`) on a
stack; the innermost one answers every intercepted request. The first one in installs the
interception and fake credentials, the last one out removes them, and the environment comes
back exactly as it was, whatever order the mocks stop in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from ..clock import Clock
from ..service import Reader, Service
from ..wire.protocol import WireAnswer
from . import backoff, install, uninstall
from .hosts import resolve_host
from .responder import host_of

#: Fake credentials while a mock is active, so no client signs with a real account's keys.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "dynastream-testing",
    "AWS_SECRET_ACCESS_KEY": "dynastream-testing",
    "AWS_SESSION_TOKEN": "dynastream-testing",
    "AWS_SECURITY_TOKEN": "dynastream-testing",
}
#: Hidden while a mock is active: an explicit profile can make botocore look for a profile
#: that is not there; a real account id would route requests to that account's hosts; an
#: expiry time would make botocore try to refresh the fake credentials.
HIDDEN_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCOUNT_ID",
    "AWS_CREDENTIAL_EXPIRATION",
)

_Environment = dict[str, "str | None"]


@dataclass(slots=True, eq=False)
class _Entry:
    owner: object
    service: Service
    #: The environment as it was before this entry's activation, to put back at the end.
    saved: _Environment | None


#: The active entries, oldest first; the last one answers.
_active: list[_Entry] = []
_lock = threading.Lock()


def activate(owner: object, service: Service) -> None:
    """Make ``service`` answer every intercepted request until ``deactivate(owner)``."""
    saved = _snapshot_environment()
    install(respond, clock_for)
    try:
        os.environ.update(FAKE_CREDENTIALS)
        for name in HIDDEN_VARIABLES:
            os.environ.pop(name, None)
        with _lock:
            _active.append(_Entry(owner, service, saved))
    except BaseException:
        try:
            _restore_environment(saved)
        finally:
            uninstall()
        raise


def deactivate(owner: object) -> bool:
    """Undo ``activate(owner, ...)``; False (and nothing done) when it is not active."""
    with _lock:
        position = next((i for i, e in enumerate(_active) if e.owner is owner), None)
        if position is None:
            return False
        saved = _active.pop(position).saved
        if position < len(_active):
            # An entry activated after this one saw the environment this one set up;
            # hand it ours so the last one out restores what came before both.
            _active[position].saved = saved
            saved = None
    try:
        if saved is not None:
            _restore_environment(saved)
    finally:
        uninstall()
    return True


def innermost_owner() -> object | None:
    """The owner of the innermost active service, or None."""
    with _lock:
        return _active[-1].owner if _active else None


def _innermost_service() -> Service | None:
    with _lock:
        return _active[-1].service if _active else None


def respond(
    url: str, headers: Mapping[str, str], body: bytes | str | None, reader: Reader
) -> WireAnswer | None:
    """The innermost service's answer to a request, or None when the URL is not ours."""
    destination = resolve_host(host_of(url))
    if destination is None:
        return None
    service = _innermost_service()
    if service is None:
        return None
    # A retry back-off after this answer advances this mock's clock instead of sleeping.
    backoff.note_answered(service.clock)
    return service.answer(
        destination.service,
        destination.region,
        destination.account_id,
        headers,
        body,
        reader,
    )


#: The clocks of this process's servers (``mock.serve_http``), by ``host:port``: a client
#: here that talks to one over HTTP backs off on that mock's clock, as in-process.
_served: dict[str, Clock] = {}


def note_served(netlocs: list[str], clock: Clock | None) -> None:
    """Register (or, with None, forget) the clock answering at each ``host:port``."""
    with _lock:
        for netloc in netlocs:
            if clock is None:
                _served.pop(netloc, None)
            else:
                _served[netloc] = clock


def clock_for(url: str) -> Clock | None:
    """The clock of the service that would answer ``url`` (None when the URL is not ours)."""
    host = host_of(url)
    served = _served.get(host)
    if served is not None:
        return served
    if resolve_host(host) is None:
        return None
    service = _innermost_service()
    return None if service is None else service.clock


def _snapshot_environment() -> _Environment:
    return {name: os.environ.get(name) for name in (*FAKE_CREDENTIALS, *HIDDEN_VARIABLES)}


def _restore_environment(saved: _Environment) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
