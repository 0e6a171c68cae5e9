"""The contract every bargaining protocol keeps; each protocol's test class inherits it.

Subclasses set ``name`` (the registry key) and ``random`` (whether the protocol itself draws
random numbers, beyond the scenario's uncertain parameters). Adding a protocol: one module,
one registry line, and a test class ``TestX(ProtocolContract)`` with its analytic cases.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from sim.engine.outcomes import DEAL, KINDS
from sim.engine.state import build_state
from sim.engine.utility import red_lines_hold, utilities
from sim.ensemble.blocks import block_values, simulate
from sim.protocols.registry import REGISTRY, get
from sim.scenario.load import load_scenario
from tests.conftest import BASELINE

SMALL = 150  # replications of the baseline each protocol plays in these tests


class ProtocolContract:
    """Reproducibility, invariants and pickling, checked on the Syria baseline."""

    name: str = ""
    random: bool = False

    @pytest.fixture(scope="class")
    @classmethod
    def baseline(cls, request: pytest.FixtureRequest):
        sc = load_scenario(BASELINE)
        return sc, simulate(sc, replications=SMALL, seed=11, protocol=request.cls.name, trace=0)

    def play(self, sc, n: int = 40, seed: int = 5, values_seed: int = 5, proto=None):
        values = block_values(sc, n, values_seed, 0, {})
        return (proto or get(self.name)).play(sc, n, values, seed=seed, block=0)

    def test_registered(self) -> None:
        assert self.name in REGISTRY and get(self.name).name == self.name

    def test_same_seed_same_result(self) -> None:
        sc = load_scenario(BASELINE)
        a, b = self.play(sc), self.play(sc)
        for field in ("kind", "round", "terms", "payoff", "proposer", "walker", "fired"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), field

    def test_different_seed(self) -> None:
        """With the same parameter draws, only a random protocol's results depend on the seed."""
        sc = load_scenario(BASELINE)
        a, b = self.play(sc, seed=5), self.play(sc, seed=6)
        moved = not (np.array_equal(a.terms, b.terms) and np.array_equal(a.kind, b.kind)
                     and np.array_equal(a.fired, b.fired))
        assert moved  # the events' draws always depend on the seed
        if not self.random:
            same_events = (a.fired == b.fired).all(axis=1)
            assert np.array_equal(a.terms[same_events], b.terms[same_events])

    def test_invariants(self, baseline) -> None:
        sc, out = baseline
        assert out.n == SMALL and out.protocol == self.name
        assert ((out.terms >= 0) & (out.terms <= 1)).all()
        for i, info in enumerate(sc.space.issues):
            if info.kind != "continuous":
                k = info.n_levels - 1
                assert np.allclose(out.terms[:, i] * k, np.round(out.terms[:, i] * k))
        # utilities lie in [0, 1]; an action's end adds the outside-option bonus, and actions cost
        assert ((out.payoff >= -2 - 1e-9) & (out.payoff <= 2 + 1e-9)).all()
        assert ((out.payoff[out.kind == DEAL] >= -2) & (out.payoff[out.kind == DEAL] <= 1 + 1e-9)).all()
        assert set(np.unique(out.kind)) <= set(range(len(KINDS)))
        assert ((out.round >= 1) & (out.round <= sc.spec.protocol.rounds)).all()
        deal = out.kind == DEAL
        sig = list(sc.signatories)
        assert red_lines_hold(sc, out.terms)[deal][:, sig].all()
        st = build_state(sc, out.n, dict(out.draws))
        # a deal's payoff is the utility of its terms, less the cost of any failed action before it
        shortfall = utilities(st, out.terms)[deal] - out.payoff[deal]
        assert (shortfall >= -1e-9).all() and (not deal.any() or np.isclose(shortfall, 0.0, atol=1e-9).mean() > 0.9)
        assert (out.walker[out.kind == 1] >= 0).all() and (out.walker[deal] == -1).all()

    def test_pickles(self) -> None:
        sc = load_scenario(BASELINE)
        copy = pickle.loads(pickle.dumps(get(self.name)))
        a, b = self.play(sc, n=12), self.play(sc, n=12, proto=copy)
        assert np.array_equal(a.terms, b.terms) and np.array_equal(a.kind, b.kind)
