"""Every command that writes a folder writes report.html opening with an answer in words; `sim report` rebuilds each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.load import load_scenario
from tests.sweeps import toy_sweep

COIN = Path(__file__).parents[1] / "experiments" / "data" / "coin.yaml"
HOSTILE = "<script>alert(1)</script>"


def _answer(folder: Path) -> str:
    html = (folder / "report.html").read_text(encoding="utf-8")
    found = re.search(r"<p class='answer'>(.*?)</p>", html)
    assert found, f"{folder}: report.html has no answer line"
    return found.group(1)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small folder of each kind, written by the library's front doors (no figures: fast)."""
    import yaml

    from sim.scenario.history import load_history
    from sim.workflows.advise import advise
    from sim.workflows.condition import run_backtest, run_given
    from sim.workflows.discover import discover_in
    from sim.workflows.run import run
    from sim.workflows.sensitivity import sensitivity
    from sim.workflows.sweep import sweep

    tmp = tmp_path_factory.mktemp("reports")
    data = toy_sweep(points=3, replications=40)
    data["title"] = f"Toy {HOSTILE}"
    data["outcomes"]["no_deal"]["label"] = f"No deal {HOSTILE}"
    data["outcomes"]["base_kept"]["label"] = f"Base kept {HOSTILE}"
    path = tmp / "toy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    sc = load_scenario(path)
    out = tmp / "results"
    kinds = {"run": run(sc, replications=200, out_root=out, plots=False).folder,
             "sweep": sweep(sc, out_root=out, plots=False, run_id="sw").folder,
             "sensitivity": sensitivity(sc, "no_deal", n=8, replications=20, resamples=50, out_root=out,
                                        plots=False).folder,
             "advise": advise(sc, "no_deal>=0.5", levers=["bonus"], points=3, replications=40,
                              verify_replications=80, out_root=out, plots=False).folder}
    sweep(sc, out_root=out, plots=False, run_id="disc")
    kinds["discovery"] = discover_in(out / "toy" / "disc", "no_deal", 0.5, plots=False).folder
    coin = load_scenario(COIN)
    hist = tmp / "history.yaml"
    hist.write_text("name: test\nfacts:\n  - {fact: event, event: shock, round: 1, source: a}\n", encoding="utf-8")
    h = load_history(hist, coin)
    kinds["condition"] = run_given(coin, h, replications=500, target_ess=100, out_root=out, plots=False).folder
    kinds["backtest"] = run_backtest(coin, h, replications=500, target_ess=100, out_root=out, plots=False)[1]
    return kinds


EXPECTED = {  # words each answer line must hold
    "run": r"Base kept &lt;script&gt;.*: P = \d+% \[95% CI",
    "sweep": r"(Base kept|No deal) &lt;script&gt;.*: from \d+% \(at .*\) to \d+% \(at ",
    "sensitivity": r"drives P\(.*\) most: total Sobol index",
    "advise": r"(Cheapest|closest) package for no_deal&gt;=0.5: .* a fresh run gives \d",
    "discovery": r"(With .* (at most|at least|between) .*|no lever range separates them).*P ≥ 50%|P ≥ 50%",
    "condition": r"Given test \(1 fact,.*P = .* without the history",
    "backtest": r"Backtest on test: (mean Brier score|no fact came after)",
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_every_folder_has_a_report_with_its_answer_and_sim_report_rebuilds_it(folders, kind, capsys) -> None:
    folder = folders[kind]
    assert re.search(EXPECTED[kind], _answer(folder)), _answer(folder)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert HOSTILE not in html  # scenario text is escaped
    before = html
    (folder / "report.html").write_text("stale", encoding="utf-8")
    assert main(["report", str(folder)]) == 0
    assert "report.html" in capsys.readouterr().out
    assert (folder / "report.html").read_text(encoding="utf-8") == before


def test_report_refuses_a_folder_that_is_no_results_folder(tmp_path, capsys) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "sweep" in capsys.readouterr().err  # the hint names every kind it accepts


def test_box_words_and_units() -> None:
    from sim.output.kindreports import amount, box_words, per_unit

    levers = [{"name": "g", "label": "US generosity", "low": 0.25, "high": 1.25, "units": None},
              {"name": "c", "label": "compensation", "low": 0.0, "high": 4.0, "units": "$bn"},
              {"name": "a", "label": "acknowledgment", "values": [False, True]}]
    assert box_words({"g": [0.25, 0.5]}, levers) == "US generosity at most 0.5"
    both = box_words({"c": [1.0, 4.0], "a": [True]}, levers)
    assert both == "compensation at least 1 $bn and acknowledgment in {yes}"
    assert per_unit(levers[2]) == "per step along no, yes" and per_unit(levers[1]) == "per $bn"
    assert amount(True, None) == "yes" and amount("logistics_only", None) == "logistics only"
