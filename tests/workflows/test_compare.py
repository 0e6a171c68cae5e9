"""sim compare: paired intervals, scenario files vs run folders, the folder it writes, bad inputs."""

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.differences import INDEPENDENT, PAIRED, difference, tango_paired
from sim.cli import main
from sim.errors import UsageError
from sim.output.comparefolder import TABLE_COLUMNS
from sim.scenario.diff import diff
from sim.scenario.load import load_scenario
from sim.seeding import stream
from sim.workflows.compare import compare
from sim.workflows.run import run
from tests.conftest import BASELINE, two_party

P_A, P_B = 0.3, 0.5  # the event probabilities of the two coin scenarios


@pytest.fixture
def coins(write) -> tuple[Path, Path]:
    """Two toy scenarios where no deal is possible and base_kept holds exactly when an event fires.

    So P(base_kept) is the event's probability: 0.3 in A, 0.5 in B; the events share their random
    numbers, hence B holds wherever A does and the known paired difference is 0.2.
    """
    data = two_party(name="coin")
    data["issues"][1]["status_quo"] = "none"
    data["actors"][0]["red_lines"] = [{"issue": "base", "op": "==", "value": "none"}]  # power needs >= small
    data["events"] = [{"name": "flip", "round": 1, "probability": P_A,
                       "effects": [{"target": "issues.base.status_quo", "set": "full"},
                                   {"target": "issues.base.breakdown", "set": "full"}]}]
    a = write(data, "coin.yaml")
    b = write(f"extends: coin.yaml\nname: coin_more\nevents:\n  - {{name: flip, probability: {P_B}}}\n",
              "coin_more.yaml")
    return a, b


def _bernoulli_pairs(rep: int, n: int, pa: float, pb: float, shared: float) -> tuple[np.ndarray, np.ndarray]:
    rng = stream(99, rep, 0)
    u = rng.random(n)
    v = np.where(rng.random(n) < shared, u, rng.random(n))  # common random numbers for a share of pairs
    return u < pa, v < pb


@pytest.mark.parametrize(("pa", "pb", "n", "shared"), [(0.3, 0.5, 300, 0.9), (0.05, 0.08, 400, 0.7),
                                                       (0.5, 0.5, 200, 0.0)])
def test_paired_interval_covers_the_true_difference_95_percent(pa, pb, n, shared) -> None:
    hits = 0
    for rep in range(400):
        a, b = _bernoulli_pairs(rep, n, pa, pb, shared)
        d = difference(a, b)
        hits += d["lo"] <= pb - pa <= d["hi"]
    assert 0.92 <= hits / 400 <= 0.985


def test_tango_edge_cases() -> None:
    z2 = 1.959963984540054 ** 2
    lo, hi = tango_paired(0, 0, 1000)  # no replication differs: about ±z²/(n+z²), not a point
    assert lo == pytest.approx(-z2 / (1000 + z2), rel=1e-6) and hi == pytest.approx(z2 / (1000 + z2), rel=1e-6)
    lo, hi = tango_paired(0, 10, 10)
    assert 0 < lo < 1 and hi == 1.0
    lo, hi = tango_paired(5, 5, 10)
    assert lo < 0 < hi and lo == pytest.approx(-hi)


def test_unpaired_when_sizes_differ() -> None:
    a = np.array([True] * 30 + [False] * 70)
    b = np.array([True] * 100 + [False] * 100)
    d = difference(a, b, paired=False)
    assert d["method"] == INDEPENDENT and d["lo"] < 0.2 < d["hi"] and d["discordant"] is None
    with pytest.raises(ValueError, match="same length"):
        difference(a, b)


def test_compare_recovers_a_known_paired_difference(coins) -> None:
    result = compare(list(coins), replications=2000, out_root=None)
    row = next(r for r in result.table if r["indicator"] == "base_kept" and r["scenario"] == "coin_more")
    assert row["method"] == PAIRED and row["common_random_numbers"] is True
    assert row["diff_lo"] <= P_B - P_A <= row["diff_hi"]
    assert row["diff_hi"] - row["diff_lo"] < 0.04  # paired: far narrower than two independent samples (~0.06)
    first = result.entries[0].indicators["base_kept"]
    other = result.entries[1].indicators["base_kept"]
    assert not np.any(first & ~other)  # common random numbers: B holds wherever A does


def _numbers(table: list[dict]) -> list[tuple]:
    return [tuple(r[c] for c in TABLE_COLUMNS) for r in table]


def test_scenario_files_and_run_folders_give_the_same_table(coins, tmp_path) -> None:
    from_files = compare(list(coins), replications=300, out_root=None)
    folders = [run(load_scenario(p), replications=300, out_root=tmp_path, plots=False).folder for p in coins]
    from_runs = compare(folders, out_root=None)
    assert _numbers(from_runs.table) == _numbers(from_files.table)
    mixed = compare([folders[0], coins[1]], out_root=None)  # a file runs on the run folder's seed and size
    assert _numbers(mixed.table) == _numbers(from_files.table)


def test_different_sizes_fall_back_to_independent(coins, tmp_path) -> None:
    folder = run(load_scenario(coins[0]), replications=200, out_root=tmp_path, plots=False).folder
    result = compare([folder, coins[1]], replications=300, out_root=None)
    row = next(r for r in result.table if r["scenario"] == "coin_more" and r["indicator"] == "base_kept")
    assert row["method"] == INDEPENDENT and row["common_random_numbers"] is False


def test_compare_writes_table_figures_and_report(coins, tmp_path) -> None:
    result = compare(list(coins), replications=200, out_root=tmp_path, compare_id="c1")
    folder = tmp_path / "compare" / "c1"
    assert result.folder == folder
    for f in ("comparison.csv", "comparison.json", "manifest.json", "report.html", "indicators.png",
              "differences.png", "rounds.png", "terms.png"):
        assert (folder / f).exists(), f
    assert not list(folder.glob("*.svg"))
    assert not list(tmp_path.glob("compare/.tmp-*"))
    header = (folder / "comparison.csv").read_text().splitlines()[0]
    assert header == ",".join(TABLE_COLUMNS)
    record = json.loads((folder / "comparison.json").read_text())
    changed = record["scenarios"][1]["differs_from_first"]
    assert [r["path"] for r in changed] == ["events[flip].probability"]
    html = (folder / "report.html").read_text()
    assert "events[flip].probability" in html and "data:image/png;base64" in html


def test_variant_diff_names_the_change_with_its_note() -> None:
    rows = diff(load_scenario(BASELINE), load_scenario(BASELINE.parent / "russia_hands_over_assad.yaml"))
    by_path = {r["path"]: r for r in rows}
    dropped = by_path["actors[russia].red_lines[assad_handed_over == false]"]
    assert dropped["this"] == "" and "protégé" in dropped["note"]
    assert by_path["actors[russia].positions.assad_handed_over.salience"]["this"] == "0.03"
    assert all(r["note"] or r["source"] for r in rows)
    removed = diff(load_scenario(BASELINE), load_scenario(BASELINE.parent / "eu_eases_unconditionally.yaml"))
    assert [r["path"] for r in removed] == ["linkage[eu_sanctions].floor", "events[eu_suspends_sanctions]"]


def test_library_refuses_bad_inputs(coins, tmp_path) -> None:
    with pytest.raises(UsageError, match="at least two"):
        compare([coins[0]], out_root=None)
    with pytest.raises(UsageError, match="no such file or folder"):
        compare([coins[0], tmp_path / "nowhere.yaml"], out_root=None)
    with pytest.raises(UsageError, match="no issue named 'bse'"):
        compare(list(coins), issues=["bse"], out_root=None)


def sim(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (as `python -m sim` does) and capture its output."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_bad_inputs_exit_2_with_one_line(coins, tmp_path, capsys) -> None:
    empty = tmp_path / "empty_run"
    empty.mkdir()
    cases = [((str(coins[0]), str(tmp_path / "missing.yaml")), "missing.yaml: no such file or folder"),
             ((str(coins[0]), str(empty)), "empty_run: no manifest.json"),
             ((str(coins[0]),), "at least two"),
             ((str(coins[0]), str(coins[1]), "--protocol", "haggling"), "unknown protocol 'haggling'")]
    for args, expected in cases:
        code, _, err = sim(capsys, "compare", *args, "--out", str(tmp_path / "out"), "-q")
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and expected in lines[0], err
    assert not (tmp_path / "out").exists()


def test_cli_compare_then_report_rewrites_it(coins, tmp_path, capsys) -> None:
    code, out, err = sim(capsys, "compare", *map(str, coins), "-n", "200", "--out", str(tmp_path), "--id", "c",
                         "--no-plots", "-q")
    assert code == 0, err
    assert "coin_more" in out and "reference" in out and "Common random numbers: yes" in out
    report = tmp_path / "compare" / "c" / "report.html"
    before = report.read_text()
    report.unlink()
    code, _, err = sim(capsys, "report", str(tmp_path / "compare" / "c"))
    assert code == 0, err
    assert report.read_text() == before
    code, _, err = sim(capsys, "report", str(tmp_path))
    assert code == 2 and "no manifest.json" in err and len(err.strip().splitlines()) == 1


def test_report_rewrites_a_run_report_identically(coins, tmp_path) -> None:
    from sim.output.rereport import rewrite_report

    folder = run(load_scenario(coins[0]), replications=100, out_root=tmp_path, plots=False).folder
    before = (folder / "report.html").read_text()
    (folder / "report.html").write_text("stale")
    rewrite_report(folder)
    assert (folder / "report.html").read_text() == before
