"""What each party plans in ONE replication, solved backwards with plain loops (reference).

The same game as :mod:`sim.engine.planner`, written for one replication at a time so the rules
can be read off the code: loops over rounds, proposers and responders, numpy only across
the deal packages of one proposer. It exists so tests can check the batched planner
against an independent implementation; it is not used by runs.

For round ``t`` (from the deadline ``T`` back to ``t0``), with ``V(T + 1)`` the value of the
status quo:

* each actor's outside option ``b(t)`` is its value of the breakdown terms (influencers'
  offers at their generosity of round ``t``) plus its bonus, or a fixed utility;
* a responder's reservation value is ``r(t) = max(b(t), delta V(t + 1))``;
* each proposer tries every discrete package: on its concession path it concedes the least
  ``tau`` that gives every responder ``r + margin`` and keeps every red line, and takes the
  package best for itself; it proposes if that is worth ``max(b, delta V(t + 1))`` to it,
  else walks out if its outside option beats waiting, else passes;
* ``V(t)`` is the recognition-weighted value of the round, counting refusals under noise.

Two numerical choices are the model's, not shortcuts, and are copied from the planner:
utilities along a concession path are read on a grid of :data:`sim.engine.planner.GRID` points
(linear interpolation, running maximum for the inversion), and tolerances of 1e-12 on tau.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.planner import GRID, PASS, PROPOSE, WALK
from sim.scenario.conditions import compare
from sim.scenario.load import Scenario

NEVER = 2.0  # a lower bound on tau that no offer reaches


@dataclass
class Row:
    """One replication's parameters (see :class:`sim.engine.state.State` for the meaning of each)."""

    ideal: np.ndarray  # (A, I)
    salience: np.ndarray  # (A, I)
    shape: np.ndarray  # (A,)
    capability: np.ndarray  # (A,)
    patience: np.ndarray  # (A,)
    oo_fixed: np.ndarray  # (A,)
    oo_utility: np.ndarray  # (A,)
    oo_bonus: np.ndarray  # (A,)
    generosity: np.ndarray  # (L,)
    escalation: np.ndarray  # (L,)
    cap: np.ndarray  # (L,)
    floor: np.ndarray  # (L,)
    status_quo: np.ndarray  # (I,)
    breakdown: np.ndarray  # (I,)
    noise: float
    margin: float
    event_prob: np.ndarray  # (E,)


@dataclass
class RowPlan:
    """The plan of one replication, indexed by round like :class:`sim.engine.planner.Plan`."""

    value: np.ndarray  # (T + 2, A)
    reservation: np.ndarray  # (T + 1, A)
    walk_value: np.ndarray  # (T + 1, A)
    action: np.ndarray  # (T + 1, P)
    package: np.ndarray  # (T + 1, P)
    tau: np.ndarray  # (T + 1, P)
    target: np.ndarray  # (P, Ic) where each proposer's path ends
    start: np.ndarray  # (P, Ic) where on [0, 1] each issue starts moving
    length: np.ndarray  # (P, Ic) and for how long


# --- utilities, linkage, outside options -------------------------------------------------

def value_of(x: np.ndarray, ideal: np.ndarray, shape: float) -> np.ndarray:
    """Per-issue value ``1 - |x - ideal| ** shape`` (shape 1 or 2)."""
    d = np.abs(x - ideal)
    return 1.0 - (d * d if shape == 2.0 else d)


def utility(p: Row, a: int, terms: np.ndarray) -> float:
    """Actor ``a``'s utility of full terms (I,)."""
    return float(p.salience[a] @ value_of(terms, p.ideal[a], p.shape[a]))


def generosity_after(p: Row, rounds_ahead: int) -> np.ndarray:
    """Influencers' generosity ``rounds_ahead`` rounds from now (grows by escalation, capped)."""
    return np.clip(p.generosity + p.escalation * rounds_ahead, 0.0, p.cap)


def with_linked(sc: Scenario, p: Row, terms: np.ndarray, gen: np.ndarray) -> np.ndarray:
    """Terms (..., I) with every linked issue set to its influencer's offer at generosity ``gen``."""
    out = np.array(terms, dtype=float, copy=True)
    for l, rule in enumerate(sc.linkage):
        x = out[..., list(rule.depends_on)]
        if rule.combine == "max":
            comb = x.max(axis=-1)
        elif rule.combine == "min":
            comb = x.min(axis=-1)
        else:
            comb = x.mean(axis=-1)
        offer = np.maximum(p.floor[l], gen[l] * np.interp(comb, rule.xs, rule.ys))
        out[..., rule.issue] = sc.space.issues[rule.issue].snap(np.clip(offer, 0.0, 1.0))
    return out


def outside_options(sc: Scenario, p: Row, gen: np.ndarray) -> np.ndarray:
    """Return each actor's value of breakdown (A,) at generosity ``gen``."""
    terms = with_linked(sc, p, p.breakdown, gen)
    return np.array([p.oo_utility[a] if p.oo_fixed[a] else utility(p, a, terms) + p.oo_bonus[a]
                     for a in range(len(sc.actors))])


# --- the concession path on continuous issues ---------------------------------------------

def concession_path(sc: Scenario, p: Row, proposer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a proposer's path ends, and the segment of [0, 1] over which each issue moves.

    The path ends at the other signatories' salience-weighted mean ideal. Issues are
    conceded one after another, those where responders gain most per unit of the
    proposer's own loss first; an issue's segment is its share of the proposer's total loss.
    """
    ic = list(sc.space.deal_cont)
    others = [q for q in sc.signatories if q != proposer]
    own = p.ideal[proposer, ic]
    w = p.salience[others][:, ic]
    wsum = w.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(wsum > 0, (w * p.ideal[others][:, ic]).sum(axis=0) / wsum, own)
    d = np.abs(target - own)
    cost = p.salience[proposer, ic] * (d * d if p.shape[proposer] == 2.0 else d)
    gain = np.zeros(len(ic))
    for q in others:
        gain += p.salience[q, ic] * (value_of(target, p.ideal[q, ic], p.shape[q])
                                     - value_of(own, p.ideal[q, ic], p.shape[q]))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / cost, np.inf)
    total = cost.sum()
    length = cost / total if total > 0 else np.zeros(len(ic))
    start = np.zeros(len(ic))
    at = 0.0
    for i in np.argsort(-ratio, kind="stable"):
        start[i] = at
        at += length[i]
    return target, start, length


def moved(tau: float | np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Share of the way each issue has moved at concession ``tau`` (free issues move at once)."""
    tau = np.asarray(tau, dtype=float)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.clip((tau - start) / np.where(length > 0, length, 1.0), 0.0, 1.0)
    return np.where(length > 0, f, 1.0)


def tau_interval(sc: Scenario, own: np.ndarray, target: np.ndarray, start: np.ndarray,
                 length: np.ndarray) -> tuple[float, float]:
    """Return the concessions ``[lo, hi]`` that keep every signatory's red lines on continuous issues.

    Issue ``i`` sits at ``own + f (target - own)``, ``f`` rising from 0 to 1 over its segment,
    so a one-sided red line holds on one side of ``f* = (value - own) / (target - own)``.
    """
    ic = list(sc.space.deal_cont)
    lo, hi = 0.0, 1.0
    for a in sc.signatories:
        for c in sc.red_lines[a]:
            if c.issue not in ic:
                continue
            j = ic.index(c.issue)
            x0, d, s, ln = own[j], target[j] - own[j], start[j], length[j]
            if d == 0:  # the issue never moves: the line holds throughout or never
                if not compare(np.array(x0), c.op, c.value):
                    lo = NEVER
                continue
            fstar = (c.value - x0) / d
            at_fstar = s + min(max(fstar, 0.0), 1.0) * ln
            if c.op == "!=":
                continue
            if c.op == "==":
                if ln <= 0:
                    lo = lo if abs(target[j] - c.value) <= 1e-9 else NEVER
                elif -1e-12 <= fstar <= 1 + 1e-12:
                    lo, hi = max(lo, at_fstar), min(hi, at_fstar)
                else:
                    lo = NEVER
                continue
            need_more = (d > 0) == (c.op in (">=", ">"))  # the line wants f at least f*
            if ln <= 0:  # moved all the way from tau = 0
                holds = fstar <= 1.0 + 1e-12 if need_more else fstar >= 1.0 - 1e-12
                lo = lo if holds else NEVER
            elif need_more:
                lo = NEVER if fstar > 1 + 1e-12 else max(lo, 0.0 if fstar <= 0 else at_fstar)
            else:
                hi = -1.0 if fstar < -1e-12 else min(hi, 1.0 if fstar >= 1 else at_fstar)
    return lo, hi


# --- reading utilities on the grid ---------------------------------------------------------

def least_tau(running_max: np.ndarray, need: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Smallest tau whose (running-max) utility reaches ``need``, per package (inf: none).

    Linear interpolation between the grid points around the first one at or above ``need``.
    """
    G = len(grid)
    reachable = np.isfinite(need) & (need <= 3.0)
    q = np.where(reachable, np.maximum(need, -5.0), 5.0)
    i = np.searchsorted(running_max, q, side="left")  # first grid point at or above the need
    above = np.clip(i, 1, G - 1)
    y0, y1 = running_max[above - 1], running_max[above]
    rising = y1 > y0
    w = np.where(rising, (q - y0) / np.where(rising, y1 - y0, 1.0), 1.0)
    tau = np.where(i == 0, 0.0, grid[above - 1] + np.clip(w, 0.0, 1.0) * (grid[1] - grid[0]))
    return np.where(reachable & (i < G), tau, np.inf)


def read_grid(values: np.ndarray, tau: np.ndarray | float) -> np.ndarray:
    """Values on the tau grid (..., G) read at ``tau`` by linear interpolation."""
    G = values.shape[-1]
    pos = np.clip(np.asarray(tau, dtype=float), 0.0, 1.0) * (G - 1)
    i0 = np.minimum(pos.astype(np.int64), G - 2)
    w = pos - i0
    return values[..., i0] * (1 - w) + values[..., i0 + 1] * w


# --- backward induction ----------------------------------------------------------------------

def plan_game(sc: Scenario, p: Row, t0: int = 1) -> RowPlan:
    """Solve rounds ``t0..T`` backwards for one replication (generosity in ``p`` is round ``t0``'s)."""
    T, A = sc.spec.protocol.rounds, len(sc.actors)
    sig = list(sc.signatories)
    P = len(sig)
    ic, id_ = list(sc.space.deal_cont), list(sc.space.deal_disc)
    grid = np.linspace(0.0, 1.0, GRID)
    plan = RowPlan(value=np.zeros((T + 2, A)), reservation=np.zeros((T + 1, A)), walk_value=np.zeros((T + 1, A)),
                   action=np.full((T + 1, P), PASS, dtype=np.int8), package=np.zeros((T + 1, P), dtype=np.int64),
                   tau=np.zeros((T + 1, P)), target=np.zeros((P, len(ic))), start=np.zeros((P, len(ic))),
                   length=np.zeros((P, len(ic))))

    # Each proposer's path, every actor's utility along it, and the red-line bounds on tau.
    along = np.zeros((P, A, GRID))
    bounds = []
    for s, prop in enumerate(sig):
        target, start, length = concession_path(sc, p, prop)
        plan.target[s], plan.start[s], plan.length[s] = target, start, length
        own = p.ideal[prop, ic]
        points = own + moved(grid, start, length) * (target - own)  # (G, Ic)
        for a in range(A):
            along[s, a] = value_of(points, p.ideal[a, ic], p.shape[a]) @ p.salience[a, ic]
        bounds.append(tau_interval(sc, own, target, start, length))

    # Every discrete package as full terms (continuous deal issues filled in later).
    K = len(sc.space.packages)
    package_terms = np.zeros((K, len(sc.space.issues)))
    package_terms[:, id_] = sc.space.packages
    linked = [rule.issue for rule in sc.linkage]
    checked_here = [i for i in range(len(sc.space.issues)) if i not in ic]

    def packages(gen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (A, K) utility of each package without the continuous issues, and red lines kept."""
        terms = with_linked(sc, p, package_terms, gen)
        worth = np.zeros((A, K))
        keeps = np.ones((A, K), dtype=bool)
        kinds = np.zeros(K, dtype=int)
        for a in range(A):
            cols = id_ + linked
            worth[a] = value_of(terms[:, cols], p.ideal[a, cols], p.shape[a]) @ p.salience[a, cols]
            for c in sc.red_lines[a]:
                if c.issue in checked_here or c.issue < 0:
                    keeps[a] &= c.evaluate(terms, kinds)
        return worth, keeps

    status_quo = with_linked(sc, p, p.status_quo, generosity_after(p, T - t0))
    plan.value[T + 1] = [utility(p, a, status_quo) for a in range(A)]
    for t in range(T, t0 - 1, -1):
        gen = generosity_after(p, t - t0)
        b = outside_options(sc, p, gen)
        worth, keeps = packages(gen)
        wait = p.patience * plan.value[t + 1]
        reserve = np.maximum(b, wait)
        plan.reservation[t], plan.walk_value[t] = reserve, b
        if sc.spec.protocol.recognition == "rotation":
            chance = np.zeros(P)
            chance[(t - 1) % P] = 1.0
        else:
            chance = p.capability[sig] / p.capability[sig].sum()
        for s, prop in enumerate(sig):
            if chance[s] == 0:
                continue
            responders = [q for q in sig if q != prop]
            # the least concession that satisfies each responder, for every package
            tau = np.full(K, bounds[s][0])
            for j in responders:
                need = np.where(keeps[j], reserve[j] + p.margin - worth[j], np.inf)
                tau = np.maximum(tau, least_tau(np.maximum.accumulate(along[s, j]), need, grid))
            ok = (tau <= bounds[s][1] + 1e-12) & keeps[prop] & np.isfinite(tau)
            tau = np.clip(np.where(ok, tau, 0.0), 0.0, 1.0)
            mine = np.where(ok, worth[prop] + read_grid(along[s, prop], tau), -np.inf)
            k = int(mine.argmax())
            propose = np.isfinite(mine[k]) and mine[k] >= reserve[prop] - 1e-12
            walk = not propose and b[prop] > wait[prop]
            offer = worth[:, k] + read_grid(along[s], tau[k])  # (A,) as planned
            accept = 1.0
            for j in responders:
                if p.noise > 0:
                    accept *= 0.5 * (1.0 + np.tanh(0.5 * (offer[j] - reserve[j]) / p.noise))
            someone_walks = any(b[j] > wait[j] for j in responders)
            if propose:
                value = accept * offer + (1 - accept) * (b if someone_walks else wait)
            else:
                value = b if walk else wait
            plan.value[t] += chance[s] * value
            plan.action[t, s] = PROPOSE if propose else (WALK if walk else PASS)
            plan.package[t, s], plan.tau[t, s] = k, tau[k]
    return plan
