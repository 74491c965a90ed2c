"""The trigger examples run as a user would run them: ``python examples/NAME.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def run_example(name: str) -> subprocess.CompletedProcess[str]:
    finished = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished


def test_welcome_email_retries_the_failed_batch_and_gives_up_on_the_poison_record() -> None:
    finished = run_example("welcome_email.py")

    assert finished.stdout.splitlines() == [
        "to ada@example.com: Welcome, Ada!",
        "to grace@example.com: Welcome, Grace!",
        "to edsger@example.com: Welcome, Edsger!",
    ]
    (gave_up,) = finished.stderr.splitlines()
    assert gave_up.startswith("gave up on 1 record(s) from ")
    assert gave_up.endswith("(RetryAttemptsExhausted)")


def test_search_index_follows_inserts_edits_and_deletions() -> None:
    finished = run_example("search_index.py")

    assert finished.stdout.splitlines() == [
        "shards: a1",
        "retries OR replication: a3, a2",
        "shards: -",
        "checkpoints: a1",
        "retries OR replication: a2",
    ]


def test_sales_totals_publishes_one_total_per_region_and_minute() -> None:
    finished = run_example("sales_totals.py")

    assert finished.stdout.splitlines() == [
        "minute 1: north 19.75, south 3.00",
        "minute 2: south 20.00",
    ]
