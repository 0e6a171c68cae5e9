"""``sim compare A B ...``: scenarios side by side, with differences to the first."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import (
    LARGE_REPLICATIONS,
    Bar,
    _folder_name,
    _positive,
    _seed,
    console,
    executor_for,
)
from sim.cli.output import add_json, emit_json, read_folder_json


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "compare", help="compare scenarios or finished runs: table, figures, report in results/compare/<id>/",
        description="Compare scenario files (run here on the same seed and replications: common random "
                    "numbers) or finished run folders. The first is the reference: every other is given its "
                    "difference to it, paired replication by replication, with a 95%% interval.")
    p.add_argument("inputs", nargs="+", metavar="SCENARIO_OR_RUN",
                   help="scenario YAML files or run folders (results/<scenario>/<run-id>/); the first is the reference")
    p.add_argument("-n", "--replications", type=_positive, help="for scenario files (default: the first input's)")
    p.add_argument("--seed", type=_seed, help="for scenario files (default: the first input's)")
    p.add_argument("--protocol", help="protocol to compare (default: each input's first)")
    p.add_argument("--issues", help="issues whose terms the figure shows, comma-separated "
                                    "(default: those the indicators test)")
    p.add_argument("--executor", choices=["inline", "processes", "dask"], default=None,
                   help="where blocks run (default: processes for large runs, else inline)")
    p.add_argument("--workers", type=_positive, help="worker processes (default: CPU count)")
    p.add_argument("--scheduler", help="Dask scheduler address (with --executor dask)")
    p.add_argument("--allow-large", action="store_true", help=f"allow more than {LARGE_REPLICATIONS:,} replications")
    p.add_argument("--out", default="results", help="results folder (default: results)")
    p.add_argument("--id", dest="compare_id", type=_folder_name,
                   help="name of the comparison folder (default: a timestamped id)")
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_json(p)
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Compare, write the folder, print the table."""
    from sim.experiments.compare import check_inputs, default_settings
    from sim.scenario.load import Scenario
    from sim.workflows.compare import compare, open_input

    inputs = [open_input(x) for x in args.inputs]  # every input checked before any work
    reps = args.replications or default_settings(inputs[0])["replications"]
    files = sum(isinstance(x, Scenario) for x in inputs)
    issues = [t.strip() for t in args.issues.split(",") if t.strip()] if args.issues else None
    check_inputs(inputs, args.protocol, issues)  # before the executor starts
    with executor_for(args, reps) as ex, Bar(reps * files, "compare", args.quiet or not files) as bar:
        result = compare(inputs, replications=args.replications, seed=args.seed, protocol=args.protocol,
                         executor=ex, out_root=args.out, plots=not args.no_plots, progress=bar,
                         compare_id=args.compare_id, issues=issues, allow_large=args.allow_large,
                         command=sys.argv)
    if args.json:
        return emit_json("compare", result.folder, read_folder_json(result.folder, "comparison.json"))
    print_table(console(), result)
    console().print(f"\nResults: {result.folder}/  (report.html, comparison.csv, comparison.json, figures)")
    return 0


def print_table(out: Any, result: Any) -> None:
    """One section per indicator: each scenario's probability and its difference to the reference."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    first = result.entries[0]
    t = Table(title=f"Comparison: {len(result.entries)} scenarios, {first.n:,} replications each; "
                    f"percent, and points vs {first.label}", title_justify="left", box=box.SIMPLE_HEAD)
    t.add_column("indicator / scenario", overflow="fold")
    t.add_column("P [95% CI]", justify="right", no_wrap=True)
    t.add_column("difference [95% CI]", justify="right", no_wrap=True)
    for name in dict.fromkeys(r["indicator"] for r in result.table):
        rows = [r for r in result.table if r["indicator"] == name]
        t.add_row(Text(rows[0]["label"], style="bold"), "", "")  # a heading row keeps the table 80 columns wide
        for j, r in enumerate(rows):
            p = f"{100 * r['p']:.1f} [{100 * r['lo']:.1f}, {100 * r['hi']:.1f}]"
            if r["diff"] is None:
                d = "reference"
            else:
                d = f"{100 * r['diff']:+.1f} [{100 * r['diff_lo']:.1f}, {100 * r['diff_hi']:.1f}]"
                if r["diff_lo"] > 0 or r["diff_hi"] < 0:
                    d = Text(d, style="bold")
            t.add_row(f"  {r['scenario']}", p, d, end_section=j == len(rows) - 1)
    out.print(t)
    methods = sorted({r["method"] for r in result.table if r["method"]})
    crn = all(r["common_random_numbers"] for r in result.table if r["common_random_numbers"] is not None)
    out.print(f"Differences: {'; '.join(methods)}; bold: the interval excludes 0. "
              f"Common random numbers: {'yes' if crn else 'no (different seeds, sizes or blocks)'}.")
