"""A DynamoDB Streams consumer written as the AWS documentation recommends.

Shared by the examples (``replicate_region.py`` imports it): describe the stream (paging
through shards), read each parent before its children, follow NextShardIterator, and keep a
checkpoint per shard so that every record is handed over exactly once, across shard
rollovers and splits. It also survives what production does between reads: an expired
iterator is re-acquired after the checkpoint, trimmed data is read from TRIM_HORIZON, and a
throttle or an internal error is retried (``tests/test_examples.py`` runs it under
``mock.chaos`` for seeds 1 to 20). Run it, ``python examples/stream_consumer.py``, for a
short demo: a shard split in the middle of the writes, and the consumer reading across it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

#: Answers that a consumer retries as they are (after a back-off, in production).
RETRIED = frozenset(
    {"LimitExceededException", "ProvisionedThroughputExceededException", "InternalServerError"}
)


@dataclass
class StreamConsumer:
    streams: Any  # a boto3 "dynamodbstreams" client
    stream_arn: str
    #: shard id -> last sequence number handed over (what a real consumer would persist)
    checkpoints: dict[str, str] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)
    #: How long to wait after a throttle (a test's mock advances its clock instead).
    back_off: Callable[[], None] = lambda: None
    #: Requests sent, retries included.
    requests: int = 0

    def _send(self, call: Callable[..., Any], **params: Any) -> Any:
        while True:
            self.requests += 1
            try:
                return call(**params)
            except ClientError as error:
                if error.response["Error"]["Code"] not in RETRIED:
                    raise
                self.back_off()

    def poll(self) -> list[dict[str, Any]]:
        """Every record not handed over yet, parents before children, each shard in order."""
        records: list[dict[str, Any]] = []
        progress = True
        while progress:  # a parent finished in this pass unblocks its children
            progress = False
            shards = self._shards()
            known = {shard["ShardId"] for shard in shards}
            for shard in shards:
                shard_id = shard["ShardId"]
                parent = shard.get("ParentShardId")
                if shard_id in self.finished or (parent in known and parent not in self.finished):
                    continue
                records.extend(self._read_shard(shard_id))
                progress = progress or shard_id in self.finished
        return records

    def _shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self._send(self.streams.describe_stream, **kwargs)["StreamDescription"]
            shards.extend(description["Shards"])
            if "LastEvaluatedShardId" not in description:
                return shards
            kwargs["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _iterator(self, shard_id: str, *, from_trim_horizon: bool = False) -> str:
        checkpoint = None if from_trim_horizon else self.checkpoints.get(shard_id)
        position: dict[str, Any] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": checkpoint}
            if checkpoint
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        try:
            answer = self._send(
                self.streams.get_shard_iterator,
                StreamArn=self.stream_arn,
                ShardId=shard_id,
                **position,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TrimmedDataAccessException":
                raise
            # The checkpoint itself was trimmed: what is left starts at TRIM_HORIZON.
            return self._iterator(shard_id, from_trim_horizon=True)
        return str(answer["ShardIterator"])

    def _read_shard(self, shard_id: str) -> list[dict[str, Any]]:
        iterator: str | None = self._iterator(shard_id)
        records: list[dict[str, Any]] = []
        while iterator:
            try:
                page = self._send(self.streams.get_records, ShardIterator=iterator, Limit=1000)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code == "ExpiredIteratorException":
                    iterator = self._iterator(shard_id)  # resume after the checkpoint
                    continue
                if code == "TrimmedDataAccessException":
                    iterator = self._iterator(shard_id, from_trim_horizon=True)
                    continue
                raise
            for record in page["Records"]:
                records.append(record)
                self.checkpoints[shard_id] = record["dynamodb"]["SequenceNumber"]
            iterator = page.get("NextShardIterator")
            if iterator is None:
                self.finished.add(shard_id)  # a closed shard, read to its end
            elif not page["Records"]:
                break  # caught up with an open shard
        return records


def demo() -> list[dict[str, Any]]:
    """Write, split the shard, write again: the consumer reads parent, then children."""
    import boto3

    from dynastream_mock import mock_streams

    print("StreamConsumer, the lineage-following consumer replicate_region.py imports")
    with mock_streams() as mock:
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        streams = boto3.client("dynamodbstreams", region_name="eu-west-1")
        arn = ddb.create_table(
            TableName="Events",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )["TableDescription"]["LatestStreamArn"]
        consumer = StreamConsumer(streams, arn)
        for number in range(3):
            ddb.put_item(TableName="Events", Item={"id": {"S": f"before-split-{number}"}})
        children = mock.split_shard("Events")
        for number in range(3):
            ddb.put_item(TableName="Events", Item={"id": {"S": f"after-split-{number}"}})
        records = consumer.poll()
        assert records == mock.stream_records("Events"), "the order a correct consumer sees"
        print(f"shards: 1 parent (closed by the split), {len(children)} children")
        print(f"records read, in order ({len(records)}):")
        for record in records:
            print(f"  {record['eventName']} {record['dynamodb']['Keys']['id']['S']}")
        print(f"checkpoints kept, one per shard that had records: {len(consumer.checkpoints)}")
    return records


if __name__ == "__main__":
    demo()
