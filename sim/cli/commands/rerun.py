"""``sim rerun RUN``: play a finished run again from its manifest and check the table is the same."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.cli.commands.common import Bar, _positive, console, executor_for


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser(
        "rerun", help="rerun a finished run from its manifest; check outcomes.csv comes out byte for byte the same",
        description="Rerun a finished run folder from its manifest.json alone (the scenario files are not "
                    "needed) and compare the outcome table with the original. Exit status 0 if identical, "
                    "1 if not, 2 for a folder that is not a finished run.")
    p.add_argument("run", metavar="RUN", help="a finished run folder: results/<scenario>/<run-id>/")
    p.add_argument("--out", help="also keep the rerun as a new run folder under this results folder")
    p.add_argument("--no-plots", action="store_true", help="skip figures in the kept folder")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG (slower)")
    p.add_argument("--executor", choices=["inline", "processes", "dask"], default=None,
                   help="where blocks run (default: processes for large runs, else inline); never changes results")
    p.add_argument("--workers", type=_positive, help="worker processes (default: CPU count)")
    p.add_argument("--scheduler", help="Dask scheduler address (with --executor dask)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Rerun, compare, and say whether the table was reproduced."""
    from pathlib import Path

    from sim.errors import UsageError
    from sim.output.finished import open_run
    from sim.workflows.rerun import rerun

    if not Path(args.run).is_dir():
        what = "a file; `sim run` runs a scenario file" if Path(args.run).exists() else "no such folder"
        raise UsageError(f"{args.run}: {what}; sim rerun takes a finished run folder (results/<scenario>/<run-id>/)")
    done = open_run(args.run)  # a bad folder is refused before any work
    reps = int(done.manifest.get("replications") or 0)
    total = reps * len(done.protocols)
    with executor_for(args, reps) as ex, Bar(total, f"rerun {done.scenario.name}", args.quiet) as bar:
        found = rerun(done.folder, out_root=args.out, executor=ex, plots=not args.no_plots, progress=bar,
                      command=sys.argv)
    out = console()
    if found.identical:
        out.print(f"identical: {found.original}/outcomes.csv reproduced byte for byte ({found.rows:,} rows)",
                  markup=False, soft_wrap=True)
    else:
        out.print(f"DIFFERENT: {found.original}/outcomes.csv was not reproduced; first difference at "
                  f"{found.difference}", markup=False, soft_wrap=True)
        for change in found.version_changes:
            out.print(f"  version changed: {change}", markup=False, soft_wrap=True)
    if found.folder is not None:
        out.print(f"Rerun: {found.folder}/", markup=False, soft_wrap=True)
    return 0 if found.identical else 1
