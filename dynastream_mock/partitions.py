"""AWS partitions from botocore's own data: which partition a region is in, its DNS suffix.

Read once from botocore's ``partitions.json`` (the data its endpoint rules use for
``aws.partition``), so a partition botocore learns about needs no change here. A region is
in a partition when the partition lists it or its ``regionRegex`` matches; a region no
partition claims falls back to ``aws``, as botocore's ``aws.partition`` does.

The backend needs only a partition id (for ARNs) and never imports botocore: the pipeline
hands it :func:`partition_id` when it makes a world.

>>> partition_id("cn-north-1"), dns_suffix("cn-north-1")
('aws-cn', 'amazonaws.com.cn')
>>> partition_id("us-gov-east-9"), partition_id("xx-nowhere-1")
('aws-us-gov', 'aws')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .models import load_data

__all__ = ["Partition", "dns_suffix", "find_partition", "partition_id", "partitions"]


@dataclass(frozen=True, slots=True)
class Partition:
    """One partition as ``aws.partition()`` reports it."""

    id: str
    regions: frozenset[str]
    region_regex: re.Pattern[str]
    #: ``dnsSuffix``, ``dualStackDnsSuffix``, ``implicitGlobalRegion``, ``name``, ...
    outputs: Mapping[str, Any]

    @property
    def dns_suffix(self) -> str:
        return str(self.outputs["dnsSuffix"])


@cache
def partitions_data() -> dict[str, Any]:
    """botocore's ``partitions.json``, loaded once (the endpoint rule engine takes it too)."""
    data: dict[str, Any] = load_data("partitions")
    return data


@cache
def partitions() -> tuple[Partition, ...]:
    """Every partition, in botocore's order (the order ``aws.partition`` tries them)."""
    return tuple(
        Partition(
            id=p["id"],
            regions=frozenset(p.get("regions", ())),
            region_regex=re.compile(p["regionRegex"]),
            outputs={**p["outputs"], "name": p["id"]},  # as aws.partition() reports it
        )
        for p in partitions_data()["partitions"]
    )


def find_partition(region: str, *, default: bool = True) -> Partition | None:
    """The partition of ``region``: listed, else matched by its pattern; else ``aws`` when
    ``default`` (botocore's answer), or None."""
    found = _claimed_by(region)
    if found is None and default:
        return partitions()[0]
    return found


@lru_cache(maxsize=1024)
def _claimed_by(region: str) -> Partition | None:
    # The order and test of botocore's aws.partition().
    for partition in partitions():
        if region in partition.regions or partition.region_regex.match(region):
            return partition
    return None


def partition_id(region: str) -> str:
    """The ARN partition of ``region``: ``aws``, ``aws-cn``, ``aws-us-gov``, ..."""
    found = find_partition(region)
    assert found is not None
    return found.id


def dns_suffix(region: str) -> str:
    """The DNS suffix of ``region``'s regional endpoints, e.g. ``amazonaws.com.cn``."""
    found = find_partition(region)
    assert found is not None
    return found.dns_suffix
