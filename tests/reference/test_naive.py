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

The process round (dated rounds with inside options, actions as lotteries, private types
and beliefs, strategies) is checked the same three ways: the plan of the true world and of
every type's world agrees replication by replication (the flagship and a small scenario);
without chance in a round (no noise, rotation, no events, actions that surely succeed) the
whole outcome agrees replication by replication, beliefs included; and with chance the
outcome kinds (forced exit and withdrawal among them), end rounds, rejections and terms
agree in distribution, on the flagship (with 3 types per private parameter instead of 7:
the reference plans once per type, at ~50 ms a replication) and on a small scenario with
private types on both sides, also under the time-dependent and informed strategies. The
power check there: the eviction succeeding with 0.55 instead of 0.7 is rejected.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.beliefs import build_worlds, type_of
from sim.engine.outcomes import DEAL, FORCED_EXIT, KINDS, WITHDRAWAL, Outcomes
from sim.engine.planner import Planner
from sim.engine.state import build_state
from sim.ensemble.blocks import simulate
from sim.reference.naive import draws_of, one_row, run_reference, true_type, world_states
from sim.reference.plan import plan_game
from sim.scenario.load import Scenario, load_scenario
from tests.conftest import BASELINE, two_party

ALPHA = 1e-3
N_SMALL, N_BASELINE = 1000, 1000  # reference replications; the engine plays 10x as many
N_PROCESS, N_FLAGSHIP = 400, 250  # the same for the process round (the reference plans once per type)


def small(**protocol: object) -> dict:
    """Two parties, capability recognition and an event that makes the host impatient."""
    data = two_party()
    data["protocol"].update({"recognition": "capability", **protocol})
    data["events"] = [{"name": "shock", "round": 2, "probability": 0.5,
                       "effects": [{"target": "actors.host.patience", "add": -0.15}]}]
    return data


def small_process(private: bool = True, success: float = 0.7, evict_cost: float = 0.03, **strategies: str) -> dict:
    """The small scenario as a process: dated rounds with inside options, two actions, private types.

    The host may evict the power (a lottery with costs to both, at its turn or after a
    refusal), the power may withdraw (after a refusal only); the power's outside-option bonus
    and the host's inside option are private (5 and 3 types).
    """
    data = small()
    data["timing"] = {"start": "2025-01"}
    data["actors"][0]["inside_option"] = {"bonus": -0.05}
    data["actors"][1]["inside_option"] = {"bonus": 0.05}
    data["actions"] = [
        {"name": "evict", "actor": "host", "outcome": "forced_exit", "terms": {"base": "none"},
         "success": success, "cost": {"host": evict_cost, "power": 0.05}},
        {"name": "withdraw", "actor": "power", "outcome": "withdrawal", "terms": {"base": "none"}, "when": ["refusal"],
         "success": 1.0, "cost": {"power": 0.01}},
    ]
    data["uncertainty"] = [
        {"param": "actors.power.outside_option.bonus", "dist": "uniform", "low": 0.0, "high": 0.4,
         "private": private, **({"types": 5} if private else {})},
        {"param": "actors.host.inside_option.bonus", "dist": "uniform", "low": -0.15, "high": 0.05,
         "private": private, **({"types": 3} if private else {})},
        {"param": "actors.host.patience", "dist": "uniform", "low": 0.8, "high": 0.95},
    ]
    data["run"]["block_size"] = 1000  # the engine's cost is per block
    for a, name in enumerate(("host", "power")):
        if name in strategies:
            data["actors"][a]["strategy"] = strategies[name]
    return data


def flagship(types: int = 3) -> dict:
    """The flagship baseline with a coarser type grid (fewer worlds: the reference plans once per type)."""
    import yaml

    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    for u in data["uncertainty"]:
        if u.get("private"):
            u["types"] = types
    for a in data["actors"]:  # offers as tabled: the reference checks the bargaining, not the offer choice
        a.pop("offers", None)
        a.pop("budget", None)
    return data


PLAN_VALUES = ("value", "reservation", "walk_value", "continuation", "turn_value", "conseq_refusal")


def assert_same_plan(ref, batched, r: int, t0: int, T: int, packages: bool = True) -> None:
    """One replication's reference plan against row ``r`` of the batched one, from round ``t0``."""
    for name in PLAN_VALUES:  # (T + 1 or T + 2, A, ...) against (T + 1 or T + 2, n, A, ...)
        assert np.allclose(getattr(ref, name)[t0:], getattr(batched, name)[t0:, r], atol=1e-12, rtol=0), name
    for name in ("act_turn", "act_refusal"):
        assert np.array_equal(getattr(ref, name)[t0:], getattr(batched, name)[t0:, r]), name
    assert np.array_equal(ref.action[t0:T + 1], batched.action[t0:, :, r])
    assert np.allclose(ref.offer_value[t0:T + 1], batched.offer_value[t0:, :, r], atol=1e-12, rtol=0)
    if packages:
        assert np.array_equal(ref.package[t0:T + 1], batched.package[t0:, :, r])
        assert np.allclose(ref.tau[t0:], batched.tau[t0:, :, r], atol=1e-12, rtol=0)


# --- replication by replication ----------------------------------------------------------

@pytest.mark.parametrize("which", ["small", "baseline", "small_process"])
def test_plans_agree_replication_by_replication(write, which) -> None:
    data = {"small": small, "small_process": small_process}.get(which)
    sc = load_scenario(BASELINE if data is None else write(data()))
    n = 60 if which != "baseline" else 30
    draws = draws_of(sc, n, seed=11)
    st = build_state(sc, n, draws.values)
    T = sc.spec.protocol.rounds
    for t0 in (1, 3):
        st.generosity += 0.05 * (t0 - 1)  # a later re-plan starts from another generosity
        batched = Planner(sc, st).solve(t0=t0)
        for r in range(n):
            one = build_state(sc, 1, {k: v[r:r + 1] for k, v in draws.values.items()})
            one.generosity[:] = st.generosity[r]
            assert_same_plan(plan_game(sc, one_row(one), t0=t0), batched, r, t0, T)


@pytest.mark.parametrize("which", ["flagship", "small_process"])
def test_world_plans_agree_replication_by_replication(write, which) -> None:
    """Each private type's world: the reference's state and plan against the engine's, row by row."""
    sc = load_scenario(BASELINE if which == "flagship" else write(small_process()))
    n = 8 if which == "flagship" else 30
    draws = draws_of(sc, n, seed=13)
    st = build_state(sc, n, draws.values)
    T = sc.spec.protocol.rounds
    private = [j for j, g in enumerate(sc.types) if g is not None]
    assert len(private) == 2
    for t0 in (1, 3):
        st.generosity += 0.05 * (t0 - 1)
        worlds = build_worlds(sc, st, Planner(sc, st).solve())
        if t0 > 1:  # a re-plan (an event) in every world
            for w in (w for j in private for w in worlds[j]):
                Planner(sc, w.state).solve(t0=t0, plan=w.plan)
        for r in range(n):
            one = build_state(sc, 1, {k: v[r:r + 1] for k, v in draws.values.items()})
            one.generosity[:] = st.generosity[r]
            states = world_states(sc, one)
            for j in private:
                assert true_type(sc, one, j) == type_of(sc, st, j)[r]
                assert len(states[j]) == sc.types[j].m == len(worlds[j])
                for k, w in enumerate(worlds[j]):
                    assert_same_plan(plan_game(sc, one_row(states[j][k]), t0=t0), w.plan, r, t0, T)


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
        if sc.budgets:  # values alone cannot tell splits apart (equal recognition: every v_j = 1/n)
            assert np.allclose(ref.offer_value[1:], batched.offer_value[1:, :, r], atol=1e-12, rtol=0)
            assert np.allclose(ref.alloc[1:], batched.alloc[1:, :, r], atol=1e-12, rtol=0)


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


@pytest.mark.parametrize("which", ["small_process", "boulware-conceder", "flagship"])
def test_noise_free_process_agrees_replication_by_replication(write, which) -> None:
    """Without chance in a round (no noise, rotation, no events, actions that surely succeed), the process
    round must give the same outcome in every replication: beliefs, offers, refusals, moves, payoffs."""
    if which == "flagship":
        data = flagship(types=3)
        data["protocol"]["noise"] = 0.0
        data["uncertainty"] = [u for u in data["uncertainty"] if u["param"] not in ("protocol.noise",
                                                                                   "actions.evict.success")]
        data["actions"][0]["success"] = 1.0
    else:
        data = small_process(success=1.0, evict_cost=0.24,
                             **({"host": "boulware", "power": "conceder"} if "boulware" in which else {}))
        data["protocol"].update({"noise": 0.0, "recognition": "rotation"})
    data["events"] = []
    sc = load_scenario(write(data))
    n = 40 if which == "flagship" else 150
    ref, eng = run_reference(sc, n, seed=5), simulate(sc, replications=n, seed=5)
    assert len(set(eng.kind.tolist())) > 1 or which == "flagship"
    for k in ("kind", "round", "proposer", "walker", "rejections"):
        assert np.array_equal(getattr(ref, k), getattr(eng, k)), (k, np.flatnonzero(getattr(ref, k) != getattr(eng, k)))
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
    out["end round"] = chi2(a.round, b.round)
    out["rejections"] = chi2(np.minimum(a.rejections, 6), np.minimum(b.rejections, 6))
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


def samples(folder, same: dict, changed: dict, n: int, seeds: tuple[int, int]) -> tuple:
    """The scenario, the reference's sample, and the engine's (10x) under the same and under changed rules."""
    import yaml

    scs = []
    for name, data in (("same", same), ("changed", changed)):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        scs.append(load_scenario(path))
    sc, other = scs
    return (sc, run_reference(sc, n, seed=seeds[0]), simulate(sc, replications=10 * n, seed=seeds[1]),
            simulate(other, replications=10 * n, seed=seeds[1]))


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    """The small scenario: the reference's sample, and the engine's under the same and changed rules."""
    return samples(tmp_path_factory.mktemp("reference"), small(), small(margin=0.005), N_SMALL, (101, 202))


@pytest.mark.slow
def test_same_distribution_small_scenario(small_runs) -> None:
    sc, ref, eng, _ = small_runs
    _assert_same(sc, ref, eng)


@pytest.mark.slow  # about 15 s: the reference plans the flagship once per type of each side
def test_same_distribution_flagship_baseline(write) -> None:
    """The flagship as a process (timing, evict and withdraw, two private parameters; 3 types each)."""
    sc = load_scenario(write(flagship(), "flagship.yaml"))
    ref, eng = run_reference(sc, N_FLAGSHIP, seed=303), simulate(sc, replications=10 * N_FLAGSHIP, seed=404)
    assert (eng.kind == FORCED_EXIT).any() and (eng.kind == WITHDRAWAL).any()
    _assert_same(sc, ref, eng)


@pytest.fixture(scope="module")
def process_runs(tmp_path_factory):
    """The small process scenario: the reference's sample, and the engine's under the same and changed rules."""
    return samples(tmp_path_factory.mktemp("process"), small_process(), small_process(success=0.55), N_PROCESS,
                   (505, 606))


def test_same_distribution_small_private_scenario(process_runs) -> None:
    """Private types on both sides, beliefs, actions as lotteries, an event in every world."""
    sc, ref, eng, _ = process_runs
    kinds = {KINDS[k] for k in np.unique(eng.kind)}
    assert {"deal", "forced_exit", "withdrawal"} <= kinds, kinds
    _assert_same(sc, ref, eng)


@pytest.mark.parametrize("strategies", [{"host": "boulware", "power": "conceder"}, {"host": "linear"},
                                        {"power": "equilibrium"}], ids=["boulware-conceder", "linear", "equilibrium"])
def test_same_distribution_strategies(write, strategies) -> None:
    """Time-dependent and informed strategies against the belief-based default."""
    sc = load_scenario(write(small_process(**strategies)))
    _assert_same(sc, run_reference(sc, N_PROCESS // 2, seed=707), simulate(sc, replications=5 * N_PROCESS, seed=808))


def test_comparison_detects_a_small_change(small_runs) -> None:
    """The tests have power: proposers leaving a cushion of 0.005 utility (instead of 0) is told apart."""
    sc, ref, _, changed = small_runs
    p = pvalues(sc, ref, changed)
    assert min(p.values()) < ALPHA, p



def test_comparison_detects_a_small_change_in_the_process(process_runs) -> None:
    """The process tests have power too: the eviction succeeding with 0.55 instead of 0.7 is told apart."""
    sc, ref, _, changed = process_runs
    p = pvalues(sc, ref, changed)
    assert min(p.values()) < ALPHA, p
