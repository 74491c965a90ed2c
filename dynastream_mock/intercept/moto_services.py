"""moto's S3 and Kinesis as the outside-services port, while moto's ``mock_aws`` is active.

The port talks to moto the way a user's client does: a botocore S3 or Kinesis client, whose
requests moto answers in its ``before-send`` handler, in the account moto picks from the
credentials (the same fake ones the user's own clients sign with). Without an active
``mock_aws`` there is no port, so no request ever reaches the real S3 or Kinesis.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from ..api.outside import NoSuchBucket, OutsideServices, StreamUnavailable

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


class _KinesisClients:
    """One botocore Kinesis client per region and access key, made once.

    Kinesis records are put after every write request while a destination is active, so
    making a client (tens of milliseconds with a new botocore session) each time would
    slow every write; a new access key (a new mock's fake credentials) gets new clients.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, botocore.session.Session] = {}
        self._clients: dict[tuple[str, str], Any] = {}

    def get(self, region: str) -> Any:
        access_key = os.environ.get("AWS_ACCESS_KEY_ID", "")
        client = self._clients.get((region, access_key))
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get((region, access_key))
            if client is None:
                session = self._sessions.get(access_key)
                if session is None:
                    session = self._sessions[access_key] = botocore.session.Session()
                client = session.create_client("kinesis", region_name=region)
                self._clients[(region, access_key)] = client
            return client


_KINESIS_CLIENTS = _KinesisClients()


class MotoKinesis:
    """A :class:`~dynastream_mock.api.outside.RecordStreams` on moto's Kinesis."""

    def __init__(self, region: str) -> None:
        self._region = region

    def _kinesis(self) -> Any:
        if not moto_active():
            # Never let a request of ours reach the real Kinesis.
            raise StreamUnavailable("moto's mock_aws is no longer active")
        return _KINESIS_CLIENTS.get(self._region)

    def stream_status(self, stream_arn: str) -> str | None:
        try:
            summary = self._kinesis().describe_stream_summary(StreamARN=stream_arn)
        except (StreamUnavailable, BotoCoreError):
            # No moto any more, or an ARN botocore itself refuses: no usable stream.
            return None
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return None
            raise
        return str(summary["StreamDescriptionSummary"]["StreamStatus"])

    def put_record(self, stream_arn: str, partition_key: str, data: bytes) -> None:
        try:
            self._kinesis().put_record(StreamARN=stream_arn, PartitionKey=partition_key, Data=data)
        except (ClientError, BotoCoreError) as error:
            raise StreamUnavailable(f"{stream_arn}: {error}") from error


def moto_outside_services(region: str) -> OutsideServices | None:
    """moto's S3 and Kinesis while ``mock_aws`` is active; None otherwise."""
    if not moto_active():
        return None
    return OutsideServices(s3=MotoS3(region), kinesis=MotoKinesis(region))
