"""``sim rerun``: a finished run, played again from its manifest alone, gives the same table.

Byte for byte, whatever the executor and the number of workers, after the scenario files
are gone, and with lever values; a changed table is reported, a bad folder refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.load import load_scenario
from sim.workflows.rerun import rerun
from sim.workflows.run import run
from tests.conftest import ROOT

VALID = ROOT / "tests" / "bad_scenarios" / "_valid.yaml"


def finished(out: Path) -> list[Path]:
    return sorted(p for s in out.iterdir() for p in s.iterdir() if not p.name.startswith("."))


def run_cli(scenario: Path, out: Path, *args: str) -> Path:
    assert main(["run", str(scenario), "--out", str(out), "-q", "--no-plots", *args]) == 0
    (folder,) = finished(out)
    return folder


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run with its size and seed overridden on the command line: the manifest must carry them."""
    return run_cli(VALID, tmp_path_factory.mktemp("original"), "-n", "250", "--seed", "11")


def test_rerun_reproduces_the_outcome_table_byte_for_byte(original: Path, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["rerun", str(original), "--out", str(tmp_path), "-q", "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"identical: {original}/outcomes.csv reproduced byte for byte (250 rows)\n")
    (again,) = finished(tmp_path)
    assert (again / "outcomes.csv").read_bytes() == (original / "outcomes.csv").read_bytes()
    assert (again / "summary.json").read_bytes() == (original / "summary.json").read_bytes()
    manifest = json.loads((again / "manifest.json").read_text())
    assert (manifest["seed"], manifest["replications"]) == (11, 250)


@pytest.mark.parametrize("executor", [["inline"], ["processes", "--workers", "1"], ["processes", "--workers", "2"]],
                         ids=lambda e: "-".join(e))
def test_reruns_are_identical_across_executors_and_worker_counts(original: Path, executor: list[str],
                                                                 capsys) -> None:
    assert main(["rerun", str(original), "-q", "--executor", *executor]) == 0
    assert capsys.readouterr().out.startswith("identical:")


def test_rerun_of_a_run_under_several_protocols(tmp_path: Path) -> None:
    from sim.protocols.registry import REGISTRY

    protocols = list(REGISTRY)[:3]
    folder = run_cli(VALID, tmp_path, "-n", "60", "--protocol", ",".join(protocols))
    found = rerun(folder)
    assert found.identical and found.rows == 60 * len(protocols)


def test_rerun_needs_only_the_manifest(tmp_path: Path) -> None:
    """A variant's `extends:` chain is merged in the manifest: the files may be gone."""
    src = tmp_path / "scenarios"
    src.mkdir()
    shutil.copy(VALID, src / "base.yaml")
    (src / "variant.yaml").write_text("extends: base.yaml\nname: bases_variant\nactors:\n"
                                      "  - name: russia\n    patience: 0.9\n", encoding="utf-8")
    folder = run_cli(src / "variant.yaml", tmp_path / "results", "-n", "200")
    shutil.rmtree(src)
    found = rerun(folder)
    assert found.identical and found.rows == 200 and found.folder is None


def test_rerun_of_a_run_with_lever_values(tmp_path: Path) -> None:
    sc = load_scenario(VALID)
    lever = {"linkage.us_sanctions.generosity": 0.2}
    with_lever = run(sc, replications=200, values=lever, out_root=tmp_path / "a", plots=False).folder
    without = run(sc, replications=200, out_root=tmp_path / "b", plots=False).folder
    assert (with_lever / "outcomes.csv").read_bytes() != (without / "outcomes.csv").read_bytes()
    assert rerun(with_lever).identical


def test_a_changed_table_is_reported(original: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "bases_small" / original.name
    shutil.copytree(original, copy)
    lines = (copy / "outcomes.csv").read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(",deal,", ",breakdown,") if ",deal," in lines[3] else lines[3].replace(",", ";", 1)
    (copy / "outcomes.csv").write_text("".join(lines))
    capsys.readouterr()
    assert main(["rerun", str(copy), "-q"]) == 1
    assert capsys.readouterr().out.startswith(f"DIFFERENT: {copy}/outcomes.csv was not reproduced; "
                                              "first difference at line 4: original ")


def _damaged(original: Path, tmp: Path, what: str) -> tuple[Path, str]:
    folder = tmp / "bases_small" / original.name
    if what == "missing":
        return tmp / "nowhere", "no such folder; sim rerun takes a finished run folder"
    if what == "file":
        return original / "outcomes.csv", "a file; `sim run` runs a scenario file"
    shutil.copytree(original, folder)
    if what == "unfinished":
        folder = folder.rename(folder.parent / f".tmp-{folder.name}-123")
        return folder, "an unfinished run (.tmp- folders are never read)"
    if what == "no manifest":
        (folder / "manifest.json").unlink()
        return folder, "no manifest.json"
    if what == "bad json":
        (folder / "manifest.json").write_text("{not json")
        return folder, "manifest.json: not valid JSON"
    manifest = json.loads((folder / "manifest.json").read_text())
    if what == "bad seed":
        manifest["seed"] = "eleven"
        expected = "manifest.json: damaged"
    else:  # a stored scenario that no longer validates
        manifest["resolved"]["actors"][0]["patience"] = 7
        expected = "the scenario stored in it no longer loads (actors[syria].patience: should be less than or equal"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder, expected


@pytest.mark.parametrize("what", ["missing", "file", "unfinished", "no manifest", "bad json", "bad seed",
                                  "bad scenario"])
def test_a_folder_that_is_not_a_finished_run_is_refused(original: Path, tmp_path: Path, what: str,
                                                        capsys) -> None:
    folder, expected = _damaged(original, tmp_path, what)
    capsys.readouterr()
    assert main(["rerun", str(folder), "-q", "--out", str(tmp_path / "out")]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder}") and expected in lines[0], out.err
    assert not (tmp_path / "out").exists()
