// A stream consumer written the way the KCL adapter reads DynamoDB Streams: every shard,
// parents before children (children found with ShardFilter CHILD_SHARDS at a shard's end),
// a checkpoint per shard resumed with AFTER_SEQUENCE_NUMBER, a fresh iterator on
// ExpiredIteratorException, TRIM_HORIZON on TrimmedDataAccessException, and
// LimitExceededException retried after a second.
//
//   node kcl_worker.mjs STREAM_ARN EXPECTED_RECORDS
// prints one JSON line per record ({"eventID", "key", "sequenceNumber", "shardId"}), then
// {"done": true, ...}; exits 1 if it has not seen EXPECTED_RECORDS within 60 s.
import {
  DynamoDBStreamsClient,
  DescribeStreamCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
} from "@aws-sdk/client-dynamodb-streams";

const [streamArn, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const client = new DynamoDBStreamsClient({ maxAttempts: 1 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + 60_000;

const shards = new Map(); // shardId -> { parent, checkpoint, iterator, done }
let seen = 0;
const counts = { expired: 0, trimmed: 0, throttled: 0, childListings: 0 };

async function listShards(filter) {
  let start;
  do {
    const page = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start, ShardFilter: filter })
    );
    for (const shard of page.StreamDescription.Shards ?? []) {
      if (!shards.has(shard.ShardId)) {
        shards.set(shard.ShardId, { parent: shard.ParentShardId, checkpoint: undefined, iterator: undefined, done: false });
      }
    }
    start = page.StreamDescription.LastEvaluatedShardId;
  } while (start);
}

function ready(shardId) {
  const shard = shards.get(shardId);
  if (shard.done) return false;
  const parent = shard.parent && shards.get(shard.parent);
  return !parent || parent.done; // a parent no longer listed was trimmed: go on
}

async function freshIterator(shardId, shard, fromTrimHorizon = false) {
  const params = { StreamArn: streamArn, ShardId: shardId };
  if (shard.checkpoint && !fromTrimHorizon) {
    params.ShardIteratorType = "AFTER_SEQUENCE_NUMBER";
    params.SequenceNumber = shard.checkpoint;
  } else {
    params.ShardIteratorType = "TRIM_HORIZON";
  }
  shard.iterator = (await client.send(new GetShardIteratorCommand(params))).ShardIterator;
}

async function poll(shardId) {
  const shard = shards.get(shardId);
  if (!shard.iterator) await freshIterator(shardId, shard);
  let page;
  try {
    page = await client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
  } catch (error) {
    if (error.name === "ExpiredIteratorException") {
      counts.expired++;
      await freshIterator(shardId, shard);
      return;
    }
    if (error.name === "TrimmedDataAccessException") {
      counts.trimmed++;
      await freshIterator(shardId, shard, true);
      return;
    }
    if (error.name === "LimitExceededException") {
      counts.throttled++;
      await sleep(1000);
      return;
    }
    throw error;
  }
  for (const record of page.Records ?? []) {
    const keys = record.dynamodb.Keys;
    const key = Object.values(keys.id)[0];
    console.log(JSON.stringify({ eventID: record.eventID, key, sequenceNumber: record.dynamodb.SequenceNumber, shardId }));
    shard.checkpoint = record.dynamodb.SequenceNumber;
    seen++;
  }
  shard.iterator = page.NextShardIterator;
  if (!shard.iterator) {
    shard.done = true; // the end of a closed shard: its children are next
    counts.childListings++;
    await listShards({ Type: "CHILD_SHARDS", ShardId: shardId });
  }
}

await listShards(undefined);
while (seen < expected) {
  if (Date.now() > deadline) {
    console.log(JSON.stringify({ done: false, seen, ...counts }));
    process.exit(1);
  }
  const readyShards = [...shards.keys()].filter(ready).sort();
  for (const shardId of readyShards) await poll(shardId);
  await sleep(20);
}
console.log(JSON.stringify({ done: true, seen, ...counts }));
