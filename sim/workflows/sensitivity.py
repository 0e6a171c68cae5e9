"""``sensitivity``: Sobol indices of an indicator to levers and uncertainties, then the folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.ensemble.blocks import Progress
from sim.ensemble.guard import check_sweep_size
from sim.experiments.sensitivity import BOOTSTRAP, SensitivityResult, analyse, factors_of
from sim.output.sensitivityfolder import write
from sim.scenario.load import Scenario


def sensitivity(sc: Scenario, output: str, *, n: int = 64, replications: int = 100, seed: int | None = None,
                which: str = "all", protocol: str | None = None, executor: Any = None,
                progress: Progress | None = None, resamples: int = BOOTSTRAP, out_root: str | Path | None = "results",
                plots: bool = True, run_id: str | None = None, command: list[str] | None = None,
                allow_large: bool = False) -> SensitivityResult:
    """Compute the indices (:func:`sim.experiments.sensitivity.analyse`, whose arguments these are), then write.

    ``out_root`` is the results folder (``<out_root>/<scenario>/sensitivity-<id>/``; None writes
    nothing), ``plots`` draws the bar plot, ``run_id`` names the folder and ``command`` is the
    command line recorded in the manifest. The size guard applies as to a sweep: the model runs at
    ``n × (factors + 2)`` points of ``replications`` each; more than the sweep's limit needs
    ``allow_large``.

    Raises:
        UsageError: Above the size guard (before any work).

    """
    check_sweep_size(sc, n * (len(factors_of(sc, which)) + 2), replications, allow_large=allow_large)
    res = analyse(sc, output, n=n, replications=replications, seed=seed, which=which, protocol=protocol,
                  executor=executor, progress=progress, resamples=resamples)
    if out_root is not None:
        write(res, sc, out_root, plots=plots, run_id=run_id, command=command)
    return res
