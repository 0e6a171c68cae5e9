"""The negotiation as a process: inside options, outside options, private types, learning.

Exact results from bargaining theory, checked to tight tolerance; properties over random
scenarios (hypothesis); and the reduction to the complete-information round.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sim.engine.beliefs import update
from sim.engine.model import NegotiationModel
from sim.engine.outcomes import BREAKDOWN, DEAL, FORCED_EXIT
from sim.ensemble.uncertainty import draw
from sim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def split_scenario(tmp: Path, *, d1: float, d2: float, rounds: int = 400, flows: tuple[float, float] | None = None,
                   w_b: float = 0.0, noise: float = 0.0, private_b: dict | None = None,
                   actions: list | None = None, name: str = "split") -> object:
    """Two players split a pie (A's share ``share_a``); A proposes first.

    ``flows`` = (b1, b2) per-period disagreement payoffs (dated rounds with inside options:
    status quo at 0.5 and inside bonuses b - 0.5); ``w_b`` is B's fixed outside option.
    """
    doc: dict = {
        "name": name,
        "issues": [{"name": "share_a", "kind": "continuous", "min": 0, "max": 1, "status_quo": 0.5}],
        "actors": [
            {"name": "a", "role": "signatory", "capability": 1, "patience": d1,
             "positions": {"share_a": {"ideal": 1, "salience": 1}}, "outside_option": 0.0},
            {"name": "b", "role": "signatory", "capability": 1, "patience": d2,
             "positions": {"share_a": {"ideal": 0, "salience": 1}}, "outside_option": w_b},
        ],
        "protocol": {"rounds": rounds, "noise": noise},
        "run": {"replications": 1, "seed": 1},
    }
    if flows is not None:
        doc["timing"] = {"start": "2025-01"}
        doc["actors"][0]["inside_option"] = {"bonus": flows[0] - 0.5}
        doc["actors"][1]["inside_option"] = {"bonus": flows[1] - 0.5}
    if private_b is not None:
        doc["uncertainty"] = [{"param": "actors.b.outside_option.utility", "private": True, **private_b}]
    if actions:
        doc["actions"] = actions
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_scenario(path)


def play(sc, n: int = 1, seed: int = 1, **kw) -> NegotiationModel:
    values = draw(sc.spec.uncertainty, sc.params, n, seed, 0)
    return NegotiationModel(sc, n, seed=seed, values=values, **kw).run()


# -- exact results ---------------------------------------------------------------------

@pytest.mark.parametrize(("d1", "d2", "b1", "b2"), [(0.9, 0.8, 0.2, 0.3), (0.95, 0.9, 0.1, 0.4), (0.8, 0.8, 0.0, 0.0),
                                                    (0.9, 0.95, 0.35, 0.15)])
def test_inside_options_split(tmp_path, d1, d2, b1, b2):
    """Binmore, Rubinstein & Wolinsky (1986); Muthoo (1999, ch. 6): the first proposer's share."""
    sc = split_scenario(tmp_path, d1=d1, d2=d2, flows=(b1, b2))
    m = play(sc)
    expected = ((1 - d2) * (1 - b2) + d2 * (1 - d1) * b1) / (1 - d1 * d2)
    assert m.kind[0] == DEAL and m.end_round[0] == 1
    assert m.terms[0, 0] == pytest.approx(expected, abs=1e-9)


def test_inside_options_zero_is_rubinstein(tmp_path):
    sc = split_scenario(tmp_path, d1=0.9, d2=0.8, flows=(0.0, 0.0))
    assert play(sc).terms[0, 0] == pytest.approx((1 - 0.8) / (1 - 0.9 * 0.8), abs=1e-9)


@pytest.mark.parametrize("w", [0.0, 0.1, 0.2, 0.28, 0.3, 0.4, 0.6])
def test_outside_option_principle(tmp_path, w):
    """Binmore, Shaked & Sutton (1989): an outside option binds only above the Rubinstein share."""
    d1, d2 = 0.9, 0.8
    share_b = d2 * (1 - d1) / (1 - d1 * d2)  # B's Rubinstein share when A proposes: 0.285714...
    m = play(split_scenario(tmp_path, d1=d1, d2=d2, w_b=w))
    expected_a = (1 - d2) / (1 - d1 * d2) if w <= share_b else 1 - w
    assert m.kind[0] == DEAL and m.end_round[0] == 1
    assert m.terms[0, 0] == pytest.approx(expected_a, abs=1e-9)


@pytest.mark.parametrize(("p_high", "screens"), [(0.2, True), (0.3, True), (0.45, True), (0.55, False), (0.8, False)])
def test_two_type_screening(tmp_path, p_high, screens):
    """The last-period screening offer against two types.

    Fudenberg & Tirole (1991), Game Theory, ch. 10 (bargaining with incomplete
    information; the one-period case of the single-sale model): an uninformed proposer
    facing a responder whose reservation is w_L with probability 1 - q and w_H with
    probability q offers w_H (both types accept) iff 1 - w_H >= (1 - q)(1 - w_L), else it
    offers w_L, which only the low type accepts (screening). Here w_L = 0.2, w_H = 0.6, so
    the proposer screens iff q < 0.5; the high type then takes its outside option.
    """
    w_lo, w_hi = 0.2, 0.6
    sc = split_scenario(tmp_path, d1=0.9, d2=0.8, rounds=1, flows=(0.0, 0.0),
                        private_b={"dist": "choice", "values": [w_lo, w_hi], "weights": [1 - p_high, p_high]})
    n = 4000
    m = play(sc, n=n, seed=11)
    high = m.true_type[1] == 1
    if screens:
        assert np.allclose(m.terms[~high, 0], 1 - w_lo, atol=1e-9)
        assert (m.kind[~high] == DEAL).all() and (m.kind[high] == BREAKDOWN).all()
    else:
        assert np.allclose(m.terms[:, 0], 1 - w_hi, atol=1e-9) and (m.kind == DEAL).all()
    # the types are drawn with the declared prior (binomial test at a fixed seed)
    from scipy.stats import binomtest

    assert binomtest(int(high.sum()), n, p_high).pvalue > 0.001


# -- the reduction to complete information ----------------------------------------------

def shipped_alternating() -> list[Path]:
    files = sorted(p for p in (ROOT / "scenarios").rglob("*.yaml") if "history" not in p.parts)
    return [f for f in files if load_scenario(f).spec.protocol.name == "alternating_offers"
            and not (load_scenario(f).private or load_scenario(f).timing or load_scenario(f).actions)]


@pytest.mark.parametrize("path", shipped_alternating(), ids=lambda p: p.stem)
def test_process_round_reproduces_the_complete_information_round(path):
    """Beliefs, strategies and moves with nothing private give the old round exactly."""
    sc = load_scenario(path)
    values = draw(sc.spec.uncertainty, sc.params, 300, 5, 0)
    a = NegotiationModel(sc, 300, seed=5, values=values).run()
    b = NegotiationModel(sc, 300, seed=5, values=values, process=True).run()
    assert not a.process and b.process
    for name in ("kind", "end_round", "terms", "payoff", "proposer", "walker", "rejections"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(d1=hs.floats(0.7, 0.97), d2=hs.floats(0.7, 0.97), w=hs.floats(0.0, 0.9), flows=hs.booleans())
def test_point_mass_prior_is_complete_information(tmp_path, d1, d2, w, flows):
    """A private parameter whose prior is one point changes nothing."""
    kw = {"d1": d1, "d2": d2, "rounds": 30, "flows": (0.1, 0.2) if flows else None}
    known = play(split_scenario(tmp_path, w_b=w, name="known", **kw), n=3, process=True)
    private = play(split_scenario(tmp_path, w_b=w, name="private",
                                  private_b={"dist": "choice", "values": [w]}, **kw), n=3)
    assert private.process and private.belief
    for name in ("kind", "end_round", "terms", "payoff"):
        assert np.array_equal(getattr(known, name), getattr(private, name)), name


# -- properties of learning -------------------------------------------------------------

def mean_delay(tmp: Path, centre: float, spread: float, d: float) -> float:
    prior = None if spread == 0 else {"dist": "uniform", "low": max(0.0, centre - spread),
                                      "high": min(1.0, centre + spread)}
    sc = split_scenario(tmp, d1=d, d2=d, rounds=20, flows=(0.0, 0.0), w_b=centre, private_b=prior,
                        name=f"spread{int(spread * 100)}")
    return float(play(sc, n=700, seed=3).end_round.mean())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(centre=hs.floats(0.5, 0.75), d=hs.floats(0.85, 0.95), spread=hs.sampled_from([0.1, 0.2]))
def test_uncertainty_never_speeds_a_deal(tmp_path, centre, d, spread):
    assert mean_delay(tmp_path, centre, 0.0, d) == 1.0  # a known type settles at once
    assert mean_delay(tmp_path, centre, spread, d) >= 1.0


def test_wider_prior_more_delay_on_average(tmp_path):
    """Over a grid of scenarios, mean delay rises with the prior's spread.

    Not in every scenario: with patient players a wide prior can make the proposer pool
    (one offer every type takes) where a narrower one made it screen; docs/model.md says so.
    """
    grid = [(c, d) for c in (0.5, 0.6, 0.7, 0.75) for d in (0.85, 0.9, 0.95)]
    means = [np.mean([mean_delay(tmp_path, c, s, d) for c, d in grid]) for s in (0.0, 0.1, 0.2)]
    assert means[0] == 1.0 < means[1] < means[2]


def test_offers_reveal_the_proposers_type(tmp_path):
    """B's counter-offer tells A its type: A, who waited, settles in the next round."""
    sc = split_scenario(tmp_path, d1=0.9, d2=0.9, rounds=20, flows=(0.1, 0.1), w_b=0.7,
                        private_b={"dist": "uniform", "low": 0.5, "high": 0.9})
    m = play(sc, n=500, seed=3)
    assert set(np.unique(m.end_round)) <= {2, 3} and (m.kind == DEAL).all()
    late = m.end_round == 3
    assert late.any()
    post = m.belief[1][late]
    assert (post.argmax(axis=1) == m.true_type[1][late]).all() and (post.max(axis=1) > 0.9).all()


def test_nobody_accepts_below_its_reservation(tmp_path):
    sc = split_scenario(tmp_path, d1=0.9, d2=0.85, rounds=20, flows=(0.05, 0.1), w_b=0.7,
                        private_b={"dist": "uniform", "low": 0.5, "high": 0.9})
    n = 400
    values = draw(sc.spec.uncertainty, sc.params, n, 3, 0)
    m = NegotiationModel(sc, n, seed=3, values=values, trace=list(range(n))).run()
    tr = m.trace
    seen = 0
    for t in range(len(tr.offer)):
        for j in (0, 1):
            took = tr.accepted[t][:, j] & (tr.action[t] == 0) & (tr.proposer[t] != j)
            seen += took.sum()
            assert (tr.offer_utility[t][took, j] >= tr.reservation[t][took, j] - 1e-9).all()
    assert seen > 0


def test_bayes_update_and_off_path_rule():
    belief = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
    like = np.array([[1.0, 0.5, 0.0], [0.0, 0.0, 0.0]])
    post = update(belief, like, np.array([True, True]))
    assert post[0] == pytest.approx([0.5 / 0.65, 0.15 / 0.65, 0.0])
    assert np.array_equal(post[1], belief[1])  # a move no type would make: the belief stays
    assert np.array_equal(update(belief, like, np.array([False, False])), belief)


def test_a_refusal_rules_out_the_types_that_would_accept(tmp_path):
    """After B refuses A's offer, A puts (almost) no weight on the types that would have taken it."""
    sc = split_scenario(tmp_path, d1=0.6, d2=0.9, rounds=20, flows=(0.0, 0.0), w_b=0.7,
                        private_b={"dist": "uniform", "low": 0.5, "high": 0.9, "types": 5})
    values = draw(sc.spec.uncertainty, sc.params, 400, 3, 0)
    m = NegotiationModel(sc, 400, seed=3, values=values, trace=list(range(400)))
    grid = sc.types[1].values[:, 0]
    m.step()
    refused = m.rejections > 0
    assert 20 < refused.sum() < 380
    b_share = 1.0 - m.trace.offer[0][:, 0]  # what A offered B
    would_accept = grid[None, :] <= b_share[:, None]  # types whose outside option the offer matches
    assert (m.belief[1][refused] * would_accept[refused]).sum(axis=1).max() == 0.0
    untouched = ~refused & (m.kind == 0)
    assert np.allclose(m.belief[1][untouched], sc.types[1].weights)  # a deal on offer ends it: no update


# -- actions -----------------------------------------------------------------------------

def test_eviction_is_a_lottery_with_costs(tmp_path):
    """A costly, risky eviction: succeeds with its declared chance; everyone pays its cost."""
    from scipy.stats import binomtest

    evict = [{"name": "evict", "actor": "a", "outcome": "forced_exit", "terms": {"share_a": 1.0},
              "success": 0.3, "cost": {"a": 0.05, "b": 0.1}, "when": ["turn"]}]
    sc = split_scenario(tmp_path, d1=0.5, d2=0.99, rounds=1, flows=(0.0, 0.99), actions=evict)
    n = 3000
    m = play(sc, n=n, seed=4)
    forced = m.kind == FORCED_EXIT
    assert m.attempts.max() == 1 and (m.attempts == 1).all()
    assert binomtest(int(forced.sum()), n, 0.3).pvalue > 0.001
    assert np.allclose(m.payoff[forced], [1.0 - 0.05, 0.0 - 0.1])
    assert np.allclose(m.costs, [0.05, 0.1])
