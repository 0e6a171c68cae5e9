"""``sweep`` and ``resume``: plan a sweep, play its design points, write its folder.

Each finished design point is saved as one chunk of the sweep's work folder before the next
is played (:mod:`sim.output.sweepfolder`), so :func:`resume` continues a killed sweep where it
stopped. The computing is in :mod:`sim.experiments.sweep` and :mod:`sim.experiments.evaluate`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sim.ensemble.blocks import Progress
from sim.ensemble.guard import check_seed, check_size, check_sweep_size
from sim.errors import ScenarioError, UsageError
from sim.experiments.evaluate import evaluate
from sim.experiments.sweep import PLAN_FORMAT, SweepPlan, SweepResult, check_output, make_plan, to_arrays
from sim.output.results import new_run_id, utc_now
from sim.output.sweepfolder import assemble, chunk_name, finished_points, plan_record
from sim.output.workfolder import WorkFolder
from sim.scenario.load import Scenario, load_scenario


def sweep(sc: Scenario, *, design: str | None = None, points: int | None = None, replications: int | None = None,
          seed: int | None = None, protocol: str | None = None, executor: Any = None,
          out_root: str | Path | None = "results", plots: bool = True, indicators: list[str] | None = None,
          prim: tuple[str, float] | None = None, progress: Progress | None = None,
          run_id: str | None = None, allow_large: bool = False, command: list[str] | None = None) -> SweepResult:
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
        allow_large: Lift the size guard (:mod:`sim.ensemble.guard`).
        command: The command line to record in the manifest.

    """
    if out_root is None:
        with tempfile.TemporaryDirectory() as tmp:
            res = sweep(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol,
                        executor=executor, out_root=tmp, plots=False, indicators=indicators, prim=prim,
                        progress=progress, run_id=run_id, allow_large=allow_large, command=command)
        res.folder, res.files = None, []
        return res
    plan, wf = start(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol,
                     out_root=out_root, plots=plots, indicators=indicators, prim=prim, run_id=run_id,
                     allow_large=allow_large, command=command)
    return execute(plan, wf, executor=executor, progress=progress)


def start(sc: Scenario, *, design: str | None = None, points: int | None = None, replications: int | None = None,
          seed: int | None = None, protocol: str | None = None, out_root: str | Path = "results",
          plots: bool = True, indicators: list[str] | None = None, prim: tuple[str, float] | None = None,
          run_id: str | None = None, allow_large: bool = False, command: list[str] | None = None
          ) -> tuple[SweepPlan, WorkFolder]:
    """Plan a sweep, create its work folder and write plan.json (arguments as :func:`sweep`).

    Raises:
        UsageError: A sweep above the size guard without ``allow_large``, or an unknown indicator.

    """
    plan = make_plan(sc, design=design, points=points, replications=replications, seed=seed, protocol=protocol)
    check_size(sc, allow_large=allow_large)
    check_seed(seed)
    check_sweep_size(sc, len(plan.design), plan.replications, allow_large=allow_large)
    output = {"plots": plots, "indicators": indicators, "prim": list(prim) if prim else None}
    check_output(sc, output)
    wf = WorkFolder.create(out_root, sc.name, run_id or f"sweep-{new_run_id()}")
    wf.lock()
    wf.write_json("plan.json", {**plan_record(plan), "output": output, "started": utc_now(), "command": command})
    return plan, wf


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
    now = plan_record(plan)
    changed = [k for k in now if now[k] != saved.get(k)]
    if changed:
        raise UsageError(f"{wf.tmp}: the sweep's plan differs now ({', '.join(changed)}); resume needs the same "
                         "scenario, options and library versions, or start a new sweep")
    wf.write_json("plan.json", {**saved, "resumed": [*saved.get("resumed", []), utc_now()]})
    return plan, wf


def execute(plan: SweepPlan, wf: WorkFolder, *, executor: Any = None, progress: Progress | None = None) -> SweepResult:
    """Play the points that have no chunk yet, then assemble the folder and rename it into place."""
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


