"""Conditioning on a history: the conjugate case, nothing observed, impossible observations, reruns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.ensemble.blocks import simulate
from sim.experiments.condition import TooUnlikely, backtest, condition
from sim.scenario.history import empty_history, load_history
from sim.scenario.load import load_scenario

COIN = Path(__file__).parent / "data" / "coin.yaml"
ROOT = Path(__file__).resolve().parents[2]


def _history(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "history.yaml"
    p.write_text("name: test\nfacts:\n" + body, encoding="utf-8")
    return p


@pytest.mark.parametrize(("happened", "a", "b"), [(True, 3, 3), (False, 2, 4)])
def test_conjugate_beta_posterior_of_an_event_probability(tmp_path: Path, happened: bool, a: int, b: int) -> None:
    """Beta(2, 3) prior on P(shock); observing whether it fired gives Beta(2 + y, 3 + 1 - y).

    Kolmogorov-Smirnov test of the accepted draws against the analytic posterior at a fixed
    seed; the same test rejects the prior, so it has the power to see a wrong answer.
    """
    from scipy.stats import beta, kstest

    sc = load_scenario(COIN)
    h = load_history(_history(tmp_path, f"  - {{fact: event, event: shock, happened: {str(happened).lower()}, "
                                         "round: 1, source: test}\n"), sc)
    c = condition(sc, h, replications=2000, target_ess=1500, cap=8000)
    post = c.outcomes.draws["events.shock.probability"][c.accepted]
    assert c.ess == len(post) >= 1500
    assert kstest(post, beta(a, b).cdf).pvalue > 0.01
    assert kstest(post, beta(2, 3).cdf).pvalue < 1e-6  # the prior is rejected: the test has power
    assert abs(c.acceptance_rate - (0.4 if happened else 0.6)) < 0.03  # P(fire) = E[Beta(2, 3)] = 0.4


def test_conditioning_on_nothing_gives_the_unconditioned_forecast_exactly() -> None:
    sc = load_scenario(COIN)
    c = condition(sc, empty_history(), replications=600)  # below the target ESS: still no growth
    plain = simulate(sc, replications=600)
    post = c.posterior()
    assert c.growth == [600] and c.acceptance_rate == 1.0
    for k in ("kind", "round", "terms", "payoff", "proposer", "walker", "rejections", "fired"):
        assert np.array_equal(getattr(post, k), getattr(plain, k)), k
    for k, v in plain.draws.items():
        assert np.array_equal(post.draws[k], v), k


def test_growth_uses_fresh_blocks_and_is_seeded(tmp_path: Path) -> None:
    sc = load_scenario(COIN)
    h = load_history(_history(tmp_path, "  - {fact: event, event: shock, round: 1, source: test}\n"), sc)
    one = condition(sc, h, replications=700, target_ess=900, cap=5000)
    two = condition(sc, h, replications=700, target_ess=900, cap=5000)
    assert len(one.growth) > 1 and one.growth == two.growth
    assert np.array_equal(one.accepted, two.accepted)
    x = one.outcomes.draws["events.shock.probability"]
    assert len(np.unique(x)) == len(x)  # no block was played twice
    assert np.array_equal(x[:700], simulate(sc, replications=700).draws["events.shock.probability"])


def test_impossible_history_raises_with_the_culprit(tmp_path: Path) -> None:
    sc = load_scenario(COIN)
    h = load_history(_history(tmp_path, "  - {fact: event, event: shock, round: 1, source: a}\n"
                                        "  - {fact: event, event: shock, happened: false, round: 2, source: b}\n"), sc)
    with pytest.raises(TooUnlikely, match=r"0 of 1,000 replications agree.*shock not fired by round 2' \(line 4\)"):
        condition(sc, h, replications=500, target_ess=100, cap=1000)


def test_impossible_history_cli_one_line_exit_2_nothing_written(tmp_path: Path) -> None:
    hist = _history(tmp_path, "  - {fact: event, event: shock, round: 1, source: a}\n"
                              "  - {fact: event, event: shock, happened: false, round: 2, source: b}\n")
    out = tmp_path / "results"
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(COIN), "--given", str(hist), "-n", "500",
                        "--cap", "1000", "--out", str(out), "-q"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the history") and "too unlikely" in lines[0]
    assert not out.exists() or not any(out.rglob("*"))


def test_conditioned_run_reruns_byte_for_byte(tmp_path: Path) -> None:
    hist = _history(tmp_path, "  - {fact: event, event: shock, round: 1, source: a}\n")
    out = tmp_path / "results"
    r = subprocess.run([sys.executable, "-m", "sim", "condition", str(COIN), str(hist), "-n", "500",
                        "--target-ess", "400", "--out", str(out), "-q", "--no-plots"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    (folder,) = (out / "coin").iterdir()
    assert (folder / "history.yaml").read_text() == hist.read_text()
    r = subprocess.run([sys.executable, "-m", "sim", "rerun", str(folder), "-q"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("identical"), r.stdout + r.stderr


def test_backtest_forecasts_use_only_earlier_facts(tmp_path: Path) -> None:
    sc = load_scenario(COIN)
    h = load_history(_history(tmp_path, "  - {fact: event, event: shock, round: 1, source: a}\n"
                                        "  - {fact: ending, outcome: deal, round: 2, source: b}\n"), sc)
    bt = backtest(condition(sc, h, replications=1000, target_ess=200))
    assert bt.milestones == [0, 1, 2]
    first = [r for r in bt.forecasts if r["issued"] == 0]
    assert [r["fact"] for r in first] == ["shock fired by round 1", "deal happened by round 2"]
    assert abs(first[0]["p"] - 0.4) < 0.05
    assert all(r["resolved"] > r["issued"] for r in bt.forecasts)
    assert bt.scores["questions"] == 3
