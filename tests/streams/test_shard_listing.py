"""DescribeStream lists shards in ShardId order, parents before children, and pages in it."""

from __future__ import annotations

from typing import Any

import boto3
from helpers import create_stream_table

from dynastream_mock import mock_streams


def _listing(streams: Any, arn: str, limit: int) -> list[str]:
    ids: list[str] = []
    kwargs: dict[str, Any] = {"StreamArn": arn, "Limit": limit}
    while True:
        description = streams.describe_stream(**kwargs)["StreamDescription"]
        ids.extend(shard["ShardId"] for shard in description["Shards"])
        if "LastEvaluatedShardId" not in description:
            return ids
        kwargs["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]


def test_shards_made_in_one_instant_and_their_children_list_sorted() -> None:
    with mock_streams(partitions=8) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        create_stream_table(ddb)
        arn = ddb.describe_table(TableName="Users")["Table"]["LatestStreamArn"]
        roots = _listing(streams, arn, 100)
        assert len(roots) == 8
        for root in roots:
            mock.split_shard("Users", root, children=3)
        description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        shards = description["Shards"]
        ids = [shard["ShardId"] for shard in shards]
        assert len(ids) == 32
        assert ids == sorted(ids)
        position = {shard_id: index for index, shard_id in enumerate(ids)}
        for shard in shards:
            if "ParentShardId" in shard:
                assert position[shard["ParentShardId"]] < position[shard["ShardId"]]
        assert _listing(streams, arn, 5) == ids
