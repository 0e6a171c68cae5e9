"""Declared distributions: their quantile functions and the conversion of values to the internal scale.

Pure functions of a scenario's ``uncertainty:`` entries, shared by the draws
(:mod:`sim.ensemble.uncertainty`), the private type grids (:mod:`sim.scenario.process`) and
sensitivity analysis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario.params import ParamDef


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
