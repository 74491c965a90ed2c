"""Shard iterators: opaque, tamper-evident tokens that carry their own position.

Nothing is stored per iterator, so keeping a hundred thousand of them costs no memory.
The token is ``<StreamArn>|1|<payload>.<mac>`` (spec, "Reading": AWS's iterators start with
the stream ARN and a version); the MAC is keyed per process, so an iterator that was not
issued here, or was altered, is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

_KEY = os.urandom(32)
_MAC_BYTES = 12
_MAC_TEXT_LEN = 16  # base64 of 12 bytes, no padding needed


@dataclass(frozen=True, slots=True)
class IteratorPosition:
    """Where an iterator reads next: records of ``shard_id`` with sequence >= ``position``."""

    stream_arn: str
    shard_id: str
    position: int
    issued_ms: int
    #: The shard's iterator generation at issue: expiring a shard's iterators (chaos) moves
    #: the shard's on, and every iterator of an older one has expired.
    generation: int = 0


class InvalidIterator(Exception):
    """The text is not an iterator this process issued."""


def _mac(message: bytes) -> str:
    digest = hmac.new(_KEY, message, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def encode_iterator(where: IteratorPosition) -> str:
    payload = f"{where.shard_id}|{where.position}|{where.issued_ms}|{where.generation}"
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    signed = f"{where.stream_arn}|1|{body}"
    return f"{signed}.{_mac(signed.encode())}"


def decode_iterator(token: str) -> IteratorPosition:
    """Read an iterator back; ``InvalidIterator`` when it is malformed or tampered with."""
    signed, dot, mac = token.rpartition(".")
    if not dot or len(mac) != _MAC_TEXT_LEN:
        raise InvalidIterator(token)
    if not hmac.compare_digest(mac, _mac(signed.encode())):
        raise InvalidIterator(token)
    arn, _, rest = signed.partition("|1|")
    try:
        payload = base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4)).decode()
        shard_id, position, issued, generation = payload.split("|")
        return IteratorPosition(arn, shard_id, int(position), int(issued), int(generation))
    except (ValueError, UnicodeDecodeError) as error:  # only reachable with a forged MAC
        raise InvalidIterator(token) from error
