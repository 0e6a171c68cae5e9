"""History files: dates to rounds, and every mistake located on one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.history import load_history
from sim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "syria_bases" / "baseline.yaml"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(BASELINE)


def test_shipped_history_loads_with_dates_as_rounds(sc) -> None:
    h = load_history(ROOT / "scenarios" / "syria_bases" / "history" / "early_2025.yaml", sc)
    assert h.rounds == [1, 2] and all(f.source for f in h.facts)
    assert {f.when for f in h.facts} == {"2025-01", "2025-02"}


@pytest.mark.parametrize(("fact", "expected"), [
    ("{fact: event, event: eu_eases, date: 2025-03, source: s}",
     "h.yaml:3: facts[0].event: 'eu_eases' is not an event of scenario syria_bases_baseline; "
     "allowed: eu_suspends_sanctions, us_lifts_more_sanctions"),
    ("{fact: no_agreement, date: 2025-03}",
     "h.yaml:3: facts[0].source: every fact needs a `source:` (where it was reported), a non-empty text"),
    ("{fact: no_agreement, date: 2024-11, source: s}",
     "h.yaml:3: facts[0].date: 2024-11 is outside the talks' calendar; allowed: 2025-01 to 2026-12"),
    ("{fact: no_agreement, date: March, source: s}",
     "h.yaml:3: facts[0].date: 'March' is not a date; allowed: YYYY-MM or YYYY-MM-DD"),
    ("{fact: rumour, date: 2025-03, source: s}",
     "h.yaml:3: facts[0].fact: 'rumour' is not a kind of fact; allowed: no_agreement, event, action, ending, term"),
    ("{fact: term, issue: tartus_presence, value: huge, date: 2025-03, source: s}",
     "h.yaml:3: facts[0].value: 'huge' is not a level of 'tartus_presence'; "
     "allowed: none, logistics_only, reduced, full"),
    ("{fact: action, action: evict, taken: maybe, date: 2025-03, source: s}",
     "h.yaml:3: facts[0].taken: 'maybe' is not true or false"),
])
def test_history_errors_are_located(tmp_path: Path, sc, fact: str, expected: str) -> None:
    p = tmp_path / "h.yaml"
    p.write_text(f"name: t\nfacts:\n  - {fact}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_history(p, sc)
    assert str(err.value).replace(str(tmp_path) + "/", "") == expected


def test_term_tolerance_in_issue_units(tmp_path: Path, sc) -> None:
    p = tmp_path / "h.yaml"
    p.write_text("facts:\n  - {fact: term, issue: compensation, value: 2, tolerance: 0.5, date: 2025-02-14, "
                 "source: s}\n", encoding="utf-8")
    (f,) = load_history(p, sc).facts
    assert f.round == 2 and abs(f.lo - 0.15) < 1e-5 and abs(f.hi - 0.25) < 1e-5
