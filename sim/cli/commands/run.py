"""``sim run FILE``: run the ensemble, write the run folder, print the answer."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _nonneg, add_scenario_args, console, executor_for, load
from sim.cli.output import add_json, emit_json, read_folder_json


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("run", help="run a scenario's ensemble and write results/<scenario>/<run-id>/",
                       description="Run a scenario: replications, indicators with 95%% intervals, plots, report.")
    add_scenario_args(p)
    p.add_argument("--protocol", help="protocol(s), comma-separated (default: the scenario's)")
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.add_argument("--format", choices=["csv", "parquet"], default="csv", dest="table_format",
                   help="outcomes table format (default csv; parquet needs pyarrow, the 'parquet' extra)")
    p.add_argument("--explain", nargs="?", const=0, type=_nonneg, metavar="REP",
                   help="also narrate one replication (default 0) round by round")
    p.add_argument("--given", metavar="HISTORY", help="condition on a history of observations (= sim condition)")
    from sim.cli.commands.condition import add_condition_args

    add_condition_args(p)
    add_json(p)
    p.set_defaults(handler=main)


def parse_protocols(text: str | None) -> list[str] | None:
    """Split and check ``--protocol a,b``.

    Raises:
        UsageError: For an unknown protocol.

    """
    if not text:
        return None
    from sim.protocols.registry import check

    names = [t.strip() for t in text.split(",") if t.strip()]
    for n in names:
        check(n, "--protocol")
    return names


def main(args: argparse.Namespace) -> int:
    """Run and report."""
    if args.given:
        from sim.cli.commands.condition import given

        return given(args, args.given)
    sc = load(args.scenario, args, guard=False)  # run() applies the size guard
    protocols = parse_protocols(args.protocol)
    from sim.workflows.run import protocols_of, run

    reps = args.replications or sc.spec.run.replications
    names = protocols_of(sc, protocols)
    from sim.errors import UsageError
    if args.explain is not None and args.explain >= min(reps, sc.spec.run.trajectories):
        raise UsageError(f"--explain {args.explain}: only the first {min(reps, sc.spec.run.trajectories)} "
                         "replications are traced; use `sim explain FILE --replication K` for any replication")
    out = console()
    with executor_for(args, reps) as ex, Bar(reps * len(names), f"{sc.name}", args.quiet) as bar:
        result = run(sc, replications=reps, seed=args.seed, protocols=protocols, executor=ex,
                     allow_large=args.allow_large, command=sys.argv,
                     out_root=args.out, plots=not args.no_plots, progress=bar,
                     table_format=args.table_format)
    if args.json:
        return emit_json("run", result.folder, read_folder_json(result.folder, "summary.json"), result.files)
    print_summary(out, sc, result.summaries)
    out.print(f"\nResults: {result.folder}/  (report.html, summary.json, outcomes.csv, plots)")
    if args.explain is not None:
        from sim.analysis.transcript import narrate

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

    from sim.analysis.summaries import why_lines

    names = list(summaries)
    first = summaries[names[0]]
    compact = len(names) > 2  # several protocols side by side: short cells so the table fits

    def cell(d: dict[str, float]) -> str:
        if compact:
            return f"{d['p']:.0%} ({d['lo'] * 100:.0f}-{d['hi'] * 100:.0f})"
        return f"{d['p']:.1%} [{d['lo']:.1%}, {d['hi']:.1%}]"

    from rich import box

    cells = " (% and 95% CI)" if compact else ""
    t = Table(title=f"{sc.spec.title or sc.name}: {first['replications']:,} replications{cells}",
              title_justify="left",
              box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, padding=(0, 1 if not compact else 0),
              pad_edge=not compact, show_edge=not compact)
    t.add_column("indicator", no_wrap=compact)
    for n in names:
        head = n.replace("_", "\n") if compact else f"{n.replace('_', ' ')}\nP [95% CI]"
        t.add_column(head, justify="right", no_wrap=compact)
    for key, d in first["indicators"].items():
        t.add_row(key if compact else d["label"], *[cell(summaries[n]["indicators"][key]) for n in names])
    out.print(t)
    from sim.analysis.summaries import KIND_LABELS

    kinds = first["outcome_kinds"]
    out.print("Endings: " + "; ".join(f"{KIND_LABELS.get(k, k)} {v['p']:.1%} [{v['lo']:.1%}, {v['hi']:.1%}]"
                                      for k, v in kinds.items()), markup=False)
    deal_time = first.get("timeline", {}).get("deal_time")
    if deal_time:
        q25, med, q75 = deal_time["labels"]
        out.print(f"Deals: a quarter signed by {q25}, half by {med}, three quarters by {q75}", markup=False)
    for line in why_lines(sc, first):
        out.print(f"Why: {line}", markup=False)
