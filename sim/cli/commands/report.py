"""``sim report FOLDER``: rewrite report.html of a finished run or comparison."""

from __future__ import annotations

import argparse
from typing import Any


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("report", help="(re)write report.html of a finished run or comparison folder",
                       description="Rebuild the self-contained HTML report from a run folder "
                                   "(results/<scenario>/<run-id>/) or a comparison folder (results/compare/<id>/). "
                                   "Nothing is run again.")
    p.add_argument("folder", help="a run or comparison folder")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Rewrite the report and say where it is."""
    from sim.output.rereport import rewrite_report

    print(f"wrote {rewrite_report(args.folder)}")
    return 0
