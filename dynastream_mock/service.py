"""The request pipeline: the one way every request takes, whichever door it came in by.

Interception (in-process) and the HTTP server are thin callers of :class:`Service`, which
owns a world, its clock, the faults and the triggers, and answers a request with a wire
answer: wire parse -> faults -> dispatch -> wire render.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .api.dispatch import dispatch
from .api.outside import OutsideFinder, no_outside_services
from .backend.readers import ANONYMOUS, Reader
from .backend.settings import Settings
from .backend.world import RegionWorld, World
from .chaos import Chaos
from .clock import Clock
from .errors import AwsError, InternalServerError
from .faults import Faults
from .partitions import partition_id
from .triggers import Trigger
from .wire.protocol import WireAnswer, serve_request
from .wire.signing import credential_of

__all__ = ["Reader", "Service", "reader_of_key", "reader_of_signature"]

_KEY_KIND = "access key id"

logger = logging.getLogger("dynastream_mock")


def _internal_error(error: BaseException) -> AwsError:
    # A bug in the mock must still reach the client as a well-formed AWS answer.
    logger.exception("dynastream_mock failed to answer a request", exc_info=error)
    return InternalServerError(
        f"dynastream_mock failed on this request ({type(error).__name__}: {error}); "
        "please report it"
    )


def reader_of_key(access_key_id: str) -> Reader:
    """The reader of every request signed with ``access_key_id`` (one consumer process)."""
    return Reader(f"key:{access_key_id}", _KEY_KIND)


def reader_of_signature(headers: Mapping[str, str | bytes]) -> Reader:
    """The reader of a request known only by its signature: its access key id."""
    credential = credential_of(headers)
    return reader_of_key("" if credential is None else credential.access_key_id)


class Service:
    """A world with its clock, faults and triggers, answering requests."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        faults: Faults,
        outside: OutsideFinder = no_outside_services,
    ) -> None:
        self.settings = settings
        #: Finds the services outside DynamoDB (S3) a request may reach, per request.
        self.outside = outside
        self.clock = clock
        self.faults = faults
        self.world = World(settings, clock, partition_id)
        #: The Lambda triggers, oldest first.
        self.triggers: list[Trigger] = []
        #: The chaos run in progress, if any (``mock.chaos``).
        self.chaos: Chaos | None = None

    def reset(self) -> None:
        """Empty everything a run accumulated (tables, streams, triggers, faults)."""
        self.faults._clear()
        self.triggers = []
        if self.chaos is not None:
            self.chaos.stop()
            self.chaos = None
        self.world = World(self.settings, self.clock, partition_id)

    def region(self, account_id: str | None, region: str) -> RegionWorld:
        """The world of one account (None: the default account) in one region."""
        return self.world.region(account_id or self.settings.account_id, region)

    def answer(
        self,
        service: str,
        region: str,
        account_id: str | None,
        headers: Mapping[str, str | bytes],
        body: bytes | str | None,
        reader: Reader = ANONYMOUS,
    ) -> WireAnswer:
        """Answer one JSON 1.0 request to ``service`` in ``region``, sent by ``reader``.

        ``account_id`` is the account the request names (an account-based host, or a
        12-digit access key over HTTP); None serves it in the default account.
        """
        world = self.region(account_id, region)
        faults = self.faults
        chaos = self.chaos if self.chaos is not None and self.chaos.active else None

        def run(operation: str, params: dict[str, Any]) -> dict[str, Any]:
            injected = faults._take(operation, params)
            if injected is None and chaos is not None and service == "dynamodbstreams":
                injected = chaos._before_request(world, operation, params)
            if injected is not None:
                raise injected
            return dispatch(world, service, operation, params, reader, self.outside)

        return serve_request(service, headers, body, run, _internal_error)

    def touch(self) -> None:
        """Run what became due everywhere (the clock moved)."""
        self.world.touch_all()
