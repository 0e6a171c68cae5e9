"""Kill a sweep part way (SIGKILL), resume it, and get the same tables byte for byte."""

import os
import signal
import subprocess
import sys
import time

import pytest

from sim.errors import UsageError
from sim.output.workfolder import WorkFolder
from sim.scenario.load import load_scenario
from sim.workflows.sweep import open_resume, resume, start, sweep
from tests.conftest import ROOT
from tests.sweeps import toy_sweep

TABLES = ("experiments.csv", "outcomes.csv", "points.csv", "summary.json")


def scenario(points: int = 4, replications: int = 1000) -> dict:
    return toy_sweep(points=points, replications=replications,
                     run={"replications": 300, "seed": 11, "block_size": 500, "trajectories": 0})


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_sweep_resumes_to_identical_tables(write, tmp_path) -> None:
    path = write(scenario())
    out = tmp_path / "res"
    tmp = out / "toy" / ".tmp-killed"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out), "--id", "killed",
                             "-q", "--no-plots", "--executor", "inline"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list(tmp.glob("chunks/*.npz"))) < 3:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the sweep never saved a chunk"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = len(list(tmp.glob("chunks/*.npz")))
    assert 3 <= saved < 16, "killed too late to test a resume"
    assert not (out / "toy" / "killed").exists()  # nothing that looks complete

    r = subprocess.run([sys.executable, "-m", "sim", "sweep", "--resume", str(tmp), "--out", str(out), "-q"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"Resumed: {saved} points" in r.stdout
    assert not tmp.exists() and (out / "toy" / "killed" / "manifest.json").exists()

    ref = sweep(load_scenario(path), out_root=tmp_path / "ref", plots=False, run_id="whole")
    for name in TABLES:
        assert (out / "toy" / "killed" / name).read_bytes() == (ref.folder / name).read_bytes(), name


def test_resume_refuses_changed_scenario_and_live_folders(write, tmp_path) -> None:
    path = write(scenario(points=2, replications=20))
    _, wf = start(load_scenario(path), out_root=tmp_path, run_id="x", plots=False)
    with pytest.raises(UsageError, match="in use by another running process"):
        open_resume("x", tmp_path)
    wf.unlock()
    path.write_text(path.read_text().replace("seed: 11", "seed: 12"))
    with pytest.raises(UsageError, match="changed since the sweep started"):
        open_resume(str(wf.tmp), tmp_path)
    path.write_text(path.read_text().replace("seed: 12", "seed: 11"))
    res = resume("x", out_root=tmp_path)  # nothing done yet: a resume plays every point
    assert res.folder == tmp_path / "toy" / "x" and res.resumed_points == 0
    with pytest.raises(UsageError, match="is complete; nothing to resume"):
        WorkFolder.locate(str(res.folder), tmp_path)
