"""Expected utility: Scholz, Calbert & Smith's (2011) replication of BDM's emission example.

Published numbers: their table 2 gives the median and the mean voter position after each of
eight rounds, printed to one decimal. Tolerance 0.1: a value printed with one decimal may
be off by up to 0.05 if rounded and by up to 0.1 if truncated, and the table is consistent
with truncation (our 9.962 is printed as 9.9, 7.472 as 7.4). One entry does not fit: the
median after round 2 is printed as 9.9 where we get 9.61; docs/protocols.md discusses it.
"""

import itertools

import numpy as np
import pytest

from sim.engine.state import build_state
from sim.protocols.expected_utility import forecast_terms
from sim.protocols.registry import get
from sim.scenario.load import load_scenario
from sim.solvers.bdm import challenge_rounds, weighted_median
from tests.conftest import SCENARIOS
from tests.protocols.contract import ProtocolContract

EXAMPLE = SCENARIOS / "validation" / "bdm_emissions.yaml"
MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]  # Scholz et al. 2011, table 2
MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
PRINTED = 0.1


@pytest.fixture(scope="module")
def example():
    sc = load_scenario(EXAMPLE)
    st = build_state(sc, 1, {})
    info = sc.space.issues[0]
    years = info.lo + st.ideal[:, :, 0] * (info.hi - info.lo)
    return sc, challenge_rounds(years, st.capability, st.salience[:, :, 0], 8)


def test_inputs_are_bdm_table(example) -> None:
    _, run = example
    assert run.median()[0, 0] == 7.0  # BDM's median voter at the outset
    assert run.mean()[0, 0] == pytest.approx(5.003 / 0.677, abs=1e-12)


def test_published_means(example) -> None:
    _, run = example
    assert run.mean()[1:, 0] == pytest.approx(MEAN, abs=PRINTED)


def test_published_medians(example) -> None:
    _, run = example
    ours = run.median()[1:, 0]
    rounds = [t for t in range(8) if t != 1]
    assert ours[rounds] == pytest.approx(np.asarray(MEDIAN)[rounds], abs=PRINTED)
    assert ours[1] == pytest.approx(9.611, abs=1e-3)  # printed 9.9: the one known deviation


def test_protocol_forecasts_the_final_median(example) -> None:
    sc, run = example
    terms = forecast_terms(sc, build_state(sc, 2, {}))
    info = sc.space.issues[0]
    assert info.lo + terms[:, 0] * (info.hi - info.lo) == pytest.approx([run.median()[-1, 0]] * 2, abs=1e-9)
    out = get("expected_utility").play(sc, 2, {}, seed=1, block=0)  # nobody can exit: the forecast holds
    assert (out.kind == 0).all() and (out.round == 8).all() and np.allclose(out.terms[:, 0], terms[:, 0])


def test_scale_free_and_risk_in_range(example) -> None:
    sc, run = example
    st = build_state(sc, 1, {})
    again = challenge_rounds(st.ideal[:, :, 0], st.capability, st.salience[:, :, 0], 8)  # the 0-1 scale
    assert np.allclose(4 + 6 * again.positions, run.positions)
    assert ((run.risk >= 0.5 - 1e-12) & (run.risk <= 2 + 1e-12)).all()


def test_weighted_median_is_condorcet_winner() -> None:
    rng = np.random.default_rng(4)
    for _ in range(50):
        x, w = rng.integers(0, 10, 7).astype(float), rng.uniform(0.1, 1, 7)
        med = weighted_median(x, w)
        for y in x:  # no position beats the median in a weighted pairwise vote
            assert (w * (np.abs(x - y) - np.abs(x - med))).sum() >= -1e-12
    assert list(itertools.islice(iter([weighted_median(np.array([1.0, 2, 3]), np.ones(3))]), 1)) == [2.0]


class TestExpectedUtility(ProtocolContract):
    name = "expected_utility"


def test_stopping_rule_settles_and_reports_cycles() -> None:
    from sim.solvers.bdm import stop_when_stable

    settled = np.array([0.2, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6])
    cycle = np.tile([0.0, 0.3, 1.0], 20)  # period 3, mean 13/30
    r = stop_when_stable(np.stack([settled, settled], axis=1))
    assert r.converged.all() and r.forecast == pytest.approx([0.6, 0.6]) and (r.round == 2).all()
    c = stop_when_stable(cycle[:, None])
    assert not c.converged[0] and c.period[0] == 3
    assert c.forecast[0] == pytest.approx(cycle[len(cycle) // 2 - 1:].mean(), abs=0.02)
    assert (c.low[0], c.high[0]) == (0.0, 1.0)


def test_emission_example_under_the_stopping_rule() -> None:
    """The published example cycles between 7 and about 10 every six rounds or so (docs/protocols.md)."""
    from sim.solvers.bdm import stop_when_stable

    sc = load_scenario(SCENARIOS / "validation" / "bdm_emissions_stable.yaml")
    st = build_state(sc, 1, {})
    run = challenge_rounds(st.ideal[:, :, 0], st.capability, st.salience[:, :, 0], 100)
    r = stop_when_stable(run.median())
    years = 4 + 6 * r.forecast[0]
    assert not r.converged[0] and 5 <= r.period[0] <= 8
    assert 4 + 6 * r.low[0] == pytest.approx(7.0) and 4 + 6 * r.high[0] > 9.5
    assert years == pytest.approx(8.30, abs=0.01)
    terms = forecast_terms(sc, build_state(sc, 2, {}))
    assert 4 + 6 * terms[:, 0] == pytest.approx([years, years], abs=1e-9)
