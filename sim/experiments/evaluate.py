"""Play many design points on common random numbers, spread over the executor's workers.

Every point plays the same replication blocks with the same seeds (the design point is not
in any random stream's key, see :mod:`sim.seeding`), so two points differ only by their
lever values. A point's outcomes equal ``simulate(sc, values=point)`` exactly: each block is
played by the same :func:`sim.ensemble.blocks.play_task`.

The work is a list of (point, block) items. Consecutive items are grouped into tasks of a
few thousand replications, so many small points do not pay one round trip each and a few
large points still spread over the workers. Grouping only changes scheduling, never a number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import Progress, Task, layout, play_task
from sim.ensemble.executors import InlineExecutor
from sim.scenario.load import Scenario

MAX_TASK_REPLICATIONS = 20_000
TASKS_PER_WORKER = 4

Values = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class PointsTask:
    """Blocks of one or more design points, played in one worker call."""

    scenario: Scenario
    protocol: str
    seed: int
    items: tuple[tuple[int, tuple[int, int, int], Values], ...]  # (point, block, fixed values)


def play_points(task: PointsTask) -> list[tuple[int, int, Outcomes]]:
    """Play every (point, block) item of a task (runs in a worker)."""
    out = []
    for point, block, values in task.items:
        res = play_task(Task(task.scenario, task.protocol, task.seed, (block,), values, 0))
        out.append((point, block[0], res))
    return out


def make_tasks(sc: Scenario, points: dict[int, dict[str, float]], *, replications: int, seed: int,
               protocol: str, workers: int = 1) -> list[PointsTask]:
    """Group the (point, block) items of ``points`` into tasks.

    Args:
        sc: The scenario.
        points: Point id → parameter path → internal value.
        replications: Replications per point.
        seed: Root seed (every point uses it: common random numbers).
        protocol: Protocol name.
        workers: Workers to keep busy (only changes the grouping).

    """
    blocks = layout(replications, sc.spec.run.block_size)
    total = replications * len(points)
    target = min(MAX_TASK_REPLICATIONS, max(1, math.ceil(total / (TASKS_PER_WORKER * max(1, workers)))))
    tasks: list[PointsTask] = []
    items: list[tuple[int, tuple[int, int, int], Values]] = []
    size = 0
    for pid in sorted(points):
        values = tuple(sorted(points[pid].items()))
        for block in blocks:
            items.append((pid, block, values))
            size += block[2]
            if size >= target:
                tasks.append(PointsTask(sc, protocol, seed, tuple(items)))
                items, size = [], 0
    if items:
        tasks.append(PointsTask(sc, protocol, seed, tuple(items)))
    return tasks


def evaluate(sc: Scenario, points: Sequence[dict[str, float]], *, replications: int, seed: int | None = None,
             protocol: str | None = None, executor: Any = None, progress: Progress | None = None,
             only: Iterable[int] | None = None) -> Iterator[tuple[int, Outcomes]]:
    """Play each design point's replications; yield ``(point, outcomes)`` as points finish.

    Args:
        sc: The scenario.
        points: Per point, parameter path → internal value (from
            :meth:`sim.experiments.designs.Design.internal`).
        replications: Replications per point.
        seed: Root seed; defaults to ``run.seed``.
        protocol: Defaults to the scenario's protocol.
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        progress: Called with the replications just finished.
        only: Point ids to play (default all), e.g. the unfinished points of a resumed sweep.

    Yields:
        Point id and its outcomes in replication order, in order of completion.

    """
    seed = sc.spec.run.seed if seed is None else seed
    protocol = protocol or sc.spec.protocol.name
    wanted = range(len(points)) if only is None else sorted(set(only))
    ex = executor or InlineExecutor()
    tasks = make_tasks(sc, {i: points[i] for i in wanted}, replications=replications, seed=seed,
                       protocol=protocol, workers=getattr(ex, "workers", 1))
    nblocks = len(layout(replications, sc.spec.run.block_size))
    pending: dict[int, dict[int, Outcomes]] = {}
    for _, results in ex.imap(play_points, tasks):
        for point, block, out in results:
            parts = pending.setdefault(point, {})
            parts[block] = out
            if progress:
                progress(out.n)
            if len(parts) == nblocks:
                del pending[point]
                yield point, Outcomes.concat([parts[b] for b in range(nblocks)])


def indicator_counts(sc: Scenario, points: Sequence[dict[str, float]], *, replications: int,
                     seed: int | None = None, protocol: str | None = None, executor: Any = None,
                     progress: Progress | None = None) -> dict[str, np.ndarray]:
    """How many replications of each point satisfy each indicator.

    Returns:
        Indicator name → (points,) integer counts out of ``replications``.

    """
    counts = {name: np.zeros(len(points), dtype=int) for name in sc.outcomes}
    for point, out in evaluate(sc, points, replications=replications, seed=seed, protocol=protocol,
                               executor=executor, progress=progress):
        for name, flag in out.indicators(sc).items():
            counts[name][point] = int(flag.sum())
    return counts
