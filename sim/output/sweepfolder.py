"""A sweep's folder: the plan, one chunk per finished design point, and the tables assembled from them.

A sweep works in ``.tmp-<sweep-id>/`` (:mod:`sim.output.workfolder`) and saves each finished
design point as one chunk, so a killed sweep resumes where it stopped
(:func:`sim.workflows.sweep.resume`). The tables are always assembled from the chunks in
point order, so a resumed sweep's tables are byte for byte those of an uninterrupted one.
PRIM results (``prim_<indicator>.*``) are written into the sweep's folder here too.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from sim.experiments.discovery import Discovery, discover, trajectory_table
from sim.experiments.sweep import SweepPlan, SweepResult, from_arrays, point_summary, points_table, sweep_summary
from sim.output.kindreports import sweep_report_html
from sim.output.kindreports import write as write_report
from sim.output.plots import save
from sim.output.results import finite_json, manifest, utc_now, versions, write_table
from sim.output.sweep_plots import heatmap, prim_figure, write_sweep_figures
from sim.output.workfolder import WorkFolder, atomic_write


def plan_record(plan: SweepPlan) -> dict[str, Any]:
    """The plan as saved in plan.json: what it computes and the library versions; a resume checks it is equal."""
    return {**plan.describe(),
            "versions": {k: v for k, v in versions().items() if k in ("sim-bargaining", "numpy", "scipy", "mesa")}}


def plan_digest(plan: SweepPlan) -> str:
    """Return a hash of :func:`plan_record`."""
    return hashlib.sha256(json.dumps(plan_record(plan), sort_keys=True).encode("utf-8")).hexdigest()


def chunk_name(point: int) -> str:
    """File stem of a design point's chunk."""
    return f"p{point:06d}"


def finished_points(wf: WorkFolder) -> set[int]:
    """Design points whose chunk is saved."""
    return {int(n[1:]) for n in wf.done() if n.startswith("p") and n[1:].isdigit()}


def assemble(plan: SweepPlan, wf: WorkFolder) -> SweepResult:
    """Write the tables, summary, figures and manifest from the chunks, then finish the folder."""
    sc = plan.scenario
    saved = wf.read_json("plan.json")
    output = saved.get("output") or {}
    write_table(wf.tmp / "experiments.csv", plan.design.columns())
    points = []
    rows = plan.design.rows()
    with (wf.tmp / "outcomes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for i in range(len(plan.design)):
            out = from_arrays(plan.protocol, wf.load_chunk(chunk_name(i)))
            cols = {"point": [i] * out.n, **out.table(sc)}
            if i == 0:
                writer.writerow(list(cols))
            writer.writerows(zip(*[list(c) for c in cols.values()], strict=True))
            points.append(point_summary(sc, i, rows[i], out))
    summary = sweep_summary(plan, points)
    write_table(wf.tmp / "points.csv", points_table(plan, summary))
    wf.write_json("summary.json", summary)
    files = ["experiments.csv", "outcomes.csv", "points.csv", "summary.json"]
    prim = None
    if output.get("prim"):
        ind, threshold = output["prim"]
        prim = discover(summary, ind, float(threshold))
        files += write_discovery(prim, wf.tmp, plots=output.get("plots", True), summary=summary)
    if output.get("plots", True):
        files += write_sweep_figures(summary, wf.tmp, output.get("indicators"), prim)
    files.append("report.html")
    resumed = len(saved.get("resumed", []))
    wf.write_json("manifest.json", manifest(
        sc, seed=plan.seed, replications=plan.replications, protocols=[plan.protocol], values={},
        started=saved.get("started", utc_now()), kind="sweep", command=saved.get("command"),
        extra={"sweep_id": wf.run_id, "design": plan.design.kind, "points": len(plan.design),
               "replications_per_point": plan.replications, "levers": saved["levers"], "plan_sha256": plan_digest(plan),
               "resumes": resumed, "files": files}))
    write_report(wf.tmp, sweep_report_html(wf.tmp))
    final = wf.finish()
    (final / "plan.json").unlink(missing_ok=True)  # after the rename: a kill before it leaves a resumable plan
    return SweepResult(plan, summary, final, files)


def write_discovery(d: Discovery, folder: Path, *, plots: bool = True, summary: dict[str, Any] | None = None
                    ) -> list[str]:
    """Write ``prim_<indicator>.json``, ``.csv`` and figures into ``folder``, each file atomically.

    With the sweep's ``summary`` and two or more levers, also a heatmap of the indicator over
    the first two levers with the box outlined (``prim_<indicator>_heatmap``).
    """
    stem = f"prim_{d.indicator}"
    atomic_write(folder / f"{stem}.json", (finite_json(d.to_json(), f"{stem}.json") + "\n").encode("utf-8"))
    staging = folder / f".tmp-{stem}-{os.getpid()}"
    staging.mkdir(exist_ok=True)
    try:
        write_table(staging / f"{stem}.csv", trajectory_table(d))
        files = [f"{stem}.json", f"{stem}.csv"]
        if plots:
            files += save(prim_figure(d), staging, stem)
            if summary is not None and len(summary["levers"]) >= 2:

                pair = (summary["levers"][0]["name"], summary["levers"][1]["name"])
                files += save(heatmap(summary, pair, [d.indicator], {d.indicator: d}), staging, f"{stem}_heatmap")
        for name in files[1:]:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files


