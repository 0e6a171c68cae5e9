import numpy as np
import pytest
from scipy.stats import binomtest

from sim.analysis.summaries import wilson


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (50, 100), (999, 1000), (1000, 1000)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_wilson_coverage_at_fixed_seed() -> None:
    """Coverage of the 95% interval over many binomial samples is close to 95%."""
    rng = np.random.default_rng(12345)
    p, n, trials = 0.3, 200, 4000
    ks = rng.binomial(n, p, size=trials)
    covered = sum(lo <= p <= hi for lo, hi in (wilson(int(k), n) for k in ks))
    # a binomial test of the coverage count against 0.95 should not reject at 1%
    assert binomtest(covered, trials, 0.95).pvalue > 0.01


def test_drivers_are_named_in_words() -> None:
    from sim.scenario.load import load_scenario
    from sim.scenario.params import describe
    from tests.conftest import BASELINE

    sc = load_scenario(BASELINE)
    assert describe(sc, "actors.syria.positions.tartus_presence.ideal") == \
        "Syria (new government): ideal on Russian presence at Tartus"
    assert describe(sc, "linkage.us_sanctions.generosity") == "US sanctions relief offer: generosity"
    assert describe(sc, "event:eu_suspends_sanctions") == "event fired: eu suspends sanctions"
    assert describe(sc, "no.such.path") == "no.such.path"
