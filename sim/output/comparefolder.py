"""A comparison's folder: ``comparison.csv`` and ``.json``, figures, ``manifest.json``, ``report.html``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.experiments.compare import Comparison
from sim.output.compareplots import write_figures
from sim.output.comparereport import write_compare_report
from sim.output.results import RunFolder, utc_now, versions, write_table

COMPARE_FOLDER = "compare"
TABLE_COLUMNS = ("indicator", "label", "scenario", "name", "n", "k", "p", "lo", "hi",
                 "diff", "diff_lo", "diff_hi", "discordant", "common_random_numbers", "method")


def write(result: Comparison, out_root: str | Path, *, compare_id: str | None = None, plots: bool = True,
          started: str | None = None, issues: Sequence[str] | None = None, command: list[str] | None = None) -> Path:
    """Write the comparison folder atomically: table (CSV, JSON), figures, manifest, report."""
    record = result.record()
    with RunFolder(out_root, COMPARE_FOLDER, compare_id) as folder:
        write_table(folder.tmp / "comparison.csv",
                    {c: ["" if r[c] is None else r[c] for r in result.table] for c in TABLE_COLUMNS})
        folder.write_json("comparison.json", record)
        result.files = ["comparison.csv", "comparison.json"]
        if plots:
            result.files += write_figures(result.entries, result.table, folder.tmp, issues)
        folder.write_json("manifest.json", {
            "kind": "compare", "compare_id": folder.run_id,
            "inputs": [{"label": e.label, "source": e.source, "kind": e.kind, "scenario": e.scenario.name,
                        "sha256": e.scenario.sha256, "seed": e.seed, "replications": e.n,
                        "block_size": e.block_size, "protocol": e.outcomes.protocol} for e in result.entries],
            "resolved": {e.label: e.scenario.resolved for e in result.entries},
            "versions": versions(), "command": command, "started": started or utc_now(), "finished": utc_now(),
            "files": [*result.files, "report.html"]})
        write_compare_report(record, folder.tmp)
    result.folder = folder.final
    return folder.final
