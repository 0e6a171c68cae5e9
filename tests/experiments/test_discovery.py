import itertools

import numpy as np
import pytest

from sim.errors import UsageError
from sim.experiments.discovery import discover, prim


def synthetic(n: int = 1000, seed: int = 0) -> dict:
    """Three numeric levers; P = 0.9 in the box 0.3 <= a <= 0.7, b >= 0.5 (c does nothing), else 0.1."""
    x = np.random.default_rng(seed).random((n, 3))
    inside = (x[:, 0] >= 0.3) & (x[:, 0] <= 0.7) & (x[:, 1] >= 0.5)
    p = np.where(inside, 0.9, 0.1)
    levers = [{"name": k, "target": k, "low": 0.0, "high": 1.0, "values": None, "cost": 0.0} for k in "abc"]
    points = [{"point": i, "levers": dict(zip("abc", map(float, x[i]), strict=True)),
               "indicators": {"held": {"p": float(p[i])}}} for i in range(n)]
    return {"levers": levers, "indicators": {"held": "held"}, "points": points}


def test_prim_finds_the_known_box() -> None:
    d = discover(synthetic(), "held", 0.7)
    lim = d.limits()
    assert set(lim) == {"a", "b"}  # c is never restricted
    assert lim["a"][0] == pytest.approx(0.3, abs=0.04) and lim["a"][1] == pytest.approx(0.7, abs=0.04)
    assert lim["b"][0] == pytest.approx(0.5, abs=0.04)
    assert d.box.density >= 0.95 and d.box.coverage >= 0.9
    traj = d.to_json()["trajectory"]
    assert traj[0]["coverage"] == 1.0 and traj[0]["density"] == pytest.approx(0.2, abs=0.03)
    assert all(t2["coverage"] <= t1["coverage"] for t1, t2 in itertools.pairwise(traj))


def test_listed_levels_are_peeled_from_either_end() -> None:
    X = np.array([[lvl, x] for lvl in range(3) for x in np.linspace(0, 1, 11)])
    y = (X[:, 0] == 2) & (X[:, 1] <= 0.5)
    _, _, box = prim(X, y, alpha=0.1)
    assert box.lo[0] == 2 and box.hi[1] == pytest.approx(0.5) and box.density == 1.0
    summary = {"levers": [{"name": "presence", "values": ["none", "some", "full"]},
                          {"name": "x", "low": 0, "high": 1, "values": None}],
               "indicators": {"i": "i"},
               "points": [{"levers": {"presence": ["none", "some", "full"][int(r[0])], "x": float(r[1])},
                           "indicators": {"i": {"p": float(v)}}} for r, v in zip(X, y, strict=True)]}
    d = discover(summary, "i", 0.5)
    assert d.limits()["presence"] == ["full"]


def test_below_and_nothing_to_discover() -> None:
    d = discover(synthetic(), "held", 0.2, below=True)  # 80% of points qualify: the whole design is a box
    assert d.limits() == {} and d.box.coverage == 1.0
    d = discover(synthetic(), "held", 0.2, below=True, min_density=0.95)
    assert d.box.density >= 0.95 and d.limits()
    with pytest.raises(UsageError, match="no design point has P"):
        discover(synthetic(), "held", 0.95)
    with pytest.raises(UsageError, match="unknown indicator"):
        discover(synthetic(), "nope", 0.5)


def test_cli_discover_on_a_finished_sweep(write, tmp_path, capsys) -> None:
    from sim.cli import main
    from tests.sweeps import toy_sweep

    assert main(["sweep", str(write(toy_sweep(points=4, replications=40))), "--out", str(tmp_path), "-q",
                 "--no-plots", "--id", "s"]) == 0
    folder = tmp_path / "toy" / "s"
    capsys.readouterr()
    assert main(["discover", str(folder), "--indicator", "base_kept", "--threshold", "0.9", "--svg"]) == 0
    out = capsys.readouterr().out
    assert "chosen" in out and "Box: 0 <= bonus <= 0.2" in out
    for f in ("prim_base_kept.json", "prim_base_kept.csv", "prim_base_kept.png", "prim_base_kept_heatmap.svg"):
        assert (folder / f).exists(), f
    assert not list(folder.glob(".tmp-*"))
    assert main(["discover", str(tmp_path), "--indicator", "base_kept"]) == 2
