"""The library's front door for whole runs: simulate and summarise, then write a run folder.

The CLI, the web app, notebooks and tests all call these functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.analysis.summaries import summarize
from sim.ensemble.blocks import Progress, simulate
from sim.ensemble.guard import check_seed, check_size
from sim.output.results import RunFolder, utc_now
from sim.output.runfolder import RunResult, write_run
from sim.output.table import check_format
from sim.scenario.load import Scenario


def protocols_of(sc: Scenario, override: list[str] | None = None) -> list[str]:
    """The protocols a run plays: the override, else ``protocols:``, else ``protocol.name``."""
    if override:
        return override
    if sc.spec.protocols:
        return list(dict.fromkeys([sc.spec.protocol.name, *sc.spec.protocols]))
    return [sc.spec.protocol.name]


def run(sc: Scenario, *, replications: int | None = None, seed: int | None = None,
        protocols: list[str] | None = None, values: dict[str, float] | None = None,
        executor: Any = None, out_root: str | Path | None = "results", plots: bool = True,
        progress: Progress | None = None, run_id: str | None = None, allow_large: bool = False,
        command: list[str] | None = None, table_format: str = "csv") -> RunResult:
    """Run a scenario under one or more protocols on the same random numbers.

    Args:
        sc: The scenario.
        replications: Defaults to ``run.replications``.
        seed: Defaults to ``run.seed``.
        protocols: Defaults to the scenario's protocol(s).
        values: Parameter path → fixed internal value (levers).
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        out_root: Results folder; None to write nothing.
        plots: Write figures.
        progress: Called with replications finished.
        run_id: Folder name; a fresh timestamped id by default.
        allow_large: Lift the size guard (:mod:`sim.ensemble.guard`).
        command: The command line to record in the manifest (the CLI passes its own).
        table_format: ``csv`` (default) or ``parquet`` (needs pyarrow) for the outcomes table.

    Raises:
        UsageError: A run above the size guard without ``allow_large``.

    """
    started = utc_now()
    reps = replications or sc.spec.run.replications
    check_size(sc, reps, allow_large=allow_large)
    check_seed(seed)
    if table_format != "csv":
        check_format(table_format)  # before any work
    seed = sc.spec.run.seed if seed is None else seed
    names = protocols_of(sc, protocols)

    def simulate_all() -> RunResult:
        outcomes = {p: simulate(sc, replications=reps, seed=seed, protocol=p, values=values, executor=executor,
                                progress=progress) for p in names}
        return RunResult(sc, outcomes, {p: summarize(sc, o) for p, o in outcomes.items()})

    if out_root is None:
        return simulate_all()
    # The (hidden) run folder is made before any work, so an unwritable --out fails at once,
    # and an interrupted run leaves only a .tmp-* folder that is removed on the way out.
    with RunFolder(out_root, sc.name, run_id) as folder:
        result = simulate_all()
        write_run(result, folder, seed=seed, replications=reps, values=values or {}, started=started, plots=plots,
                  command=command, table_format=table_format)
    result.folder = folder.final
    return result


__all__ = ["RunResult", "protocols_of", "run"]
