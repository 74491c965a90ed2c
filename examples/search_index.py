"""A full-text search index kept in step with a table by a Lambda trigger.

The seeds' search use case: articles live in DynamoDB; a Lambda function on the table's
stream keeps a search engine's index current. Here the engine is SQLite's FTS5, a real
full-text engine from the standard library that needs no server. INSERT and MODIFY put the
new text into the index, REMOVE takes the article out. Run it:
``python examples/search_index.py``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import boto3

from dynastream_mock import mock_streams

REGION = "eu-west-1"


class SearchIndex:
    """An FTS5 index of articles: one row per article id."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body)")

    def put(self, article_id: str, title: str, body: str) -> None:
        self.remove(article_id)
        self.db.execute("INSERT INTO articles VALUES (?, ?, ?)", (article_id, title, body))

    def remove(self, article_id: str) -> None:
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def search(self, query: str) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE articles MATCH ? ORDER BY rank, id", (query,)
        )
        return [article_id for (article_id,) in rows]


def indexer(index: SearchIndex) -> Any:
    """The Lambda handler: apply each change to the index, in stream order."""

    def index_articles(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            data = record["dynamodb"]
            article_id = data["Keys"]["id"]["S"]
            if record["eventName"] == "REMOVE":
                index.remove(article_id)
            else:
                image = data["NewImage"]
                index.put(article_id, image["title"]["S"], image["body"]["S"])
        index.db.commit()

    return index_articles


def create_articles_table(ddb: Any) -> None:
    ddb.create_table(
        TableName="Articles",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


def publish(ddb: Any, article_id: str, title: str, body: str) -> None:
    ddb.put_item(
        TableName="Articles",
        Item={"id": {"S": article_id}, "title": {"S": title}, "body": {"S": body}},
    )


def show(index: SearchIndex, query: str) -> None:
    print(f"  search {query!r}: {', '.join(index.search(query)) or 'no match'}")


def main() -> SearchIndex:
    print("A search index kept current by a Lambda trigger on the Articles table's stream")
    with mock_streams(partitions=2) as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        create_articles_table(ddb)
        index = SearchIndex()
        mock.add_trigger("Articles", indexer(index), StartingPosition="TRIM_HORIZON")

        publish(ddb, "a1", "Streams in practice", "Shards, iterators and trimming")
        publish(ddb, "a2", "Lambda triggers", "Batches, retries and bisecting")
        publish(ddb, "a3", "Global tables", "Replication across regions")
        mock.run_triggers()
        print("before the edit (a1, a2 and a3 published):")
        show(index, "shards")
        show(index, "retries OR replication")

        # An edit changes what the article is found by; a deletion removes it.
        publish(ddb, "a1", "Streams in practice", "Shard lineage and checkpoints")
        ddb.delete_item(TableName="Articles", Key={"id": {"S": "a3"}})
        mock.run_triggers()
        print("after the edit (a1 now says 'checkpoints', not 'shards'; a3 deleted):")
        show(index, "shards")
        show(index, "checkpoints")
        show(index, "retries OR replication")
    return index


if __name__ == "__main__":
    main()
