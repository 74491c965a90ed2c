"""The one rendering of a stream record, and the views made of it.

:func:`render_record` gives a record as GetRecords' JSON has it (spec, "Stream records");
everything else that shows a record is a view of that dict, never a rendering of its own:

- GetRecords' body is its JSON (``dynamodbstreams.get_records``, cached per record on the
  wire side);
- a Lambda trigger's event record is :func:`as_lambda_record` (``triggers/events.py``);
- ``mock.stream_records()`` is :func:`as_boto3_record`, the record as boto3's
  ``get_records()["Records"]`` returns it;
- the control API's ``stream-records`` route answers the wire shape itself.

A rendered record shares its images with the stored record: views copy what they change.
"""

from __future__ import annotations

from typing import Any

from botocore.utils import parse_timestamp

from ..backend.shards import StreamRecord
from ..backend.values import b64_bytes

__all__ = ["as_boto3_record", "as_lambda_record", "render_record"]

_IMAGES = ("Keys", "NewImage", "OldImage")


def render_record(record: StreamRecord, region: str, view_type: str) -> dict[str, Any]:
    """A record as GetRecords returns it (spec, "Stream records")."""
    data: dict[str, Any] = {
        "ApproximateCreationDateTime": record.created_ms // 1000,
        "Keys": record.keys,
    }
    if record.new_image is not None:
        data["NewImage"] = record.new_image
    if record.old_image is not None:
        data["OldImage"] = record.old_image
    data["SequenceNumber"] = str(record.sequence_number)
    data["SizeBytes"] = record.size_bytes
    data["StreamViewType"] = view_type
    rendered: dict[str, Any] = {
        "eventID": record.event_id,
        "eventName": record.event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": data,
    }
    if record.by_ttl:
        rendered["userIdentity"] = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    return rendered


def as_lambda_record(rendered: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """The record as a Lambda event has it: ``eventSourceARN`` added last, and
    ``userIdentity``'s keys in lower case (spec, "Time To Live")."""
    view = dict(rendered)
    identity = view.get("userIdentity")
    if identity is not None:
        view["userIdentity"] = {"type": identity["Type"], "principalId": identity["PrincipalId"]}
    view["eventSourceARN"] = stream_arn
    return view


def as_boto3_record(rendered: dict[str, Any]) -> dict[str, Any]:
    """The record as boto3's ``get_records()`` parses it: a fresh copy with
    ``ApproximateCreationDateTime`` a datetime and binary values as bytes."""
    view = dict(rendered)
    data = view["dynamodb"] = dict(rendered["dynamodb"])
    # botocore's own timestamp parser, so the datetime is the one boto3 would give.
    data["ApproximateCreationDateTime"] = parse_timestamp(data["ApproximateCreationDateTime"])
    for image in _IMAGES:
        if image in data:
            data[image] = _as_boto3_item(data[image])
    if "userIdentity" in view:
        view["userIdentity"] = dict(view["userIdentity"])
    return view


def _as_boto3_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _as_boto3_value(value) for name, value in item.items()}


def _as_boto3_value(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, raw),) = value.items()
    if kind == "B":
        return {"B": b64_bytes(raw)}
    if kind == "BS":
        return {"BS": [b64_bytes(member) for member in raw]}
    if kind == "M":
        return {"M": _as_boto3_item(raw)}
    if kind == "L":
        return {"L": [_as_boto3_value(member) for member in raw]}
    if kind in ("SS", "NS"):
        return {kind: list(raw)}
    return {kind: raw}
