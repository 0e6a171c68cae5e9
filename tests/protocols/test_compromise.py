"""Compromise: the capability × salience weighted mean, checked by hand."""

import numpy as np
import pytest

from sim.engine.outcomes import DEAL
from sim.protocols.registry import get
from sim.scenario.load import load_scenario
from tests.protocols.contract import ProtocolContract


def hand_case() -> dict:
    """Two signatories and an influencer over a continuous and an ordinal issue."""
    return {
        "name": "hand",
        "issues": [{"name": "money", "kind": "continuous", "min": 0, "max": 100, "status_quo": 50},
                   {"name": "base", "kind": "ordinal", "levels": ["none", "small", "full"], "status_quo": "small"}],
        "actors": [
            {"name": "a", "role": "signatory", "capability": 1, "patience": 0.9, "outside_option": 0.0,
             "positions": {"money": {"ideal": 0, "salience": 0.5}, "base": {"ideal": "none", "salience": 0.5}}},
            {"name": "b", "role": "signatory", "capability": 2, "patience": 0.9, "outside_option": 0.0,
             "positions": {"money": {"ideal": 100, "salience": 0.25}, "base": {"ideal": "full", "salience": 0.75}}},
            {"name": "c", "role": "influencer", "capability": 3, "patience": 0.9,
             "positions": {"money": {"ideal": 40, "salience": 1.0}}},
        ],
    }


class TestCompromise(ProtocolContract):
    name = "compromise"

    def test_weighted_mean_by_hand(self, write) -> None:
        sc = load_scenario(write(hand_case()))
        out = get(self.name).play(sc, 2, {}, seed=1, block=0)
        # money: weights 1*0.5, 2*0.25, 3*1 -> (0.5*0 + 0.5*100 + 3*40) / 4 = 42.5
        # base: weights 1*0.5 (none, 0) and 2*0.75 (full, 1) -> 0.75, snapped to the top level
        assert (out.kind == DEAL).all()
        assert out.terms[0, 0] * 100 == pytest.approx(42.5, abs=1e-9)
        assert out.terms[0, 1] == 1.0

    def test_red_lines_pull_the_mean_back(self, write) -> None:
        data = hand_case()
        data["actors"][0]["red_lines"] = [{"issue": "money", "op": "<=", "value": 30},
                                          {"issue": "base", "op": "<=", "value": "small"}]
        sc = load_scenario(write(data))
        out = get(self.name).play(sc, 2, {}, seed=1, block=0)
        assert np.allclose(out.terms[:, 0], 0.3) and np.allclose(out.terms[:, 1], 0.5)
