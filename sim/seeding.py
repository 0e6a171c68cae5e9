"""Random streams keyed by data, never by worker: one root seed, children by purpose.

A replication block ``b`` of a run with root seed ``s`` draws from
``SeedSequence(s, spawn_key=(b, purpose, ...))``. The design point is deliberately *not*
in the key: every design point and every scenario variant reuses the same random numbers
(common random numbers), so differences between them come from the change, not noise.
Results therefore never depend on how blocks are grouped into tasks, on the worker count or
on the executor.
"""

from __future__ import annotations

import zlib

import numpy as np

UNCERTAINTY, RECOGNITION, ACCEPTANCE, EVENTS = range(4)  # 4 was PROTOCOL, never used; keys stay
DESIGN = 5  # experiment designs: sweep points (LHS, Sobol), sensitivity samples; never per replication
ACTIONS = 6  # whether a unilateral action (an eviction, say) succeeds


def stream(seed: int, block: int, purpose: int, *extra: int) -> np.random.Generator:
    """A generator for one block and purpose (plus optional extra key parts)."""
    seq = np.random.SeedSequence(seed, spawn_key=(block, purpose, *extra))
    return np.random.Generator(np.random.PCG64(seq))


def key_of(text: str) -> int:
    """A stable integer key for a name (a parameter path), the same in every process."""
    return zlib.crc32(text.encode("utf-8"))
