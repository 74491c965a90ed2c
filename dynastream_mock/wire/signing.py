"""What a request's SigV4 ``Authorization`` header says about its sender.

``AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, ...``: the
access key id tells readers apart, the credential scope names the region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Credential:
    access_key_id: str
    region: str | None
    service: str | None


def credential_of(headers: Mapping[str, str | bytes]) -> Credential | None:
    """The credential a request signs with; None when it is not SigV4-signed."""
    authorization = headers.get("Authorization") or ""
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    _, found, rest = authorization.partition("Credential=")
    if not found:
        return None
    scope = rest.split(",", 1)[0].strip().split("/")
    region = scope[2] if len(scope) >= 5 and scope[2] else None
    service = scope[3] if len(scope) >= 5 and scope[3] else None
    return Credential(scope[0], region, service)
