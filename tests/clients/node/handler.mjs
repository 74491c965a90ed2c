// A Lambda handler in Node behind HTTP, as a dynastream-mock URL trigger invokes it: POST the
// event, answer the handler's return value as JSON. Records whose key is "poison" are
// reported as batch item failures. GET /seen answers every record key received, in order.
//   node handler.mjs     -> prints "listening PORT"
import { createServer } from "node:http";

const seen = [];
const server = createServer((request, response) => {
  if (request.method === "GET") {
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify(seen));
    return;
  }
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    const event = JSON.parse(body);
    const failures = [];
    for (const record of event.Records) {
      const key = Object.values(record.dynamodb.Keys.id)[0];
      seen.push(key);
      if (key === "poison") failures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ batchItemFailures: failures }));
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
