"""Budgets: Baron & Ferejohn (1989) closed forms reproduced by scenario files, not only the solver.

The validation scenarios divide a dollar among n = 3, 5, 7 legislators with a budget (shares
of one pie), equal recognition and d = 0.9: majority rule through ``baron_ferejohn``,
unanimity through ``alternating_offers`` with recognition by (equal) capability. In the
stationary equilibrium the proposer keeps ``1 - d (q - 1) / n``, ``q - 1`` partners get
``d / n`` and the others nothing (Baron & Ferejohn 1989, APSR 83(4); also
:mod:`sim.solvers.divide_dollar`).
"""

from pathlib import Path

import numpy as np
import pytest

from sim.engine.outcomes import DEAL
from sim.engine.planner import Planner
from sim.engine.state import build_state
from sim.protocols.baron_ferejohn import random_recognition
from sim.protocols.registry import get
from sim.protocols.settle import signatory_weights
from sim.scenario.load import load_scenario
from sim.solvers.divide_dollar import quota, split

VALIDATION = Path(__file__).resolve().parents[2] / "scenarios" / "validation"
D = 0.9
CASES = [(n, rule) for n in (3, 5, 7) for rule in ("majority", "unanimity")]


def _scenario(n: int, rule: str):
    return load_scenario(VALIDATION / f"baron_ferejohn_{n}_{rule}.yaml")


@pytest.mark.parametrize(("n", "rule"), CASES)
def test_scenario_reproduces_closed_form(n, rule) -> None:
    """Every replication: a deal in round 1, the proposer's share and a minimal winning coalition."""
    sc = _scenario(n, rule)
    q = quota(n, rule)
    out = get(sc.spec.protocol.name).play(sc, 200, {}, seed=4, block=0)
    assert (out.kind == DEAL).all() and (out.round == 1).all()
    rows = np.arange(200)
    shares = out.terms[:, :n]
    assert shares.sum(axis=1) == pytest.approx(np.ones(200), abs=1e-12)  # the budget holds
    assert shares[rows, out.proposer] == pytest.approx(np.full(200, 1 - D * (q - 1) / n), abs=1e-12)
    others = np.sort(np.where(np.eye(n, dtype=bool)[out.proposer], np.inf, shares), axis=1)[:, : n - 1]
    expected = np.r_[np.zeros(n - q), np.full(q - 1, D / n)]
    assert np.abs(others - expected).max() < 1e-12
    # the same split as the solver's closed form, up to which equally cheap partners are bought
    for r in range(5):
        assert np.sort(shares[r]) == pytest.approx(np.sort(split(int(out.proposer[r]), np.full(n, 1 / n), D, q)),
                                                   abs=1e-12)
    assert len(set(out.proposer.tolist())) == n  # recognition is random, with equal chances


@pytest.mark.parametrize(("n", "rule"), CASES)
def test_continuation_values_are_symmetric(n, rule) -> None:
    """Equally cheap partners are mixed over in the values, so every v_j = 1/n, as in the stationary equilibrium."""
    sc = _scenario(n, rule)
    st = build_state(sc, 3, {})
    st.noise[:], st.margin[:] = 0.0, 0.0
    st.capability[:, list(sc.signatories)] = signatory_weights(sc, st)
    plan = Planner(random_recognition(sc), st, quota=quota(n, rule) if rule == "majority" else None).solve()
    T = sc.spec.protocol.rounds
    assert np.abs(plan.value[1:T] - 1 / n).max() < 1e-12


def test_majority_pays_fewer_than_unanimity() -> None:
    """The same five legislators: majority buys two partners, unanimity all four, each at d/n."""
    outs = {rule: get(_scenario(5, rule).spec.protocol.name).play(_scenario(5, rule), 50, {}, seed=1, block=0)
            for rule in ("majority", "unanimity")}
    paid = {rule: ((o.terms[:, :5] > 1e-9).sum(axis=1) - 1) for rule, o in outs.items()}
    assert (paid["majority"] == 2).all() and (paid["unanimity"] == 4).all()


def test_budget_of_money_keeps_its_total(write) -> None:
    """A purse in $bn with minimums and caps: every deal spends exactly the total, within the bounds."""
    actors = [{"name": nm, "role": "signatory", "capability": 1, "patience": 0.8, "outside_option": 0.0,
               "positions": {f"to_{nm}": {"ideal": 6, "salience": 1}}} for nm in ("x", "y")]
    issues = [{"name": f"to_{nm}", "kind": "continuous", "units": "$bn", "min": 1, "max": 6, "status_quo": 1}
              for nm in ("x", "y")]
    data = {"name": "purse", "issues": issues, "actors": actors,
            "budgets": [{"name": "purse", "issues": ["to_x", "to_y"], "total": 8}],
            "protocol": {"name": "alternating_offers", "rounds": 40, "recognition": "rotation"}}
    sc = load_scenario(write(data, "purse.yaml"))
    out = get("alternating_offers").play(sc, 4, {}, seed=1, block=0)
    user = 1 + 5 * out.terms[:, :2]
    assert (out.kind == DEAL).all()
    assert user.sum(axis=1) == pytest.approx(np.full(4, 8.0), abs=1e-9)
    assert ((user >= 1 - 1e-9) & (user <= 6 + 1e-9)).all()
    assert user[0] == pytest.approx([2.0, 6.0], abs=1e-9)  # y proposes first, keeps its cap; x gets the rest
