"""The services outside DynamoDB that some operations talk to: the "outside services" port.

ExportTableToPointInTime writes to an S3 bucket and a Kinesis streaming destination puts
records to a Kinesis data stream; a handler that needs such a service asks the port for it
and gets None when there is none to talk to (then it answers as AWS does when the bucket or
the stream does not exist). The port is provided by whoever runs the mock (in-process:
moto's S3 while moto's ``mock_aws`` is active, see ``intercept/moto_services.py``); the
backend never sees it. Further services join as further optional members of
:class:`OutsideServices`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class NoSuchBucket(Exception):
    """The bucket an object store was asked about does not exist."""


_NO_BUCKET = (
    "The specified bucket does not exist (Service: Amazon S3; Status Code: 404; "
    "Error Code: NoSuchBucket)"
)
_NO_S3 = (
    "; dynastream_mock reaches S3 only through moto: start moto's mock_aws and create "
    "the bucket there"
)


def no_bucket_message(reached_s3: bool) -> str:
    """The FailureMessage of an export or import whose bucket is missing (AWS's text, and
    how to reach moto's S3 when there was none to ask)."""
    return _NO_BUCKET if reached_s3 else _NO_BUCKET + _NO_S3


class ObjectStore(Protocol):
    """Objects in buckets, as S3 keeps them."""

    def put_object(self, bucket: str, key: str, body: bytes) -> str:
        """Store ``body`` under ``key``; return its ETag. ``NoSuchBucket`` when absent."""
        ...

    def get_object(self, bucket: str, key: str) -> bytes:
        """The object's bytes. ``NoSuchBucket`` when the bucket is absent."""
        ...

    def list_keys(self, bucket: str, prefix: str) -> list[str]:
        """Every key under ``prefix``, in S3's order. ``NoSuchBucket`` when absent."""
        ...


class StreamUnavailable(Exception):
    """A Kinesis data stream does not exist, or refused a record."""


class RecordStreams(Protocol):
    """Kinesis data streams, as Kinesis Data Streams keeps them."""

    def stream_status(self, stream_arn: str) -> str | None:
        """The stream's StreamStatus (``ACTIVE``, ``CREATING``, ...); None when absent."""
        ...

    def put_record(self, stream_arn: str, partition_key: str, data: bytes) -> None:
        """Put one record; ``StreamUnavailable`` when the stream is absent or refuses it."""
        ...


@dataclass(frozen=True)
class OutsideServices:
    """What is reachable outside DynamoDB for one request."""

    s3: ObjectStore
    #: Kinesis Data Streams; None where there is none to talk to.
    kinesis: RecordStreams | None = None


#: Asked per request, with the request's region: the services there, or None.
OutsideFinder = Callable[[str], "OutsideServices | None"]


def no_outside_services(region: str) -> OutsideServices | None:
    """The finder of a mock with nothing outside it (the HTTP server on its own)."""
    return None
