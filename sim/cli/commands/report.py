"""``sim report FOLDER``: rewrite report.html of any finished results folder."""

from __future__ import annotations

import argparse
from typing import Any


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("report", help="(re)write report.html of any finished results folder",
                       description="Rebuild the self-contained HTML report of a folder written by run, compare, "
                                   "sweep (and discover), sensitivity, advise, condition or backtest, from what the "
                                   "folder holds. Nothing is run again.")
    p.add_argument("folder", help="a finished results folder")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Rewrite the report and say where it is."""
    from sim.output.rereport import rewrite_report

    print(f"wrote {rewrite_report(args.folder)}")
    return 0
