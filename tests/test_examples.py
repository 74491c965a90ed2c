"""Every example runs as a user runs it, ``python examples/NAME.py``, and says what it shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str) -> list[str]:
    finished = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        # This checkout's package, whichever the environment has installed.
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    return finished.stdout.splitlines()


def test_every_example_is_tested_here() -> None:
    tested = {
        "consumer_bugs.py",
        "multi_region_game.py",
        "replicate_region.py",
        "sales_totals.py",
        "search_index.py",
        "stream_consumer.py",
        "welcome_email.py",
    }
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


@pytest.mark.parametrize("name", sorted(path.name for path in EXAMPLES.glob("*.py")))
def test_an_example_starts_with_a_line_saying_what_it_shows(name: str) -> None:
    header = run_example(name)[0]

    assert not header.startswith(" ") and len(header.split()) >= 6


def test_welcome_email_retries_the_failed_batch_and_gives_up_on_the_poison_record() -> None:
    lines = run_example("welcome_email.py")

    poison = "100000000000000000005"
    reported = f"failed (the handler reported 1 item(s), from {poison})"
    assert lines == [
        "Welcome e-mails: a Lambda handler on the Users table's stream, run by add_trigger",
        "delivery 1, mail service down: failed (the mail service is not answering), mails sent: 0",
        "delivery 2, the same batch retried: ok, mails sent: 2",
        "then u1 (Ada) edits her profile, u4 (Mallory) signs up with 'no address',",
        "the shard rolls over after 4 hours, and u3 (Edsger) signs up",
        f"delivery 3, users u1, u4: {reported}",
        f"delivery 4, users u4: {reported}",
        f"delivery 5, users u4: {reported}",
        "delivery 6, users u3: ok",
        f"on-failure destination: gave up on 1 record(s) from {poison} (RetryAttemptsExhausted)",
        "mails sent, one per new user (3):",
        "  to ada@example.com: Welcome, Ada!",
        "  to grace@example.com: Welcome, Grace!",
        "  to edsger@example.com: Welcome, Edsger!",
    ]


def test_replicate_region_shows_both_regions_equal_before_and_after_the_rollover() -> None:
    lines = run_example("replicate_region.py")

    placed = ", ".join(f"o{n} placed" for n in range(10))
    later = ", ".join(
        f"o{n} shipped" if n % 2 == 0 else f"o{n} placed" for n in (0, 2, 4, 5, 6, 7, 8, 9)
    )
    assert lines == [
        "Cross-region replication: a stream consumer copies eu-west-1 changes to us-east-1",
        "after 10 orders are placed:",
        f"  eu-west-1 (source):   {placed}",
        f"  us-east-1 (replica):  {placed}",
        "after the shards roll over, 5 orders ship and o1, o3 are deleted "
        "(7 records; 2 closed shards read to their end):",
        f"  eu-west-1 (source):   {later}",
        f"  us-east-1 (replica):  {later}",
        "the replica equals the source",
    ]


def test_search_index_follows_inserts_edits_and_deletions() -> None:
    lines = run_example("search_index.py")

    assert lines == [
        "A search index kept current by a Lambda trigger on the Articles table's stream",
        "before the edit (a1, a2 and a3 published):",
        "  search 'shards': a1",
        "  search 'retries OR replication': a3, a2",
        "after the edit (a1 now says 'checkpoints', not 'shards'; a3 deleted):",
        "  search 'shards': no match",
        "  search 'checkpoints': a1",
        "  search 'retries OR replication': a2",
    ]


def test_sales_totals_publishes_one_total_per_region_and_window() -> None:
    lines = run_example("sales_totals.py")

    assert lines == [
        "Sales totals per region and minute, kept by a Lambda tumbling window of 60 seconds",
        "sales: second 0 s1 north 12.50, s2 south 3.00; second 20 s3 north 7.25;",
        "       second 65 s4 south 20.00",
        "invocations: 5, of which 2 closed a window",
        "window 1 (seconds 0 to 60): north 19.75, south 3.00",
        "window 2 (seconds 60 to 120): south 20.00",
    ]


def test_stream_consumer_run_alone_reads_across_a_split_in_order() -> None:
    lines = run_example("stream_consumer.py")

    assert lines == [
        "StreamConsumer, the lineage-following consumer replicate_region.py imports",
        "shards: 1 parent (closed by the split), 2 children",
        "records read, in order (6):",
        "  INSERT before-split-0",
        "  INSERT before-split-1",
        "  INSERT before-split-2",
        "  INSERT after-split-0",
        "  INSERT after-split-1",
        "  INSERT after-split-2",
        "checkpoints kept, one per shard that had records: 3",
    ]


def test_consumer_bugs_are_each_caught_and_the_correct_ways_pass() -> None:
    lines = run_example("consumer_bugs.py")
    text = "\n".join(lines)

    headers = [line for line in lines if line.startswith("== ")]
    verdicts = [lines[lines.index(h) + 1].strip() for h in headers]
    assert headers == [
        "== bug 1: children opened at LATEST",
        "== bug 2: expiry answered with TRIM_HORIZON",
        "== bug 3: children before their parent",
        "== bug 4: a Lambda handler applying a batch twice",
        "== fixed: the handler deduplicates by eventID",
        "== correct: the lineage consumer",
    ]
    assert verdicts == [
        "consumed incorrectly: 2 missing, 0 duplicated, 0 out of order, of 4 retained",
        "consumed incorrectly: 0 missing, 2 duplicated, 0 out of order, of 4 retained",
        "consumed incorrectly: 0 missing, 0 duplicated, 2 out of order, of 4 retained",
        "consumed incorrectly: 0 missing, 2 duplicated, 0 out of order, of 2 retained",
        "consumed correctly: all 2 retained records, each once, every key in order "
        "(0 unknown ignored)",
        "consumed correctly: all 4 retained records, each once, every key in order "
        "(0 unknown ignored)",
    ]
    assert "after chaos: #0 Invoke: duplicate on shardId-" in text


@pytest.mark.parametrize("seed", range(1, 21))
def test_the_lineage_consumer_passes_under_chaos(seed: int) -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        from stream_consumer import StreamConsumer
    finally:
        sys.path.remove(str(EXAMPLES))
    import boto3

    from dynastream_mock import mock_streams

    with mock_streams(partitions=4) as mock:
        mock.clock.freeze()
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        streams = boto3.client("dynamodbstreams", region_name="eu-west-1")
        arn = ddb.create_table(
            TableName="Users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        chaos = mock.chaos(seed=seed)
        consumer = StreamConsumer(streams, arn)
        seen = []
        for batch in range(10):  # 1,000 writes on 4 partitions, read as they come
            for number in range(100):
                index = batch * 100 + number
                item = {"id": {"S": f"k{index % 50}"}, "n": {"N": str(index)}}
                ddb.put_item(TableName="Users", Item=item)
            seen += consumer.poll()
        report = mock.check_consumed("Users", seen)
        assert report.ok, f"seed {seed}: {report}"
        assert len(seen) == 1000
        # Every Streams request, botocore's own retries included, passes through chaos.
        assert chaos._requests <= 2000, f"seed {seed}: {chaos._requests} Streams requests"
        assert chaos.events, f"seed {seed}: chaos did nothing"


def test_multi_region_game_replicates_every_players_score_and_the_last_banner_wins() -> None:
    assert run_example("multi_region_game.py") == [
        "Multi-region game: a global table, each player mastered in their home region",
        "round 1, before replication: us-east-1 leaderboard: bo 20",
        "round 1, replicated: us-east-1 leaderboard: cy 30, bo 20, ana 10",
        "round 2, before replication: us-east-1 leaderboard: cy 30, bo 20, ana 10",
        "round 2, replicated: us-east-1 leaderboard: ana 45, cy 30, bo 20",
        "every region's leaderboard agrees: True",
        "banner after both writes replicated: ['Spring Cup']",
    ]
