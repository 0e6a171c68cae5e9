"""Scriptable output: unwrapped when piped, --json, --version, completion (exit statuses: test_crash_safety)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import sim as library
from tests.cli.test_cli import sim
from tests.conftest import BASELINE, two_party


def test_piped_params_keep_every_path_whole() -> None:
    r = sim("params", str(BASELINE))  # stdout is a pipe here, as in `sim params FILE | grep X`
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    paths = list(library.load_scenario(BASELINE).params)
    assert len(paths) > 100
    assert lines[0] == "parameter path\tvalue\tallowed"  # tab-separated for cut, awk and pandas
    assert [line.split("\t")[0] for line in lines[1:]] == paths
    assert "…" not in r.stdout and "\x1b[" not in r.stdout  # nothing cut, no colour codes


def test_run_json_is_one_object_with_the_folder_and_the_summary(write, tmp_path) -> None:
    scenario = write(two_party())
    r = sim("run", str(scenario), "-n", "60", "--no-plots", "--out", str(tmp_path / "out"), "--json")
    assert r.returncode == 0, r.stderr
    record = json.loads(r.stdout)  # the whole of stdout: nothing else printed
    assert record["command"] == "run" and "outcomes.csv" in record["files"]
    assert Path(record["folder"]).is_dir() and Path(record["folder"]).is_relative_to(tmp_path / "out")
    assert record["summary"]["indicators"]["base_kept"]["p"] >= 0


def test_compare_json_and_the_plain_results_line(write, tmp_path) -> None:
    a = write(two_party(), "a.yaml")
    b = write(two_party(name="toy_b", protocol={"rounds": 4, "noise": 0.05}), "b.yaml")
    r = sim("compare", str(a), str(b), "-n", "60", "--no-plots", "--out", str(tmp_path / "c"), "--json")
    assert r.returncode == 0, r.stderr
    record = json.loads(r.stdout)
    assert record["command"] == "compare" and record["summary"] and "comparison.csv" in record["files"]
    r = sim("run", str(a), "-n", "60", "--no-plots", "--out", str(tmp_path / ("a_very_long_folder_name" * 4)))
    (line,) = [x for x in r.stdout.splitlines() if x.startswith("Results: ")]
    assert line.split()[1].rstrip("/").endswith(tuple("0123456789abcdef"))  # the path whole, on one line


def test_version_and_completion() -> None:
    r = sim("--version")
    assert r.returncode == 0 and r.stdout.startswith("sim ")
    r = sim("completion", "bash")
    assert r.returncode == 0
    for command in ("run", "sweep", "advise", "completion"):
        assert f"        {command}) opts=" in r.stdout
    assert "--json" in r.stdout and "complete -o filenames" in r.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_completion_script_completes_commands_and_flags(tmp_path) -> None:
    (tmp_path / "c.bash").write_text(sim("completion", "bash").stdout, encoding="utf-8")
    probe = (f"source {tmp_path / 'c.bash'}; "
             "COMP_WORDS=(sim sen); COMP_CWORD=1; _sim_complete; echo ${COMPREPLY[@]}; "
             "COMP_WORDS=(sim run --for); COMP_CWORD=2; _sim_complete; echo ${COMPREPLY[@]}")
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["sensitivity", "--format"]
