"""Sweeps: play every design point of a scenario's ``sweep:`` on common random numbers.

``results/<scenario>/<sweep-id>/`` holds

* ``experiments.csv``: one row per design point: point id and each lever's value (user units);
* ``outcomes.csv``: one row per point × replication: the run table with a ``point`` column;
* ``points.csv`` and ``summary.json``: per point, each indicator's probability with its 95%
  Wilson interval;
* ``manifest.json`` (everything needed to rerun; the only file with times in it) and figures.

A sweep works in ``.tmp-<sweep-id>/`` (:mod:`sim.output.workfolder`) and saves each finished design
point as one chunk, so :func:`resume` continues a killed sweep where it stopped. The tables
are always assembled from the chunks in point order, so a resumed sweep's tables are byte
for byte those of an uninterrupted one.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.outcomes import COLUMNS, Outcomes
from sim.ensemble.blocks import Progress
from sim.errors import UsageError
from sim.experiments.designs import Design, make_design
from sim.output.workfolder import WorkFolder
from sim.scenario.load import Scenario

PLAN_FORMAT = 1
OUTCOME_ARRAYS = COLUMNS


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep computes: the scenario, its design and the ensemble per point."""

    scenario: Scenario
    design: Design
    replications: int
    seed: int
    protocol: str
    requested_points: int

    def describe(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data; a resume rebuilds the plan and checks it is equal."""
        from sim.output.results import versions

        return {
            "format": PLAN_FORMAT,
            "scenario": self.scenario.name,
            "scenario_file": str(Path(self.scenario.file).resolve()),
            "sha256": self.scenario.sha256,
            "design": self.design.kind,
            "requested_points": self.requested_points,
            "levers": [lv.model_dump(exclude={"note", "source"}) for lv in self.design.levers],
            "points": [list(p) for p in self.design.points],
            "replications": self.replications,
            "seed": self.seed,
            "protocol": self.protocol,
            "block_size": self.scenario.spec.run.block_size,
            "versions": {k: v for k, v in versions().items() if k in ("sim-bargaining", "numpy", "scipy", "mesa")},
        }

    def digest(self) -> str:
        """Return a hash of :meth:`describe`."""
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class SweepResult:
    """A finished sweep: its plan, the summary (as in summary.json) and its folder."""

    plan: SweepPlan
    summary: dict[str, Any]
    folder: Path | None = None
    files: list[str] = field(default_factory=list)
    resumed_points: int = 0


def make_plan(sc: Scenario, *, design: str | None = None, points: int | None = None,
              replications: int | None = None, seed: int | None = None, protocol: str | None = None) -> SweepPlan:
    """Build a sweep's plan from the scenario's ``sweep:`` section and overrides.

    Raises:
        UsageError: If the scenario has no ``sweep:`` section or the design is too large.

    """
    spec = sc.spec.sweep
    if spec is None:
        raise UsageError(f"{sc.file}: the scenario has no sweep: section; declare levers there "
                         "(docs/how-to/sweeps.md)")
    seed = sc.spec.run.seed if seed is None else seed
    points = points or spec.points
    try:
        d = make_design(spec.levers, design or spec.design, points, seed)
    except ValueError as exc:
        raise UsageError(f"{sc.file}: sweep: {exc}") from None
    return SweepPlan(sc, d, replications or spec.replications, seed, protocol or sc.spec.protocol.name, points)


def sweep(sc: Scenario, *, design: str | None = None, points: int | None = None, replications: int | None = None,
          seed: int | None = None, protocol: str | None = None, executor: Any = None,
          out_root: str | Path | None = "results", plots: bool = True, indicators: list[str] | None = None,
          prim: tuple[str, float] | None = None, progress: Progress | None = None,
          run_id: str | None = None) -> SweepResult:
    """Run a sweep and write its folder (the library front door).

    Args:
        sc: A scenario with a ``sweep:`` section.
        design: Override ``sweep.design``.
        points: Override ``sweep.points``.
        replications: Replications per point; overrides ``sweep.replications``.
        seed: Root seed (default ``run.seed``); every point uses it.
        protocol: Defaults to the scenario's protocol.
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        out_root: Results folder; None to keep nothing on disk.
        plots: Write figures.
        indicators: Indicators to plot (default all).
        prim: ``(indicator, threshold)``: also run scenario discovery (:mod:`sim.experiments.discovery`).
        progress: Called with replications finished.
        run_id: Folder name; ``sweep-<time>-<random>`` by default.

    """
    if out_root is None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            res = sweep(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol,
                        executor=executor, out_root=tmp, plots=False, indicators=indicators, prim=prim,
                        progress=progress, run_id=run_id)
        res.folder, res.files = None, []
        return res
    plan, wf = start(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol,
                     out_root=out_root, plots=plots, indicators=indicators, prim=prim, run_id=run_id)
    return execute(plan, wf, executor=executor, progress=progress)


def start(sc: Scenario, *, design: str | None = None, points: int | None = None, replications: int | None = None,
          seed: int | None = None, protocol: str | None = None, out_root: str | Path = "results",
          plots: bool = True, indicators: list[str] | None = None, prim: tuple[str, float] | None = None,
          run_id: str | None = None) -> tuple[SweepPlan, WorkFolder]:
    """Plan a sweep, create its work folder and write plan.json (arguments as :func:`sweep`)."""
    from sim.output.results import new_run_id, utc_now

    plan = make_plan(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol)
    output = {"plots": plots, "indicators": indicators, "prim": list(prim) if prim else None}
    check_output(sc, output)
    wf = WorkFolder.create(out_root, sc.name, run_id or f"sweep-{new_run_id()}")
    wf.lock()
    wf.write_json("plan.json", {**plan.describe(), "output": output, "started": utc_now()})
    return plan, wf


def check_output(sc: Scenario, output: dict[str, Any]) -> None:
    """Refuse unknown indicators before any work.

    Raises:
        UsageError: Naming the indicators the scenario declares.

    """
    names = list(output.get("indicators") or []) + ([output["prim"][0]] if output.get("prim") else [])
    for name in names:
        if name not in sc.outcomes:
            raise UsageError(f"unknown indicator '{name}'; allowed: {', '.join(sc.outcomes)}")


def resume(text: str, *, out_root: str | Path = "results", executor: Any = None,
           progress: Progress | None = None) -> SweepResult:
    """Continue an interrupted sweep from its finished chunks (see :func:`open_resume`)."""
    plan, wf = open_resume(text, out_root)
    return execute(plan, wf, executor=executor, progress=progress)


def open_resume(text: str, out_root: str | Path = "results") -> tuple[SweepPlan, WorkFolder]:
    """Lock an interrupted sweep's folder and rebuild its plan, checking nothing changed.

    Args:
        text: The ``.tmp-<id>`` folder or the sweep id.
        out_root: Where to look for an id.

    Raises:
        UsageError: If the folder is not an unfinished sweep, is in use, or its scenario
            files or plan changed since it started.

    """
    from sim.errors import ScenarioError
    from sim.scenario.load import load_scenario

    wf = WorkFolder.locate(text, out_root)
    wf.lock()
    saved = wf.read_json("plan.json")
    if saved.get("format") != PLAN_FORMAT:
        raise UsageError(f"{wf.tmp}: plan format {saved.get('format')!r} is not {PLAN_FORMAT}; start a new sweep")
    try:
        sc = load_scenario(saved["scenario_file"])
    except ScenarioError as exc:
        raise UsageError(f"{wf.tmp}: the scenario no longer loads: {exc}") from None
    if sc.sha256 != saved["sha256"]:
        raise UsageError(f"{wf.tmp}: {saved['scenario_file']} (or a file it extends) changed since the sweep "
                         "started; resume needs the same files, or start a new sweep")
    plan = make_plan(sc, design=saved["design"], points=saved["requested_points"],
                     replications=saved["replications"], seed=saved["seed"], protocol=saved["protocol"])
    now = plan.describe()
    changed = [k for k in now if now[k] != saved.get(k)]
    if changed:
        raise UsageError(f"{wf.tmp}: the sweep's plan differs now ({', '.join(changed)}); resume needs the same "
                         "scenario, options and library versions, or start a new sweep")
    from sim.output.results import utc_now

    wf.write_json("plan.json", {**saved, "resumed": [*saved.get("resumed", []), utc_now()]})
    return plan, wf


def chunk_name(point: int) -> str:
    """File stem of a design point's chunk."""
    return f"p{point:06d}"


def finished_points(wf: WorkFolder) -> set[int]:
    """Design points whose chunk is saved."""
    return {int(n[1:]) for n in wf.done() if n.startswith("p") and n[1:].isdigit()}


def execute(plan: SweepPlan, wf: WorkFolder, *, executor: Any = None, progress: Progress | None = None) -> SweepResult:
    """Play the points that have no chunk yet, then assemble the folder and rename it into place."""
    from sim.experiments.evaluate import evaluate

    sc = plan.scenario
    done = finished_points(wf)
    todo = [i for i in range(len(plan.design)) if i not in done]
    internal = plan.design.internal(sc.params)
    for point, out in evaluate(sc, internal, replications=plan.replications, seed=plan.seed, protocol=plan.protocol,
                               executor=executor, progress=progress, only=todo):
        wf.save_chunk(chunk_name(point), to_arrays(out))
    result = assemble(plan, wf)
    result.resumed_points = len(done)
    return result


def to_arrays(out: Outcomes) -> dict[str, np.ndarray]:
    """Turn an ensemble's outcomes into named arrays (a chunk)."""
    arrays = {k: getattr(out, k) for k in OUTCOME_ARRAYS}
    arrays.update({f"draw:{k}": v for k, v in out.draws.items()})
    return arrays


def from_arrays(protocol: str, arrays: dict[str, np.ndarray]) -> Outcomes:
    """Outcomes back from a chunk."""
    draws = {k.removeprefix("draw:"): v for k, v in arrays.items() if k.startswith("draw:")}
    return Outcomes(protocol=protocol, **{k: arrays[k] for k in OUTCOME_ARRAYS}, draws=draws)


def assemble(plan: SweepPlan, wf: WorkFolder) -> SweepResult:
    """Write the tables, summary, figures and manifest from the chunks, then finish the folder."""
    from sim.output.results import manifest, utc_now, write_table

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
        from sim.experiments.discovery import discover, write_discovery

        ind, threshold = output["prim"]
        prim = discover(summary, ind, float(threshold))
        files += write_discovery(prim, wf.tmp, plots=output.get("plots", True), summary=summary)
    if output.get("plots", True):
        from sim.output.sweep_plots import write_sweep_figures

        files += write_sweep_figures(summary, wf.tmp, output.get("indicators"), prim)
    resumed = len(saved.get("resumed", []))
    wf.write_json("manifest.json", manifest(
        sc, seed=plan.seed, replications=plan.replications, protocols=[plan.protocol], values={},
        started=saved.get("started", utc_now()), kind="sweep",
        extra={"sweep_id": wf.run_id, "design": plan.design.kind, "points": len(plan.design),
               "replications_per_point": plan.replications, "levers": saved["levers"], "plan_sha256": plan.digest(),
               "resumes": resumed, "files": files}))
    final = wf.finish()
    (final / "plan.json").unlink(missing_ok=True)  # after the rename: a kill before it leaves a resumable plan
    return SweepResult(plan, summary, final, files)


def point_summary(sc: Scenario, point: int, levers: dict[str, Any], out: Outcomes) -> dict[str, Any]:
    """One design point's indicators (probability, 95% Wilson interval, counts)."""
    from sim.analysis.summaries import proportion

    return {"point": point, "levers": levers, "replications": out.n,
            "indicators": {name: proportion(flag) for name, flag in out.indicators(sc).items()}}


def sweep_summary(plan: SweepPlan, points: list[dict[str, Any]]) -> dict[str, Any]:
    """summary.json: the design and every point's indicators."""
    sc = plan.scenario
    return {
        "scenario": sc.name,
        "title": sc.spec.title or sc.name,
        "design": plan.design.kind,
        "replications": plan.replications,
        "seed": plan.seed,
        "protocol": plan.protocol,
        "levers": [lv.model_dump(exclude={"note", "source"}) for lv in plan.design.levers],
        "indicators": {name: sc.spec.outcomes[name].label or name for name in sc.outcomes},
        "points": points,
    }


def points_table(plan: SweepPlan, summary: dict[str, Any]) -> dict[str, list[Any]]:
    """points.csv: point, levers, replications, then p, lo and hi of each indicator."""
    cols = plan.design.columns()
    cols["replications"] = [p["replications"] for p in summary["points"]]
    for name in summary["indicators"]:
        for key, suffix in (("p", ""), ("lo", "_lo"), ("hi", "_hi")):
            cols[f"{name}{suffix}"] = [p["indicators"][name][key] for p in summary["points"]]
    return cols
