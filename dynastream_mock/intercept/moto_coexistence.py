"""Living beside moto's ``mock_aws``: DynamoDB and Streams from us, the rest from moto.

moto answers in a ``before-send`` handler, which botocore calls before it would send
anything, and which it calls even when another handler has answered: so moto must be told
to pass our hosts on, or it would both answer and change its own state. While a mock of
ours is active, moto's stubber lets every request for a host of ours through to the send,
where we answer it. moto is only touched if the user's process has imported it already
(``mock_aws`` cannot be active otherwise); nothing is imported here.
"""

from __future__ import annotations

import sys
from typing import Any

from .hosts import resolve_host
from .responder import host_of

_STUBBER_MODULE = "moto.core.botocore_stubber"
_patched: tuple[Any, Any] | None = None


def install() -> None:
    global _patched
    module = sys.modules.get(_STUBBER_MODULE)
    stubber_class = getattr(module, "BotocoreStubber", None)
    if stubber_class is None:
        return
    original = stubber_class.__call__

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if resolve_host(host_of(request.url)) is not None:
            return None  # ours: let botocore send it, where dynastream_mock answers
        return original(self, event_name, request, **kwargs)

    __call__.__wrapped__ = original  # type: ignore[attr-defined]
    stubber_class.__call__ = __call__
    _patched = (stubber_class, original)


def uninstall() -> None:
    global _patched
    if _patched is not None:
        stubber_class, original = _patched
        stubber_class.__call__ = original
        _patched = None
