"""Who sent an intercepted request: the reader the throttle counts.

In-process a reader is one client. botocore gives every client (and aiobotocore every
async client) its own HTTP session object, which is what interception sees, so the session
tells clients apart; a plain ``requests`` call has no client and counts by the access key
id it signs with.
"""

from __future__ import annotations

import itertools
import weakref

from ..service import Reader

_CLIENT_KIND = "client (one boto3 client or resource)"

_by_session: weakref.WeakKeyDictionary[object, Reader] = weakref.WeakKeyDictionary()
_numbers = itertools.count(1)


def reader_of_session(session: object) -> Reader:
    """The reader of every request sent through ``session`` (one client's HTTP session)."""
    found = _by_session.get(session)
    if found is None:
        found = _by_session.setdefault(session, Reader(f"client-{next(_numbers)}", _CLIENT_KIND))
    return found
