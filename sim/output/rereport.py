"""Rewrite the HTML report of a finished run or comparison from what its folder holds.

Nothing is run again: a run's report is rebuilt from ``manifest.json`` (the scenario),
``assumptions.json``, ``summary.json`` and its figures; a comparison's from
``comparison.json`` and its figures. Useful after a report layout change or when a run was
made with ``--no-plots`` and figures were added later.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import UsageError
from sim.output.comparereport import compare_report_html
from sim.output.finished import open_run, read_json
from sim.output.report import run_report_html
from sim.output.runfolder import RunResult

HINT = "give a run folder (results/<scenario>/<run-id>/) or a comparison folder (results/compare/<id>/)"


def rewrite_report(folder: str | Path) -> Path:
    """(Re)write ``report.html`` in a run or comparison folder; return its path.

    Raises:
        UsageError: Not a finished run or comparison folder.

    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; {HINT}")
    manifest = read_json(folder / "manifest.json", HINT)
    kind = manifest.get("kind", "run") if isinstance(manifest, dict) else "?"
    if kind == "compare":

        html = compare_report_html(read_json(folder / "comparison.json", HINT), folder)
    elif kind == "run":

        run = open_run(folder)
        summary = read_json(folder / "summary.json", HINT)
        summaries = summary["protocols"] if "protocols" in summary else {run.protocols[0]: summary}
        html = run_report_html(RunResult(run.scenario, {}, summaries), folder)
    else:
        raise UsageError(f"{folder}: a '{kind}' folder has no report; {HINT}")
    target = folder / "report.html"
    part = folder / f".report.html.part-{os.getpid()}"
    part.write_text(html, encoding="utf-8")
    os.replace(part, target)  # a reader sees the old report or the new one, never half of one
    return target
