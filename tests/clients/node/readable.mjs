// The published consumer dynamodb-streams-readable, reading one shard from TRIM_HORIZON.
//   node readable.mjs STREAM_ARN SHARD_ID EXPECTED_RECORDS   -> one JSON line: [eventName, key]...
import { DynamoDBStreams } from "@aws-sdk/client-dynamodb-streams";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const readableOf = require("dynamodb-streams-readable");
const [streamArn, shardId, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const client = new DynamoDBStreams({});
const readable = readableOf(client, streamArn, { shardId, iterator: "TRIM_HORIZON", readInterval: 20 });
const seen = [];
const timer = setTimeout(() => {
  console.log(JSON.stringify({ timeout: true, seen }));
  process.exit(1);
}, 30_000);
readable
  .on("data", (records) => {
    for (const record of records) seen.push([record.eventName, Object.values(record.dynamodb.Keys.id)[0]]);
    if (seen.length >= expected) readable.close();
  })
  .on("error", (error) => {
    console.error(error);
    process.exit(2);
  })
  .on("end", () => {
    clearTimeout(timer);
    console.log(JSON.stringify(seen));
  });
