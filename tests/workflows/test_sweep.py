import json

import numpy as np
import pytest

from sim.ensemble.blocks import simulate
from sim.ensemble.executors import ProcessExecutor
from sim.errors import UsageError
from sim.experiments.sweep import make_plan
from sim.output.plots import svg_too
from sim.scenario.load import load_scenario
from sim.workflows.sweep import sweep
from tests.conftest import two_party
from tests.sweeps import toy_sweep

TABLES = ("experiments.csv", "outcomes.csv", "points.csv", "summary.json")


def test_a_point_equals_simulate_with_its_values(write) -> None:
    sc = load_scenario(write(toy_sweep()))
    plan = make_plan(sc)
    from sim.experiments.evaluate import evaluate

    points = plan.design.internal(sc.params)
    got = dict(evaluate(sc, points, replications=150, seed=3, only=[5]))
    ref = simulate(sc, replications=150, seed=3, values=points[5], trace=0)
    for k in ("kind", "round", "terms", "payoff"):
        assert np.array_equal(getattr(got[5], k), getattr(ref, k))


def test_tables_identical_inline_and_two_workers(write, tmp_path) -> None:
    sc = load_scenario(write(toy_sweep(points=3, replications=250, run={"replications": 300, "seed": 7,
                                                                         "block_size": 100})))
    a = sweep(sc, out_root=tmp_path / "a", plots=False, run_id="s")
    with ProcessExecutor(2) as ex:
        b = sweep(sc, out_root=tmp_path / "b", plots=False, run_id="s", executor=ex)
    for name in TABLES:
        assert (a.folder / name).read_bytes() == (b.folder / name).read_bytes(), name
    rows = (a.folder / "outcomes.csv").read_text().splitlines()
    assert len(rows) == 1 + 9 * 250 and rows[0].startswith("point,replication,")
    assert not list((tmp_path / "a" / "toy").glob(".tmp-*"))
    assert not (a.folder / "plan.json").exists() and not (a.folder / "chunks").exists()
    manifest = json.loads((a.folder / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["points"] == 9 and manifest["replications_per_point"] == 250


def test_monotone_lever_gives_a_monotone_curve_and_dummy_lever_a_flat_one(write) -> None:
    sc = load_scenario(write(toy_sweep(points=7, replications=200)))
    res = sweep(sc, out_root=None)
    p = {(pt["levers"]["bonus"], pt["levers"]["host_capability"]): pt["indicators"]["no_deal"]["p"]
         for pt in res.summary["points"]}
    bonus = sorted({b for b, _ in p})
    caps = sorted({c for _, c in p})
    for c in caps:  # a better outside option for the power: never fewer breakdowns (common random numbers)
        curve = [p[(b, c)] for b in bonus]
        assert curve == sorted(curve) and curve[-1] > curve[0]
    for b in bonus:  # capability does not enter alternating offers with rotation: identical cells
        assert len({p[(b, c)] for c in caps}) == 1
    for pt in res.summary["points"]:
        d = pt["indicators"]["no_deal"]
        assert d["lo"] <= d["p"] <= d["hi"] and d["n"] == 200


@pytest.mark.slow
def test_sweep_figures_and_prim_are_written(write, tmp_path) -> None:
    sc = load_scenario(write(toy_sweep(points=4, replications=40)))
    with svg_too():
        res = sweep(sc, out_root=tmp_path, indicators=["no_deal"], prim=("no_deal", 0.5), run_id="f")
    for name in ("curve_bonus.png", "curve_host_capability.svg", "heatmap.png", "prim_no_deal.json",
                 "prim_no_deal.csv", "prim_no_deal.png"):
        assert (res.folder / name).exists(), name
    box = json.loads((res.folder / "prim_no_deal.json").read_text())["box"]
    assert list(box["limits"]) == ["bonus"] and box["density"] == 1.0


def test_mistakes_are_refused_before_any_work(write, tmp_path) -> None:
    with pytest.raises(UsageError, match="no sweep: section"):
        make_plan(load_scenario(write(two_party(), "plain.yaml")))
    sc = load_scenario(write(toy_sweep()))
    with pytest.raises(UsageError, match="unknown indicator 'nope'; allowed: base_kept, no_deal"):
        sweep(sc, out_root=tmp_path, indicators=["nope"])
    assert not (tmp_path / "toy").exists()


def test_cli_sweep_reports_and_refuses_bad_use(write, tmp_path, capsys) -> None:
    from sim.cli import main

    path = write(toy_sweep(points=3, replications=30))
    assert main(["sweep", str(path), "--out", str(tmp_path), "-q", "--no-plots", "--id", "c"]) == 0
    out = capsys.readouterr().out
    assert "9 design points (grid) × 30" in out and str(tmp_path / "toy" / "c") in out
    assert main(["sweep", str(path), "--resume", "c", "--out", str(tmp_path)]) == 2
    assert main(["sweep", "--resume", "nothing-here", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not both" in err and "no unfinished job found" in err


def test_how_to_guides_show_real_figures() -> None:
    import re

    from tests.conftest import ROOT

    for name in ("sweeps.md", "sensitivity-and-discovery.md", "advise.md"):
        doc = ROOT / "docs" / "how-to" / name
        images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", doc.read_text(encoding="utf-8"))
        assert images, name
        for rel in images:
            assert (doc.parent / rel).resolve().is_file(), f"{name}: {rel}"


def test_levers_must_have_unique_names_and_targets(write) -> None:
    from sim.errors import ScenarioError

    data = toy_sweep()
    data["sweep"]["levers"].append({"name": "bonus", "target": "actors.host.patience", "low": 0.5, "high": 0.9})
    data["sweep"]["levers"].append({"name": "again", "target": "actors.host.capability", "low": 1, "high": 2})
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(data))
    text = str(err.value)
    assert "sweep.levers[bonus].name: lever name 'bonus' is used twice; names must be unique" in text
    assert "'actors.host.capability' is already set by lever 'host_capability'" in text
