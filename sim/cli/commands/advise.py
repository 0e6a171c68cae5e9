"""``sim advise FILE --target INDICATOR>=P``: the cheapest package of lever values reaching a target."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _positive, add_scenario_args, console, executor_for, load
from sim.cli.output import add_json, emit_json


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "advise", help="cheapest package of concessions (the sweep's levers and costs) reaching a target probability",
        description="Search the sweep's levers for the cheapest package (sum of cost × amount) whose estimated "
                    "P(indicator) meets the target: a grid, then COBYLA and bisection on the common-random-number "
                    "estimate; then verify the package with a fresh run. -n sets replications per package.")
    add_scenario_args(p)
    p.add_argument("--target", required=True, help="INDICATOR>=P or INDICATOR<=P, e.g. any_base_retained>=0.7")
    p.add_argument("--levers", help="levers to move, comma-separated (default all; the rest keep scenario values)")
    p.add_argument("--points", type=_positive, default=5, help="grid values per range lever (default 5)")
    p.add_argument("--verify", type=_positive, help="replications of the fresh verification run (default 4 × -n)")
    p.add_argument("--no-refine", action="store_true", help="grid only: skip COBYLA and bisection")
    p.add_argument("--strict", action="store_true",
                   help="a package meets the target only if its whole 95%% interval does (margin for luck)")
    p.add_argument("--no-plots", action="store_true", help="skip the figure")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    add_json(p)
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Search, verify, write the folder and print the package."""
    from sim.errors import UsageError
    from sim.experiments.advise import BISECTIONS, parse_target
    from sim.experiments.designs import design_size
    from sim.workflows.advise import advise

    sc = load(args.scenario)
    target = parse_target(args.target, list(sc.outcomes))
    if sc.spec.sweep is None:
        raise UsageError(f"{args.scenario}: advise needs a sweep: section with levers and their cost")
    if not 2 <= args.points <= 50:
        raise UsageError(f"--points {args.points}: allowed: 2 to 50")
    names = [s.strip() for s in args.levers.split(",") if s.strip()] if args.levers else None
    reps = args.replications or sc.spec.sweep.replications
    free = [lv for lv in sc.spec.sweep.levers if not names or lv.name in names]
    guess = (min(400, design_size(free, "grid", args.points)) + 60 + BISECTIONS * len(free)) * reps
    guess += args.verify or 4 * reps
    with executor_for(args, guess) as ex, Bar(guess, f"{sc.name}: advise", args.quiet) as bar:
        adv = advise(sc, target, levers=names, points=args.points, replications=reps, seed=args.seed,
                     verify_replications=args.verify, refine=not args.no_refine, strict=args.strict,
                     executor=ex, progress=bar, out_root=args.out, plots=not args.no_plots, command=sys.argv)
    if args.json:
        return emit_json("advise", adv.folder, adv.to_json())
    print_advice(console(), adv)
    return 0


def print_advice(out: Any, adv: Any) -> None:
    """Print the package, its cost, the estimate and the verification."""
    data = adv.to_json()
    v = data["verify"]
    head = "Cheapest package" if data["reachable"] else "Target not reachable within the levers' ranges; closest"
    out.print(f"{head} for {data['target']} ({data['packages_tried']} packages tried, "
              f"{data['estimate']['replications']} replications each):", markup=False)
    from sim.output.kindreports import amount, lever_name, per_unit

    for name, value in data["package"].items():
        lv = next(lv for lv in data["levers"] if lv["name"] == name)
        out.print(f"  {name} = {amount(value, lv.get('units'))}   ({lever_name(lv)}; cost {lv['cost']:g} "
                  f"{per_unit(lv)})", markup=False)
    for name in data["held_at_scenario_values"]:
        out.print(f"  {name}: not moved (scenario value)", markup=False)
    out.print(f"Cost: {data['cost']:.3g}", markup=False)
    out.print(f"Estimate in the search: {data['estimate']['p']:.1%}", markup=False)
    verdict = ("meets the target with 95% confidence" if data["met_with_95_confidence"] else
               "meets the target on the estimate, not across the whole interval" if data["met_by_estimate"] else
               "misses the target")
    out.print(f"Verified by a fresh run ({v['n']:,} replications, seed {v['seed']}): {v['p']:.1%} "
              f"[95% CI {v['lo']:.1%}, {v['hi']:.1%}]: {verdict}", markup=False)
    out.print(f"\nResults: {adv.folder}/  (advice.json, candidates.csv, report.html, figures)")
