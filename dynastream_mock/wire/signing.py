"""What a request's SigV4 ``Authorization`` header says about its sender, and whether it
is signed as AWS would check it (server mode with ``--credentials``).

``AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, ...``: the
access key id tells readers apart, the credential scope names the region.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

from ..errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)


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


#: How far a signature's time may be from the server's wall clock (DynamoDB: 5 minutes).
MAX_SKEW = timedelta(minutes=5)
_ALGORITHM = "AWS4-HMAC-SHA256"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)


def verify_signature(
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, str],
    now: datetime,
) -> None:
    """Check a request's SigV4 signature as AWS does; raise AWS's error when it fails.

    ``target`` is the request's path and query as sent, ``headers`` its headers (names in
    any case; repeated ones joined with commas), ``body`` the bytes sent, ``secrets`` the
    secret of each access key id the server knows, ``now`` the wall clock (clients sign
    with theirs).
    """
    authorization = headers.get("Authorization") or ""
    if not authorization:
        raise MissingAuthenticationTokenException("Request is missing Authentication Token")
    fields = _authorization_fields(authorization)
    try:
        key_id, date, region, service, terminator = fields["Credential"].split("/")
        signed_headers = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError):
        raise IncompleteSignatureException(
            f"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
            f"parameters of the {_ALGORITHM} form. Authorization={authorization}"
        ) from None
    secret = secrets.get(key_id)
    if secret is None:
        raise UnrecognizedClientException("The security token included in the request is invalid.")
    amz_date = headers.get("X-Amz-Date") or ""
    try:
        signed_at = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:
        raise IncompleteSignatureException(
            "Date must be in ISO-8601 'basic format'. Got '"
            f"{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ) from None
    now_text = now.strftime(_AMZ_DATE)
    if signed_at < now - MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - MAX_SKEW).strftime(_AMZ_DATE)} ({now_text} - 5 min.)"
        )
    if signed_at > now + MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature not yet current: {amz_date} is still later than "
            f"{(now + MAX_SKEW).strftime(_AMZ_DATE)} ({now_text} + 5 min.)"
        )
    scope = f"{date}/{region}/{service}/{terminator}"
    expected = _signature(
        secret, scope, amz_date, _canonical_request(method, target, headers, signed_headers, body)
    )
    if date != amz_date[:8] or not hmac.compare_digest(expected, signature):
        raise InvalidSignatureException(_SIGNATURE_MISMATCH)


def _authorization_fields(authorization: str) -> dict[str, str]:
    algorithm, _, rest = authorization.partition(" ")
    if algorithm != _ALGORITHM:
        return {}
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    return fields


def _canonical_request(
    method: str, target: str, headers: Mapping[str, str], signed: list[str], body: bytes
) -> str:
    path, _, query = target.partition("?")
    pairs = sorted(
        (quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~"))
        for name, _, value in (item.partition("=") for item in query.split("&") if item)
    )
    canonical_query = "&".join(f"{name}={value}" for name, value in pairs)
    canonical_path = quote(unquote(path or "/"), safe="/-_.~")
    canonical_headers = "".join(
        f"{name}:{' '.join((headers.get(name) or '').split())}\n" for name in signed
    )
    payload = headers.get("X-Amz-Content-Sha256") or hashlib.sha256(body).hexdigest()
    return "\n".join(
        [method, canonical_path, canonical_query, canonical_headers, ";".join(signed), payload]
    )


def _signature(secret: str, scope: str, amz_date: str, canonical_request: str) -> str:
    to_sign = "\n".join(
        [_ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
