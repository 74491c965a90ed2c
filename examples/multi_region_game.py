"""Multi-region game: one global table, each player mastered in their home region.

The seeds' multi-player game. The Players table is a global table with replicas in
us-east-1, eu-west-1 and ap-southeast-2. Each player's record is written only in the
player's home region (one master per region), so there is never a conflict on it; a
leaderboard consumer in every region reads its own replica's stream and, once replication
has caught up (``replication_delay`` on the mock's clock), has seen every player's score.
Two regions do write one shared item, the season's banner, at nearly the same time: the
last writer wins on every replica. Run it: ``python examples/multi_region_game.py``.
"""

from __future__ import annotations

from typing import Any

import boto3

from dynastream_mock import mock_streams

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
PLAYERS = {"ana": "eu-west-1", "bo": "us-east-1", "cy": "ap-southeast-2"}


def create_global_table(home: Any) -> None:
    home.create_table(
        TableName="Players",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    home.update_table(
        TableName="Players",
        ReplicaUpdates=[{"Create": {"RegionName": region}} for region in REGIONS[1:]],
    )


class Leaderboard:
    """A stream consumer in one region: the best score of every player it has seen."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.streams = boto3.client("dynamodbstreams", region_name=region)
        table = boto3.client("dynamodb", region_name=region).describe_table(TableName="Players")
        self.arn = table["Table"]["LatestStreamArn"]
        self.positions: dict[str, str] = {}
        self.best: dict[str, int] = {}

    def poll(self) -> None:
        description = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        for shard in description["Shards"]:
            shard_id = shard["ShardId"]
            position = self.positions.get(shard_id)
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.arn,
                ShardId=shard_id,
                **(
                    {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
                    if position
                    else {"ShardIteratorType": "TRIM_HORIZON"}
                ),
            )["ShardIterator"]
            for record in self.streams.get_records(ShardIterator=iterator)["Records"]:
                self.positions[shard_id] = record["dynamodb"]["SequenceNumber"]
                image = record["dynamodb"].get("NewImage", {})
                if "score" in image:
                    player = image["id"]["S"]
                    self.best[player] = max(self.best.get(player, 0), int(image["score"]["N"]))

    def line(self) -> str:
        ranking = sorted(self.best.items(), key=lambda entry: -entry[1])
        shown = ", ".join(f"{player} {score}" for player, score in ranking) or "nobody yet"
        return f"{self.region} leaderboard: {shown}"


def main() -> None:
    print("Multi-region game: a global table, each player mastered in their home region")
    with mock_streams(replication_delay=1) as mock:
        mock.clock.freeze()
        clients = {region: boto3.client("dynamodb", region_name=region) for region in REGIONS}
        create_global_table(clients[REGIONS[0]])
        boards = [Leaderboard(region) for region in REGIONS]

        for round_number, points in enumerate(((10, 20, 30), (45, 5, 25)), start=1):
            for (player, home), score in zip(PLAYERS.items(), points, strict=True):
                clients[home].put_item(
                    TableName="Players",
                    Item={"id": {"S": player}, "score": {"N": str(score)}},
                )
            for board in boards:
                board.poll()
            print(f"round {round_number}, before replication: {boards[0].line()}")
            mock.clock.advance(seconds=1)
            for board in boards:
                board.poll()
            print(f"round {round_number}, replicated: {boards[0].line()}")
        agreed = len({board.line().split(": ", 1)[1] for board in boards}) == 1
        print(f"every region's leaderboard agrees: {agreed}")

        # The banner is shared: written in two regions 10 ms apart, before either write
        # has reached the other region. The later one wins everywhere.
        clients["eu-west-1"].put_item(
            TableName="Players", Item={"id": {"S": "banner"}, "text": {"S": "Autumn Cup"}}
        )
        mock.clock.advance(seconds=0.01)
        clients["ap-southeast-2"].put_item(
            TableName="Players", Item={"id": {"S": "banner"}, "text": {"S": "Spring Cup"}}
        )
        mock.clock.advance(seconds=1)
        banners = {
            region: clients[region].get_item(TableName="Players", Key={"id": {"S": "banner"}})[
                "Item"
            ]["text"]["S"]
            for region in REGIONS
        }
        print(f"banner after both writes replicated: {sorted(set(banners.values()))}")


if __name__ == "__main__":
    main()
