import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import BASELINE, ROOT, two_party


def sim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=600)


HEAVY = ("numpy", "scipy", "matplotlib", "mesa", "pydantic", "rich", "yaml", "solara")


def test_help_is_quick_and_lists_commands() -> None:
    r = sim("--help")
    assert r.returncode == 0 and "run" in r.stdout and "validate" in r.stdout
    # Quick means: the entry point and every command's parser load no heavy library (measured
    # ~0.05 s; the bound leaves room for a busy machine, not for a second of work at start).
    probe = ("import sys, time; t = time.perf_counter(); import sim.cli; sim.cli.build_parser(); "
             f"print(time.perf_counter() - t, *[m for m in {HEAVY!r} if m in sys.modules])")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, *heavy = loaded.stdout.split()
    assert heavy == []
    assert float(seconds) < 1.0


def test_validate_ok_and_error_exit_codes(write, tmp_path) -> None:
    good = write(two_party(), "good.yaml")
    r = sim("validate", str(good))
    assert r.returncode == 0 and r.stdout.startswith("ok:")
    data = two_party()
    data["actors"][0]["capability"] = -1
    bad = write(data, "bad.yaml")
    r = sim("validate", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bad.yaml:" in lines[0] and "actors[host].capability: should be greater than 0 (got -1)" in lines[0]


def test_run_writes_complete_folder(write, tmp_path) -> None:
    path = write(two_party())
    out = tmp_path / "res"
    assert main(["run", str(path), "--out", str(out), "-q", "-n", "200"]) == 0
    runs = list((out / "toy").iterdir())
    assert len(runs) == 1 and not runs[0].name.startswith(".tmp")
    folder = runs[0]
    for f in ("manifest.json", "outcomes.csv", "summary.json", "report.html", "indicators.png",
              "terms.png", "rounds.png", "trajectories.png"):
        assert (folder / f).exists(), f
    assert not list(folder.glob("*.svg"))  # SVG only with --svg (it doubles the cost of the figures)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 200 and len(manifest["sha256"]) == 64
    assert manifest["resolved"]["name"] == "toy"
    summary = json.loads((folder / "summary.json").read_text())
    p = summary["indicators"]["base_kept"]
    assert p["lo"] <= p["p"] <= p["hi"]
    rows = (folder / "outcomes.csv").read_text().splitlines()
    assert len(rows) == 201 and rows[0].startswith("replication,protocol,outcome,round")


def test_bad_scenario_writes_nothing(write, tmp_path) -> None:
    bad = write("name: x\nissues: []\n", "bad.yaml")
    out = tmp_path / "res"
    r = sim("run", str(bad), "--out", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert not out.exists()


def test_explain_narrates(write) -> None:
    path = write(two_party())
    r = sim("explain", str(path), "--replication", "150")
    assert r.returncode == 0, r.stderr
    assert "Replication 150" in r.stdout and "Outcome:" in r.stdout


@pytest.mark.slow
def test_baseline_explain_in_run(tmp_path) -> None:
    r = sim("run", str(BASELINE), "-n", "300", "--out", str(tmp_path), "--no-plots", "-q", "--explain", "1")
    assert r.returncode == 0, r.stderr
    assert "Russia keeps Tartus" in r.stdout and "Round 1 (2025-01):" in r.stdout
