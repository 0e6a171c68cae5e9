"""Ensembles: split replications into fixed blocks, draw, play, and join in block order.

Blocks are the unit of randomness (each keyed by its index); tasks are the unit of work
(a list of blocks). The block size is fixed by the run, so regrouping blocks into tasks or
changing the executor never changes a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.outcomes import Outcomes
from sim.ensemble.executors import InlineExecutor
from sim.ensemble.uncertainty import draw
from sim.protocols.registry import get
from sim.scenario.load import Scenario

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Task:
    """Blocks to play for one scenario and protocol."""

    scenario: Scenario
    protocol: str
    seed: int
    blocks: tuple[tuple[int, int, int], ...]  # (block index, first replication, size)
    values: tuple[tuple[str, float], ...] = ()
    trace: int = 0
    record: tuple[int, ...] = ()  # rounds whose standing terms a dynamic protocol keeps (conditioning)


def layout(replications: int, block_size: int) -> list[tuple[int, int, int]]:
    """Blocks of a run: (index, first replication, size)."""
    return [(b, s, min(block_size, replications - s)) for b, s in enumerate(range(0, replications, block_size))]


def block_values(sc: Scenario, n: int, seed: int, block: int, fixed: dict[str, float]) -> dict[str, Any]:
    """Per-replication parameter values of one block: uncertainty draws, then fixed values (levers)."""
    values: dict[str, Any] = draw(sc.spec.uncertainty, sc.params, n, seed, block)
    for path, v in fixed.items():
        values[path] = np.full(n, float(v))
    return values


def play_task(task: Task) -> Outcomes:
    """Play every block of a task and join them (runs in a worker)."""
    proto = get(task.protocol)
    parts = []
    fixed = dict(task.values)
    for block, start, n in task.blocks:
        values = block_values(task.scenario, n, task.seed, block, fixed)
        trace = list(range(max(0, min(n, task.trace - start)))) if proto.dynamic else None
        extra = {"record": task.record} if task.record else {}
        out = proto.play(task.scenario, n, values, seed=task.seed, block=block, trace=trace or None, **extra)
        out.draws = {k: np.asarray(v, dtype=float) for k, v in values.items()}
        parts.append(out)
    return Outcomes.concat(parts)


def simulate(sc: Scenario, *, replications: int | None = None, seed: int | None = None,
             protocol: str | None = None, values: dict[str, float] | None = None,
             executor: Any = None, blocks_per_task: int = 1, trace: int | None = None,
             progress: Progress | None = None) -> Outcomes:
    """Run an ensemble of one scenario under one protocol.

    Args:
        sc: The scenario.
        replications: Defaults to ``run.replications``.
        seed: Defaults to ``run.seed``.
        protocol: Defaults to ``protocol.name``.
        values: Parameter path → fixed internal value for every replication (levers).
        executor: An executor from :mod:`sim.ensemble.executors` (inline by default).
        blocks_per_task: How many blocks one task plays (never changes results).
        trace: Record the first ``trace`` replications round by round (default ``run.trajectories``).
        progress: Called with the number of replications just finished.

    Returns:
        Outcomes in replication order.

    """
    run = sc.spec.run
    reps = replications or run.replications
    seed = run.seed if seed is None else seed
    protocol = protocol or sc.spec.protocol.name
    blocks = layout(reps, run.block_size)
    fixed = tuple(sorted((values or {}).items()))
    ntrace = run.trajectories if trace is None else trace
    tasks = [Task(sc, protocol, seed, tuple(blocks[i:i + blocks_per_task]), fixed, ntrace)
             for i in range(0, len(blocks), blocks_per_task)]
    results: dict[int, Outcomes] = {}
    ex = executor or InlineExecutor()
    for i, out in ex.imap(play_task, tasks):
        results[i] = out
        if progress:
            progress(out.n)
    return Outcomes.concat([results[i] for i in range(len(tasks))])
