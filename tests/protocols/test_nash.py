"""Nash bargaining: textbook cases, the two solvers against scipy, and the scenario protocol."""

import numpy as np
import pytest

from sim.engine.outcomes import BREAKDOWN, DEAL
from sim.errors import ScenarioError
from sim.protocols.registry import get
from sim.scenario.load import load_scenario
from sim.solvers.nash import nash_point, nash_spatial
from tests.protocols.contract import ProtocolContract
from tests.protocols.test_alternating_offers import two_player


def test_sqrt_utility() -> None:
    """u1 = x, u2 = sqrt(1 - x), d = (0, 0): maximise x sqrt(1 - x), so x = 2/3."""
    x = nash_point([lambda x: x[0], lambda x: np.sqrt(1 - x[0])], [0, 0], [1, 1], [(0, 1)])
    assert x[0] == pytest.approx(2 / 3, abs=1e-6)


@pytest.mark.parametrize(("weights", "share"), [([0.5, 0.5], 0.55), ([0.6, 0.4], 0.62)])
def test_linear_split_with_disagreement_point(weights, share) -> None:
    x = nash_point([lambda x: x[0], lambda x: 1 - x[0]], [0.2, 0.1], weights, [(0, 1)])
    assert x[0] == pytest.approx(share, abs=1e-6)


def random_problems(m: int, P: int, C: int, seed: int):
    rng = np.random.default_rng(seed)
    lo, hi = np.zeros((m, C)), np.ones((m, C))
    lo[: m // 4, 0], hi[m // 4: m // 2, -1] = 0.3, 0.6  # red-line boxes on some rows
    return (rng.uniform(0, 0.3, (m, P)), rng.uniform(0, 0.5, (m, P)), rng.dirichlet(np.ones(P), m),
            rng.dirichlet(np.ones(C), (m, P)) * 0.7, rng.uniform(0, 1, (m, P, C)), lo, hi)


def spatial_utility(base: float, s: np.ndarray, ideal: np.ndarray, shape: float):
    return lambda y: base + (s * (1 - np.abs(y - ideal) ** shape)).sum()


@pytest.mark.parametrize(("P", "shape"), [(2, [1.0, 1.0]), (3, [1.0, 2.0, 1.0])])
def test_spatial_solver_matches_scipy(P, shape) -> None:
    """The exact two-player path and the coordinate-ascent path against multi-start scipy."""
    base, d, w, s, ideal, lo, hi = random_problems(10, P, 3, seed=P)
    shape = np.asarray(shape)
    x, value = nash_spatial(base, d, w, s, ideal, shape, lo, hi)
    for r in range(len(base)):
        utils = [spatial_utility(base[r, a], s[r, a], ideal[r, a], shape[a]) for a in range(P)]
        gaps = np.array([u(x[r]) for u in utils]) - d[r]
        if np.isfinite(value[r]):  # the reported value is the Nash product at the reported terms
            assert value[r] == pytest.approx((w[r] * np.log(gaps)).sum(), abs=1e-12)
            assert ((x[r] >= lo[r] - 1e-12) & (x[r] <= hi[r] + 1e-12)).all()
        y = nash_point(utils, d[r], w[r], list(zip(lo[r], hi[r], strict=True)))
        if y is None:
            continue
        assert np.isfinite(value[r])
        assert value[r] >= (w[r] * np.log(np.array([u(y) for u in utils]) - d[r])).sum() - 1e-7


class TestNash(ProtocolContract):
    name = "nash"

    @pytest.mark.parametrize(("capabilities", "share"), [((1, 1), 0.55), ((0.6, 0.4), 0.62)])
    def test_split_with_outside_options(self, write, capabilities, share) -> None:
        """u_a = x, u_b = 1 - x, outside options (0.2, 0.1); weights from capability."""
        sc = two_player(write, self.name, 0.9, 0.8)
        data = sc.resolved
        for actor, cap, oo in zip(data["actors"], capabilities, (0.2, 0.1), strict=True):
            actor["capability"], actor["outside_option"] = cap, oo
        out = get(self.name).play(load_scenario(write(data, "nash.yaml")), 2, {}, seed=1, block=0)
        assert (out.kind == DEAL).all()
        assert out.terms[:, 0] == pytest.approx([share, share], abs=1e-9)
        assert out.payoff[:, 1] == pytest.approx([1 - share, 1 - share], abs=1e-9)

    def test_declared_weights(self, write) -> None:
        sc = two_player(write, self.name, 0.9, 0.8, weights={"a": 3, "b": 2})  # 0.6 on a, as declared
        data = sc.resolved
        for actor, oo in zip(data["actors"], (0.2, 0.1), strict=True):
            actor["outside_option"] = oo
        out = get(self.name).play(load_scenario(write(data, "declared.yaml")), 2, {}, seed=1, block=0)
        assert out.terms[:, 0] == pytest.approx([0.62, 0.62], abs=1e-9)

    def test_declared_weights_name_signatories(self, write) -> None:
        data = two_player(write, self.name, 0.9, 0.8).resolved
        data["protocol"]["weights"] = {"a": 1, "c": 2}
        with pytest.raises(ScenarioError) as err:
            load_scenario(write(data, "bad.yaml"))
        assert "'c' is not a signatory" in str(err.value) and "missing: b" in str(err.value)

    def test_breakdown_when_nothing_beats_disagreement(self, write) -> None:
        sc = two_player(write, self.name, 0.9, 0.8)
        data = sc.resolved
        data["actors"][0]["outside_option"] = data["actors"][1]["outside_option"] = 0.6
        out = get(self.name).play(load_scenario(write(data, "none.yaml")), 2, {}, seed=1, block=0)
        assert (out.kind == BREAKDOWN).all() and np.allclose(out.payoff, 0.6)
