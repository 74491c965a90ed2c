"""The replay machinery itself: recordings round-trip, and a wrong or stale one fails."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import recordings
from harness import Step, Target, check_against, from_json_safe, to_json_safe


def _scenario(t: Target) -> None:
    t(
        "create",
        "create_table",
        TableName="things",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    t("put", "put_item", TableName="things", Item={"pk": {"S": "a"}, "b": {"B": b"\x00\xff"}})
    t("get", "get_item", TableName="things", Key={"pk": {"S": "a"}})


def _recorded_by_the_mock() -> list[Step]:
    from harness import run_mock

    return run_mock(_scenario)


def test_values_survive_the_json_round_trip() -> None:
    value = {
        "B": b"\x00\x01",
        "when": datetime(2026, 12, 3, 12, 0, 0, 500000, tzinfo=timezone.utc),
        "L": [{"N": "1"}, (b"x",)],
    }
    assert from_json_safe(to_json_safe(value)) == {**value, "L": [{"N": "1"}, [b"x"]]}


def test_a_matching_recording_passes_and_a_changed_answer_fails() -> None:
    steps = _recorded_by_the_mock()
    check_against("t", _scenario, steps)  # the mock agrees with itself

    get = steps[-1].to_json()
    get["answer"]["ok"]["Item"]["b"] = {"B": {"$bytes": "00fe"}}
    tampered = [*steps[:-1], Step.from_json(get)]
    with pytest.raises(
        AssertionError, match=r"t/get ok\.Item\.b\.B:\n    mock:  \"00ff\"\n    local: \"00fe\""
    ):
        check_against("t", _scenario, tampered)


def test_a_recording_of_another_path_fails() -> None:
    steps = _recorded_by_the_mock()
    with pytest.raises(AssertionError, match="different paths"):
        check_against("t", _scenario, steps[:-1])


def test_a_stale_or_missing_recording_says_how_to_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recordings, "RECORDINGS", tmp_path / "recordings")
    module = tmp_path / "test_example.py"
    module.write_text("# one scenario\n")

    with pytest.raises(recordings.RecordingUnusable, match="no recording file"):
        recordings.load(module, "test_one")

    steps = _recorded_by_the_mock()
    recordings.save(module, "test_one", steps, "a test")
    assert recordings.load(module, "test_one") == steps
    with pytest.raises(recordings.RecordingUnusable, match="has no recording of test_two"):
        recordings.load(module, "test_two")

    module.write_text("# one scenario, edited\n")
    with pytest.raises(
        recordings.RecordingUnusable, match=r"stale.*DYNASTREAM_DIFFERENTIAL=record"
    ):
        recordings.load(module, "test_one")


def test_an_unknown_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYNASTREAM_DIFFERENTIAL", "replya")
    with pytest.raises(ValueError, match="'replya' is not a differential mode"):
        recordings.mode()
    monkeypatch.setenv("DYNASTREAM_DIFFERENTIAL", "")
    assert recordings.mode() == "replay"
