"""Interrupted runs: Ctrl-C, kill and SIGKILL never leave a folder that looks like a finished run.

A run is written into ``OUT/<scenario>/.tmp-<id>-<pid>/`` and renamed into place when
complete (:class:`sim.output.results.RunFolder`). These tests interrupt a real ``sim run`` in a
subprocess (the signal goes to its whole process group, as Ctrl-C in a terminal does) while
it writes, and while it simulates in worker processes; then show that a later run is
unaffected.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from tests.conftest import ROOT

VALID = ROOT / "tests" / "bad_scenarios" / "_valid.yaml"
SCENARIO = "bases_small"  # the name inside _valid.yaml
INTERRUPTED = "interrupted: nothing was written for the unfinished run\n"

pytestmark = pytest.mark.slow


def start(out: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sim", "run", str(VALID), "--out", str(out), "-q", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_until(proc: subprocess.Popen[str], ready, timeout: float = 180) -> None:
    """Poll until ``ready()`` or the process ends; fail if it ends first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ready():
            return
        assert proc.poll() is None, f"the run ended before it could be interrupted: {proc.communicate()}"
        time.sleep(0.005)
    pytest.fail("timed out waiting for the run")


def entries(out: Path) -> list[str]:
    folder = out / SCENARIO
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def finished_looking(out: Path) -> list[str]:
    """Folders a user (or `sim compare`) would take for runs: any not starting with a dot."""
    return [n for n in entries(out) if not n.startswith(".")]


def children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def reference_outcomes(tmp_path: Path, reps: str) -> bytes:
    ref = tmp_path / "reference"
    assert main(["run", str(VALID), "--out", str(ref), "-q", "--no-plots", "-n", reps]) == 0
    (run,) = finished_looking(ref)
    return (ref / SCENARIO / run / "outcomes.csv").read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_interrupt_while_writing_leaves_no_finished_looking_folder(tmp_path: Path, sig: signal.Signals,
                                                                    capsys) -> None:
    out = tmp_path / "results"
    proc = start(out, "-n", "400")  # with plots: the folder is open for a second or two
    wait_until(proc, lambda: any(n.startswith(".tmp-") for n in entries(out)))
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert finished_looking(out) == []
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        assert all(n.startswith(".tmp-") for n in entries(out))  # hidden leftovers only
    else:
        assert (proc.returncode, err) == (128 + sig, INTERRUPTED)  # POSIX: 130 after Ctrl-C, 143 after kill
        assert entries(out) == []  # Ctrl-C and kill clean up the unfinished folder

    # a later run into the same results folder is unaffected by what was left
    assert main(["run", str(VALID), "--out", str(out), "-q", "--no-plots", "-n", "400"]) == 0
    (run,) = finished_looking(out)
    folder = out / SCENARIO / run
    assert {"manifest.json", "outcomes.csv", "summary.json", "report.html"} <= {p.name for p in folder.iterdir()}
    assert (folder / "outcomes.csv").read_bytes() == reference_outcomes(tmp_path, "400")


def test_ctrl_c_while_workers_simulate_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = start(out, "-n", "1000000", "--allow-large", "--executor", "processes", "--workers", "2")
    wait_until(proc, lambda: len(children(proc.pid)) > 0)  # the worker pool is up: simulating
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
    stdout, err = proc.communicate(timeout=120)
    assert (proc.returncode, stdout, err) == (130, "", INTERRUPTED)  # no worker tracebacks either
    assert not out.exists()


def marked(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment carries ``marker``: the command and its children."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if marker.encode() in (d / "environ").read_bytes().split(b"\0") and \
                    (d / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(d.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")
def test_kill_9_of_the_command_leaves_no_worker_forkserver_or_tracker(tmp_path: Path) -> None:
    """kill -9 runs no cleanup: the workers, the forkserver and the resource tracker must end by themselves."""
    marker = f"SIM_TEST_MARKER={os.getpid()}-{time.monotonic_ns()}"
    env = dict(os.environ, SIM_TEST_MARKER=marker.split("=", 1)[1])
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(VALID), "-n", "150000", "--executor", "processes",
                             "--workers", "2", "-q", "--no-plots", "--out", str(tmp_path / "out")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        # the command, the resource tracker, the forkserver and two workers
        wait_until(proc, lambda: len(marked(marker)) >= 5, timeout=120)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        end = time.monotonic() + 10
        while marked(marker) and time.monotonic() < end:
            time.sleep(0.1)
        left = marked(marker)
        assert not left, f"processes outlived kill -9 of sim run: {left}"
    finally:
        for pid in marked(marker):  # only the processes this test started
            os.kill(pid, signal.SIGKILL)
