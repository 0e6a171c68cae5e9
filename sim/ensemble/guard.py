"""The size guard: refuse, before any work, a run too large for this machine unless allowed.

Library policy, so the command line, the web app and notebooks are guarded alike: a run of
more than :data:`LARGE_REPLICATIONS` replications, or whose blocks would need more than
:data:`LARGE_BLOCK_BYTES` of memory in one worker, needs ``allow_large=True``
(``--allow-large`` on the command line).
"""

from __future__ import annotations

from typing import Any

from sim.errors import UsageError

LARGE_REPLICATIONS = 200_000
LARGE_BLOCK_BYTES = 8 * 2**30  # memory one block may take in one worker without --allow-large


def block_memory(sc: Any) -> int:
    """Estimate the bytes one worker needs to play one block.

    The planner holds a few numbers per replication, package and actor; measured here
    (4,096 packages, 3 to 8 actors) at about 120 bytes each. Without this guard a large
    block of a large package space is killed by the operating system, with no message.
    """
    return 120 * sc.spec.run.block_size * sc.space.n_packages() * len(sc.actors)


def check_replications(replications: int, *, allow_large: bool = False, where: str | None = None) -> None:
    """Refuse more than :data:`LARGE_REPLICATIONS` replications without ``allow_large``.

    Raises:
        UsageError: ``[<where>: ]<n> replications is above ...``.

    """
    if replications > LARGE_REPLICATIONS and not allow_large:
        raise UsageError(f"{where + ': ' if where else ''}{replications:,} replications is above "
                         f"{LARGE_REPLICATIONS:,}; pass --allow-large if you mean it")


def check_size(sc: Any, replications: int | None = None, *, allow_large: bool = False) -> None:
    """Refuse a run above the guard.

    Args:
        sc: The scenario.
        replications: The run's replications (default ``run.replications``).
        allow_large: Lift the guard.

    Raises:
        UsageError: Too many replications, or blocks too large for memory, without ``allow_large``.

    """
    if allow_large:
        return
    check_replications(replications or sc.spec.run.replications, where=sc.file)
    need = block_memory(sc)
    if need > LARGE_BLOCK_BYTES:
        fits = max(1, sc.spec.run.block_size * LARGE_BLOCK_BYTES // need)
        raise UsageError(f"{sc.file}: run.block_size {sc.spec.run.block_size:,} with {sc.space.n_packages():,} deal "
                         f"packages and {len(sc.actors)} actors needs about {need / 2**30:.0f} GiB of memory per "
                         f"worker; lower run.block_size to {fits:,} or less, use fewer levels, or pass "
                         "--allow-large if you mean it")


LARGE_SWEEP = 50 * LARGE_REPLICATIONS  # replications over all design points of a sweep


def check_sweep_size(sc: Any, points: int, replications: int, *, allow_large: bool = False) -> None:
    """Refuse a sweep of more than :data:`LARGE_SWEEP` replications in all without ``allow_large``.

    Raises:
        UsageError: Naming the points and replications.

    """
    total = points * replications
    if total > LARGE_SWEEP and not allow_large:
        raise UsageError(f"{sc.file}: {points:,} points × {replications:,} replications "
                         f"= {total:,} is above {LARGE_SWEEP:,}; pass --allow-large if you mean it")
