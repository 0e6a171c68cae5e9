"""``sim explain FILE``: narrate one replication round by round."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import _nonneg, _seed, console, load


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("explain", help="narrate one replication: who proposed what, who accepted, and why")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("-r", "--replication", type=_nonneg, default=0, help="replication index (default 0)")
    p.add_argument("--seed", type=_seed, help="override run.seed")
    p.add_argument("--protocol", default=None, help="dynamic protocol to narrate (default: the scenario's)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Re-play the replication's block with tracing and narrate it."""
    from sim.analysis.transcript import narrate
    from sim.ensemble.blocks import Task, layout, play_task
    from sim.errors import UsageError
    from sim.protocols.registry import REGISTRY, get

    sc = load(args.scenario)
    reps = sc.spec.run.replications
    if not 0 <= args.replication < reps:
        raise UsageError(f"--replication {args.replication}: allowed 0 to {reps - 1}")
    proto = args.protocol or sc.spec.protocol.name
    if not get(proto).dynamic:
        narratable = ", ".join(n for n in REGISTRY if get(n).dynamic)
        raise UsageError(f"--protocol {proto}: only round-by-round protocols can be narrated ({narratable})")
    # Only the replication's own block is played; its numbers match the full run exactly.
    block, start, n = layout(reps, sc.spec.run.block_size)[args.replication // sc.spec.run.block_size]
    seed = sc.spec.run.seed if args.seed is None else args.seed
    local = args.replication - start
    out = play_task(Task(sc, proto, seed, ((block, start, n),), (), args.replication + 1))
    c = console()
    for line in narrate(sc, out, local):
        c.print(line.replace(f"Replication {local} ", f"Replication {args.replication} "), markup=False)
    return 0
