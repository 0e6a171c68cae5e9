"""The batched engine against the naive reference (one Mesa model per replication).

Two kinds of check:

* **Replication by replication, where the game is deterministic.** Given the same drawn
  parameters, the reference's backward induction (:mod:`sim.reference.plan`) and the
  batched planner must give the same plan (values to 1e-12, the same actions and
  packages), including a re-plan from a later round; and with no acceptance noise, no
  random recognition and no events the whole outcome must agree replication by replication.
* **In distribution, where chance enters.** The reference draws recognition, acceptance
  and events from its own streams (keyed by replication; the engine's are keyed by block
  and drawn for a whole block at once), so with noise the two cannot agree replication by
  replication; they must agree in distribution. Each side also draws its parameters from a
  different root seed, so the two samples are independent, as the tests assume.
  Two-sample tests at fixed seeds: chi-square on outcome kinds, on the round of the deal,
  on who walked out and on the discrete deal terms; Kolmogorov-Smirnov on each continuous
  term among deals. The engine's sample is 10x the reference's (it is cheap), which
  gives nearly the power of two reference-sized samples of twice the size. Each test
  must not reject at level 0.001; fixed seeds make the verdict reproducible, and the small
  level keeps a family of about 15 tests from failing by chance on a correct engine. A
  last test shows the comparison has power: a small change to the rules (proposers leave a
  cushion of 0.005 utility above the reservation value instead of none) is rejected.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.outcomes import DEAL, Outcomes
from sim.engine.planner import Planner
from sim.engine.state import build_state
from sim.ensemble.blocks import simulate
from sim.reference.naive import draws_of, one_row, run_reference
from sim.reference.plan import plan_game
from sim.scenario.load import Scenario, load_scenario
from tests.conftest import BASELINE, two_party

ALPHA = 1e-3
N_SMALL, N_BASELINE = 1000, 1000  # reference replications; the engine plays 10x as many


def small(**protocol: object) -> dict:
    """Two parties, capability recognition and an event that makes the host impatient."""
    data = two_party()
    data["protocol"].update({"recognition": "capability", **protocol})
    data["events"] = [{"name": "shock", "round": 2, "probability": 0.5,
                       "effects": [{"target": "actors.host.patience", "add": -0.15}]}]
    return data


# --- replication by replication ----------------------------------------------------------

@pytest.mark.parametrize("which", ["small", "baseline"])
def test_plans_agree_replication_by_replication(write, which) -> None:
    sc = load_scenario(BASELINE if which == "baseline" else write(small()))
    n = 60
    draws = draws_of(sc, n, seed=11)
    st = build_state(sc, n, draws.values)
    for t0 in (1, 3):
        st.generosity += 0.05 * (t0 - 1)  # a later re-plan starts from another generosity
        batched = Planner(sc, st).solve(t0=t0)
        for r in range(n):
            one = build_state(sc, 1, {k: v[r:r + 1] for k, v in draws.values.items()})
            one.generosity[:] = st.generosity[r]
            ref = plan_game(sc, one_row(one), t0=t0)
            T = sc.spec.protocol.rounds
            assert np.allclose(ref.value[t0:], batched.value[t0:, r], atol=1e-12, rtol=0)
            assert np.allclose(ref.reservation[t0:], batched.reservation[t0:, r], atol=1e-12, rtol=0)
            assert np.array_equal(ref.action[t0:T + 1], batched.action[t0:, :, r])
            assert np.array_equal(ref.package[t0:T + 1], batched.package[t0:, :, r])
            assert np.allclose(ref.tau[t0:], batched.tau[t0:, :, r], atol=1e-12, rtol=0)


def _alternating_offers_scenarios() -> list:
    from sim.errors import ScenarioError
    from tests.conftest import shipped_scenarios

    out = []
    for path in shipped_scenarios():
        try:
            sc = load_scenario(path)
        except ScenarioError:  # test_shipped_scenarios reports it
            continue
        if sc.spec.protocol.name == "alternating_offers":
            out.append(pytest.param(path, id=path.stem))
    return out


@pytest.mark.parametrize("path", _alternating_offers_scenarios())
def test_every_shipped_scenario_plans_alike(path) -> None:
    """Values, reservation values and actions agree on every shipped scenario.

    Packages and concessions are compared exactly on the baseline and the small scenario
    above; here they may differ where two packages are worth exactly the same to the
    proposer (e.g. annotated.yaml trades an apology for payment at equal saliences), which
    floating-point rounding then decides; the values cannot differ, and do not.
    """
    sc = load_scenario(path)
    n = 16
    draws = draws_of(sc, n, seed=5)
    batched = Planner(sc, build_state(sc, n, draws.values)).solve()
    for r in range(n):
        ref = plan_game(sc, one_row(build_state(sc, 1, {k: v[r:r + 1] for k, v in draws.values.items()})))
        assert np.allclose(ref.value[1:], batched.value[1:, r], atol=1e-12, rtol=0)
        assert np.allclose(ref.reservation[1:], batched.reservation[1:, r], atol=1e-12, rtol=0)
        assert np.allclose(ref.walk_value[1:], batched.walk_value[1:, r], atol=1e-12, rtol=0)
        assert np.array_equal(ref.action[1:], batched.action[1:, :, r])


def test_noise_free_play_agrees_replication_by_replication(write) -> None:
    data = two_party()
    data["protocol"]["noise"] = 0.0
    data["actors"][0]["outside_option"] = 0.6  # some talks break down, some end in a deal
    sc = load_scenario(write(data))
    ref, eng = run_reference(sc, 200, seed=5), simulate(sc, replications=200, seed=5)
    assert len(set(ref.kind.tolist())) > 1
    for k in ("kind", "round", "proposer", "walker", "rejections"):
        assert np.array_equal(getattr(ref, k), getattr(eng, k)), k
    assert np.allclose(ref.terms, eng.terms, atol=1e-12, rtol=0)
    assert np.allclose(ref.payoff, eng.payoff, atol=1e-12, rtol=0)


# --- in distribution ----------------------------------------------------------------------

def pvalues(sc: Scenario, a: Outcomes, b: Outcomes) -> dict[str, float]:
    """Two-sample tests of every distribution we care about: name → p-value."""
    from scipy.stats import chi2_contingency, ks_2samp

    def chi2(xa: np.ndarray, xb: np.ndarray) -> float:
        values = np.union1d(xa, xb)
        table = np.array([[np.sum(x == v) for v in values] for x in (xa, xb)], dtype=float)
        table = _merge_sparse(table)
        return 1.0 if table.shape[1] < 2 else float(chi2_contingency(table, correction=False).pvalue)

    out = {"kind": chi2(a.kind, b.kind), "walker": chi2(a.walker, b.walker), "fired": chi2(
        a.fired @ (1 << np.arange(a.fired.shape[1])), b.fired @ (1 << np.arange(b.fired.shape[1])))}
    da, db = a.kind == DEAL, b.kind == DEAL
    out["deal round"] = chi2(a.round[da], b.round[db])
    for i, info in enumerate(sc.space.issues):
        xa, xb = a.terms[da, i], b.terms[db, i]
        if info.kind == "continuous":
            out[info.name] = float(ks_2samp(xa, xb).pvalue)
        else:
            out[info.name] = chi2(np.rint(xa * (info.n_levels - 1)), np.rint(xb * (info.n_levels - 1)))
    return out


def _merge_sparse(table: np.ndarray, least: float = 5.0) -> np.ndarray:
    """Merge adjacent columns until every expected count is at least ``least`` (chi-square's rule)."""
    cols = [table[:, j] for j in range(table.shape[1])]
    total = table.sum()
    rows = table.sum(axis=1)

    def expected_ok(c: np.ndarray) -> bool:
        return bool((rows * c.sum() / total >= least).all())

    merged: list[np.ndarray] = []
    for c in cols:
        if merged and not expected_ok(merged[-1]):
            merged[-1] = merged[-1] + c
        else:
            merged.append(c)
    if len(merged) > 1 and not expected_ok(merged[-1]):
        last = merged.pop()
        merged[-1] = merged[-1] + last
    return np.stack(merged, axis=1)


def _assert_same(sc: Scenario, ref: Outcomes, eng: Outcomes) -> None:
    p = pvalues(sc, ref, eng)
    worst = min(p, key=p.get)
    assert p[worst] > ALPHA, f"{worst}: p = {p[worst]:.2g}; all: { {k: round(v, 4) for k, v in p.items()} }"


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    """The small scenario: the reference's sample, and the engine's under the same and changed rules."""
    import yaml

    folder = tmp_path_factory.mktemp("reference")
    scs = []
    for name, data in (("same", small()), ("changed", small(margin=0.005))):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        scs.append(load_scenario(path))
    sc, changed = scs
    return (sc, run_reference(sc, N_SMALL, seed=101), simulate(sc, replications=10 * N_SMALL, seed=202),
            simulate(changed, replications=10 * N_SMALL, seed=202))


@pytest.mark.slow
def test_same_distribution_small_scenario(small_runs) -> None:
    sc, ref, eng, _ = small_runs
    _assert_same(sc, ref, eng)


@pytest.mark.slow
def test_same_distribution_flagship_baseline() -> None:
    sc = load_scenario(BASELINE)
    _assert_same(sc, run_reference(sc, N_BASELINE, seed=303), simulate(sc, replications=10 * N_BASELINE, seed=404))


def test_comparison_detects_a_small_change(small_runs) -> None:
    """The tests have power: proposers leaving a cushion of 0.005 utility (instead of 0) is told apart."""
    sc, ref, _, changed = small_runs
    p = pvalues(sc, ref, changed)
    assert min(p.values()) < ALPHA, p

