"""``sim params FILE``: list every parameter path that uncertainty, events and levers may target."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import console, load
from sim.cli.output import plain


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("params", help="list the parameter paths of a scenario with their values")
    p.add_argument("scenario", help="scenario YAML file")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print path, value (user units) and what is allowed (tab-separated when piped)."""
    sc = load(args.scenario)
    rows = []
    for path, pdef in sc.params.items():
        v = pdef.issue.to_user(pdef.default) if pdef.issue is not None else f"{pdef.default:g}"
        rows.append((path, str(v), pdef.issue.allowed() if pdef.issue is not None else pdef.what))
    head = ("parameter path", "value", "allowed")
    if plain():  # a pipe or a file: one tab-separated line per path (sim params FILE | grep X)
        print("\n".join("\t".join(r) for r in [head, *rows]))
        return 0
    from rich.table import Table

    t = Table(*head)
    for r in rows:
        t.add_row(*r)
    console().print(t)
    return 0
