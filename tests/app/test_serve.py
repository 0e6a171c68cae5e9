"""``sim serve`` without its browser files fails at once with one line that says how to fetch them."""

from __future__ import annotations

import pytest

from sim.app.assets import ASSETS, missing
from sim.cli import main
from tests.conftest import SCENARIOS

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"


def test_missing_assets_say_how_to_fetch_them(tmp_path, monkeypatch, capsys) -> None:
    pytest.importorskip("solara", reason="needs the app's packages (bash scripts/setup.sh app)")
    monkeypatch.setenv("SIM_ASSETS_DIR", str(tmp_path / "none"))
    assert main(["serve", str(SEMINAR)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "browser files are missing" in err[0] and "bash scripts/setup.sh app" in err[0]


def test_missing_lists_what_a_folder_lacks(tmp_path) -> None:
    assert missing(tmp_path) == list(ASSETS)
    (tmp_path / "requirejs@2.3.6").mkdir()
    (tmp_path / "requirejs@2.3.6" / "package.json").write_text("{}")
    assert "requirejs@2.3.6" not in missing(tmp_path)


def test_a_broken_scenario_fails_before_the_server(write, capsys) -> None:
    path = write("name: x\nissues: []\n")
    assert main(["serve", str(path)]) == 2
    assert "error:" in capsys.readouterr().err
