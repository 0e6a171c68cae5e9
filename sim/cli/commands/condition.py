"""``sim condition FILE HISTORY`` (also ``sim run FILE --given HISTORY``): the forecast given what has happened."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _positive, add_scenario_args, console, executor_for, load


def add_condition_args(p: argparse.ArgumentParser) -> None:
    """The conditioning flags (shared with ``sim run --given`` and ``sim backtest``)."""
    p.add_argument("--target-ess", type=_positive, default=1000,
                   help="grow the ensemble until this many replications agree with the history (default 1000)")
    p.add_argument("--cap", type=_positive, default=50_000,
                   help="never simulate more replications than this (default 50,000)")
    p.add_argument("--min-ess", type=_positive, default=100,
                   help="fewer agreeing replications than this at the cap is an error, exit 2 (default 100)")


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("condition", help="forecast given a history of observations (rejection; growing ensemble)",
                       description="Keep the replications whose simulated history agrees with every dated fact of "
                                   "HISTORY; report acceptance rate, effective sample size, prior against posterior "
                                   "of each uncertain parameter, and the forecast beside the unconditioned one. "
                                   "Same as `sim run FILE --given HISTORY`.")
    add_scenario_args(p)
    p.add_argument("history", help="history YAML file (docs/how-to/conditioning.md)")
    add_condition_args(p)
    p.add_argument("--no-plots", action="store_true", help="skip figures")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Condition, write, print."""
    return given(args, args.history)


def given(args: argparse.Namespace, history_path: str) -> int:
    """Run the scenario conditioned on ``history_path`` and print the answer (shared with ``sim run --given``)."""
    from sim.ensemble.guard import check_size
    from sim.scenario.history import load_history
    from sim.workflows.condition import run_given

    sc = load(args.scenario, args, guard=False)
    h = load_history(history_path, sc)
    check_size(sc, args.cap, allow_large=args.allow_large)
    reps = args.replications or sc.spec.run.replications
    with executor_for(args, reps) as ex, Bar(0, sc.name, True) as bar:
        r = run_given(sc, h, replications=reps, seed=args.seed, target_ess=args.target_ess, cap=args.cap,
                      min_ess=args.min_ess, executor=ex, out_root=args.out, plots=not args.no_plots,
                      progress=bar, command=sys.argv)
    c = r.conditioned
    out = console()
    out.print(f"Given {h.name} ({len(h.facts)} facts, last {_last(sc, h.last_round)}): "
              f"{int(c.accepted.sum()):,} of {c.n:,} replications agree (acceptance {c.acceptance_rate:.1%}, "
              f"ESS {c.ess:,.0f}, target {c.target_ess:,})", markup=False, soft_wrap=True)
    if c.ess < c.target_ess:
        out.print(f"note: the cap ({c.cap:,}) was reached before the target ESS; intervals are wider",
                  markup=False, soft_wrap=True)
    post, prior = r.forecast["posterior"], r.forecast["prior"]
    from rich.table import Table

    t = Table(title="Forecast given the history, beside the unconditioned one (95% intervals)", title_justify="left")
    t.add_column("indicator")
    t.add_column("given the history", justify="right")
    t.add_column("unconditioned", justify="right")
    for key, d in prior["indicators"].items():
        q = post["indicators"][key]
        t.add_row(d["label"], f"{q['p']:.1%} [{q['lo']:.1%}, {q['hi']:.1%}]",
                  f"{d['p']:.1%} [{d['lo']:.1%}, {d['hi']:.1%}]")
    out.print(t)
    moved = [p["param"] for p in r.parameters if p["verdict"] == "moved"]
    out.print("The history moves: " + (", ".join(moved) if moved else "no uncertain parameter (KS p < 0.01)"),
              markup=False, soft_wrap=True)
    if r.folder:
        out.print(f"\nResults: {r.folder}/  (report.html, summary.json, outcomes.csv with a `given` column, plots)",
                  markup=False, soft_wrap=True)
    return 0


def _last(sc: Any, t: int) -> str:
    return "none" if t == 0 else sc.calendar.label(t) if sc.calendar else f"round {t}"
