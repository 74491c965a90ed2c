"""Welcome e-mails on sign-up: a Users table whose stream drives a mail sender.

The seeds' first example. A consumer (``stream_consumer.py``) reads the table's stream as
the AWS documentation recommends and the mailer sends one welcome e-mail per new user;
updates and deletions send nothing. Run it: ``python examples/welcome_email.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from stream_consumer import StreamConsumer

from dynastream_mock import mock_streams

REGION = "eu-west-1"


@dataclass
class Outbox:
    """Stands in for the mail service: it keeps what would have been sent."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str) -> None:
        self.sent.append((to, subject))


@dataclass
class WelcomeMailer:
    """E-mails every newly registered user exactly once; updates and deletions send nothing."""

    consumer: StreamConsumer
    outbox: Outbox

    def poll(self) -> int:
        sent = 0
        for record in self.consumer.poll():
            if record["eventName"] == "INSERT":
                user = record["dynamodb"]["NewImage"]
                self.outbox.send(user["email"]["S"], f"Welcome, {user['name']['S']}!")
                sent += 1
        return sent


def create_users_table(ddb: Any) -> str:
    table = ddb.create_table(
        TableName="Users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    arn: str = table["TableDescription"]["LatestStreamArn"]
    return arn


def register(ddb: Any, user_id: str, name: str, email: str) -> None:
    ddb.put_item(
        TableName="Users",
        Item={"id": {"S": user_id}, "name": {"S": name}, "email": {"S": email}},
    )


def main() -> Outbox:
    with mock_streams() as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        outbox = Outbox()
        mailer = WelcomeMailer(StreamConsumer(streams, create_users_table(ddb)), outbox)

        register(ddb, "u1", "Ada", "ada@example.com")
        register(ddb, "u2", "Grace", "grace@example.com")
        assert mailer.poll() == 2

        # A changed profile is a MODIFY: no second welcome.
        register(ddb, "u1", "Ada Lovelace", "ada@example.com")
        # Four hours later the shard has rolled over; the consumer follows the lineage.
        mock.clock.advance(hours=4, seconds=1)
        register(ddb, "u3", "Edsger", "edsger@example.com")
        assert mailer.poll() == 1
        assert mailer.poll() == 0

    for to, subject in outbox.sent:
        print(f"to {to}: {subject}")
    return outbox


if __name__ == "__main__":
    main()
