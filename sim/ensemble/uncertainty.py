"""Draw uncertain parameters per replication by inverse transform of per-parameter streams.

Each parameter gets its own stream keyed by its path, so adding a distribution in a variant
leaves every other parameter's draws unchanged (common random numbers), and the same
uniforms are mapped through the distribution's quantile function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario.distributions import quantiles, to_internal
from sim.scenario.params import ParamDef
from sim.scenario.process import marginal_grid, snap_to_type
from sim.seeding import UNCERTAINTY, key_of, stream


def draw(uncertainty: list[Any], params: dict[str, ParamDef], n: int, seed: int, block: int) -> dict[str, np.ndarray]:
    """Draw every uncertain parameter for ``n`` replications of one block.

    Returns:
        Path → array (n,) on the internal scale.

    """
    out: dict[str, np.ndarray] = {}
    for dist in uncertainty:
        u = stream(seed, block, UNCERTAINTY, key_of(dist.param)).random(n)
        if getattr(dist, "private", False):  # a private type: the grid point of its bin (the others' prior)
            grid, _ = marginal_grid(dist, params[dist.param])
            out[dist.param] = grid[snap_to_type(dist, u)]
            continue
        out[dist.param] = to_internal(dist, params[dist.param], quantiles(dist, u))
    return out
