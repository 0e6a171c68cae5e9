"""Global sensitivity: Sobol first-order and total indices of P(indicator) to levers and uncertainties.

The estimator, step by step:

1. **Factors.** The sweep's levers (uniform on ``[low, high]``, or equally likely listed
   values) and the declared uncertainties (their own distributions). A parameter that is
   both a lever and uncertain counts once, as the lever. Each factor is drawn on [0, 1] and
   mapped by its quantile function, so the factors are independent, as Sobol indices need.
2. **Sample.** Saltelli's scheme with ``n`` base rows (a power of two): matrices A and B
   (n × d) from one scrambled Sobol sequence in 2d dimensions, seeded from the run seed
   (:mod:`sim.seeding`, purpose ``DESIGN``), and for each factor i the matrix AB_i: A with
   column i taken from B. That is n (d + 2) sample points.
3. **Output at a point.** The model is stochastic beyond the factors (acceptance noise,
   events, uncertain parameters not chosen as factors). At a sample point x every factor is
   fixed and ``f(x)`` is the share of R replications in which the indicator holds (or an
   actor's mean utility): an estimate of P(indicator | x). All points play the *same*
   replications with the same seeds (common random numbers), so f is a deterministic
   function of x, and a factor that does nothing gives exactly ``f(AB_i) = f(A)``, hence
   indices of exactly 0.
4. **Indices.** ``scipy.stats.sobol_indices`` on these values: first order
   ``S_i = mean(f_B (f_AB_i - f_A)) / V`` (Saltelli et al. 2010) and total
   ``ST_i = mean((f_A - f_AB_i)^2) / (2V)`` (Jansen 1999), V the variance of f over A and B.
   They split the variance of P(indicator | x) *across the factors' ranges*: a lever with a
   narrow range looks unimportant however strong it is per unit.
5. **Intervals.** 95% percentile bootstrap over the n base rows (resampling rows of A, B and
   every AB_i together), with a generator from the run seed.

Finite R adds the replication noise of f to V; with common random numbers that noise is
shared across points and mostly cancels in the differences, but it lowers every S_i a
little and leaves ``1 - sum(S_i)`` slightly above the true interaction share. Use R of 100
or more for probabilities away from 0 and 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import Progress
from sim.errors import UsageError
from sim.experiments.designs import from_unit
from sim.experiments.evaluate import evaluate
from sim.scenario.distributions import quantiles, to_internal
from sim.scenario.load import Scenario
from sim.seeding import DESIGN, stream

BOOTSTRAP = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Factor:
    """One input of the sensitivity analysis: a lever or a declared uncertainty."""

    name: str
    path: str
    kind: str  # "lever" or "uncertainty"
    spec: Any  # the schema's Lever or distribution

    def user(self, u: np.ndarray) -> list[Any]:
        """Map uniforms to this factor's values in user units."""
        if self.kind == "lever":

            return [p[0] for p in from_unit([self.spec], u[:, None])]

        vals = quantiles(self.spec, u)
        return [v.item() if isinstance(v, np.generic) else v for v in vals]

    def internal(self, sc: Scenario, values: list[Any]) -> np.ndarray:
        """Map user values to the engine's internal scale."""
        pdef = sc.params[self.path]
        if self.kind == "lever":
            return np.array([pdef.to_internal(v) for v in values], dtype=float)

        return to_internal(self.spec, pdef, values)


@dataclass
class SensitivityResult:
    """Indices per factor and the samples they came from."""

    output: str
    factors: list[Factor]
    rows: list[dict[str, Any]]
    n: int
    replications: int
    seed: int
    variance: float
    mean: float
    samples: dict[str, list[Any]] = field(default_factory=dict)
    folder: Path | None = None


def factors_of(sc: Scenario, which: str = "all") -> list[Factor]:
    """List the factors of a scenario: ``levers``, ``uncertainties`` or ``all``.

    Raises:
        UsageError: If there are none of the kind asked for.

    """
    levers = list(sc.spec.sweep.levers) if sc.spec.sweep is not None else []
    out = [Factor(lv.name, lv.target, "lever", lv) for lv in levers] if which in ("all", "levers") else []
    if which in ("all", "uncertainties"):
        taken = {lv.target for lv in levers}
        out += [Factor(d.param, d.param, "uncertainty", d) for d in sc.spec.uncertainty if d.param not in taken]
    if not out:
        raise UsageError(f"{sc.file}: no factors to analyse ({which}); declare levers under sweep: or "
                         "distributions under uncertainty:")
    return out


def saltelli(d: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-cube sample matrices A (n, d), B (n, d) and AB (d, n, d).

    Raises:
        UsageError: If ``n`` is not a power of two.

    """
    from scipy.stats import qmc

    if n < 2 or n & (n - 1):
        raise UsageError(f"--samples {n}: allowed: a power of two (Sobol balance), e.g. 64, 128, 256")
    base = qmc.Sobol(2 * d, rng=stream(seed, 0, DESIGN, 10)).random(n)
    A, B = base[:, :d], base[:, d:]
    AB = np.repeat(A[None], d, axis=0)
    for i in range(d):
        AB[i, :, i] = B[:, i]
    return A, B, AB


def indices(f_A: np.ndarray, f_B: np.ndarray, f_AB: np.ndarray, seed: int = 0,
            resamples: int = BOOTSTRAP) -> dict[str, np.ndarray]:
    """First-order and total indices with 95% bootstrap intervals from model values.

    Args:
        f_A: (n,) values at A.
        f_B: (n,) values at B.
        f_AB: (d, n) values at each AB_i.
        seed: Seeds the bootstrap.
        resamples: Bootstrap resamples.

    Returns:
        ``S1``, ``ST`` (d,) and their ``_lo``/``_hi`` bounds.

    """
    from scipy.stats import sobol_indices

    n = len(f_A)

    def est(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = sobol_indices(func={"f_A": f_A[None, idx], "f_B": f_B[None, idx], "f_AB": f_AB[:, None, idx]}, n=n)
        return np.atleast_1d(r.first_order), np.atleast_1d(r.total_order)

    s1, st = est(np.arange(n))
    rng = stream(seed, 0, DESIGN, 11)
    boot = [est(rng.integers(0, n, n)) for _ in range(resamples)]
    q = [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2]
    b1 = np.quantile(np.array([b[0] for b in boot]), q, axis=0)
    bt = np.quantile(np.array([b[1] for b in boot]), q, axis=0)
    return {"S1": s1, "ST": st, "S1_lo": b1[0], "S1_hi": b1[1], "ST_lo": bt[0], "ST_hi": bt[1]}


def estimate(fn: Callable[[np.ndarray], np.ndarray], d: int, n: int, seed: int = 0,
             resamples: int = BOOTSTRAP) -> dict[str, np.ndarray]:
    """Sobol indices of any function of the unit cube, with the same sample and estimator.

    Args:
        fn: Maps points (N, d) in [0, 1]^d to values (N,).
        d: Number of factors.
        n: Base rows (a power of two).
        seed: Seeds the sample and the bootstrap.
        resamples: Bootstrap resamples.

    """
    A, B, AB = saltelli(d, n, seed)
    return indices(fn(A), fn(B), fn(AB.reshape(d * n, d)).reshape(d, n), seed, resamples)


def output_of(sc: Scenario, what: str) -> Callable[[Outcomes], float]:
    """Return the per-point output: an indicator's share, or ``utility:ACTOR``'s mean utility.

    Raises:
        UsageError: For an unknown indicator or actor.

    """
    if what.startswith("utility:"):
        actor = what.removeprefix("utility:")
        if actor not in sc.actors:
            raise UsageError(f"unknown actor '{actor}' in {what}; allowed: {', '.join(sc.actors)}")
        j = sc.actors.index(actor)
        return lambda out: float(out.payoff[:, j].mean())
    if what not in sc.outcomes:
        raise UsageError(f"unknown indicator '{what}'; allowed: {', '.join(sc.outcomes)} "
                         "(or utility:ACTOR for an actor's mean utility)")
    cond = sc.outcomes[what]
    return lambda out: float(cond.evaluate(out.terms, out.kind).mean())


def analyse(sc: Scenario, output: str, *, n: int = 64, replications: int = 100, seed: int | None = None,
            which: str = "all", protocol: str | None = None, executor: Any = None,
            progress: Progress | None = None, resamples: int = BOOTSTRAP) -> SensitivityResult:
    """Sobol indices of an indicator's probability (or a mean utility) for a scenario.

    Args:
        sc: The scenario.
        output: Indicator name, or ``utility:ACTOR``.
        n: Base rows (a power of two); the model runs at n (d + 2) points.
        replications: Replications per point (common random numbers).
        seed: Root seed (default ``run.seed``).
        which: Factors: ``all``, ``levers`` or ``uncertainties``.
        protocol: Defaults to the scenario's.
        executor: From :mod:`sim.ensemble.executors`.
        progress: Called with replications finished.
        resamples: Bootstrap resamples.

    """
    seed = sc.spec.run.seed if seed is None else seed
    fn = output_of(sc, output)
    factors = factors_of(sc, which)
    d = len(factors)
    A, B, AB = saltelli(d, n, seed)
    unit = np.concatenate([A, B, AB.reshape(d * n, d)])
    users = [f.user(unit[:, j]) for j, f in enumerate(factors)]
    internal = [f.internal(sc, users[j]) for j, f in enumerate(factors)]
    points = [{f.path: float(internal[j][k]) for j, f in enumerate(factors)} for k in range(len(unit))]
    y = np.empty(len(points))
    for k, out in evaluate(sc, points, replications=replications, seed=seed, protocol=protocol,
                           executor=executor, progress=progress):
        y[k] = fn(out)
    f_A, f_B, f_AB = y[:n], y[n:2 * n], y[2 * n:].reshape(d, n)
    ind = indices(f_A, f_B, f_AB, seed, resamples)
    rows = [{"factor": f.name, "kind": f.kind, "path": f.path,
             **{k: float(np.round(v[j], 10)) for k, v in ind.items()}} for j, f in enumerate(factors)]
    matrix = ["A"] * n + ["B"] * n + [f"AB:{f.name}" for f in factors for _ in range(n)]
    samples: dict[str, list[Any]] = {"matrix": matrix, "row": [k % n for k in range(len(points))]}
    for j, f in enumerate(factors):
        samples[f.name] = users[j]
    samples[output] = [float(np.round(v, 10)) for v in y]
    both = np.concatenate([f_A, f_B])
    return SensitivityResult(output, factors, rows, n, replications, seed, float(both.var()), float(both.mean()),
                             samples)
