import pytest

from sim.analysis.summaries import summarize
from sim.ensemble.blocks import simulate
from sim.output.handout import public_brief, role_sheet, write_handout
from sim.scenario.load import load_scenario
from tests.conftest import BASELINE, SCENARIOS


def test_role_sheets_say_priorities_red_lines_and_outside_option() -> None:
    sc = load_scenario(BASELINE)
    russia = role_sheet(sc, sc.actors.index("russia"))
    assert "Russian presence at Tartus" in russia and "22%" in russia
    assert "must be exactly no" in russia  # Assad red line in words
    assert "a deal must beat it" in russia
    us = role_sheet(sc, sc.actors.index("united_states"))
    assert "What you offer" in us and "not at the table" in us
    brief = public_brief(sc)
    assert "22%" not in brief  # private priorities stay private


@pytest.mark.slow
def test_write_handout(tmp_path) -> None:
    sc = load_scenario(SCENARIOS / "teaching" / "syria_bases_seminar.yaml")
    out = simulate(sc, replications=100)
    files = write_handout(sc, tmp_path, out, summarize(sc, out))
    assert {"brief.html", "debrief.html", "kit.html", "role-syria.html"} <= set(files)
    debrief = (tmp_path / "debrief.html").read_text()
    assert "Russia keeps Tartus" in debrief and "%" in debrief and "data:image/png;base64" in debrief
