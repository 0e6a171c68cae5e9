"""``sim run FILE``: run the ensemble, write the run folder, print the answer."""

from __future__ import annotations

import argparse
from typing import Any

from sim.commands.common import Bar, add_scenario_args, console, executor_for, load


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("run", help="run a scenario's ensemble and write results/<scenario>/<run-id>/",
                       description="Run a scenario: replications, indicators with 95%% intervals, plots, report.")
    add_scenario_args(p)
    p.add_argument("--protocol", help="protocol(s), comma-separated (default: the scenario's)")
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--explain", nargs="?", const=0, type=int, metavar="REP",
                   help="also narrate one replication (default 0) round by round")
    p.set_defaults(handler=main)


def parse_protocols(text: str | None) -> list[str] | None:
    """Split and check ``--protocol a,b``.

    Raises:
        UsageError: For an unknown protocol.

    """
    if not text:
        return None
    from sim.errors import UsageError
    from sim.protocols import REGISTRY

    names = [t.strip() for t in text.split(",") if t.strip()]
    for n in names:
        if n not in REGISTRY:
            raise UsageError(f"--protocol: unknown protocol '{n}'; allowed: {', '.join(REGISTRY)}")
    return names


def main(args: argparse.Namespace) -> int:
    """Run and report."""
    sc = load(args.scenario, args)
    protocols = parse_protocols(args.protocol)
    from sim.runs import protocols_of, run

    reps = args.replications or sc.spec.run.replications
    names = protocols_of(sc, protocols)
    from sim.errors import UsageError
    from sim.protocols import REGISTRY

    for n in names:
        if n not in REGISTRY:
            raise UsageError(f"{args.scenario}: protocol '{n}' is not available in this version; "
                             f"allowed: {', '.join(REGISTRY)}")
    out = console()
    with executor_for(args, reps) as ex, Bar(reps * len(names), f"{sc.name}", args.quiet) as bar:
        result = run(sc, replications=reps, seed=args.seed, protocols=protocols, executor=ex,
                     out_root=args.out, plots=not args.no_plots, progress=bar)
    print_summary(out, sc, result.summaries)
    out.print(f"\nResults: {result.folder}/  (report.html, summary.json, outcomes.csv, plots)")
    if args.explain is not None:
        from sim.transcript import narrate

        first = next(iter(result.outcomes.values()))
        if args.explain >= first.n or not any((t.rows == args.explain).any() for t in first.traces):
            raise UsageError(f"--explain {args.explain}: only the first {sc.spec.run.trajectories} replications "
                             "are traced; use `sim explain FILE --replication K` for any replication")
        out.print()
        for line in narrate(sc, first, args.explain):
            out.print(line, markup=False)
    return 0


def print_summary(out: Any, sc: Any, summaries: dict[str, dict[str, Any]]) -> None:
    """The terminal's summary table: indicators with 95% intervals, per protocol."""
    from rich.table import Table

    from sim.analysis import headline

    names = list(summaries)
    first = summaries[names[0]]
    t = Table(title=f"{sc.spec.title or sc.name}: {first['replications']:,} replications", title_justify="left")
    t.add_column("indicator")
    for n in names:
        t.add_column(f"{n}\nP [95% CI]", justify="right")
    for key, d in first["indicators"].items():
        t.add_row(d["label"], *[f"{summaries[n]['indicators'][key]['p']:.1%} "
                                f"[{summaries[n]['indicators'][key]['lo']:.1%}, "
                                f"{summaries[n]['indicators'][key]['hi']:.1%}]" for n in names])
    out.print(t)
    kinds = first["outcome_kinds"]
    out.print("Outcomes: " + ", ".join(f"{k} {v['p']:.1%}" for k, v in kinds.items()))
    for line in headline(sc, first)[len(first["indicators"]):]:
        out.print(f"Why: {line}", markup=False)
