"""Experimental designs over levers: full grid, Latin hypercube and Sobol (scipy.stats.qmc).

A design is a list of points, each holding one value per lever in the lever's own units: a
number in ``[low, high]`` or one of its listed ``values``. Space-filling designs are drawn on
the unit cube from the run seed (:mod:`sim.seeding`, purpose ``DESIGN``) and mapped to the
levers: a range linearly, a list of values by equal slices of the unit interval. Numbers are
rounded to 10 decimals so the experiments table shows exactly the values that were run.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.seeding import DESIGN, stream

KINDS = ("grid", "lhs", "sobol")
MAX_POINTS = 100_000
DECIMALS = 10


@dataclass(frozen=True)
class Design:
    """Points of an experiment over levers.

    Attributes:
        kind: ``grid``, ``lhs`` or ``sobol``.
        levers: The levers (:class:`sim.scenario.schema.Lever`), in column order.
        points: One tuple of user values per point, in lever order.

    """

    kind: str
    levers: tuple[Any, ...]
    points: tuple[tuple[Any, ...], ...]

    def __len__(self) -> int:
        return len(self.points)

    @property
    def names(self) -> list[str]:
        """Lever names in column order."""
        return [lv.name for lv in self.levers]

    def rows(self) -> list[dict[str, Any]]:
        """Each point as lever name → user value."""
        return [dict(zip(self.names, p, strict=True)) for p in self.points]

    def internal(self, params: dict[str, Any]) -> list[dict[str, float]]:
        """Each point as parameter path → internal value (what the engine fixes).

        Args:
            params: The scenario's parameter definitions (:attr:`sim.scenario.load.Scenario.params`).

        """
        return [{lv.target: params[lv.target].to_internal(v) for lv, v in zip(self.levers, p, strict=True)}
                for p in self.points]

    def columns(self) -> dict[str, list[Any]]:
        """Return the experiments table: point id, then one column per lever (user units)."""
        cols: dict[str, list[Any]] = {"point": list(range(len(self.points)))}
        for j, name in enumerate(self.names):
            cols[name] = [p[j] for p in self.points]
        return cols


def grid_values(lever: Any, points: int) -> list[Any]:
    """Return a lever's grid: its listed values, or ``points`` evenly spaced from low to high."""
    if lever.values is not None:
        return list(lever.values)
    return [round(float(x), DECIMALS) for x in np.linspace(lever.low, lever.high, points)]


def from_unit(levers: Sequence[Any], u: np.ndarray) -> list[tuple[Any, ...]]:
    """Map points of the unit cube ``u`` (n, d) to lever values.

    A range maps linearly; a list of k values takes value ``floor(u * k)``, so each value gets
    an equal share of the interval (and of a Latin hypercube's strata).
    """
    cols = []
    for j, lv in enumerate(levers):
        x = np.clip(u[:, j], 0.0, 1.0)
        if lv.values is not None:
            k = len(lv.values)
            idx = np.minimum((x * k).astype(int), k - 1)
            cols.append([lv.values[i] for i in idx])
        else:
            cols.append([round(float(v), DECIMALS) for v in lv.low + x * (lv.high - lv.low)])
    return list(zip(*cols, strict=True)) if cols else []


def sobol_size(points: int) -> int:
    """Sobol designs keep their balance only at powers of two: ``points`` rounded up to one."""
    return 1 << max(0, math.ceil(math.log2(max(1, points))))


def design_size(levers: Sequence[Any], kind: str, points: int) -> int:
    """How many points a design will have, without building it."""
    if kind == "grid":
        return math.prod(len(lv.values) if lv.values is not None else points for lv in levers)
    return sobol_size(points) if kind == "sobol" else points


def make_design(levers: Sequence[Any], kind: str = "grid", points: int = 16, seed: int = 0) -> Design:
    """Build a design.

    Args:
        levers: The sweep's levers.
        kind: ``grid`` (every combination of each lever's grid), ``lhs`` (Latin hypercube of
            ``points`` points) or ``sobol`` (scrambled Sobol sequence, ``points`` rounded up
            to a power of two).
        points: Grid values per lever without listed values (grid), or points in total.
        seed: The run seed; LHS and Sobol draws derive from it, never from the clock.

    Raises:
        ValueError: For an unknown design or more than :data:`MAX_POINTS` points.

    """
    if kind not in KINDS:
        raise ValueError(f"unknown design '{kind}'; allowed: {', '.join(KINDS)}")
    n = design_size(levers, kind, points)
    if n > MAX_POINTS:
        raise ValueError(f"the {kind} design has {n:,} points; allowed: at most {MAX_POINTS:,} "
                         "(fewer points per lever, or an lhs/sobol design)")
    levers = tuple(levers)
    if kind == "grid":
        pts = list(itertools.product(*[grid_values(lv, points) for lv in levers]))
        return Design(kind, levers, tuple(pts))
    from scipy.stats import qmc

    rng = stream(seed, 0, DESIGN, KINDS.index(kind))
    d = len(levers)
    if kind == "lhs":
        u = qmc.LatinHypercube(d, rng=rng).random(n)
    else:
        u = qmc.Sobol(d, rng=rng).random_base2(int(math.log2(n)))
    return Design(kind, levers, tuple(from_unit(levers, u)))
