"""Several protocols in one run: same draws, one folder, a comparison section in the report."""

import numpy as np
import pytest

from sim.scenario.load import load_scenario
from sim.workflows.run import run
from tests.conftest import BASELINE

PROTOCOLS = ["alternating_offers", "expected_utility", "nash", "compromise", "baron_ferejohn"]


@pytest.mark.slow
def test_run_compares_protocols_on_common_draws(tmp_path) -> None:
    sc = load_scenario(BASELINE)
    result = run(sc, replications=30, seed=4, protocols=PROTOCOLS, out_root=tmp_path)
    assert list(result.outcomes) == PROTOCOLS
    first = result.outcomes[PROTOCOLS[0]]
    for out in result.outcomes.values():
        assert out.draws.keys() == first.draws.keys()
        assert all(np.array_equal(out.draws[k], first.draws[k]) for k in first.draws)
    # events fire alike in the replications where the default engine was still talking
    static = result.outcomes["nash"]
    assert (static.fired | ~first.fired).all()
    assert (result.folder / "terms_by_protocol.png").exists()
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "Protocols compared" in html and all(f"<code>{p}</code>" in html for p in PROTOCOLS)
