"""The library's front door for whole runs: simulate, summarise, plot and write a run folder.

The CLI, the web app, notebooks and tests all call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.analysis.summaries import summarize
from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import Progress, simulate
from sim.output.results import RunFolder, manifest, utc_now, write_table
from sim.scenario.load import Scenario


@dataclass
class RunResult:
    """A finished run: outcomes and summaries per protocol, and its folder (if written)."""

    scenario: Scenario
    outcomes: dict[str, Outcomes]
    summaries: dict[str, dict[str, Any]]
    folder: Path | None = None
    files: list[str] = field(default_factory=list)


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
        progress: Progress | None = None, run_id: str | None = None) -> RunResult:
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

    """
    started = utc_now()
    reps = replications or sc.spec.run.replications
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
        outcomes, summaries = result.outcomes, result.summaries
        cols: dict[str, list[Any]] = {}
        for o in outcomes.values():
            for k, v in o.table(sc).items():
                cols.setdefault(k, []).extend(list(v))
        write_table(folder.tmp / "outcomes.csv", cols)
        result.files.append("outcomes.csv")
        summary = summaries[names[0]] if len(names) == 1 else {"protocols": summaries}
        folder.write_json("summary.json", summary)
        folder.write_json("assumptions.json", sc.assumptions())
        if plots:
            result.files += write_plots(sc, outcomes, summaries, folder.tmp)
        folder.write_json("manifest.json", manifest(sc, seed=seed, replications=reps, protocols=names,
                                                    values=values or {}, started=started,
                                                    extra={"run_id": folder.run_id, "files": result.files}))
        from sim.output.report import write_run_report

        write_run_report(result, folder.tmp)
    result.folder = folder.final
    return result


def write_plots(sc: Scenario, outcomes: dict[str, Outcomes], summaries: dict[str, dict[str, Any]],
                folder: Path) -> list[str]:
    """The standard figures of a run."""
    from sim.output import plots

    first = next(iter(outcomes))
    o, s = outcomes[first], summaries[first]
    title = sc.spec.title or sc.name
    files = plots.save(plots.indicators(summaries, f"{title}: indicators"), folder, "indicators")
    if len(outcomes) > 1:
        from sim.output.protocolcompare import terms_figure

        files += plots.save(terms_figure(sc, outcomes, f"Final terms by protocol ({o.n:,} replications each)"),
                            folder, "terms_by_protocol")
    files += plots.save(plots.terms(sc, o, f"Final terms per issue ({first}, {o.n:,} replications)"),
                        folder, "terms")
    if o.traces:
        title_r = "When negotiations ended: deal, walk-out or deadline"
        files += plots.save(plots.rounds(o, sc.spec.protocol.rounds, title_r), folder, "rounds")
    if o.protocol == "alternating_offers":
        files += plots.save(plots.timeline(sc, o, f"{title}: how and when the talks end ({o.n:,} replications)"),
                            folder, "timeline")
        files += plots.save(plots.trajectories(sc, o, "Negotiation trajectories"), folder, "trajectories")
    files += plots.save(plots.drivers(s, "What moves the indicators (drawn assumptions and events)"),
                        folder, "drivers")
    return files
