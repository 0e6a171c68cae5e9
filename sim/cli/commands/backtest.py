"""``sim backtest FILE HISTORY``: the forecast at each dated milestone from what was known then, scored."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import add_scenario_args, console, executor_for, load
from sim.cli.commands.condition import add_condition_args


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("backtest", help="forecast at each milestone of a history from what was known then; "
                                        "Brier and log scores",
                       description="Issue the forecast at the start and at the end of each dated milestone of "
                                   "HISTORY using only the facts known then, and score it against the facts that "
                                   "followed (Brier and log score). Writes results/<scenario>/backtest-<id>/.")
    add_scenario_args(p)
    p.add_argument("history", help="history YAML file (docs/how-to/conditioning.md)")
    add_condition_args(p)
    p.add_argument("--no-plots", action="store_true", help="skip the figure")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Backtest, write, print the scores."""
    from sim.ensemble.guard import check_size
    from sim.scenario.history import load_history
    from sim.workflows.condition import run_backtest

    sc = load(args.scenario, args, guard=False)
    h = load_history(args.history, sc)
    check_size(sc, args.cap, allow_large=args.allow_large)
    reps = args.replications or sc.spec.run.replications
    with executor_for(args, reps) as ex:
        bt, folder = run_backtest(sc, h, replications=reps, seed=args.seed, target_ess=args.target_ess,
                                  cap=args.cap, min_ess=args.min_ess, executor=ex, out_root=args.out,
                                  plots=not args.no_plots, command=sys.argv)
    out = console()
    from rich.table import Table

    t = Table(title=f"Backtest on {h.name}: {bt.conditioned.n:,} replications", title_justify="left")
    for col in ("issued at the end of", "fact", "resolved", "P", "Brier", "log"):
        t.add_column(col, justify="right" if col in ("P", "Brier", "log") else "left")
    for r in bt.forecasts:
        t.add_row(r["issued_label"], r["fact"], r["resolved_label"], f"{r['p']:.3f}", f"{r['brier']:.4f}",
                  f"{r['log']:.4f}")
    out.print(t)
    s = bt.scores
    if s["questions"]:
        out.print(f"Mean Brier {s['brier']:.4f}, mean log score {s['log']:.4f} over {s['questions']} forecasts",
                  markup=False)
    if folder:
        out.print(f"\nResults: {folder}/  (report.html, backtest.json, forecasts.csv, backtest.png)",
                  markup=False, soft_wrap=True)
    return 0
