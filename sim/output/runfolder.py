"""A run's folder: outcomes.csv, summary.json, assumptions.json, figures, manifest.json, report.html.

:class:`RunResult` is what a run computed (outcomes and summaries per protocol); the
functions here write it into a :class:`sim.output.results.RunFolder` opened by the caller
(:func:`sim.workflows.run.run` opens it before any work, so an unwritable ``--out`` fails at
once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.engine.outcomes import Outcomes
from sim.output import plots
from sim.output.compareplots import protocol_terms_figure
from sim.output.driverplots import driver_shapes
from sim.output.report import write_run_report
from sim.output.results import RunFolder, manifest
from sim.output.table import tidy, write_frame
from sim.scenario.load import Scenario


@dataclass
class RunResult:
    """A finished run: outcomes and summaries per protocol, and its folder (if written)."""

    scenario: Scenario
    outcomes: dict[str, Outcomes]
    summaries: dict[str, dict[str, Any]]
    folder: Path | None = None
    files: list[str] = field(default_factory=list)

    @property
    def table(self) -> Any:
        """The tidy pandas DataFrame of every replication (see :mod:`sim.output.table`)."""
        import pandas as pd  # heavy: imported on use

        return tidy(self.scenario, pd.DataFrame(raw_columns(self.scenario, self.outcomes)))


def raw_columns(sc: Scenario, outcomes: dict[str, Outcomes]) -> dict[str, list[Any]]:
    """The outcomes table of every protocol, one after the other, as written to the run folder."""
    cols: dict[str, list[Any]] = {}
    for o in outcomes.values():
        for k, v in o.table(sc).items():
            cols.setdefault(k, []).extend(list(v))
    return cols


def write_run(result: RunResult, folder: RunFolder, *, seed: int, replications: int, values: dict[str, float],
              started: str, plots: bool = True, command: list[str] | None = None,
              table_format: str = "csv") -> None:
    """Write a computed run into its (still hidden) folder; ``result.files`` lists what was written."""
    sc, outcomes, summaries = result.scenario, result.outcomes, result.summaries
    names = list(outcomes)
    result.files.append(write_frame(folder.tmp / "outcomes", raw_columns(sc, outcomes), table_format))
    summary = summaries[names[0]] if len(names) == 1 else {"protocols": summaries}
    folder.write_json("summary.json", summary)
    folder.write_json("assumptions.json", sc.assumptions())
    if plots:
        result.files += write_plots(sc, outcomes, summaries, folder.tmp)
    folder.write_json("manifest.json", manifest(sc, seed=seed, replications=replications, protocols=names,
                                                values=values, started=started, command=command,
                                                extra={"run_id": folder.run_id, "files": result.files}))
    write_run_report(result, folder.tmp)


def write_plots(sc: Scenario, outcomes: dict[str, Outcomes], summaries: dict[str, dict[str, Any]],
                folder: Path) -> list[str]:
    """The standard figures of a run."""
    first = next(iter(outcomes))
    o, s = outcomes[first], summaries[first]
    title = sc.spec.title or sc.name
    files = plots.save(plots.indicators(summaries, f"{title}: indicators"), folder, "indicators")
    if len(outcomes) > 1:
        files += plots.save(protocol_terms_figure(sc, outcomes, f"Final terms by protocol ({o.n:,} replications each)"),
                            folder, "terms_by_protocol")
    files += plots.save(plots.terms(sc, o, f"Final terms per issue ({first}, {o.n:,} replications)"),
                        folder, "terms")
    if o.traces:
        title_r = "When negotiations ended: deal, walk-out or deadline"
        files += plots.save(plots.rounds(o, sc.spec.protocol.rounds, title_r), folder, "rounds")
        files += plots.save(plots.trajectories(sc, o, "Negotiation trajectories"), folder, "trajectories")
    if o.protocol == "alternating_offers":
        files += plots.save(plots.timeline(sc, o, f"{title}: how and when the talks end ({o.n:,} replications)"),
                            folder, "timeline")
    files += plots.save(driver_shapes(sc, o, s, "What moves the indicators (drawn assumptions and events)"),
                        folder, "drivers")
    return files
