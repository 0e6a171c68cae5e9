"""``sim validate FILE...``: check scenario files without running anything."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("validate", help="check scenario files; print located errors",
                       description="Check scenario files. Exit 0 if all are valid, 2 otherwise.")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files")
    p.add_argument("--strict", action="store_true", help="also require a note: or source: on every number")
    p.add_argument("--allow-large", action="store_true", help="accept files ten times the usual size bounds")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Validate each file; report problems as file:line: field: message."""
    from sim.errors import ScenarioError
    from sim.scenario.load import load_scenario
    from sim.scenario.yamlsource import LARGE_FACTOR, MAX_NODES

    status = 0
    for path in args.scenarios:
        try:
            sc = load_scenario(path, max_nodes=LARGE_FACTOR * MAX_NODES if args.allow_large else None)
        except ScenarioError as exc:
            for line in str(exc).splitlines():
                print(f"error: {line}", file=sys.stderr)
            status = 2
            continue
        bare = [r for r in sc.assumptions() if not r["note"] and not r["source"]]
        if args.strict and bare:
            for r in bare:
                file, line = sc.where(r["path"])
                at = f"{file}:{line}" if line is not None else str(file)
                print(f"error: {at}: {r['path']}: the number {r['value']} has no note: or source:", file=sys.stderr)
            status = 2
            continue
        extra = f"; {len(bare)} numbers without note/source" if bare else ""
        print(f"ok: {path} ({len(sc.actors)} actors, {len(sc.space.issues)} issues, "
              f"{len(sc.outcomes)} indicators{extra})")
    return status
