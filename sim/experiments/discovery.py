"""Scenario discovery: PRIM boxes over a sweep's experiments (Friedman and Fisher 1999).

The cases of interest are the design points whose estimated P(indicator) is at least the
threshold (or at most it, with ``below=True``). PRIM then *peels*: each step removes, from
the low or the high end of one lever, the ``alpha`` share of the points still in the box
(at least one distinct value: a grid loses a whole level), choosing the peel that leaves the
highest density. Peeling stops when the box would hold fewer than ``min_support`` of all
points, or when every point left is a case of interest. For each box on this trajectory:

* coverage = cases of interest inside the box / all cases of interest;
* density = cases of interest inside the box / points inside the box.

The chosen box is the trajectory's box of highest coverage whose density is at least
``min_density`` (the densest box if none is), then *pasted*: a bound is widened by the next
``alpha`` share of points while that does not lower the density. Levers with listed
non-numeric values (levels, true/false) are ordered as listed and peeled from either end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import UsageError


@dataclass
class Box:
    """Bounds per lever (inclusive, on the encoded scale) and how good the box is."""

    lo: np.ndarray
    hi: np.ndarray
    coverage: float = 0.0
    density: float = 0.0
    support: int = 0

    def inside(self, X: np.ndarray) -> np.ndarray:
        """Which rows of ``X`` fall in the box."""
        return np.all((self.lo <= X) & (self.hi >= X), axis=1)


@dataclass
class Discovery:
    """A PRIM result: the peeling trajectory, the chosen (pasted) box and how to read it."""

    indicator: str
    threshold: float
    below: bool
    levers: list[dict[str, Any]]
    trajectory: list[Box]
    chosen: int
    box: Box
    cases: int
    points: int
    mean_p: float
    min_p: float
    max_p: float
    extra: dict[str, Any] = field(default_factory=dict)

    def limits(self, box: Box | None = None) -> dict[str, Any]:
        """Return the box in user units: ``[low, high]`` per restricted lever, or its listed values."""
        box = box or self.box
        full_lo, full_hi = self.extra["full_lo"], self.extra["full_hi"]
        out: dict[str, Any] = {}
        for j, lv in enumerate(self.levers):
            if box.lo[j] <= full_lo[j] and box.hi[j] >= full_hi[j]:
                continue
            if _categorical(lv):
                out[lv["name"]] = [v for k, v in enumerate(lv["values"]) if box.lo[j] <= k <= box.hi[j]]
            else:
                out[lv["name"]] = [float(box.lo[j]), float(box.hi[j])]
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON-ready report."""
        rule = "<=" if self.below else ">="
        return {
            "indicator": self.indicator,
            "target": f"P({self.indicator}) {rule} {self.threshold:g}",
            "points": self.points,
            "cases_of_interest": self.cases,
            "chosen_step": self.chosen,
            "box": {"limits": self.limits(), "coverage": self.box.coverage, "density": self.box.density,
                    "points": self.box.support, "mean_p": self.mean_p, "min_p": self.min_p, "max_p": self.max_p},
            "trajectory": [{"step": i, "coverage": b.coverage, "density": b.density, "points": b.support,
                            "limits": self.limits(b)} for i, b in enumerate(self.trajectory)],
            "method": "PRIM (Friedman & Fisher 1999): peeling, then pasting of the chosen box",
            **{k: v for k, v in self.extra.items() if k not in ("full_lo", "full_hi")},
        }


def _categorical(lever: dict[str, Any]) -> bool:
    vals = lever.get("values")
    return vals is not None and not all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals)


def encode(levers: list[dict[str, Any]], rows: list[dict[str, Any]]) -> np.ndarray:
    """Design points as numbers: numeric values as they are, listed levels by position."""
    X = np.empty((len(rows), len(levers)))
    for j, lv in enumerate(levers):
        if _categorical(lv):
            X[:, j] = [lv["values"].index(r[lv["name"]]) for r in rows]
        else:
            X[:, j] = [float(r[lv["name"]]) for r in rows]
    return X


def _score(X: np.ndarray, y: np.ndarray, box: Box) -> Box:
    m = box.inside(X)
    n = int(m.sum())
    box.support = n
    box.density = float(y[m].mean()) if n else 0.0
    box.coverage = float(y[m].sum() / y.sum()) if y.sum() else 0.0
    return box


def _peels(X: np.ndarray, box: Box, alpha: float) -> list[Box]:
    """Every candidate peel of ``box``: low or high end of each lever."""
    m = box.inside(X)
    out = []
    for j in range(X.shape[1]):
        xs = np.sort(X[m, j])
        if len(xs) == 0 or xs[0] == xs[-1]:
            continue
        k = max(1, math.ceil(alpha * len(xs)))
        above = xs[xs > xs[k - 1]]
        if len(above):
            lo = box.lo.copy()
            lo[j] = above[0]
            out.append(Box(lo, box.hi.copy()))
        below = xs[xs < xs[::-1][k - 1]]
        if len(below):
            hi = box.hi.copy()
            hi[j] = below[-1]
            out.append(Box(box.lo.copy(), hi))
    return out


def _pastes(X: np.ndarray, box: Box, alpha: float) -> list[Box]:
    """Every candidate paste of ``box``: widen one bound by the next ``alpha`` share of points."""
    out = []
    n_in = max(1, int(box.inside(X).sum()))
    k = max(1, math.ceil(alpha * n_in))
    for j in range(X.shape[1]):
        others = np.all(np.delete((box.lo <= X) & (box.hi >= X), j, axis=1), axis=1)
        xs = X[others, j]
        lower = np.sort(xs[xs < box.lo[j]])
        if len(lower):
            lo = box.lo.copy()
            lo[j] = lower[::-1][min(k, len(lower)) - 1]
            out.append(Box(lo, box.hi.copy()))
        upper = np.sort(xs[xs > box.hi[j]])
        if len(upper):
            hi = box.hi.copy()
            hi[j] = upper[min(k, len(upper)) - 1]
            out.append(Box(box.lo.copy(), hi))
    return out


def prim(X: np.ndarray, y: np.ndarray, *, alpha: float = 0.05, min_support: float = 0.05,
         min_density: float = 0.8) -> tuple[list[Box], int, Box]:
    """PRIM on points ``X`` (n, d) with cases of interest ``y`` (n,) boolean.

    Returns:
        The peeling trajectory (the full box first), the index of the chosen box, and the
        chosen box after pasting.

    """
    y = np.asarray(y, dtype=float)
    box = _score(X, y, Box(X.min(axis=0).astype(float), X.max(axis=0).astype(float)))
    trajectory = [box]
    floor = max(1, math.ceil(min_support * len(y)))
    while box.density < 1.0:
        cands = [c for c in (_score(X, y, c) for c in _peels(X, box, alpha)) if c.support >= floor]
        if not cands:
            break
        box = max(cands, key=lambda c: (c.density, c.support))
        trajectory.append(box)
    good = [i for i, b in enumerate(trajectory) if b.density >= min_density]
    chosen = max(good, key=lambda i: (trajectory[i].coverage, trajectory[i].density)) if good else \
        max(range(len(trajectory)), key=lambda i: (trajectory[i].density, trajectory[i].coverage))
    pasted = Box(trajectory[chosen].lo.copy(), trajectory[chosen].hi.copy())
    _score(X, y, pasted)
    while True:
        cands = [c for c in (_score(X, y, c) for c in _pastes(X, pasted, alpha)) if c.density >= pasted.density]
        if not cands:
            break
        pasted = max(cands, key=lambda c: (c.density, c.support))
    return trajectory, chosen, pasted


def discover(summary: dict[str, Any], indicator: str, threshold: float, *, below: bool = False,
             alpha: float = 0.05, min_support: float = 0.05, min_density: float = 0.8) -> Discovery:
    """PRIM over a sweep's summary (as in its summary.json).

    Args:
        summary: The sweep's summary.
        indicator: Indicator name.
        threshold: Probability the cases of interest reach.
        below: Cases of interest have P at most ``threshold`` instead of at least.
        alpha: Share peeled (and pasted) per step.
        min_support: Smallest box, as a share of all points.
        min_density: Density the chosen box must reach.

    Raises:
        UsageError: For an unknown indicator or a sweep without cases of interest.

    """
    if indicator not in summary["indicators"]:
        raise UsageError(f"unknown indicator '{indicator}'; allowed: {', '.join(summary['indicators'])}")
    levers = summary["levers"]
    rows = [p["levers"] for p in summary["points"]]
    p = np.array([pt["indicators"][indicator]["p"] for pt in summary["points"]])
    y = p <= threshold if below else p >= threshold
    rule = "<=" if below else ">="
    if not y.any():
        raise UsageError(f"no design point has P({indicator}) {rule} {threshold:g} (highest {p.max():.3f}, "
                         f"lowest {p.min():.3f}); nothing to discover")
    X = encode(levers, rows)
    trajectory, chosen, box = prim(X, y, alpha=alpha, min_support=min_support, min_density=min_density)
    m = box.inside(X)
    return Discovery(indicator, threshold, below, levers, trajectory, chosen, box, int(y.sum()), len(y),
                     float(p[m].mean()), float(p[m].min()), float(p[m].max()),
                     extra={"alpha": alpha, "min_support": min_support, "min_density": min_density,
                            "full_lo": X.min(axis=0), "full_hi": X.max(axis=0)})


def trajectory_table(d: Discovery) -> dict[str, list[Any]]:
    """Return the peeling trajectory as columns: step, coverage, density, points, then each lever's bounds."""
    cols: dict[str, list[Any]] = {"step": [], "coverage": [], "density": [], "points": []}
    for lv in d.levers:
        cols[f"{lv['name']}_low"] = []
        cols[f"{lv['name']}_high"] = []
    for i, b in enumerate(d.trajectory):
        cols["step"].append(i)
        cols["coverage"].append(round(b.coverage, 6))
        cols["density"].append(round(b.density, 6))
        cols["points"].append(b.support)
        for j, lv in enumerate(d.levers):
            lo, hi = b.lo[j], b.hi[j]
            if _categorical(lv):
                lo, hi = lv["values"][int(lo)], lv["values"][int(hi)]
            cols[f"{lv['name']}_low"].append(lo if isinstance(lo, str | bool) else float(lo))
            cols[f"{lv['name']}_high"].append(hi if isinstance(hi, str | bool) else float(hi))
    return cols


def describe(report: dict[str, Any]) -> list[str]:
    """Plain sentences on the chosen box, from a report as in ``prim_<indicator>.json``."""
    box = report["box"]
    lines = [f"{report['cases_of_interest']} of {report['points']} design points have {report['target']}."]
    if not box["limits"]:
        lines.append("The chosen box is the whole design: no lever range separates them.")
    else:
        parts = []
        for name, v in box["limits"].items():
            numeric = len(v) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
            parts.append(f"{v[0]:g} <= {name} <= {v[1]:g}" if numeric else f"{name} in {{{', '.join(map(str, v))}}}")
        lines.append("Box: " + " and ".join(parts))
    lines.append(f"coverage {box['coverage']:.0%} (share of those points inside the box), density "
                 f"{box['density']:.0%} (share of the box's {box['points']} points that reach it); "
                 f"P in the box: mean {box['mean_p']:.1%}, lowest {box['min_p']:.1%}")
    return lines
