"""moto's S3 as the outside-services port, while moto's ``mock_aws`` is active.

The port talks to moto the way a user's client does: a botocore S3 client, whose
requests moto answers in its ``before-send`` handler, in the account moto picks from the
credentials (the same fake ones the user's own clients sign with). Without an active
``mock_aws`` there is no port, so no request ever reaches the real S3.
"""

from __future__ import annotations

import sys
from typing import Any

import botocore.session
from botocore.exceptions import ClientError

from ..api.outside import NoSuchBucket, OutsideServices

_MOTO_MODELS = "moto.core.models"


def moto_active() -> bool:
    """Whether moto's ``mock_aws`` is active in this process (never imports moto)."""
    module = sys.modules.get(_MOTO_MODELS)
    stubber = getattr(module, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


class MotoS3:
    """An :class:`~dynastream_mock.api.outside.ObjectStore` on moto's S3."""

    def __init__(self, region: str) -> None:
        self._region = region
        self._client: Any = None

    def _s3(self) -> Any:
        if not moto_active():
            # Never let a request of ours reach the real S3.
            raise NoSuchBucket("moto's mock_aws is no longer active")
        if self._client is None:
            self._client = botocore.session.Session().create_client("s3", region_name=self._region)
        return self._client

    def _call(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self._s3(), operation)(**params)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
                raise NoSuchBucket(params.get("Bucket", "")) from error
            raise

    def put_object(self, bucket: str, key: str, body: bytes) -> str:
        return str(self._call("put_object", Bucket=bucket, Key=key, Body=body)["ETag"]).strip('"')

    def get_object(self, bucket: str, key: str) -> bytes:
        body: bytes = self._call("get_object", Bucket=bucket, Key=key)["Body"].read()
        return body

    def list_keys(self, bucket: str, prefix: str) -> list[str]:
        keys: list[str] = []
        token: str | None = None
        while True:
            extra = {} if token is None else {"ContinuationToken": token}
            page = self._call("list_objects_v2", Bucket=bucket, Prefix=prefix, **extra)
            keys += [entry["Key"] for entry in page.get("Contents", [])]
            token = page.get("NextContinuationToken")
            if not token:
                return keys


def moto_outside_services(region: str) -> OutsideServices | None:
    """moto's S3 while ``mock_aws`` is active; None otherwise."""
    if not moto_active():
        return None
    return OutsideServices(s3=MotoS3(region))
