"""``sim sweep FILE``: play every design point of the scenario's ``sweep:`` on common random numbers.

``sim sweep --resume ID_OR_TMP_FOLDER`` continues a sweep that was interrupted (Ctrl-C, a
killed process, a crash) from the design points it had finished.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _folder_name, add_scenario_args, console, executor_for, load
from sim.cli.output import add_json, emit_json, interrupted_status


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "sweep", help="run a scenario's sweep: every design point on the same random numbers",
        description="Play every design point of the scenario's sweep: section (grid, Latin hypercube or "
                    "Sobol) with common random numbers and write results/<scenario>/<sweep-id>/: "
                    "experiments.csv, outcomes.csv, points.csv, summary.json, manifest.json and figures. "
                    "-n sets replications per design point.")
    add_scenario_args(p, optional=True)
    p.add_argument("--design", choices=["grid", "lhs", "sobol"], help="override sweep.design")
    p.add_argument("--points", type=_count, help="override sweep.points (values per lever on a grid, else in total)")
    p.add_argument("--protocol", help="protocol to play (default: the scenario's)")
    p.add_argument("--indicator", help="indicator(s) to plot, comma-separated (default: all)")
    p.add_argument("--prim", metavar="INDICATOR", help="also run PRIM scenario discovery on this indicator")
    p.add_argument("--threshold", type=float, default=0.7, help="PRIM: P(indicator) to reach (default 0.7)")
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.add_argument("--id", dest="run_id", type=_folder_name, help="sweep folder name (default: sweep-<time>-<random>)")
    p.add_argument("--resume", metavar="ID_OR_FOLDER",
                   help="continue an interrupted sweep: its .tmp-<id> folder or its id")
    add_json(p)
    p.set_defaults(handler=main)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def main(args: argparse.Namespace) -> int:
    """Run (or resume) the sweep, print where P changes, and where the folder is."""
    from sim.errors import UsageError
    from sim.workflows import sweep as sw

    if args.resume and args.scenario:
        raise UsageError("give a scenario FILE or --resume ID, not both (a resume reuses the sweep's own plan)")
    if args.resume:
        plan, wf = sw.open_resume(args.resume, args.out)
    else:
        if not args.scenario:
            raise UsageError("give a scenario FILE (or --resume ID to continue an interrupted sweep)")
        sc = load(args.scenario, guard=False)  # sw.start applies the size guard
        _check_protocol(args.protocol)
        indicators = [s.strip() for s in args.indicator.split(",") if s.strip()] if args.indicator else None
        prim = (args.prim, args.threshold) if args.prim else None
        if prim and not 0 <= args.threshold <= 1:
            raise UsageError(f"--threshold {args.threshold}: allowed: a probability from 0 to 1")
        plan, wf = sw.start(sc, design=args.design, points=args.points, replications=args.replications,
                            seed=args.seed, protocol=args.protocol, out_root=args.out, plots=not args.no_plots,
                            indicators=indicators, prim=prim, run_id=args.run_id, allow_large=args.allow_large,
                            command=sys.argv)
    left = len(plan.design) - len(sw.finished_points(wf))
    out = console()
    try:
        with executor_for(args, left * plan.replications) as ex, \
                Bar(left * plan.replications, f"{plan.scenario.name}: {left} points", args.quiet) as bar:
            result = sw.execute(plan, wf, executor=ex, progress=bar)
    except KeyboardInterrupt:
        done = len(sw.finished_points(wf))
        print(f"interrupted: {done} of {len(plan.design)} design points are saved in {wf.tmp}/; "
              f"continue with: sim sweep --resume {wf.tmp}", file=sys.stderr)
        return interrupted_status()
    except OSError as exc:  # a full disk, a size limit: keep finished points, else leave nothing behind
        done = len(sw.finished_points(wf)) if wf.tmp.is_dir() else 0
        if not done:
            wf.discard()
            raise
        raise UsageError(f"{exc.filename or wf.tmp}: {(exc.strerror or str(exc)).lower()}; {done} of "
                         f"{len(plan.design)} design points are saved in {wf.tmp}/; free some space and continue "
                         f"with: sim sweep --resume {wf.tmp}") from None
    if args.json:
        return emit_json("sweep", result.folder, result.summary)
    print_sweep(out, result)
    return 0


def _check_protocol(name: str | None) -> None:
    if name:
        from sim.protocols.registry import check

        check(name, "--protocol")


def print_sweep(out: Any, result: Any) -> None:
    """Print where each indicator is lowest and highest over the design, and the folder."""
    from rich.table import Table

    s = result.summary
    pts = s["points"]
    names = [lv["name"] for lv in s["levers"]]
    t = Table(title=f"{s['title']}: {len(pts):,} design points ({s['design']}) × {s['replications']:,} "
                    "replications, common random numbers", title_justify="left",
              caption=f"at = ({', '.join(names)})", caption_justify="left")
    for col in ("indicator", "lowest P [95% CI]", "at", "highest P [95% CI]", "at"):
        t.add_column(col, justify="right" if col.startswith(("low", "high")) else "left")
    for name in s["indicators"]:
        lo = min(pts, key=lambda p: p["indicators"][name]["p"])
        hi = max(pts, key=lambda p: p["indicators"][name]["p"])
        t.add_row(name, _p(lo["indicators"][name]), _at(lo), _p(hi["indicators"][name]), _at(hi))
    out.print(t)
    if result.resumed_points:
        out.print(f"Resumed: {result.resumed_points} points came from the interrupted run.")
    prim = next((f for f in result.files if f.startswith("prim_") and f.endswith(".json")), None)
    if prim:
        import json

        from sim.experiments.discovery import describe

        for line in describe(json.loads((result.folder / prim).read_text(encoding="utf-8"))):
            out.print(f"PRIM: {line}", markup=False)
    out.print(f"\nResults: {result.folder}/  (experiments.csv, points.csv, outcomes.csv, summary.json, figures)")


def _p(d: dict[str, Any]) -> str:
    return f"{d['p']:.1%} [{100 * d['lo']:.1f}, {100 * d['hi']:.1f}]"


def _at(point: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in point["levers"].values()) + ")"
