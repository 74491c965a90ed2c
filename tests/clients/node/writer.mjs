// Writes with the AWS SDK for JavaScript v3's DynamoDB client.
//   node writer.mjs TABLE KEY...   -> puts {id: KEY} for each KEY, in order; prints "ok N"
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

const [table, ...keys] = process.argv.slice(2);
const client = new DynamoDBClient({});
for (const key of keys) {
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: key } } }));
}
console.log(`ok ${keys.length}`);
