"""``sim run FILE --given HISTORY`` / ``sim condition`` and ``sim backtest``: compute, then write.

Everything is computed before a folder is opened, so a history too unlikely under the
scenario (:class:`sim.experiments.condition.TooUnlikely`, exit 2 at the CLI) leaves nothing
in the results folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.condition import Backtest, Conditioned, backtest, condition, forecast, parameter_shift
from sim.output.conditionfolder import write_backtest, write_condition
from sim.output.results import RunFolder, new_run_id, utc_now
from sim.scenario.history import History
from sim.scenario.load import Scenario


@dataclass
class ConditionResult:
    """A conditioned run: the ensemble, the forecast beside the unconditioned one, the parameter shifts."""

    conditioned: Conditioned
    forecast: dict[str, Any]
    parameters: list[dict[str, Any]]
    folder: Path | None = None


def run_given(sc: Scenario, history: History, *, replications: int | None = None, seed: int | None = None,
              target_ess: int = 1000, cap: int = 50_000, min_ess: int = 100, executor: Any = None,
              out_root: str | Path | None = "results", plots: bool = True, progress: Any = None,
              run_id: str | None = None, command: list[str] | None = None) -> ConditionResult:
    """Condition the scenario's ensemble on ``history`` and write a run folder (see :func:`condition`).

    Raises:
        TooUnlikely: Too few replications agree with the history (nothing is written).

    """
    started = utc_now()
    c = condition(sc, history, replications=replications, seed=seed, target_ess=target_ess, cap=cap,
                  min_ess=min_ess, executor=executor, progress=progress)
    result = ConditionResult(c, forecast(c), parameter_shift(c))
    if out_root is None:
        return result
    with RunFolder(out_root, sc.name, run_id) as folder:
        write_condition(c, result.forecast, result.parameters, folder, started=started, plots_=plots,
                        command=command)
    result.folder = folder.final
    return result


def run_backtest(sc: Scenario, history: History, *, replications: int | None = None, seed: int | None = None,
                 target_ess: int = 1000, cap: int = 50_000, min_ess: int = 100, executor: Any = None,
                 out_root: str | Path | None = "results", plots: bool = True, progress: Any = None,
                 command: list[str] | None = None) -> tuple[Backtest, Path | None]:
    """Backtest the scenario on ``history``; write ``results/<scenario>/backtest-<id>/``.

    Raises:
        TooUnlikely: Too few replications agree with the whole history (nothing is written).

    """
    started = utc_now()
    c = condition(sc, history, replications=replications, seed=seed, target_ess=target_ess, cap=cap,
                  min_ess=min_ess, executor=executor, progress=progress)
    bt = backtest(c)
    if out_root is None:
        return bt, None
    with RunFolder(out_root, sc.name, "backtest-" + new_run_id()) as folder:
        write_backtest(bt, folder, started=started, plots_=plots, command=command)
    return bt, folder.final


__all__ = ["ConditionResult", "run_backtest", "run_given"]
