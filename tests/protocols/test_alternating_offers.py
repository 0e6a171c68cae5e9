"""The default protocol through the protocol interface, with Rubinstein's (1982) closed form."""

import pytest

from sim.engine.outcomes import DEAL
from sim.protocols.registry import get
from sim.scenario.load import load_scenario
from tests.conftest import SCENARIOS
from tests.protocols.contract import ProtocolContract


def two_player(write, name: str, d1: float, d2: float, **protocol) -> object:
    """The Rubinstein scenario with discount factors (d1, d2) and protocol overrides."""
    data = load_scenario(SCENARIOS / "validation" / "rubinstein.yaml").resolved
    data["actors"][0]["patience"] = d1
    data["actors"][1]["patience"] = d2
    data["protocol"].update({"name": name, **protocol})
    return load_scenario(write(data, f"{name}.yaml"))


class TestAlternatingOffers(ProtocolContract):
    name = "alternating_offers"
    random = True

    @pytest.mark.parametrize(("d1", "d2", "share"), [(0.9, 0.8, 0.714286), (0.9, 0.9, 0.526316)])
    def test_rubinstein(self, write, d1, d2, share) -> None:
        sc = two_player(write, self.name, d1, d2)
        out = get(self.name).play(sc, 3, {}, seed=1, block=0)
        assert (out.kind == DEAL).all() and (out.round == 1).all()
        assert out.terms[0, 0] == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-9)
        assert out.terms[0, 0] == pytest.approx(share, abs=1e-6)
