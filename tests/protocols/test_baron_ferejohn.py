"""Baron-Ferejohn: the closed-form divide-the-dollar equilibrium and the scenario protocol."""

import numpy as np
import pytest

from sim.engine.outcomes import DEAL
from sim.protocols.registry import get
from sim.scenario.load import load_scenario
from sim.solvers.divide_dollar import quota, split, stationary_values
from tests.protocols.contract import ProtocolContract
from tests.protocols.test_alternating_offers import two_player


@pytest.mark.parametrize(("n", "delta", "expected"), [
    (5, 0.9, [0.64, 0.18, 0.18, 0.0, 0.0]),
    (3, 1.0, [2 / 3, 1 / 3, 0.0]),
])
def test_divide_the_dollar_majority(n, delta, expected) -> None:
    p = np.full(n, 1 / n)
    assert split(0, p, delta, quota(n, "majority")) == pytest.approx(expected, abs=1e-12)


def test_unanimity_closed_form() -> None:
    p = np.array([0.5, 0.3, 0.2])
    assert stationary_values(p, 0.9, 3) == pytest.approx(p)
    assert split(1, p, 0.9, 3) == pytest.approx([0.45, 1 - 0.9 * 0.7, 0.18], abs=1e-12)


def test_no_closed_form_for_unequal_majority() -> None:
    with pytest.raises(ValueError, match="Eraslan"):
        stationary_values(np.array([0.5, 0.3, 0.2]), 0.9, 2)


class TestBaronFerejohn(ProtocolContract):
    name = "baron_ferejohn"
    random = True

    def test_two_player_split_is_stationary_equilibrium(self, write) -> None:
        """Two players, equal recognition, delta 0.9: the proposer keeps 1 - 0.9 / 2 = 0.55."""
        sc = two_player(write, self.name, 0.9, 0.9, weights="equal", decision="majority")
        out = get(self.name).play(sc, 64, {}, seed=3, block=0)
        assert (out.kind == DEAL).all() and (out.round == 1).all()
        share_a = np.where(out.proposer == 0, out.terms[:, 0], 1 - out.terms[:, 0])
        assert share_a == pytest.approx(np.full(64, 0.55), abs=1e-6)
        assert 0 < (out.proposer == 0).mean() < 1  # recognition is random

    def test_recognition_by_capability(self, write) -> None:
        sc = two_player(write, self.name, 0.9, 0.9)
        data = sc.resolved
        data["actors"][0]["capability"] = 3
        sc = load_scenario(write(data, "cap.yaml"))
        out = get(self.name).play(sc, 2000, {}, seed=3, block=0)
        assert (out.proposer == 0).mean() == pytest.approx(0.75, abs=0.03)


def three_way(write, decision: str):
    """Three signatories on one issue (ideals 0, 0.5, 1), equal recognition, long deadline."""
    actors = [{"name": name, "role": "signatory", "capability": 1, "patience": 0.9, "outside_option": 0.0,
               "positions": {"x": {"ideal": ideal, "salience": 1}}}
              for name, ideal in (("low", 0), ("mid", 0.5), ("high", 1))]
    data = {"name": "three", "issues": [{"name": "x", "kind": "continuous", "min": 0, "max": 1, "status_quo": 0.5}],
            "actors": actors, "protocol": {"name": "baron_ferejohn", "rounds": 60, "decision": decision}}
    return load_scenario(write(data, f"{decision}.yaml"))


def test_majority_needs_fewer_votes_than_unanimity(write) -> None:
    """With a majority the proposer buys one partner, not two, and keeps at least as much."""
    outs = {rule: get("baron_ferejohn").play(three_way(write, rule), 300, {}, seed=2, block=0)
            for rule in ("majority", "unanimity")}
    for out in outs.values():
        assert (out.kind == DEAL).all() and (out.round == 1).all()
    rows = np.arange(300)
    own = {rule: out.payoff[rows, out.proposer] for rule, out in outs.items()}
    assert (own["majority"] >= own["unanimity"] - 1e-9).all() and (own["majority"] > own["unanimity"] + 1e-3).any()
