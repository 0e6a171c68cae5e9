"""The class list without a browser: one row per role-play, ghosts expire, finished rows stay and persist."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.app import registry


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """An empty class list (no file) on a hand-moved clock, with a 60 s ghost period."""
    c = Clock()
    monkeypatch.setattr(registry, "_ROWS", {})
    monkeypatch.setattr(registry, "_SEEN", {})
    monkeypatch.setattr(registry, "_file", None)
    monkeypatch.setattr(registry, "_clock", c)
    monkeypatch.setattr(registry, "GHOST_SECONDS", 60.0)
    return c


def row(finished: bool, outcome: str = "deal in round 2 (2025-02), proposed by Russia") -> dict:
    return {"actor": "syria", "seed": 1, "settings": {}, "round": 2, "finished": finished, "outcome": outcome,
            "terms": "t" if finished else None, "your_utility": 42.0 if finished else None,
            "model_utility": 43.0 if finished else None, "model_outcome": "m" if finished else None}


def keys() -> list[str]:
    return [r["key"] for r in registry.rows()]


def test_each_role_play_is_its_own_row(clock) -> None:
    registry.publish("s-1", "s", row(True))
    registry.withdraw("s-1")  # Reset: the finished result stays
    registry.publish("s-2", "s", row(False, "waiting for their answer"))
    rows = registry.rows()
    assert [r["key"] for r in rows] == ["s-1", "s-2"] and {r["session"] for r in rows} == {"s"}
    assert rows[0]["outcome"].startswith("deal") and not rows[0]["live"] and rows[1]["live"]
    registry.withdraw("s-2")  # an unfinished role-play left the screen: not a result
    assert keys() == ["s-1"]


def test_unfinished_rows_of_dead_tabs_expire_and_finished_rows_stay(clock) -> None:
    registry.publish("dead-1", "dead", row(False, "waiting for their proposal"))
    registry.publish("done-1", "done", row(True))
    registry.publish("alive-1", "alive", row(False, "waiting for the next step"))
    for _ in range(5):  # only the live tab beats, every 20 s, for 100 s
        clock.now += 20
        assert registry.touch("alive-1")
    rows = {r["key"]: r for r in registry.rows()}
    assert set(rows) == {"done-1", "alive-1"}  # the dead tab's unfinished row is gone after 60 s
    assert rows["alive-1"]["live"] and not rows["done-1"]["live"]
    assert not registry.touch("dead-1")  # a tab back from sleep learns that its row went; it publishes again
    registry.publish("dead-1", "dead", row(False, "waiting for their proposal"))
    assert "dead-1" in keys()


def test_a_beat_keeps_a_finished_row_live_and_updated_marks_changes(clock) -> None:
    registry.publish("s-1", "s", row(False, "waiting for the next step"))
    first = registry.rows()[0]["updated"]
    registry.publish("s-1", "s", row(True))
    assert registry.rows()[0]["updated"] >= first
    clock.now += 59
    registry.touch("s-1")
    clock.now += 59
    assert registry.rows()[0]["live"]
    clock.now += 2
    assert not registry.rows()[0]["live"] and registry.rows()[0]["finished"]


def test_finished_rows_are_written_atomically_and_read_back(clock, tmp_path, monkeypatch) -> None:
    registry.load(tmp_path)
    registry.publish("s-1", "s", row(False, "waiting for their answer"))
    assert not (tmp_path / registry.FILE_NAME).exists()  # only finished rows are kept
    registry.publish("s-1", "s", row(True))
    saved = json.loads((tmp_path / registry.FILE_NAME).read_text())
    assert [r["key"] for r in saved["rows"]] == ["s-1"] and saved["rows"][0]["your_utility"] == 42.0

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)  # a write that fails half-way leaves the old file whole
    registry.publish("t-1", "t", row(True))
    assert json.loads((tmp_path / registry.FILE_NAME).read_text()) == saved
    assert [p.name for p in tmp_path.iterdir()] == [registry.FILE_NAME]  # no temporary file left behind
    monkeypatch.undo()

    env = {**os.environ, registry.CLASS_DIR_ENV: str(tmp_path)}
    code = "from sim.app import registry; import json; print(json.dumps(registry.rows()))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    back = json.loads(out.stdout)  # a restarted server lists them, no longer live
    assert [(r["key"], r["finished"], r["live"]) for r in back] == [("s-1", True, False)]


def test_an_unreadable_file_is_moved_aside_not_overwritten(clock, tmp_path, capsys) -> None:
    (tmp_path / registry.FILE_NAME).write_text("{not json")
    registry.load(tmp_path)
    assert "could not read the class list" in capsys.readouterr().err
    assert (tmp_path / (registry.FILE_NAME + ".unreadable")).read_text() == "{not json"
    registry.publish("s-1", "s", row(True))
    assert keys() == ["s-1"] and json.loads((tmp_path / registry.FILE_NAME).read_text())["rows"]


def test_the_ghost_period_comes_from_the_environment(tmp_path: Path) -> None:
    code = "from sim.app import registry; print(registry.GHOST_SECONDS, registry.BEAT_SECONDS)"
    env = {**os.environ, registry.GHOST_ENV: "8"}
    env.pop(registry.CLASS_DIR_ENV, None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["8.0", "2.0"]
