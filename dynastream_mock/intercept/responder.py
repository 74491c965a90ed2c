"""What interception hands a request to: URL, headers, body and the sender's reader in, wire
answer (or None: not ours) out."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..service import Reader
from ..wire.protocol import WireAnswer

#: ``responder(url, headers, body, reader)``: the answer, or None when the URL is not ours.
Responder = Callable[[str, Mapping[str, str], "bytes | str | None", Reader], "WireAnswer | None"]


def host_of(url: str) -> str:
    """The lower-case host (with any port) of an absolute URL, without parsing all of it."""
    rest = url.partition("://")[2]
    return rest.split("/", 1)[0].split("?", 1)[0].lower()
