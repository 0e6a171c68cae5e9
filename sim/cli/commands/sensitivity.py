"""``sim sensitivity FILE --indicator NAME``: Sobol indices of P(indicator) to levers and uncertainties."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _positive, add_scenario_args, console, executor_for, load
from sim.cli.output import add_json, emit_json


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "sensitivity", help="Sobol sensitivity indices of an indicator to the levers and uncertainties",
        description="Global sensitivity: Sobol first-order and total indices of P(indicator) (or an actor's mean "
                    "utility) to the sweep's levers and the declared uncertainties, each point estimated from "
                    "-n replications on common random numbers. Writes results/<scenario>/sensitivity-<id>/.")
    add_scenario_args(p)
    p.add_argument("--indicator", required=True, help="indicator name, or utility:ACTOR for a mean utility")
    p.add_argument("--samples", type=_positive, default=64, help="base rows, a power of two (default 64); "
                                                           "the model runs at samples × (factors + 2) points")
    p.add_argument("--factors", choices=["all", "levers", "uncertainties"], default="all",
                   help="which inputs to analyse (default all)")
    p.add_argument("--no-plots", action="store_true", help="skip the bar plot")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    add_json(p)
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Analyse, write the folder, print the table."""
    from sim.experiments.sensitivity import factors_of, output_of, saltelli
    from sim.workflows.sensitivity import sensitivity

    sc = load(args.scenario)
    reps = args.replications or 100
    output_of(sc, args.indicator)  # refuse a bad name before any work
    d = len(factors_of(sc, args.factors))
    saltelli(d, args.samples, 0)  # refuse a bad --samples before any work
    total = args.samples * (d + 2) * reps
    with executor_for(args, total) as ex, Bar(total, f"{sc.name}: {args.samples * (d + 2)} points", args.quiet) as bar:
        res = sensitivity(sc, args.indicator, n=args.samples, replications=reps, seed=args.seed, which=args.factors,
                          executor=ex, progress=bar, out_root=args.out, plots=not args.no_plots, command=sys.argv,
                          allow_large=args.allow_large)
    if args.json:
        return emit_json("sensitivity", res.folder, {"output": res.output, "mean": res.mean, "variance": res.variance,
                                                     "n": res.n, "replications": res.replications, "seed": res.seed,
                                                     "indices": res.rows})
    print_indices(console(), sc, res)
    return 0


def print_indices(out: Any, sc: Any, res: Any) -> None:
    """Print the indices table, largest total first."""
    from rich.table import Table

    t = Table(title=f"{sc.spec.title or sc.name}: Sobol indices of {res.output} (mean {res.mean:.3f}, "
                    f"variance {res.variance:.4f}; {res.n} base rows, {res.replications} replications per point)",
              title_justify="left")
    t.add_column("factor", overflow="fold")
    t.add_column("kind")
    t.add_column("first order S1 [95%]", justify="right")
    t.add_column("total ST [95%]", justify="right")
    for r in sorted(res.rows, key=lambda r: -r["ST"]):
        t.add_row(r["factor"], r["kind"], f"{r['S1']:.3f} [{r['S1_lo']:.3f}, {r['S1_hi']:.3f}]",
                  f"{r['ST']:.3f} [{r['ST_lo']:.3f}, {r['ST_hi']:.3f}]")
    out.print(t)
    out.print(f"\nResults: {res.folder}/  (indices.csv, samples.csv, sensitivity.png)")
