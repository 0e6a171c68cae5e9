"""``sim discover SWEEP_FOLDER --indicator NAME --threshold P``: PRIM boxes over a finished sweep."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import console
from sim.cli.output import add_json, emit_json


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "discover", help="scenario discovery: PRIM boxes of lever ranges where P(indicator) reaches a threshold",
        description="PRIM (Friedman & Fisher 1999) over a finished sweep's design points: which ranges of the "
                    "levers keep P(indicator) at or above (or, with --below, at or below) the threshold. Prints "
                    "the chosen box with its coverage and density and writes prim_<indicator>.json/.csv and "
                    "figures into the sweep folder.")
    p.add_argument("folder", help="a finished sweep folder, results/<scenario>/<sweep-id>")
    p.add_argument("--indicator", required=True, help="indicator name")
    p.add_argument("--threshold", type=float, default=0.7, help="probability to reach (default 0.7)")
    p.add_argument("--below", action="store_true", help="cases of interest have P at most the threshold")
    p.add_argument("--alpha", type=float, default=0.05, help="share peeled per step (default 0.05)")
    p.add_argument("--min-support", type=float, default=0.05, help="smallest box, share of points (default 0.05)")
    p.add_argument("--min-density", type=float, default=0.8, help="density the chosen box must reach (default 0.8)")
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    add_json(p)
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Run PRIM on the sweep's summary and report the peeling trajectory and the chosen box."""
    from sim.errors import UsageError
    from sim.experiments.discovery import describe
    from sim.workflows.discover import discover_in

    for name, value, lo, hi in (("--threshold", args.threshold, 0, 1), ("--alpha", args.alpha, 0.001, 0.5),
                                ("--min-support", args.min_support, 0, 1), ("--min-density", args.min_density, 0, 1)):
        if not lo <= value <= hi:
            raise UsageError(f"{name} {value}: allowed: {lo} to {hi}")
    found = discover_in(args.folder, args.indicator, args.threshold, below=args.below, alpha=args.alpha,
                        min_support=args.min_support, min_density=args.min_density, plots=not args.no_plots)
    d, folder, files = found.discovery, found.folder, found.files
    if args.json:
        return emit_json("discover", folder, d.to_json(), files)
    print_trajectory(console(), d)
    out = console()
    for line in describe(d.to_json()):
        out.print(line, markup=False)
    out.print(f"\nWritten to {folder}/: {', '.join(files)}")
    return 0


def print_trajectory(out: Any, d: Any) -> None:
    """Print the peeling trajectory, one row per box, the chosen one marked."""
    from rich.table import Table

    t = Table(title=f"PRIM peeling trajectory for {d.to_json()['target']} ({d.points} design points, "
                    f"{d.cases} of interest)", title_justify="left")
    for col in ("step", "coverage", "density", "points", "box"):
        t.add_column(col, justify="right" if col != "box" else "left")
    for i, b in enumerate(d.trajectory):
        lim = "; ".join(f"{k} {_fmt(v)}" for k, v in d.limits(b).items()) or "(all)"
        mark = " ◀ chosen" if i == d.chosen else ""
        t.add_row(str(i), f"{b.coverage:.0%}", f"{b.density:.0%}", str(b.support), lim + mark)
    out.print(t)


def _fmt(v: list[Any]) -> str:
    numeric = len(v) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
    return f"{v[0]:g}..{v[1]:g}" if numeric else "{" + ", ".join(map(str, v)) + "}"
