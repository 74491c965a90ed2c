"""The mock's inspection and control tools: finding a stream, splitting shards, records.

They read and change the world directly (no request, so they are never readers) and hold
the region's lock like any request.
"""

from __future__ import annotations

from typing import Any

from .api.records import as_boto3_record, render_record
from .backend.arns import is_arn, parse_arn
from .backend.shards import Shard
from .backend.streams import Stream
from .backend.world import RegionWorld, World


def _region_of_arn(text: str) -> tuple[str, str]:
    arn = parse_arn(text)
    if arn is None or arn.stream_label is None:
        raise ValueError(
            f"expected a table name or a stream ARN "
            f"(arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>), got {text!r}"
        )
    return arn.account, arn.region


def find_stream(
    world: World, table_or_arn: str, *, region: str | None = None, enabled_only: bool = False
) -> tuple[RegionWorld, Stream]:
    """The stream named by a stream ARN, or a table's latest stream.

    A table name that exists in several regions (or accounts) needs ``region=``.
    """
    if not isinstance(table_or_arn, str):
        raise TypeError(f"expected a table name or a stream ARN, got {table_or_arn!r}")
    if is_arn(table_or_arn):
        account, arn_region = _region_of_arn(table_or_arn)
        region_world = world.region(account, arn_region)
        with region_world.lock:
            region_world.touch()
            stream = region_world.streams.get(table_or_arn)
            if stream is None:
                known = ", ".join(region_world.streams) or "none"
                raise ValueError(f"no stream {table_or_arn!r}; streams there: {known}")
            return region_world, stream
    candidates = [
        r for r in world.regions() if table_or_arn in r.tables and (region in (None, r.region))
    ]
    if not candidates:
        where = f" in {region}" if region else ""
        tables = sorted({f"{name} ({r.region})" for r in world.regions() for name in r.tables})
        raise ValueError(f"no table {table_or_arn!r}{where}; tables: {', '.join(tables) or 'none'}")
    if len(candidates) > 1:
        places = ", ".join(f"{r.region} (account {r.account_id})" for r in candidates)
        raise ValueError(
            f"table {table_or_arn!r} exists in several places ({places}); pass region= to "
            "choose one"
        )
    (region_world,) = candidates
    with region_world.lock:
        region_world.touch()
        table = region_world.tables[table_or_arn]
        stream = table.latest_stream
        if stream is None or (enabled_only and table.stream_view_type is None):
            raise ValueError(f"table {table_or_arn!r} has no enabled stream")
        return region_world, stream


def split_shard(
    world: World,
    table_or_arn: str,
    shard_id: str | None = None,
    children: int = 2,
    *,
    region: str | None = None,
) -> list[str]:
    """Close one open shard (or all) and open ``children`` that divide its hash range."""
    if isinstance(children, bool) or not isinstance(children, int):
        raise TypeError(f"split_shard() takes children= as a whole number, got {children!r}")
    if children < 1:
        raise ValueError(f"split_shard() needs children= of at least 1, got {children!r}")
    region_world, stream = find_stream(world, table_or_arn, region=region, enabled_only=True)
    with region_world.lock:
        region_world.touch()
        if not stream.is_enabled:
            raise ValueError(f"the stream {stream.arn!r} is disabled; its shards are closed")
        open_shards = stream.open_shards()
        if shard_id is not None:
            open_shards = [shard for shard in open_shards if shard.shard_id == shard_id]
            if not open_shards:
                listed = ", ".join(s.shard_id for s in stream.open_shards())
                raise ValueError(f"no open shard {shard_id!r}; open shards: {listed}")
        made: list[str] = []
        for shard in open_shards:
            made.extend(split_open_shard(region_world, stream, shard, children))
        return made


def split_open_shard(
    region_world: RegionWorld, stream: Stream, shard: Shard, children: int
) -> list[str]:
    """Close ``shard`` (open, of an enabled stream) and open ``children`` dividing its range;
    the caller holds the region's lock."""
    now = region_world.now_ms()
    made = [child.shard_id for child in stream.split(shard, children, now)]
    rollover = region_world.settings.shard_rollover_ms
    if rollover is not None:
        region_world.schedule(now + rollover)
    region_world.schedule(now + region_world.settings.retention_ms)
    return made


def rendered_records(
    world: World, table_or_arn: str, *, region: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Every retained record with its shard id, parents before children, each shard in
    sequence order, in GetRecords' wire shape (the control API's and the audit's view)."""
    region_world, stream = find_stream(world, table_or_arn, region=region)
    with region_world.lock:
        region_world.touch()
        return [
            (shard.shard_id, render_record(record, region_world.region, stream.view_type))
            for shard in stream.lineage_order()
            for record in shard.retained()
        ]


def stream_records(
    world: World, table_or_arn: str, *, region: str | None = None
) -> list[dict[str, Any]]:
    """Every retained record, parents before children, each shard in sequence order.

    Each record is shaped as boto3's ``get_records()["Records"]`` returns it.
    """
    return [
        as_boto3_record(rendered)
        for _, rendered in rendered_records(world, table_or_arn, region=region)
    ]
