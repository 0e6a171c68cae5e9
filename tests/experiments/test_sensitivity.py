import numpy as np
import pytest

from sim.errors import UsageError
from sim.experiments.sensitivity import analyse, estimate, factors_of, saltelli
from sim.scenario.load import load_scenario
from tests.sweeps import toy_sweep


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_near_their_analytic_values() -> None:
    r = estimate(ishigami, 3, 4096, seed=1, resamples=200)
    # Analytic (a=7, b=0.1): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437
    assert np.allclose(r["S1"], [0.3139, 0.4424, 0.0], atol=0.04)
    assert np.allclose(r["ST"], [0.5576, 0.4424, 0.2437], atol=0.04)
    assert np.all(r["S1_lo"] <= r["S1"]) and np.all(r["S1"] <= r["S1_hi"])


def test_linear_model_with_a_dummy_factor() -> None:
    r = estimate(lambda u: 2 * u[:, 0] + u[:, 1], 3, 1024, seed=2, resamples=100)
    # Var(2x1) = 4/12, Var(x2) = 1/12: S = 0.8, 0.2, and exactly 0 for the unused third factor
    assert np.allclose(r["S1"], [0.8, 0.2, 0.0], atol=0.03)
    assert np.allclose(r["ST"], [0.8, 0.2, 0.0], atol=0.03)
    assert r["S1"][2] == 0 and r["ST"][2] == 0


def test_engine_dummy_lever_gets_zero_and_strong_lever_gets_all(write) -> None:
    sc = load_scenario(write(toy_sweep()))
    assert [f.name for f in factors_of(sc)] == ["bonus", "host_capability"]  # the lever replaces the uncertainty
    res = analyse(sc, "no_deal", n=16, replications=40, resamples=100)
    rows = {r["factor"]: r for r in res.rows}
    assert rows["host_capability"]["S1"] == 0 and rows["host_capability"]["ST"] == 0  # exact under CRN
    assert rows["bonus"]["S1"] > 0.9 and rows["bonus"]["ST"] > 0.9
    assert len(res.samples["matrix"]) == 16 * 4 and res.variance > 0


def test_bad_inputs_are_refused(write) -> None:
    sc = load_scenario(write(toy_sweep()))
    with pytest.raises(UsageError, match="unknown indicator 'nope'"):
        analyse(sc, "nope")
    with pytest.raises(UsageError, match="power of two"):
        saltelli(2, 48, 0)
    with pytest.raises(UsageError, match="unknown actor"):
        analyse(sc, "utility:nobody")


def test_cli_writes_indices_and_plot(write, tmp_path, capsys) -> None:
    from sim.cli import main

    path = write(toy_sweep())
    assert main(["sensitivity", str(path), "--indicator", "no_deal", "--samples", "8", "-n", "30",
                 "--out", str(tmp_path), "-q", "--svg"]) == 0
    folder = next((tmp_path / "toy").iterdir())
    assert folder.name.startswith("sensitivity-")
    for f in ("indices.csv", "samples.csv", "sensitivity.png", "sensitivity.svg", "manifest.json"):
        assert (folder / f).exists(), f
    assert "bonus" in capsys.readouterr().out
