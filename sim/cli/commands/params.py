"""``sim params FILE``: list every parameter path that uncertainty, events and levers may target."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import console, load


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("params", help="list the parameter paths of a scenario with their values")
    p.add_argument("scenario", help="scenario YAML file")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print path, value (user units) and what is allowed."""
    from rich.table import Table

    sc = load(args.scenario)
    t = Table("parameter path", "value", "allowed")
    for path, pdef in sc.params.items():
        v = pdef.issue.to_user(pdef.default) if pdef.issue is not None else f"{pdef.default:g}"
        t.add_row(path, str(v), pdef.issue.allowed() if pdef.issue is not None else pdef.what)
    console().print(t)
    return 0
