"""DynamoDB Local's recorded answers: one JSON file per test module, in ``recordings/``.

The default test run replays them, so it needs neither Java nor a download (DynamoDB Local
ships under Amazon's own licence, so the default path never fetches or runs it).
``DYNASTREAM_DIFFERENTIAL`` chooses otherwise:

* ``replay`` (the default): compare the mock with the recording;
* ``live``: run each scenario against a fresh DynamoDB Local as well and compare with that;
* ``record``: like ``live``, and write DynamoDB Local's answers as the new recording.

Each recording holds a fingerprint of its test module's source: a scenario edited since it
was recorded fails with the command that re-records it, rather than comparing with answers
to requests it no longer makes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import Step

ENVIRONMENT_VARIABLE = "DYNASTREAM_DIFFERENTIAL"
MODES = ("replay", "live", "record")
RECORDINGS = Path(__file__).parent / "recordings"
_REPO = Path(__file__).resolve().parents[2]


class RecordingUnusable(Exception):
    """No usable recording for a scenario; the message says how to make one."""


def mode() -> str:
    """The differential mode ``DYNASTREAM_DIFFERENTIAL`` asks for."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE, "") or "replay"
    if chosen not in MODES:
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={chosen!r} is not a differential mode; "
            f"use one of {', '.join(MODES)} (unset means replay)"
        )
    return chosen


def fingerprint(module: Path) -> str:
    """What a recording remembers of the test module it was made from."""
    return hashlib.sha256(module.read_bytes()).hexdigest()[:16]


def recording_path(module: Path) -> Path:
    return RECORDINGS / f"{module.stem}.json"


def load(module: Path, test_id: str) -> list[Step]:
    """The recorded DynamoDB Local steps of ``test_id`` in ``module``."""
    path = recording_path(module)
    how = _how_to_record(module)
    if not path.exists():
        raise RecordingUnusable(f"no recording file {path.name} for {test_id}; {how}")
    entry = json.loads(path.read_text(encoding="utf-8"))["scenarios"].get(test_id)
    if entry is None:
        raise RecordingUnusable(f"{path.name} has no recording of {test_id}; {how}")
    if entry["module_fingerprint"] != fingerprint(module):
        raise RecordingUnusable(
            f"the recording of {test_id} in {path.name} is stale: {module.name} changed "
            f"since it was recorded; {how}"
        )
    return [Step.from_json(step) for step in entry["steps"]]


def save(module: Path, test_id: str, steps: list[Step], recorded_with: str) -> None:
    """Store ``steps`` as the recording of ``test_id``, keeping the module's other ones."""
    path = recording_path(module)
    with _locked():
        recorded: dict[str, Any] = (
            json.loads(path.read_text(encoding="utf-8"))
            if path.exists()
            else {"source": "Amazon DynamoDB Local, answers normalised by harness.py"}
        )
        scenarios = recorded.setdefault("scenarios", {})
        scenarios[test_id] = {
            "module_fingerprint": fingerprint(module),
            "recorded_with": recorded_with,
            "steps": [step.to_json() for step in steps],
        }
        recorded["scenarios"] = dict(sorted(scenarios.items()))
        RECORDINGS.mkdir(exist_ok=True)
        text = json.dumps(recorded, indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")


def _how_to_record(module: Path) -> str:
    resolved = module.resolve()
    where = resolved.relative_to(_REPO) if resolved.is_relative_to(_REPO) else resolved
    return (
        f"record it with `{ENVIRONMENT_VARIABLE}=record .venv/bin/python -m pytest {where}` "
        "(needs Java 17+; see the README's Contributing part)"
    )


@contextmanager
def _locked() -> Iterator[None]:
    # pytest-xdist workers record in parallel: one writer of a recording file at a time.
    with open(Path(tempfile.gettempdir()) / "dynastream-recordings.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
