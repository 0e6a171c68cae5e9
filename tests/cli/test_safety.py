"""Size bounds with their override, and output paths that stay under the results folder.

Unsafe YAML (tags, merge keys, runaway aliases) and bad names are in the corpus
(tests/bad_scenarios); these are the cases that need a generated file or a flag.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UsageError
from sim.output.results import RunFolder, safe_child
from sim.scenario.yamlsource import MAX_FILE_BYTES, MAX_NODES
from tests.conftest import ROOT

VALID = ROOT / "tests" / "bad_scenarios" / "_valid.yaml"


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_file_size_is_bounded_and_allow_large_lifts_it(tmp_path: Path, capsys) -> None:
    big = tmp_path / "big.yaml"
    padding = ("# " + "x" * 98 + "\n") * (MAX_FILE_BYTES // 100 + 1)
    big.write_text(VALID.read_text(encoding="utf-8") + padding, encoding="utf-8")
    size = big.stat().st_size
    code, out, err = cli(["validate", str(big)], capsys)
    assert code == 2 and out == ""
    assert err == (f"error: {big}: file is {size:,} bytes; a scenario may be at most {MAX_FILE_BYTES:,} "
                   "(if it is meant to be this large, pass --allow-large)\n")
    code, out, err = cli(["validate", "--allow-large", str(big)], capsys)
    assert code == 0 and out.startswith("ok:"), err


def test_alias_expansion_is_bounded_and_allow_large_lifts_it(tmp_path: Path, capsys) -> None:
    """300,000 values from a few lines: refused, then read (and judged on content) with the flag."""
    many = tmp_path / "many.yaml"
    row = "[" + ", ".join(["1"] * 1000) + "]"
    many.write_text(f"name: many\nrow: &row {row}\ntable: [{', '.join(['*row'] * 300)}]\n", encoding="utf-8")
    code, _, err = cli(["validate", str(many)], capsys)
    assert code == 2 and f"document expands to more than {MAX_NODES:,} values" in err
    code, _, err = cli(["validate", "--allow-large", str(many)], capsys)
    assert code == 2 and "expands" not in err and "unknown field 'row'" in err


def test_replications_above_the_guard_need_allow_large(tmp_path: Path, capsys) -> None:
    results = tmp_path / "results"
    code, out, err = cli(["run", str(VALID), "-n", "300000", "--out", str(results), "-q"], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {VALID}: 300,000 replications is above 200,000; pass --allow-large if you mean it\n"
    assert not results.exists()


@pytest.mark.parametrize("part", ["..", "../x", "/etc", "a/b", "a\\b", ""])
def test_output_names_cannot_escape_the_results_folder(tmp_path: Path, part: str) -> None:
    with pytest.raises(UsageError):
        safe_child(tmp_path, part)
    with pytest.raises(UsageError):
        RunFolder(tmp_path, part)
    with pytest.raises(UsageError):
        RunFolder(tmp_path, "toy", run_id=part or "..")
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    not_a_folder = tmp_path / "results"
    not_a_folder.write_text("a file where the results folder should be\n")
    code, _, err = cli(["run", str(VALID), "-n", "20", "--out", str(not_a_folder), "-q", "--no-plots"], capsys)
    assert code == 2
    assert err == f"error: --out {not_a_folder} is a file, not a folder; allowed: a folder (created if missing)\n"
    assert not_a_folder.read_text().startswith("a file")


def test_a_chosen_folder_name_cannot_escape_either(tmp_path: Path, capsys) -> None:
    """Commands that let you name the output folder (sim compare --id) go through the same check."""
    out = tmp_path / "results"
    code, _, err = cli(["compare", str(VALID), str(VALID), "--id", "../../escape", "--out", str(out), "-n", "20", "-q",
                        "--no-plots"], capsys)
    assert (code, err) == (2, "error: sim compare: argument --id: '../../escape' is not allowed in an output path; "
                              "allowed: a plain name of at most 100 characters, not starting with '.', without '/' "
                              "or '\\'; see sim compare --help\n")
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()


def test_a_block_too_large_for_memory_needs_allow_large(tmp_path: Path, capsys) -> None:
    """4,096 packages x 20 actors x 100,000 replications a block would be killed by the OS, silently."""
    import yaml

    data = yaml.safe_load(VALID.read_text(encoding="utf-8"))
    data["issues"] += [{"name": f"extra_{k}", "kind": "ordinal", "levels": ["a", "b", "c", "d"][: 2 + 2 * (k < 4)],
                        "status_quo": "a"} for k in range(5)]  # with tartus and assad: 4,096 packages
    data["actors"] += [{"name": f"observer_{k}", "role": "influencer", "capability": 1, "patience": 0.9,
                        "positions": {"tartus": {"ideal": "none", "salience": 1}}} for k in range(17)]
    data["run"] = {"replications": 100_000, "block_size": 100_000}
    big = tmp_path / "big_blocks.yaml"
    big.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, _ = cli(["validate", str(big)], capsys)
    assert code == 0 and "(20 actors, 9 issues" in out  # a valid file: the guard is about running it here
    results = tmp_path / "results"
    code, out, err = cli(["run", str(big), "--out", str(results), "-q"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"error: {big}: run.block_size 100,000 with 4,096 deal packages and 20 actors needs about "
                   "916 GiB of memory per worker; lower run.block_size to 873 or less, use fewer levels, or pass "
                   "--allow-large if you mean it\n")
    assert not results.exists()
