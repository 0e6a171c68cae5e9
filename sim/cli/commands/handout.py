"""``sim handout FILE``: write a seminar kit (public brief, role sheets, debrief)."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import _positive, console, load


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("handout", help="write a seminar kit: public brief, private role sheets, debrief (HTML)")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("-n", "--replications", type=_positive, default=1000,
                   help="replications for the debrief (default 1000)")
    p.add_argument("--out", default="results", help="results folder (default: results)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Write results/<scenario>/handout-<id>/."""
    from sim.workflows.handout import handout

    sc = load(args.scenario)
    kit = handout(sc, args.out, replications=args.replications)
    c = console()
    c.print(f"Seminar kit for {sc.spec.title or sc.name}: {kit.folder}/")
    for f in kit.files:
        c.print(f"  {f}")
    c.print("Print kit.html from a browser (A4, default margins): each sheet starts a new page, each role "
            "sheet fits one page.")
    return 0
