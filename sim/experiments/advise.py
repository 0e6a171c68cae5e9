"""Advice: the cheapest package of lever values that reaches a target probability.

**Cost.** Each lever is written from "no concession" (``low``, or its first listed value)
upwards, and its ``cost`` is per unit of the lever: a range lever at value v costs
``cost × (v - low)``, a listed lever at its k-th value (counting from 0) costs ``cost × k``.
A package costs the sum over its levers. Levers left out of the search keep the scenario's
own value.

**Search.** P(indicator | package) is estimated from R replications that every package
plays with the same seeds (common random numbers), so packages are compared on the same
draws, not on noise, and the estimate is a deterministic step function of the lever values.

1. *Grid*: every combination of ``points`` values per lever (listed values as they are); a
   Latin hypercube of the same budget when the grid would exceed :data:`MAX_GRID` packages.
2. *Refine*: from the cheapest grid package that meets the target,
   ``scipy.optimize.minimize(method="COBYLA")`` minimises the cost over the range levers
   (on [0, 1] per lever, first step one grid step) under the constraint that the estimate
   meets the target. COBYLA needs no gradients, which a step function does not have.
3. *Polish*: each range lever with a positive cost is lowered by bisection while the
   package still meets the target (cost rises with every lever, so this only saves).

Every package evaluated is kept; the answer is the cheapest one that meets the target on
the estimate. **Verification**: choosing the cheapest package that passes on one set of
random numbers favours packages that were lucky on those draws (a winner's curse), so the
chosen package is run again with fresh random numbers (root seed + 1, by default four times
the replications), and that run's P with its 95% Wilson interval is the number to quote.
With ``strict`` the search itself asks more: a package meets the target only if its whole
95% Wilson interval does, which leaves a margin for that luck.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.summaries import proportion, wilson
from sim.ensemble.blocks import Progress, simulate
from sim.errors import UsageError
from sim.experiments.designs import DECIMALS, design_size, from_unit, make_design
from sim.experiments.evaluate import indicator_counts
from sim.scenario.load import Scenario
from sim.scenario.params import lever_record

MAX_GRID = 400
BISECTIONS = 10
TARGET = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(>=|<=)\s*([0-9]*\.?[0-9]+)\s*$")

Package = tuple[Any, ...]
Estimator = Callable[[list[Package]], np.ndarray]


@dataclass(frozen=True)
class Target:
    """``indicator >= value`` or ``indicator <= value``."""

    indicator: str
    below: bool
    value: float

    def margin(self, p: np.ndarray | float) -> np.ndarray | float:
        """How far an estimate is on the right side of the target (>= 0 meets it)."""
        return self.value - p if self.below else p - self.value

    def __str__(self) -> str:
        return f"{self.indicator}{'<=' if self.below else '>='}{self.value:g}"


def parse_target(text: str, indicators: Sequence[str]) -> Target:
    """Parse ``NAME>=P`` or ``NAME<=P``.

    Raises:
        UsageError: For a malformed target, an unknown indicator or P outside [0, 1].

    """
    m = TARGET.match(text)
    if not m:
        raise UsageError(f"--target '{text}': allowed: INDICATOR>=P or INDICATOR<=P, e.g. any_base_retained>=0.7")
    name, op, value = m.group(1), m.group(2), float(m.group(3))
    if name not in indicators:
        raise UsageError(f"--target: unknown indicator '{name}'; allowed: {', '.join(indicators)}")
    if not 0 <= value <= 1:
        raise UsageError(f"--target: {value:g} is not a probability; allowed: 0 to 1")
    return Target(name, op == "<=", value)


def cost_of(levers: Sequence[Any], package: Package) -> float:
    """Cost of a package: per lever, cost × amount above ``low`` (or × position in its listed values)."""
    total = 0.0
    for lv, v in zip(levers, package, strict=True):
        amount = lv.values.index(v) if lv.values is not None else float(v) - lv.low
        total += lv.cost * amount
    return round(total, DECIMALS)


@dataclass
class Search:
    """The outcome of a search: every package tried and the index of the chosen one."""

    levers: list[Any]
    target: Target
    tried: list[dict[str, Any]]
    chosen: int
    feasible: bool

    @property
    def best(self) -> dict[str, Any]:
        """The chosen package's record."""
        return self.tried[self.chosen]


class _Tried:
    """Packages evaluated so far (each once), with their estimate and cost."""

    def __init__(self, levers: list[Any], target: Target, estimate: Estimator, strict: int | None) -> None:
        self.levers, self.target, self.estimate, self.strict = levers, target, estimate, strict
        self.rows: list[dict[str, Any]] = []
        self.index: dict[Package, int] = {}

    def margin(self, p: float) -> float:
        """Margin of an estimate, or of its 95% Wilson bound on the far side in strict mode."""
        if self.strict:

            lo, hi = wilson(round(p * self.strict), self.strict)
            p = hi if self.target.below else lo
        return float(self.target.margin(p))

    def run(self, packages: list[Package], stage: str) -> np.ndarray:
        new = [q for q in dict.fromkeys(packages) if q not in self.index]
        if new:
            for q, p in zip(new, self.estimate(new), strict=True):
                self.index[q] = len(self.rows)
                self.rows.append({"stage": stage, "package": q, "p": float(p), "cost": cost_of(self.levers, q),
                                  "meets": self.margin(float(p)) >= 0})
        return np.array([self.rows[self.index[q]]["p"] for q in packages])

    def cheapest(self) -> int | None:
        ok = [i for i, r in enumerate(self.rows) if r["meets"]]
        if not ok:
            return None
        return min(ok, key=lambda i: (self.rows[i]["cost"], -self.margin(self.rows[i]["p"]), i))


def search(estimate: Estimator, levers: Sequence[Any], target: Target, *, points: int = 5, seed: int = 0,
           refine: bool = True, maxiter: int = 60, strict: int | None = None) -> Search:
    """Find the cheapest package of lever values whose estimate meets the target.

    Args:
        estimate: Maps packages (user values in lever order) to estimated probabilities.
        levers: The free levers (:class:`sim.scenario.schema.Lever`).
        target: What to reach.
        points: Grid values per range lever.
        seed: Seeds the Latin hypercube used when the grid is too large.
        refine: Run the COBYLA refinement and the bisection polish.
        maxiter: COBYLA's evaluation budget.
        strict: Replications behind each estimate: a package then meets the target only if
            its whole 95% Wilson interval does (a safety margin against the winner's curse).

    """
    levers = list(levers)
    tried = _Tried(levers, target, estimate, strict)
    kind = "grid" if design_size(levers, "grid", points) <= MAX_GRID else "lhs"
    design = make_design(levers, kind, points if kind == "grid" else MAX_GRID, seed)
    tried.run(list(design.points), "grid")
    best = tried.cheapest()
    cont = [j for j, lv in enumerate(levers) if lv.values is None]
    if best is not None and refine and cont:
        _refine(tried, best, cont, 1.0 / max(1, points - 1), maxiter)
        _polish(tried, cont)
    best = tried.cheapest()
    if best is None:  # nothing meets the target: report the package that comes closest
        closest = max(range(len(tried.rows)), key=lambda i: (tried.margin(tried.rows[i]["p"]), -tried.rows[i]["cost"]))
        return Search(levers, target, tried.rows, closest, False)
    return Search(levers, target, tried.rows, best, True)


def _with(levers: list[Any], package: Package, cont: list[int], z: np.ndarray) -> Package:
    """Return the package with its range levers moved to unit coordinates ``z``."""
    out = list(package)
    for j, zj in zip(cont, z, strict=True):
        out[j] = from_unit([levers[j]], np.array([[zj]]))[0][0]
    return tuple(out)


def _unit(lever: Any, v: Any) -> float:
    return (float(v) - lever.low) / (lever.high - lever.low)


def _refine(tried: _Tried, start: int, cont: list[int], step: float, maxiter: int) -> None:
    from scipy.optimize import minimize

    levers, base = tried.levers, tried.rows[start]["package"]
    z0 = np.array([_unit(levers[j], base[j]) for j in cont])

    def package(z: np.ndarray) -> Package:
        return _with(levers, base, cont, np.clip(z, 0.0, 1.0))

    def margin(z: np.ndarray) -> float:
        return tried.margin(tried.run([package(z)], "refine")[0])

    minimize(lambda z: cost_of(levers, package(z)), z0, method="COBYLA",
             constraints=[{"type": "ineq", "fun": margin}], bounds=[(0.0, 1.0)] * len(cont),
             options={"rhobeg": step, "maxiter": maxiter})


def _polish(tried: _Tried, cont: list[int]) -> None:
    levers = tried.levers
    for j in sorted(cont, key=lambda j: -levers[j].cost):
        best = tried.cheapest()
        if best is None or levers[j].cost <= 0:
            continue
        base = tried.rows[best]["package"]
        lo, hi = 0.0, _unit(levers[j], base[j])  # hi meets the target
        for _ in range(BISECTIONS):
            mid = (lo + hi) / 2
            q = _with(levers, base, [j], np.array([mid]))
            if tried.margin(tried.run([q], "refine")[0]) >= 0:
                hi = mid
            else:
                lo = mid


@dataclass
class Advice:
    """A search on the engine plus the verification run at the chosen package."""

    scenario: Scenario
    target: Target
    search: Search
    replications: int
    seed: int
    verify: dict[str, Any]
    fixed: dict[str, Any] = field(default_factory=dict)
    strict: bool = False
    folder: Path | None = None

    def package(self) -> dict[str, Any]:
        """Return the chosen package: lever name → value (user units)."""
        return dict(zip([lv.name for lv in self.search.levers], self.search.best["package"], strict=True))

    def to_json(self) -> dict[str, Any]:
        """advice.json."""
        b = self.search.best
        v = self.verify
        return {
            "target": str(self.target),
            "reachable": self.search.feasible,
            "package": self.package(),
            "cost": b["cost"],
            "estimate": {"p": b["p"], "replications": self.replications, "seed": self.seed,
                         "note": "common random numbers shared by every package tried (selection favours luck)"},
            "verify": v,
            "met_by_estimate": bool(self.target.margin(v["p"]) >= 0),
            "met_with_95_confidence": bool(self.target.margin(v["hi"] if self.target.below else v["lo"]) >= 0),
            "levers": [lever_record(self.scenario, lv) for lv in self.search.levers],
            "held_at_scenario_values": self.fixed,
            "packages_tried": len(self.search.tried),
            "strict": self.strict,
        }


def advise(sc: Scenario, target: Target, *, levers: Sequence[str] | None = None, points: int = 5,
           replications: int | None = None, seed: int | None = None, verify_replications: int | None = None,
           refine: bool = True, strict: bool = False, executor: Any = None, progress: Progress | None = None) -> Advice:
    """Search the scenario's levers for the cheapest package reaching ``target``, then verify it.

    Args:
        sc: A scenario with a ``sweep:`` section (its levers and their costs).
        target: From :func:`parse_target`.
        levers: Names of the levers to move (default all); the others keep the scenario's values.
        points: Grid values per range lever.
        replications: Per package (default ``sweep.replications``).
        seed: Root seed of the search (default ``run.seed``); the verification uses seed + 1.
        verify_replications: Replications of the verification run (default 4 × replications).
        refine: Refine the grid's best with COBYLA and bisection.
        strict: Require each package's whole 95% interval (not its estimate) to meet the target.
        executor: From :mod:`sim.ensemble.executors`.
        progress: Called with replications finished.

    Raises:
        UsageError: Without a sweep section, or for unknown lever names.

    """
    if sc.spec.sweep is None:
        raise UsageError(f"{sc.file}: advise needs a sweep: section with levers and their cost")
    every = list(sc.spec.sweep.levers)
    names = [lv.name for lv in every]
    for n in levers or []:
        if n not in names:
            raise UsageError(f"--levers: unknown lever '{n}'; allowed: {', '.join(names)}")
    free = [lv for lv in every if not levers or lv.name in levers]
    seed = sc.spec.run.seed if seed is None else seed
    reps = replications or sc.spec.sweep.replications

    def internal(q: Package) -> dict[str, float]:
        return {lv.target: sc.params[lv.target].to_internal(v) for lv, v in zip(free, q, strict=True)}

    def estimate(packages: list[Package]) -> np.ndarray:
        counts = indicator_counts(sc, [internal(q) for q in packages], replications=reps, seed=seed,
                                  executor=executor, progress=progress)
        return counts[target.indicator] / reps

    found = search(estimate, free, target, points=points, seed=seed, refine=refine, strict=reps if strict else None)
    vreps = verify_replications or 4 * reps
    out = simulate(sc, replications=vreps, seed=seed + 1, values=internal(found.best["package"]), trace=0,
                   executor=executor, progress=progress)
    verify = {**proportion(sc.outcomes[target.indicator].evaluate(out.terms, out.kind)), "seed": seed + 1}
    fixed = {lv.name: "scenario value" for lv in every if lv not in free}
    return Advice(sc, target, found, reps, seed, verify, fixed, strict)
