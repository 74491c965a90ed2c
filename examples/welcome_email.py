"""Welcome e-mails on sign-up: a Lambda function triggered by the Users table's stream.

The seeds' first example, written as it is deployed: ``send_welcome_mails`` is the Lambda
handler, and ``mock.add_trigger`` runs it on the stream exactly as the event source mapping
would. New users get one welcome e-mail each; updates and deletions send nothing. The mail
service is down for the first delivery (the batch fails and Lambda retries it), and one
sign-up has an address no mail service accepts: a poison record, retried until the retry
quota is spent and then handed to the on-failure destination, so the users after it still
get their mail. Run it: ``python examples/welcome_email.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

from dynastream_mock import mock_streams

REGION = "eu-west-1"


class MailServiceDown(Exception):
    """The mail service did not answer; the whole batch is worth retrying."""


class Undeliverable(Exception):
    """No mail service will ever accept this address."""


@dataclass
class Outbox:
    """Stands in for the mail service: it keeps what would have been sent."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    down: bool = False

    def send(self, to: str, subject: str) -> None:
        if self.down:
            raise MailServiceDown("the mail service is not answering")
        if "@" not in to:
            raise Undeliverable(to)
        self.sent.append((to, subject))


def welcome_mailer(outbox: Outbox) -> Any:
    """The Lambda handler, closed over its mail service."""

    def send_welcome_mails(event: dict[str, Any], context: Any) -> dict[str, Any]:
        # Stop at the first record that cannot be sent and report it and every record after
        # it (ReportBatchItemFailures): the retry starts there, and nobody gets two mails.
        records = event["Records"]
        for index, record in enumerate(records):
            if record["eventName"] != "INSERT":
                continue
            user = record["dynamodb"]["NewImage"]
            try:
                outbox.send(user["email"]["S"], f"Welcome, {user['name']['S']}!")
            except Undeliverable:
                failed = records[index:]
                return {
                    "batchItemFailures": [
                        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in failed
                    ]
                }
        return {"batchItemFailures": []}

    return send_welcome_mails


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


def failure_of(invocation: Any) -> str:
    """Why a delivery failed: the exception raised, or the items the handler reported."""
    if invocation.error is not None:
        return str(invocation.error)
    reported = invocation.result["batchItemFailures"]
    return f"the handler reported {len(reported)} item(s), from {reported[0]['itemIdentifier']}"


def describe_discarded(payload: dict[str, Any]) -> str:
    """What the on-failure destination received, in one line."""
    info = payload["DDBStreamBatchInfo"]
    return (
        f"on-failure destination: gave up on {info['batchSize']} record(s) from "
        f"{info['startSequenceNumber']} ({payload['requestContext']['condition']})"
    )


def main() -> Outbox:
    print("Welcome e-mails: a Lambda handler on the Users table's stream, run by add_trigger")
    with mock_streams() as mock:
        ddb = boto3.client("dynamodb", region_name=REGION)
        outbox = Outbox()
        discarded: list[dict[str, Any]] = []
        create_users_table(ddb)
        mock.add_trigger(
            "Users",
            welcome_mailer(outbox),
            StartingPosition="TRIM_HORIZON",
            FunctionResponseTypes=["ReportBatchItemFailures"],
            MaximumRetryAttempts=2,
            on_failure=discarded.append,  # stands in for an SQS or SNS destination
        )

        register(ddb, "u1", "Ada", "ada@example.com")
        register(ddb, "u2", "Grace", "grace@example.com")
        outbox.down = True
        (failed,) = mock.run_triggers()
        assert not failed.ok and isinstance(failed.error, MailServiceDown)
        print(f"delivery 1, mail service down: failed ({failure_of(failed)}), mails sent: 0")
        outbox.down = False
        (retried,) = mock.run_triggers()  # the same batch, whole, on the next poll
        assert retried.ok and len(outbox.sent) == 2
        print(f"delivery 2, the same batch retried: ok, mails sent: {len(outbox.sent)}")

        # A changed profile is a MODIFY: no second welcome.
        register(ddb, "u1", "Ada Lovelace", "ada@example.com")
        # A poison record: retried twice, then handed to the on-failure destination.
        register(ddb, "u4", "Mallory", "no address")
        # Four hours later the shard has rolled over; Lambda follows the lineage.
        mock.clock.advance(hours=4, seconds=1)
        register(ddb, "u3", "Edsger", "edsger@example.com")
        print("then u1 (Ada) edits her profile, u4 (Mallory) signs up with 'no address',")
        print("the shard rolls over after 4 hours, and u3 (Edsger) signs up")
        number, given_up = 2, 0
        while made := mock.run_triggers():
            for invocation in made:
                number += 1
                records = invocation.event["Records"]
                users = ", ".join(r["dynamodb"]["Keys"]["id"]["S"] for r in records)
                outcome = "ok" if invocation.ok else f"failed ({failure_of(invocation)})"
                print(f"delivery {number}, users {users}: {outcome}")
            given_up += len(discarded)
            while discarded:
                print(describe_discarded(discarded.pop(0)))
        assert given_up == 1

    print(f"mails sent, one per new user ({len(outbox.sent)}):")
    for to, subject in outbox.sent:
        print(f"  to {to}: {subject}")
    return outbox


if __name__ == "__main__":
    main()
