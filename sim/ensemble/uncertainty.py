"""Draw uncertain parameters per replication by inverse transform of per-parameter streams.

Each parameter gets its own stream keyed by its path, so adding a distribution in a variant
leaves every other parameter's draws unchanged (common random numbers), and the same
uniforms are mapped through the distribution's quantile function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario.params import ParamDef
from sim.scenario.process import marginal_grid, snap_to_type
from sim.seeding import UNCERTAINTY, key_of, stream


def quantiles(dist: Any, u: np.ndarray) -> np.ndarray | list[Any]:
    """Map uniforms ``u`` through a declared distribution's quantile function (user units)."""
    if dist.dist == "uniform":
        return dist.low + u * (dist.high - dist.low)
    if dist.dist == "triangular":
        lo, mode, hi = dist.low, dist.mode, dist.high
        c = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < c, left, right)
    if dist.dist == "truncnormal":
        from scipy.stats import truncnorm

        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        return truncnorm.ppf(u, a, b, loc=dist.mean, scale=dist.sd)
    if dist.dist == "beta":
        from scipy.stats import beta

        return dist.low + (dist.high - dist.low) * beta.ppf(u, dist.a, dist.b)
    weights = np.asarray(dist.weights if dist.weights is not None else [1.0] * len(dist.values), dtype=float)
    cum = np.cumsum(weights / weights.sum())
    idx = np.minimum(np.searchsorted(cum, u, side="right"), len(dist.values) - 1)
    return [dist.values[i] for i in idx]


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


def to_internal(dist: Any, pdef: ParamDef, values: np.ndarray | list[Any]) -> np.ndarray:
    """Map drawn user values of one parameter to the internal scale (clipped to its range)."""
    if dist.dist == "choice":
        # a few listed values, drawn n times: convert each once (same numbers, no per-draw Python)
        listed = {(type(v), v): pdef.to_internal(v) for v in dist.values}
        return np.array([listed[type(v), v] for v in values], dtype=float)
    if pdef.issue is not None:
        return np.array([pdef.to_internal(v if not isinstance(v, np.generic) else v.item()) for v in values],
                        dtype=float)
    return np.clip(np.asarray(values, dtype=float), pdef.lo, pdef.hi)
