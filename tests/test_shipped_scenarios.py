"""Every shipped scenario loads, runs at a small size, and labels every number."""

import pytest

from sim.ensemble.blocks import simulate
from sim.scenario.load import load_scenario
from tests.conftest import shipped_scenarios

SCENARIOS = shipped_scenarios()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_runs_small(path) -> None:
    sc = load_scenario(path)
    out = simulate(sc, replications=40)
    assert out.n == 40


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_number_has_a_note_or_source(path) -> None:
    sc = load_scenario(path)
    bare = [r["path"] for r in sc.assumptions() if not r["note"] and not r["source"]]
    assert not bare, f"numbers without note/source: {bare}"
