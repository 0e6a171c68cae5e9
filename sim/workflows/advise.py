"""``advise``: search the levers for the cheapest package reaching a target, verify it, write the folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.ensemble.blocks import Progress
from sim.experiments.advise import Advice, Target, parse_target
from sim.experiments.advise import advise as search
from sim.output.advicefolder import write
from sim.scenario.load import Scenario


def advise(sc: Scenario, target: Target | str, *, levers: Sequence[str] | None = None, points: int = 5,
           replications: int | None = None, seed: int | None = None, verify_replications: int | None = None,
           refine: bool = True, strict: bool = False, executor: Any = None, progress: Progress | None = None,
           out_root: str | Path | None = "results", plots: bool = True, run_id: str | None = None,
           command: list[str] | None = None) -> Advice:
    """Find and verify the cheapest package (:func:`sim.experiments.advise.advise`), then write its folder.

    Args:
        sc: A scenario with a ``sweep:`` section (its levers and their costs).
        target: ``INDICATOR>=P`` or ``INDICATOR<=P``, as text or parsed.
        levers: Names of the levers to move (default all).
        points: Grid values per lever.
        replications: Per package (default ``sweep.replications``).
        seed: Root seed (default ``run.seed``).
        verify_replications: Of the fresh verification run (default four times ``replications``).
        refine: Refine the best grid package with COBYLA and bisection.
        strict: A package meets the target only if its whole 95% interval does.
        executor: From :mod:`sim.ensemble.executors`.
        progress: Called with replications finished.
        out_root: Results folder (``<out_root>/<scenario>/advise-<id>/``); None to write nothing.
        plots: Write the figure.
        run_id: Folder name.
        command: The command line to record in the manifest.

    """
    if isinstance(target, str):
        target = parse_target(target, list(sc.outcomes))
    adv = search(sc, target, levers=levers, points=points, replications=replications, seed=seed,
                 verify_replications=verify_replications, refine=refine, strict=strict, executor=executor,
                 progress=progress)
    if out_root is not None:
        write(adv, out_root, plots=plots, run_id=run_id, command=command)
    return adv
