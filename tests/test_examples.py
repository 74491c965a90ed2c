"""Every example runs as a user would run it: ``python examples/NAME.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str) -> str:
    finished = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def test_welcome_email_sends_one_mail_per_new_user() -> None:
    output = run_example("welcome_email.py")

    assert output.splitlines() == [
        "to ada@example.com: Welcome, Ada!",
        "to grace@example.com: Welcome, Grace!",
        "to edsger@example.com: Welcome, Edsger!",
    ]


def test_replicate_region_copies_every_change_to_the_replica() -> None:
    output = run_example("replicate_region.py")

    lines = output.splitlines()
    assert "o1: placed" not in lines and "o3: placed" not in lines
    assert "o0: shipped" in lines and "o5: placed" in lines
    assert len(lines) == 8
