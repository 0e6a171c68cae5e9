"""The size guard: refuse, before any work, a run too large for this machine unless allowed.

Library policy, so the command line, the web app and notebooks are guarded alike: a run of
more than :data:`LARGE_REPLICATIONS` replications, or whose blocks would need more than
:data:`LARGE_BLOCK_BYTES` of memory in one worker, needs ``allow_large=True``
(``--allow-large`` on the command line). Above the hard ceilings (:data:`HARD_REPLICATIONS`,
:data:`HARD_SWEEP`) nothing lifts the guard: a typo of a few zeros must not fill the machine.
"""

from __future__ import annotations

from typing import Any

from sim.errors import UsageError

LARGE_REPLICATIONS = 200_000
LARGE_BLOCK_BYTES = 8 * 2**30  # memory one block may take in one worker without --allow-large
HARD_REPLICATIONS = 20_000_000  # ten times run.replications' maximum; --allow-large cannot pass it
MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any non-negative int; we keep seeds to 63 bits
BYTES_PER_REPLICATION = 64  # outcome kind, round, proposer, counters and terms: about 8 bytes x 8 per issue


def result_memory(replications: int, issues: int = 8) -> int:
    """Estimate the bytes the outcome tables of ``replications`` take (before writing them)."""
    return replications * BYTES_PER_REPLICATION * max(1, issues)


def check_seed(seed: int | None, where: str = "seed") -> None:
    """Refuse a seed that is not a whole number in [0, 2**63).

    Raises:
        UsageError: ``<where>: ... allowed: a whole number from 0 to 9,223,372,036,854,775,807``.

    """
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise UsageError(f"{where}: {seed!r} is not a seed; allowed: a whole number from 0 to {MAX_SEED:,}")


def block_memory(sc: Any) -> int:
    """Estimate the bytes one worker needs to play one block.

    The planner holds a few numbers per replication, package and actor; measured here
    (4,096 packages, 3 to 8 actors) at about 120 bytes each. Without this guard a large
    block of a large package space is killed by the operating system, with no message.
    """
    return 120 * sc.spec.run.block_size * sc.space.n_packages() * len(sc.actors)


def check_replications(replications: int, *, allow_large: bool = False, where: str | None = None,
                       issues: int = 8) -> None:
    """Refuse more than :data:`LARGE_REPLICATIONS` replications without ``allow_large``.

    ``issues`` sizes the memory estimate in the message (the scenario's, where known).

    Raises:
        UsageError: ``[<where>: ]<n> replications is above ...``.

    """
    at = f"{where}: " if where else ""
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise UsageError(f"{at}{replications!r} replications; allowed: a whole number of at least 1")
    if replications > HARD_REPLICATIONS:
        raise UsageError(f"{at}{replications:,} replications is above the hard limit of {HARD_REPLICATIONS:,} "
                         f"(the outcomes alone would need about {_gib(result_memory(replications, issues))}); "
                         "--allow-large does not lift it: split the run or use fewer replications")
    if replications > LARGE_REPLICATIONS and not allow_large:
        raise UsageError(f"{at}{replications:,} replications is above "
                         f"{LARGE_REPLICATIONS:,}; pass --allow-large if you mean it")


def _gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**28 else f"{n / 2**20:,.0f} MiB"


def check_size(sc: Any, replications: int | None = None, *, allow_large: bool = False) -> None:
    """Refuse a run above the guard.

    Args:
        sc: The scenario.
        replications: The run's replications (default ``run.replications``).
        allow_large: Lift the guard.

    Raises:
        UsageError: Too many replications, or blocks too large for memory, without ``allow_large``.

    """
    check_replications(replications or sc.spec.run.replications, allow_large=allow_large, where=sc.file,
                       issues=len(sc.space.issues))
    if allow_large:
        return
    need = block_memory(sc)
    if need > LARGE_BLOCK_BYTES:
        fits = max(1, sc.spec.run.block_size * LARGE_BLOCK_BYTES // need)
        raise UsageError(f"{sc.file}: run.block_size {sc.spec.run.block_size:,} with {sc.space.n_packages():,} deal "
                         f"packages and {len(sc.actors)} actors needs about {need / 2**30:.0f} GiB of memory per "
                         f"worker; lower run.block_size to {fits:,} or less, use fewer levels, or pass "
                         "--allow-large if you mean it")


LARGE_SWEEP = 50 * LARGE_REPLICATIONS  # replications over all design points of a sweep
HARD_SWEEP = 10 * LARGE_SWEEP  # no flag lifts it


def check_sweep_size(sc: Any, points: int, replications: int, *, allow_large: bool = False) -> None:
    """Refuse a sweep of more than :data:`LARGE_SWEEP` replications in all without ``allow_large``.

    Raises:
        UsageError: Naming the points and replications.

    """
    total = points * replications
    if total > HARD_SWEEP:
        raise UsageError(f"{sc.file}: {points:,} points × {replications:,} replications = {total:,} is above the "
                         f"hard limit of {HARD_SWEEP:,} (the outcomes alone would need about "
                         f"{_gib(result_memory(total, len(sc.space.issues)))}); --allow-large does not lift it")
    if total > LARGE_SWEEP and not allow_large:
        raise UsageError(f"{sc.file}: {points:,} points × {replications:,} replications "
                         f"= {total:,} is above {LARGE_SWEEP:,}; pass --allow-large if you mean it")
