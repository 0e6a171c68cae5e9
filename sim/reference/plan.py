"""What each party plans in ONE replication, solved backwards with plain loops (reference).

The same game as :mod:`sim.engine.planner`, written for one replication at a time so the rules
can be read off the code: loops over rounds, proposers and responders, numpy only across
the deal packages of one proposer. It exists so tests can check the batched planner
against an independent implementation; it is not used by runs.

For round ``t`` (from the deadline ``T`` back to ``t0``), with ``V(T + 1)`` the value of the
status quo (with ``timing:``, its per-period flow ``f``; without, its utility):

* waiting a round is worth ``c(t) = (1 - delta) f(t) + delta V(t + 1)``, where the flow
  ``f(t) = u(status quo, linked offers at round t's generosity) + inside bonus`` (0 without
  ``timing:``, so ``c = delta V(t + 1)``);
* each actor's unilateral moves: without declared actions, the walk-out to the breakdown
  terms (its outside option ``b(t)``: its value of the breakdown terms plus its bonus, or a
  fixed utility), the same at its turn and after a refusal and worth ``b`` to everyone;
  with actions, each of its actions allowed at its turn (after a refusal) is the lottery
  ``p (u(terms) + bonus) - cost + (1 - p) c(t)`` for every actor, and its best one (the
  first declared on a tie) is its move; ``b(t)`` is the value of its best move after a
  refusal (-inf: none);
* a responder's reservation value is ``r(t) = max(b(t), c(t))``;
* each proposer tries every discrete package: on its concession path it concedes the least
  ``tau`` that gives every responder ``r + margin`` and keeps every red line, and takes the
  package best for itself; it proposes if that is worth at least its best move at its turn
  and waiting, else makes that move if it beats waiting, else passes;
* ``V(t)`` is the recognition-weighted value of the round, counting refusals under noise
  (a refusal leads to the move of the refuser who gains most by moving, if any, else to
  waiting).

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
NO_MOVE = -1  # an actor without a unilateral move (scenarios with declared actions)
IMPLICIT_WALK = -2  # the walk-out of scenarios that declare no actions


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
    inside_bonus: np.ndarray  # (A,)
    act_success: np.ndarray  # (K,) declared actions
    act_cost: np.ndarray  # (K, A)
    generosity: np.ndarray  # (L,)
    escalation: np.ndarray  # (L,)
    cap: np.ndarray  # (L,)
    floor: np.ndarray  # (L,)
    credibility: np.ndarray  # (L,) chance each offer is honoured (valued at its expectation)
    budget: np.ndarray  # (A,) not read: the reference plays tabled offers
    status_quo: np.ndarray  # (I,)
    breakdown: np.ndarray  # (I,)
    noise: float
    margin: float
    event_prob: np.ndarray  # (E,)
    scale: np.ndarray | None = None  # (A, I) money shapes: loss in reference amounts per unit of the 0-1 scale
    power: np.ndarray | None = None  # (A, I) concave shapes: power of the closeness


@dataclass
class RowPlan:
    """The plan of one replication, indexed by round like :class:`sim.engine.planner.Plan`."""

    value: np.ndarray  # (T + 2, A)
    reservation: np.ndarray  # (T + 1, A)
    walk_value: np.ndarray  # (T + 1, A) best move after a refusal (-inf: none)
    continuation: np.ndarray  # (T + 1, A) waiting a round: (1 - delta) f + delta V(t + 1)
    turn_value: np.ndarray  # (T + 1, A) best move at its own turn (-inf: none)
    act_turn: np.ndarray  # (T + 1, A) which move (action index; NO_MOVE; IMPLICIT_WALK)
    act_refusal: np.ndarray  # (T + 1, A)
    conseq_refusal: np.ndarray  # (T + 1, A, A) everyone's value (last axis) of that actor's move after a refusal
    action: np.ndarray  # (T + 1, P)
    offer_value: np.ndarray  # (T + 1, P) proposer's own utility of its planned offer (-inf: none)
    package: np.ndarray  # (T + 1, P)
    tau: np.ndarray  # (T + 1, P)
    target: np.ndarray  # (P, Ic) where each proposer's path ends
    start: np.ndarray  # (P, Ic) where on [0, 1] each issue starts moving
    length: np.ndarray  # (P, Ic) and for how long
    alloc: np.ndarray | None = None  # (T + 1, P, B) with budgets: each proposer's allocation


# --- utilities, linkage, outside options -------------------------------------------------

def value_of(x: np.ndarray, ideal: np.ndarray, shape: float, scale: np.ndarray | None = None,
             power: np.ndarray | None = None) -> np.ndarray:
    """Per-issue value ``1 - |x - ideal| ** shape`` (shape 1 or 2), or a declared shape's.

    Money: the loss counted in reference amounts, ``1 - scale * loss``. Concave: the
    closeness ``1 - loss`` raised to ``power`` (written through log1p here, not as a power).
    """
    d = np.abs(x - ideal)
    loss = d * d if shape == 2.0 else d
    if scale is None and power is None:
        return 1.0 - loss
    money = 1.0 - (loss if scale is None else loss * scale)
    if power is None:
        return money
    with np.errstate(divide="ignore"):
        closeness = np.exp(power * np.log1p(-np.minimum(loss, 1.0)))
    return np.where(power != 1.0, closeness, money)


def shape_of(p: Row, a: int, cols: list[int] | slice) -> dict[str, np.ndarray | None]:
    """Actor ``a``'s declared shapes on issues ``cols`` (keywords of :func:`value_of`)."""
    return {"scale": None if p.scale is None else p.scale[a, cols],
            "power": None if p.power is None else p.power[a, cols]}


def utility(p: Row, a: int, terms: np.ndarray) -> float:
    """Actor ``a``'s utility of full terms (I,)."""
    return float(p.salience[a] @ value_of(terms, p.ideal[a], p.shape[a], **shape_of(p, a, slice(None))))


def utilities(p: Row, terms: np.ndarray) -> np.ndarray:
    """Every actor's utility (A,) of full terms (I,)."""
    if p.scale is not None or p.power is not None:
        return np.array([utility(p, a, terms) for a in range(len(p.shape))])
    d = np.abs(terms[None, :] - p.ideal)
    return (p.salience * (1.0 - np.where(p.shape[:, None] == 2.0, d * d, d))).sum(axis=1)


def generosity_after(p: Row, rounds_ahead: int) -> np.ndarray:
    """Influencers' generosity ``rounds_ahead`` rounds from now (grows by escalation, capped)."""
    return np.clip(p.generosity + p.escalation * rounds_ahead, 0.0, p.cap)


_LINKED: dict[bytes, np.ndarray] = {}
_PACKAGES: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}


def with_linked(sc: Scenario, p: Row, terms: np.ndarray, gen: np.ndarray) -> np.ndarray:
    """Terms (..., I) with every linked issue set to its influencer's offer at generosity ``gen``.

    Remembered by its inputs (a replication's worlds and re-plans ask for the same terms at
    the same generosity again and again); the memo changes no number, only the time.
    """
    terms = np.asarray(terms, dtype=float)
    key = b"".join((id(sc).to_bytes(8, "little"), terms.tobytes(), str(terms.shape).encode(),
                    np.asarray(gen, dtype=float).tobytes(), p.floor.tobytes(),
                    p.credibility.tobytes()))
    hit = _LINKED.get(key)
    if hit is None:
        if len(_LINKED) > 4096:
            _LINKED.clear()
        hit = _LINKED[key] = _with_linked(sc, p, terms, gen)
    return hit.copy()


def _with_linked(sc: Scenario, p: Row, terms: np.ndarray, gen: np.ndarray) -> np.ndarray:
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
        given = sc.space.issues[rule.issue].snap(np.clip(offer, 0.0, 1.0))
        q, sq = p.credibility[l], p.status_quo[rule.issue]
        out[..., rule.issue] = given if q >= 1.0 else sq + q * (given - sq)  # honoured with chance q
    return out


def outside_options(sc: Scenario, p: Row, gen: np.ndarray) -> np.ndarray:
    """Return each actor's value of breakdown (A,) at generosity ``gen``."""
    terms = with_linked(sc, p, p.breakdown, gen)
    return np.array([p.oo_utility[a] if p.oo_fixed[a] else utility(p, a, terms) + p.oo_bonus[a]
                     for a in range(len(sc.actors))])


def flow(sc: Scenario, p: Row, gen: np.ndarray) -> np.ndarray | None:
    """Each actor's per-period payoff (A,) while no deal is signed; None without timing flows."""
    if sc.timing is None or not sc.timing.flows:
        return None
    return utilities(p, with_linked(sc, p, p.status_quo, gen)) + p.inside_bonus


@dataclass
class Moves:
    """Each actor's best unilateral move in one round (see :class:`RowPlan` for the fields)."""

    turn_value: np.ndarray  # (A,)
    refusal_value: np.ndarray  # (A,)
    turn_choice: np.ndarray  # (A,)
    refusal_choice: np.ndarray  # (A,)
    turn_conseq: np.ndarray  # (A, A)
    refusal_conseq: np.ndarray  # (A, A)


def action_terms(sc: Scenario, p: Row, k: int, gen: np.ndarray) -> np.ndarray:
    """Terms in force after action ``k`` succeeds: the status quo with its issues set, linkage filled in."""
    rule = sc.actions[k]
    terms = p.status_quo.copy()
    for issue, value in zip(rule.issues, rule.values, strict=True):
        terms[issue] = value
    return with_linked(sc, p, terms, gen)


def moves(sc: Scenario, p: Row, gen: np.ndarray, wait: np.ndarray) -> Moves:
    """Every actor's best move at its turn and after a refusal, when waiting is worth ``wait`` (A,)."""
    A = len(sc.actors)
    if not sc.actions:  # the implicit walk-out: free, always there, worth b to everyone
        b = outside_options(sc, p, gen)
        choice = np.full(A, IMPLICIT_WALK)
        conseq = np.array([b for _ in range(A)])
        return Moves(b, b.copy(), choice, choice.copy(), conseq, conseq.copy())
    out = Moves(np.full(A, -np.inf), np.full(A, -np.inf), np.full(A, NO_MOVE), np.full(A, NO_MOVE),
                np.array([wait for _ in range(A)]), np.array([wait for _ in range(A)]))
    for k, rule in enumerate(sc.actions):
        a, chance = rule.actor, p.act_success[k]
        end = utilities(p, action_terms(sc, p, k, gen)) + p.oo_bonus
        lottery = chance * end + (1.0 - chance) * wait - p.act_cost[k]
        if "turn" in rule.when and lottery[a] > out.turn_value[a]:  # a tie keeps the first declared
            out.turn_value[a], out.turn_choice[a], out.turn_conseq[a] = lottery[a], k, lottery
        if "refusal" in rule.when and lottery[a] > out.refusal_value[a]:
            out.refusal_value[a], out.refusal_choice[a], out.refusal_conseq[a] = lottery[a], k, lottery
    return out


# --- the concession path on continuous issues ---------------------------------------------

def concession_path(sc: Scenario, p: Row, proposer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a proposer's path ends, and the segment of [0, 1] over which each issue moves.

    The path ends at the other signatories' salience-weighted mean ideal. Issues are
    conceded one after another, those where responders gain most per unit of the
    proposer's own loss first; an issue's segment is its share of the proposer's total loss.
    """
    ic = [] if sc.budgets else list(sc.space.deal_cont)  # budgets divide them instead
    others = [q for q in sc.signatories if q != proposer]
    own = p.ideal[proposer, ic]
    w = p.salience[others][:, ic]
    wsum = w.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(wsum > 0, (w * p.ideal[others][:, ic]).sum(axis=0) / wsum, own)
    d = np.abs(target - own)
    cost = p.salience[proposer, ic] * (d * d if p.shape[proposer] == 2.0 else d)
    if p.scale is not None or p.power is not None:  # the proposer's own loss under its declared shapes
        cost = p.salience[proposer, ic] * (1.0 - value_of(target, own, p.shape[proposer], **shape_of(p, proposer, ic)))
    gain = np.zeros(len(ic))
    for q in others:
        gain += p.salience[q, ic] * (value_of(target, p.ideal[q, ic], p.shape[q], **shape_of(p, q, ic))
                                     - value_of(own, p.ideal[q, ic], p.shape[q], **shape_of(p, q, ic)))
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
    ic = [] if sc.budgets else list(sc.space.deal_cont)
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
    # with budgets every continuous deal issue is divided by a budget, not conceded on a path
    ic, id_ = ([] if sc.budgets else list(sc.space.deal_cont)), list(sc.space.deal_disc)
    shared = [i for b in sc.budgets for i in b.issues]
    grid = np.linspace(0.0, 1.0, GRID)
    plan = RowPlan(value=np.zeros((T + 2, A)), reservation=np.zeros((T + 1, A)), walk_value=np.zeros((T + 1, A)),
                   continuation=np.zeros((T + 1, A)), turn_value=np.zeros((T + 1, A)),
                   act_turn=np.full((T + 1, A), NO_MOVE), act_refusal=np.full((T + 1, A), NO_MOVE),
                   conseq_refusal=np.zeros((T + 1, A, A)),
                   action=np.full((T + 1, P), PASS, dtype=np.int8), offer_value=np.full((T + 1, P), -np.inf),
                   package=np.zeros((T + 1, P), dtype=np.int64),
                   tau=np.zeros((T + 1, P)), target=np.zeros((P, len(ic))), start=np.zeros((P, len(ic))),
                   length=np.zeros((P, len(ic))),
                   alloc=np.zeros((T + 1, P, len(shared))) if sc.budgets else None)

    # Each proposer's path, every actor's utility along it, and the red-line bounds on tau.
    along = np.zeros((P, A, GRID))
    bounds = []
    for s, prop in enumerate(sig):
        target, start, length = concession_path(sc, p, prop)
        plan.target[s], plan.start[s], plan.length[s] = target, start, length
        own = p.ideal[prop, ic]
        points = own + moved(grid, start, length) * (target - own)  # (G, Ic)
        for a in range(A):
            along[s, a] = value_of(points, p.ideal[a, ic], p.shape[a], **shape_of(p, a, ic)) @ p.salience[a, ic]
        bounds.append(tau_interval(sc, own, target, start, length))

    # Every discrete package as full terms (continuous deal issues filled in later).
    K = len(sc.space.packages)
    package_terms = np.zeros((K, len(sc.space.issues)))
    package_terms[:, id_] = sc.space.packages
    linked = [rule.issue for rule in sc.linkage]
    checked_here = [i for i in range(len(sc.space.issues)) if i not in ic and i not in shared]

    def packages(gen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (A, K) utility of each package without the continuous issues, and red lines kept.

        Remembered by what it reads (a replication's worlds share it unless a private
        parameter is an ideal or a salience); read-only.
        """
        key = b"".join((id(sc).to_bytes(8, "little"), np.asarray(gen, dtype=float).tobytes(), p.floor.tobytes(),
                        p.credibility.tobytes(),
                        p.ideal.tobytes(), p.salience.tobytes(), p.shape.tobytes()))
        if key not in _PACKAGES:
            if len(_PACKAGES) > 512:
                _PACKAGES.clear()
            _PACKAGES[key] = package_values(gen)
        return _PACKAGES[key]

    def package_values(gen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        terms = with_linked(sc, p, package_terms, gen)
        worth = np.zeros((A, K))
        keeps = np.ones((A, K), dtype=bool)
        kinds = np.zeros(K, dtype=int)
        for a in range(A):
            cols = id_ + linked
            shapes = shape_of(p, a, cols)
            worth[a] = value_of(terms[:, cols], p.ideal[a, cols], p.shape[a], **shapes) @ p.salience[a, cols]
            for c in sc.red_lines[a]:
                if c.issue in checked_here or c.issue < 0:
                    keeps[a] &= c.evaluate(terms, kinds)
        return worth, keeps

    # After the horizon the standing terms last: their flow forever (timing), else their utility.
    last = generosity_after(p, T - t0)
    end = flow(sc, p, last)
    if end is None:
        status_quo = with_linked(sc, p, p.status_quo, last)
        end = np.array([utility(p, a, status_quo) for a in range(A)])
    plan.value[T + 1] = end
    for t in range(T, t0 - 1, -1):
        gen = generosity_after(p, t - t0)
        worth, keeps = packages(gen)
        f = flow(sc, p, gen)
        wait = p.patience * plan.value[t + 1] if f is None else (1 - p.patience) * f + p.patience * plan.value[t + 1]
        mv = moves(sc, p, gen, wait)
        b = mv.refusal_value
        reserve = np.maximum(b, wait)
        plan.reservation[t], plan.walk_value[t], plan.continuation[t] = reserve, b, wait
        plan.turn_value[t], plan.act_turn[t], plan.act_refusal[t] = mv.turn_value, mv.turn_choice, mv.refusal_choice
        plan.conseq_refusal[t] = mv.refusal_conseq
        if sc.spec.protocol.recognition == "rotation":
            chance = np.zeros(P)
            chance[(t - 1) % P] = 1.0
        else:
            chance = p.capability[sig] / p.capability[sig].sum()
        for s, prop in enumerate(sig):
            if chance[s] == 0:
                continue
            responders = [q for q in sig if q != prop]
            if sc.budgets:
                k, best, offer, z = divide(sc, p, prop, responders, reserve + p.margin, worth, keeps)
                plan.alloc[t, s] = z
                propose, walk, value = _round_value(p, mv, prop, responders, best, offer, reserve, wait)
                plan.value[t] += chance[s] * value
                plan.action[t, s] = PROPOSE if propose else (WALK if walk else PASS)
                plan.package[t, s], plan.tau[t, s], plan.offer_value[t, s] = k, 0.0, best
                continue
            # the least concession that satisfies each responder, for every package
            tau = np.full(K, bounds[s][0])
            for j in responders:
                need = np.where(keeps[j], reserve[j] + p.margin - worth[j], np.inf)
                tau = np.maximum(tau, least_tau(np.maximum.accumulate(along[s, j]), need, grid))
            ok = (tau <= bounds[s][1] + 1e-12) & keeps[prop] & np.isfinite(tau)
            tau = np.clip(np.where(ok, tau, 0.0), 0.0, 1.0)
            mine = np.where(ok, worth[prop] + read_grid(along[s, prop], tau), -np.inf)
            k = int(mine.argmax())
            offer = worth[:, k] + read_grid(along[s], tau[k])  # (A,) as planned
            propose, walk, value = _round_value(p, mv, prop, responders, mine[k], offer, reserve, wait)
            plan.value[t] += chance[s] * value
            plan.action[t, s] = PROPOSE if propose else (WALK if walk else PASS)
            plan.package[t, s], plan.tau[t, s], plan.offer_value[t, s] = k, tau[k], mine[k]
    return plan


# --- budgets: dividing one sum (every responder paid; the reference has no vote quota) ------

def own_division(b, p: Row, a: int) -> np.ndarray:
    """Actor ``a``'s favourite allocation of budget ``b``: best value per unit first, to its ideal."""
    issues = list(b.issues)
    per_unit = [p.salience[a, i] / b.width[m] for m, i in enumerate(issues)]
    z = [0.0] * len(issues)
    money = b.room
    for m in sorted(range(len(issues)), key=lambda m: -per_unit[m]):  # to its ideal, most wanted first
        put = max(0.0, min((p.ideal[a, issues[m]] - z[m]) * b.width[m], money))
        z[m] += put / b.width[m]
        money -= put
    for m in sorted(range(len(issues)), key=lambda m: per_unit[m]):  # the rest where it hurts least
        put = max(0.0, min((1.0 - z[m]) * b.width[m], money))
        z[m] += put / b.width[m]
        money -= put
    return np.array(z)


def per_unit_change(p: Row, a: int, issue: int, z: float, width: float, adding: bool) -> float:
    """Actor ``a``'s utility change per unit of money added to (or taken from) ``issue`` at ``z``."""
    s, y = p.salience[a, issue], p.ideal[a, issue]
    if p.shape[a] != 1.0:
        slope = 2.0 * s * (y - z) / width
        return slope if adding else -slope
    if adding:
        return (s if z < y else -s) / width
    return (-s if z <= y else s) / width


def divide(sc: Scenario, p: Row, prop: int, responders: list[int], need_total: np.ndarray, worth: np.ndarray,
           keeps: np.ndarray) -> tuple[int, float, np.ndarray, np.ndarray]:
    """The proposer's best package and allocation; (k, its own value, everyone's value, allocation)."""
    A, K = worth.shape
    shared = [i for b in sc.budgets for i in b.issues]
    z0 = np.concatenate([own_division(b, p, prop) for b in sc.budgets])
    # how each responder is paid: from the proposer's cheapest source to its own best sink
    route = {}
    for j in responders:
        col, best = 0, None
        for b in sc.budgets:
            issues = list(b.issues)
            zb = z0[col:col + len(issues)]
            src = None
            for m in range(len(issues)):
                if zb[m] > 1e-12:
                    loss = per_unit_change(p, prop, issues[m], zb[m], b.width[m], adding=False)
                    if src is None or loss > src[1]:
                        src = (m, loss)
            if src is not None:
                sink = None
                for m in range(len(issues)):
                    if m == src[0] or zb[m] >= 1.0 - 1e-12:
                        continue
                    g = (per_unit_change(p, j, issues[m], zb[m], b.width[m], adding=True)
                         + per_unit_change(p, j, issues[src[0]], zb[src[0]], b.width[src[0]], adding=False))
                    if sink is None or g > sink[1]:
                        sink = (m, g)
                if sink is not None and sink[1] > 0:
                    cost = -(src[1] + per_unit_change(p, prop, issues[sink[0]], zb[sink[0]], b.width[sink[0]],
                                                      adding=True))
                    per_util = cost / sink[1]
                    if best is None or per_util < best[0]:
                        best = (per_util, sink[1], col + sink[0], b.width[sink[0]], col + src[0], b.width[src[0]])
            col += len(issues)
        route[j] = best

    def budget_value(a: int, z: np.ndarray) -> float:
        return float(value_of(z, p.ideal[a, shared], p.shape[a]) @ p.salience[a, shared])

    mine, allocs = np.full(K, -np.inf), np.zeros((K, len(shared)))
    for k in range(K):
        z = z0.copy()
        fine = bool(keeps[prop, k])
        for j in responders:
            short = need_total[j] - worth[j, k] - budget_value(j, z0)
            fine &= bool(keeps[j, k])
            if short > 0:
                if route[j] is None:
                    fine = False
                    continue
                _, rate, sink, w_sink, src, w_src = route[j]
                money = short / rate
                z[sink] += money / w_sink
                z[src] -= money / w_src
        fine &= bool(np.all(z >= -1e-12) and np.all(z <= 1.0 + 1e-12))
        z = np.clip(z, 0.0, 1.0)
        for j in responders:
            fine &= worth[j, k] + budget_value(j, z) >= need_total[j] - 1e-9
        for a in sc.signatories:
            for c in sc.red_lines[a]:
                if c.issue in shared:
                    fine &= bool(compare(np.array(z[shared.index(c.issue)]), c.op, c.value))
        allocs[k] = z
        if fine:
            mine[k] = worth[prop, k] + budget_value(prop, z)
    k = int(mine.argmax())
    offer = np.array([worth[a, k] + budget_value(a, allocs[k]) for a in range(A)])
    return k, float(mine[k]), offer, allocs[k]


def _round_value(p: Row, mv: Moves, prop: int, responders: list[int], best: float, offer: np.ndarray,
                 reserve: np.ndarray, wait: np.ndarray) -> tuple[bool, bool, np.ndarray]:
    """Whether the proposer offers or moves, and every actor's value of its turn.

    It offers if its best offer is worth its best move now or waiting; otherwise it moves if
    that beats waiting. An offer is accepted by each responder with logit chance (certain
    without noise); after a refusal the refuser who gains most by moving moves (the first on
    a tie), else everyone waits.
    """
    alternative = max(mv.turn_value[prop], wait[prop])
    propose = bool(np.isfinite(best) and best >= alternative - 1e-12)
    walk = not propose and mv.turn_value[prop] > wait[prop]
    accept = 1.0
    for j in responders:
        if p.noise > 0:
            accept *= 0.5 * (1.0 + np.tanh(0.5 * (offer[j] - reserve[j]) / p.noise))
    gains = [mv.refusal_value[j] - wait[j] for j in responders]
    after = mv.refusal_conseq[responders[int(np.argmax(gains))]] if max(gains) > 0 else wait
    if propose:
        return propose, walk, accept * offer + (1 - accept) * after
    return propose, walk, (mv.turn_conseq[prop] if walk else wait)
