import numpy as np
import pytest

from sim.errors import UsageError
from sim.experiments.advise import Target, advise, cost_of, parse_target, search
from sim.scenario.load import load_scenario
from sim.scenario.schema import Lever
from tests.sweeps import toy_sweep

LEVERS = [Lever(name="a", target="x", low=0, high=1, cost=1.0), Lever(name="b", target="y", low=0, high=1, cost=2.0)]
U = np.random.default_rng(0).random(4000)  # fixed draws: the synthetic model's common random numbers


def synthetic(packages: list) -> np.ndarray:
    """P(package) = share of draws below 0.2 + 0.3 a + 0.5 b: a buys 0.3 per unit cost, b 0.25."""
    return np.array([np.mean(0.2 + 0.3 * a + 0.5 * b > U) for a, b in packages])


def test_finds_the_known_optimum() -> None:
    # min a + 2b  s.t.  0.3 a + 0.5 b >= 0.5: a is the better buy, so a = 1 and b = 0.4, cost 1.8
    s = search(synthetic, LEVERS, Target("i", False, 0.7), points=5)
    a, b = s.best["package"]
    assert s.feasible and s.best["p"] >= 0.7
    assert a == pytest.approx(1.0, abs=0.02) and b == pytest.approx(0.4, abs=0.02)
    assert s.best["cost"] == pytest.approx(1.8, abs=0.03)
    grid_best = min(r["cost"] for r in s.tried if r["stage"] == "grid" and r["meets"])
    assert grid_best == pytest.approx(2.0) and s.best["cost"] < grid_best  # the refinement paid off


def test_at_most_targets_and_unreachable_targets() -> None:
    levers = [Lever(name="a", target="x", low=0, high=1, cost=1.0)]

    def falling(packages: list) -> np.ndarray:
        return np.array([np.mean(0.9 - 0.6 * a > U) for (a,) in packages])

    s = search(falling, levers, Target("i", True, 0.5), points=5)
    assert s.best["package"][0] == pytest.approx(2 / 3, abs=0.02)
    s = search(falling, levers, Target("i", True, 0.1), points=5)
    assert not s.feasible and s.best["package"] == (1.0,)  # the closest it gets


def test_costs_and_targets_parse() -> None:
    listed = Lever(name="c", target="z", values=["none", "some", "full"], cost=3)
    assert cost_of([*LEVERS, listed], (0.5, 0.25, "full")) == 0.5 + 0.5 + 6
    assert parse_target("held >= 0.7", ["held"]) == Target("held", False, 0.7)
    assert str(parse_target("held<=.25", ["held"])) == "held<=0.25"
    for bad, msg in (("held > 0.7", "allowed: INDICATOR>=P"), ("nope>=0.5", "unknown indicator"),
                     ("held>=1.5", "not a probability")):
        with pytest.raises(UsageError, match=msg):
            parse_target(bad, ["held"])


def test_engine_advice_is_verified_by_a_fresh_run(write) -> None:
    sc = load_scenario(write(toy_sweep()))
    adv = advise(sc, parse_target("no_deal>=0.5", list(sc.outcomes)), levers=["bonus"], points=4, replications=60,
                 verify_replications=200)
    data = adv.to_json()
    assert data["reachable"] and data["held_at_scenario_values"] == {"host_capability": "scenario value"}
    # breakdowns start once the power's outside option passes about 0.3 (see test_sweep's monotone curve)
    assert 0.3 < data["package"]["bonus"] <= 0.45 and data["cost"] == pytest.approx(data["package"]["bonus"])
    assert data["estimate"]["p"] >= 0.5
    v = data["verify"]
    assert v["n"] == 200 and v["seed"] == sc.spec.run.seed + 1 and v["lo"] <= v["p"] <= v["hi"]
    with pytest.raises(UsageError, match="unknown lever"):
        advise(sc, Target("no_deal", True, 0.5), levers=["nope"])


def test_cli_advise_writes_its_folder(write, tmp_path, capsys) -> None:
    from sim.cli import main

    path = write(toy_sweep())
    assert main(["advise", str(path), "--target", "base_kept>=0.9", "--points", "3", "-n", "40",
                 "--out", str(tmp_path), "-q"]) == 0
    out = capsys.readouterr().out
    assert "bonus" in out and "fresh run" in out
    folder = next((tmp_path / "toy").iterdir())
    for f in ("advice.json", "candidates.csv", "advice.png", "manifest.json"):
        assert (folder / f).exists(), f
    assert not (folder / "advice.svg").exists()
    assert main(["advise", str(path), "--target", "base_kept>0.9", "--out", str(tmp_path)]) == 2


def test_strict_search_leaves_a_margin() -> None:
    plain = search(synthetic, LEVERS, Target("i", False, 0.7), points=5)
    strict = search(synthetic, LEVERS, Target("i", False, 0.7), points=5, strict=400)
    assert strict.best["cost"] > plain.best["cost"]
    from sim.analysis.summaries import wilson

    assert wilson(round(strict.best["p"] * 400), 400)[0] >= 0.7
