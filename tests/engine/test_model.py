import numpy as np
import pytest

from sim.engine.model import NegotiationModel
from sim.engine.outcomes import DEAL, KINDS
from sim.engine.utility import red_lines_hold, utilities
from sim.ensemble.blocks import simulate
from sim.scenario.load import load_scenario
from tests.conftest import BASELINE, SCENARIOS, two_party


def rubinstein(write, d1: float, d2: float, rounds: int = 300) -> float:
    data = load_scenario(SCENARIOS / "validation" / "rubinstein.yaml").resolved
    data["actors"][0]["patience"] = d1
    data["actors"][1]["patience"] = d2
    data["protocol"]["rounds"] = rounds
    sc = load_scenario(write(data))
    m = NegotiationModel(sc, 3, seed=1).run()
    assert (m.kind == DEAL).all() and (m.end_round == 1).all()
    return float(m.terms[0, 0])


@pytest.mark.parametrize(("d1", "d2", "share"), [(0.9, 0.8, 0.714286), (0.9, 0.9, 0.526316), (0.5, 0.95, 0.0952381)])
def test_rubinstein_first_proposer_share(write, d1, d2, share) -> None:
    assert rubinstein(write, d1, d2) == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-9)
    assert rubinstein(write, d1, d2) == pytest.approx(share, abs=1e-6)


def test_finite_deadline_approaches_rubinstein(write) -> None:
    exact = (1 - 0.8) / (1 - 0.72)
    errs = [abs(rubinstein(write, 0.9, 0.8, T) - exact) for T in (2, 6, 20, 120)]
    assert errs == sorted(errs, reverse=True) and errs[-1] < 1e-6


@pytest.fixture(scope="module")
def baseline_run():
    sc = load_scenario(BASELINE)
    return sc, simulate(sc, replications=600, seed=3)


def test_invariants(baseline_run) -> None:
    sc, out = baseline_run
    # utilities lie in [0, 1]; an action's end adds the outside-option bonus and every
    # failed or successful action costs (each at most 1)
    assert ((out.payoff >= -2 - 1e-9) & (out.payoff <= 2 + 1e-9)).all()
    deal = out.kind == DEAL
    # no deal crosses a signatory's red line
    ok = red_lines_hold(sc, out.terms)
    assert ok[deal][:, list(sc.signatories)].all()
    # utilities recorded are the utilities of the recorded terms (for deals)
    from sim.engine.state import build_state

    st = build_state(sc, out.n, {k: v for k, v in out.draws.items()})
    # utilities recorded are those of the recorded terms, less the costs of any failed action
    shortfall = utilities(st, out.terms)[deal] - out.payoff[deal]
    assert (shortfall >= -1e-9).all() and (not deal.any() or np.isclose(shortfall, 0.0, atol=1e-9).mean() > 0.9)
    # terms lie on the issue scales, discrete issues on their levels
    assert ((out.terms >= 0) & (out.terms <= 1)).all()
    for i, info in enumerate(sc.space.issues):
        if info.kind != "continuous":
            k = info.n_levels - 1
            assert np.allclose(out.terms[:, i] * k, np.round(out.terms[:, i] * k))
    assert set(np.unique(out.kind)) <= set(range(len(KINDS)))
    assert ((out.round >= 1) & (out.round <= sc.spec.protocol.rounds)).all()


def test_deal_only_when_every_signatory_accepts(write) -> None:
    sc = load_scenario(write(two_party(run={"replications": 200, "seed": 1, "block_size": 200, "trajectories": 200})))
    out = simulate(sc)
    tr = out.traces[0]
    for r in range(out.n):
        if out.kind[r] == DEAL:
            t = out.round[r] - 1
            assert tr.accepted[t][r][list(sc.signatories)].all()


def test_same_seed_same_results_different_seed_different(write) -> None:
    sc = load_scenario(write(two_party()))
    a, b, c = simulate(sc, seed=5), simulate(sc, seed=5), simulate(sc, seed=6)
    assert np.array_equal(a.terms, b.terms) and np.array_equal(a.kind, b.kind)
    assert not np.array_equal(a.terms, c.terms)


def test_no_noise_is_deterministic_first_round(write) -> None:
    data = two_party(protocol={"rounds": 8, "noise": 0.0}, uncertainty=[])
    sc = load_scenario(write(data))
    out = simulate(sc, replications=50)
    assert (out.round == 1).all() and len(np.unique(out.terms, axis=0)) == 1


def test_stronger_outside_option_means_more_breakdowns(write) -> None:
    lo = load_scenario(write(two_party(uncertainty=[]), "lo.yaml"))
    data = two_party(uncertainty=[])
    data["actors"][1]["outside_option"] = {"kind": "breakdown", "bonus": 0.5}
    hi = load_scenario(write(data, "hi.yaml"))
    p_lo = (simulate(lo).kind == 1).mean()
    p_hi = (simulate(hi).kind == 1).mean()
    assert p_hi > p_lo
