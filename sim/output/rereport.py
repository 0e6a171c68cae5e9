"""Rewrite the HTML report of any finished folder from what it holds.

Nothing is run again: a run's report is rebuilt from ``manifest.json`` (the scenario),
``assumptions.json``, ``summary.json`` and its figures; a comparison's from
``comparison.json`` and its figures. Useful after a report layout change or when a run was
made with ``--no-plots`` and figures were added later. Sweeps (with their scenario
discoveries), sensitivity analyses, advice, conditioned runs and backtests are rebuilt from
their JSON and CSV files (:mod:`sim.output.kindreports`, :mod:`sim.output.conditionfolder`).
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import UsageError
from sim.output.comparereport import compare_report_html
from sim.output.conditionfolder import backtest_report_html, condition_report_html
from sim.output.finished import open_run, read_json
from sim.output.kindreports import advice_report_html, sensitivity_report_html, sweep_report_html
from sim.output.report import run_report_html
from sim.output.runfolder import RunResult

HINT = ("give a finished folder of sim run, compare, sweep (discover writes into it), sensitivity, advise, "
        "condition or backtest")


def report_html(folder: Path) -> str:
    """The report of any kind of finished folder, from what the folder holds.

    Raises:
        UsageError: Not a finished folder of a command that writes one.

    """
    manifest = read_json(folder / "manifest.json", HINT)
    kind = manifest.get("kind", "run") if isinstance(manifest, dict) else "?"
    if kind == "compare":
        return compare_report_html(read_json(folder / "comparison.json", HINT), folder)
    if kind == "run" and "condition" in manifest:
        read_json(folder / "summary.json", HINT)
        return condition_report_html(folder)
    if kind == "run":
        run = open_run(folder)
        summary = read_json(folder / "summary.json", HINT)
        summaries = summary["protocols"] if "protocols" in summary else {run.protocols[0]: summary}
        return run_report_html(RunResult(run.scenario, {}, summaries), folder)
    readers = {"backtest": ("backtest.json", backtest_report_html), "sweep": ("summary.json", sweep_report_html),
               "sensitivity": ("indices.csv", sensitivity_report_html), "advise": ("advice.json", advice_report_html)}
    if kind not in readers:
        raise UsageError(f"{folder}: a '{kind}' folder has no report; {HINT}")
    needed, make = readers[kind]
    if not (folder / needed).is_file():
        raise UsageError(f"{folder}: no {needed}; the folder is damaged")
    return make(folder)


def rewrite_report(folder: str | Path) -> Path:
    """(Re)write ``report.html`` in a finished folder of any command that writes one; return its path.

    Raises:
        UsageError: Not a finished folder of such a command.

    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; {HINT}")
    html = report_html(folder)
    target = folder / "report.html"
    part = folder / f".report.html.part-{os.getpid()}"
    part.write_text(html, encoding="utf-8")
    os.replace(part, target)  # a reader sees the old report or the new one, never half of one
    return target
