"""Backward induction for multilateral alternating offers with outside options.

Each round ``t`` a proposer ``p`` offers a package; every other signatory ``j`` accepts iff
the package is worth at least its reservation value

    r_j(t) = max(b_j(t), delta_j * V_j(t + 1)),

where ``b_j(t)`` is its outside option (its value of breakdown) and ``V_j(t + 1)`` its
expected value of the game from the next round (the status quo after the deadline).
The proposer picks, over every discrete package and a concession path for the continuous
issues, the offer that maximises its own utility subject to every responder getting at
least ``r_j + margin`` and every red line holding; it offers only if that beats its own
``max(b_p, delta_p V_p(t+1))``, and walks out when its outside option is better still.
With two players, one divisible issue and a long deadline this is Rubinstein's (1982)
game, and the first proposer's share tends to ``(1 - d2) / (1 - d1 d2)``.

Continuous issues: proposer ``p`` concedes along the straight line from its ideal point
towards the salience-weighted mean ideal of the other signatories,
``x(tau) = ideal_p + tau (m_p - ideal_p)``, ``tau`` in [0, 1]. Each responder's utility
along the line is concave, so its running maximum on a grid inverts exactly by linear
interpolation for linear utilities (and conservatively for quadratic ones).
All arrays carry the replication axis first; nothing loops over replications.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sim.engine import budget
from sim.engine.moves import status_quo_flow, unilateral_moves
from sim.engine.state import State
from sim.engine.utility import (
    fill_linked,
    generosity_at,
    issue_value,
    linkage_base,
    linked_values,
    shapes_at,
    utilities,
)
from sim.scenario.conditions import compare
from sim.scenario.load import Scenario

GRID = 33
PROPOSE, PASS, WALK = 0, 1, 2
_OFFSET = 16.0  # separates rows in the flattened searchsorted; utilities lie in [-1, 2]


@dataclass
class Plan:
    """What every actor does in every round, per replication.

    Attributes:
        value: (T + 2, n, A) expected value of the game from round t (index t).
        reservation: (T + 1, n, A) ``max(b, c)`` at round t: the least an offer must be worth.
        walk_value: (T + 1, n, A) ``b``: the value of the actor's best unilateral move after a
            refusal (its outside option; -inf where it has none).
        continuation: (T + 1, n, A) ``c = (1 - delta) f + delta V(t + 1)``: the value of waiting a
            round, the status quo's flow ``f`` (0 without ``timing``) then the game from t + 1.
        turn_value: (T + 1, n, A) value of the actor's best unilateral move at its own turn.
        act_turn, act_refusal: (T + 1, n, A) which move that is (index into ``sc.actions``; -1
            none; -2 the implicit walk-out of scenarios that declare no actions).
        conseq_refusal: (T + 1, n, A, A) every actor's value (last axis) when the actor (third
            axis) makes its move after a refusal. (The same at its own turn is used only while
            planning, so it is not kept: it would double the plan's memory.)
        action: (T + 1, P, n) PROPOSE, PASS or WALK for proposer slot P.
        offer_value: (T + 1, P, n) the proposer's own utility of its planned offer (-inf: none).
        package: (T + 1, P, n) chosen discrete package index.
        tau: (T + 1, P, n) concession along the continuous line.
        target: (n, P, Ic) the point each proposer concedes towards.
        alloc: (T + 1, P, n, B) with budgets: the allocation each proposer offers (every
            budget issue on its 0-1 scale; :mod:`sim.engine.budget`); None without.

    """

    value: np.ndarray
    reservation: np.ndarray
    walk_value: np.ndarray
    continuation: np.ndarray
    turn_value: np.ndarray
    act_turn: np.ndarray
    act_refusal: np.ndarray
    conseq_refusal: np.ndarray
    action: np.ndarray
    offer_value: np.ndarray
    package: np.ndarray
    tau: np.ndarray
    target: np.ndarray
    seg_start: np.ndarray
    seg_len: np.ndarray
    alloc: np.ndarray | None = None


def recognition_probs(sc: Scenario, st: State, t: int) -> np.ndarray:
    """(n, P) probability that each signatory proposes in round t."""
    n, P = st.n, len(sc.signatories)
    if sc.spec.protocol.recognition == "rotation":
        out = np.zeros((n, P))
        out[:, (t - 1) % P] = 1.0
        return out
    cap = st.capability[:, list(sc.signatories)]
    return cap / cap.sum(axis=1, keepdims=True)


def path_issues(sc: Scenario) -> tuple[int, ...]:
    """Continuous deal issues on the concession path (none with budgets: they are searched)."""
    return () if sc.budgets else sc.space.deal_cont


def offer_terms(sc: Scenario, st: State, plan: Plan, slot: np.ndarray, package: np.ndarray,
                tau: np.ndarray, gen: np.ndarray, t: int | None = None) -> np.ndarray:
    """Full terms (n, I) of the offers given proposer slot, package and concession (round ``t``: budgets)."""
    space = sc.space
    n = st.n
    terms = st.status_quo.copy()
    if space.deal_disc:
        terms[:, list(space.deal_disc)] = space.packages[package]
    if sc.budgets:
        terms[:, budget.budget_issues(sc)] = plan.alloc[t, slot, np.arange(n)]
    elif space.deal_cont:
        ic = list(space.deal_cont)
        props = np.asarray(sc.signatories)[slot]
        own = st.ideal[np.arange(n), props][:, ic]
        rows = np.arange(n)
        frac = path_fraction(tau[:, None], plan.seg_start[rows, slot], plan.seg_len[rows, slot])
        terms[:, ic] = own + frac * (plan.target[rows, slot] - own)
    return fill_linked(sc, st, terms, gen)


def path_fraction(tau: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """How far each continuous issue has moved at concession ``tau`` (0 none, 1 all the way).

    Issue ``i`` moves during ``[start_i, start_i + length_i]``; an issue that costs the
    proposer nothing (length 0) is conceded from the start.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.clip((tau - start) / np.where(length > 0, length, 1.0), 0.0, 1.0)
    return np.where(length > 0, f, 1.0)


def concession_path(st: State, sc: Scenario, own: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order in which each proposer concedes its continuous issues, and the segment of each.

    A proposer concedes first where the responders gain most per unit of its own loss
    (the greedy solution of the linear programme of a bilateral offer), so with linear
    utilities and one responder the offer is Pareto-efficient. ``tau`` measures the share
    of the proposer's total possible concession spent, so its utility falls linearly in tau.

    Args:
        st: Batch parameters.
        sc: Scenario.
        own: (n, P, Ic) proposers' ideals on the continuous deal issues.
        target: (n, P, Ic) the salience-weighted mean ideal of the other signatories.

    Returns:
        start, length: (n, P, Ic) each issue's segment of [0, 1].

    """
    ic = list(path_issues(sc))
    sig = list(sc.signatories)
    n, P, Ic = own.shape
    d = np.abs(target - own)
    sal = st.salience[:, :, ic]  # (n, A, Ic)
    quad = st.shape[sig] == 2.0
    cost = sal[:, sig] * np.where(quad[None, :, None], d * d, d)  # (n, P, Ic)
    if st.scale is not None or st.power is not None:  # declared shapes: the proposer's own loss on each issue
        own_v = issue_value(target, own, st.shape[sig][None, :, None], **shapes_at(st, lambda a: a[:, sig][:, :, ic]))
        cost = sal[:, sig] * (1.0 - own_v)
    gain = np.zeros((n, P, Ic))
    for s, p in enumerate(sig):
        for q in sig:
            if q == p:
                continue
            kw = shapes_at(st, lambda a, q=q: a[:, q][:, ic])
            before = issue_value(own[:, s], st.ideal[:, q][:, ic], st.shape[q], **kw)
            after = issue_value(target[:, s], st.ideal[:, q][:, ic], st.shape[q], **kw)
            gain[:, s] += sal[:, q] * (after - before)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, gain / np.where(cost > 0, cost, 1.0), np.inf)
    order = np.argsort(-ratio, axis=-1, kind="stable")
    total = cost.sum(axis=-1, keepdims=True)
    length = np.where(total > 0, cost / np.where(total > 0, total, 1.0), 0.0)
    ordered = np.take_along_axis(length, order, axis=-1)
    starts_sorted = np.cumsum(ordered, axis=-1) - ordered
    start = np.empty_like(length)
    np.put_along_axis(start, order, starts_sorted, axis=-1)
    return start, length


@dataclass(frozen=True)
class PackageTable:
    """The scenario's discrete deal packages as the search reads them; the same for every batch.

    A package that a signatory's red line on the discrete issues rules out is never offered
    (every signatory proposes or responds), so it is left out; ``kept`` maps back to the
    package index. Linked offers depend on a package only through its depends-on terms, so
    they are worked out on the few distinct combinations (``base``) and gathered back
    (``inverse``).

    Attributes:
        kept: (K,) indices into ``space.packages``.
        values: (K, Id) the kept packages' discrete deal values.
        terms: (K, I) the same as full terms (other issues 0).
        inverse: (K,) each package's depends-on combination.
        base: (U, L) each linkage table read at each combination.
        feas: (A, K) red lines on the discrete deal issues hold.
        linked_red_lines: Some red line is on a linked issue (checked per replication).
        swaps: Pairs of packages that differ by one step on one issue no linkage reads
            (see :func:`dominated`).

    """

    kept: np.ndarray
    values: np.ndarray
    terms: np.ndarray
    inverse: np.ndarray
    base: np.ndarray
    feas: np.ndarray
    linked_red_lines: bool
    swaps: tuple[Swap, ...] = ()


@dataclass(frozen=True)
class Swap:
    """Packages ``worse[m]`` and ``better[m]`` differ only in ``issue``: ``frm`` in one, ``to`` in the other.

    Every signatory's red lines that ``worse[m]`` keeps, ``better[m]`` keeps too.
    """

    issue: int
    frm: float
    to: float
    worse: np.ndarray
    better: np.ndarray


#: Least utility every signatory must gain from a swap for it to rule a package out (far
#: above rounding, so the planner's argmax provably never picks the package ruled out).
DOMINANCE_MARGIN = 1e-9


def dominated(tab: PackageTable, st: State, sig: list[int]) -> np.ndarray:
    """(K,) packages no proposer ever chooses in this batch, because a swap is better for every signatory.

    If one step on an issue that no linkage reads raises every signatory's utility in every
    replication of the batch (by at least :data:`DOMINANCE_MARGIN`), the package after the
    step keeps every red line the one before keeps, leaves the linked offers and the
    concession path alone, needs no more concession from any proposer (responders value it
    more) and is worth strictly more to the proposer. So the package before the step is
    never the planner's choice, whoever proposes, and leaving it out changes no number.
    """
    drop = np.zeros(len(tab.kept), dtype=bool)
    shape = st.shape[sig]
    for sw in tab.swaps:
        ideal = st.ideal[:, sig, sw.issue]
        kw = shapes_at(st, lambda a, i=sw.issue: a[:, sig, i])
        gain = st.salience[:, sig, sw.issue] * (issue_value(sw.to, ideal, shape, **kw)
                                                - issue_value(sw.frm, ideal, shape, **kw))
        if (gain > DOMINANCE_MARGIN).all():
            drop[sw.worse] = True
    return drop


_TABLES: dict[int, tuple[Scenario, PackageTable]] = {}


def package_table(sc: Scenario) -> PackageTable:
    """Return the scenario's :class:`PackageTable`, built once per scenario object."""
    hit = _TABLES.get(id(sc))
    if hit is not None and hit[0] is sc:
        return hit[1]
    space = sc.space
    everything = np.zeros((len(space.packages), len(space.issues)))
    everything[:, list(space.deal_disc)] = space.packages
    ok = _red_lines_on_packages(sc, everything)[list(sc.signatories)].all(axis=0)
    kept = np.flatnonzero(ok) if ok.any() else np.zeros(1, dtype=np.int64)
    terms = everything[kept]
    dep = sorted({d for r in sc.linkage for d in r.depends_on})
    _, first, inverse = np.unique(terms[:, dep], axis=0, return_index=True, return_inverse=True)
    il = [r.issue for r in sc.linkage]
    feas = _red_lines_on_packages(sc, terms)
    table = PackageTable(kept=kept, values=space.packages[kept], terms=terms, inverse=inverse.reshape(-1),
                         base=linkage_base(sc, terms[first]), feas=feas,
                         linked_red_lines=any(c.issue in il for conds in sc.red_lines for c in conds),
                         swaps=_swaps(sc, terms, feas[list(sc.signatories)], set(dep)))
    if len(_TABLES) >= 16:  # scenarios come and go (variants, sweeps): keep the cache small
        _TABLES.clear()
    _TABLES[id(sc)] = (sc, table)
    return table


def _swaps(sc: Scenario, terms: np.ndarray, feas: np.ndarray, dep: set[int]) -> tuple[Swap, ...]:
    """Every one-level step on a discrete deal issue no linkage reads, between kept packages."""
    out = []
    where = {row.tobytes(): k for k, row in enumerate(terms)}
    for i in sc.space.deal_disc:
        if i in dep:
            continue
        levels = np.linspace(0.0, 1.0, sc.space.issues[i].n_levels)
        for a, b in [*itertools.pairwise(levels), *itertools.pairwise(levels[::-1])]:
            worse, better = [], []
            for k in np.flatnonzero(terms[:, i] == a):
                moved = terms[k].copy()
                moved[i] = b
                k2 = where.get(moved.tobytes())
                if k2 is not None and (feas[:, k2] | ~feas[:, k]).all():
                    worse.append(k)
                    better.append(k2)
            if worse:
                out.append(Swap(i, float(a), float(b), np.array(worse), np.array(better)))
    return tuple(out)


def _red_lines_on_packages(sc: Scenario, pk_terms: np.ndarray) -> np.ndarray:
    """Return (A, K): red lines on the deal's discrete issues hold (continuous ones are on tau)."""
    K = pk_terms.shape[0]
    feas = np.ones((len(sc.actors), K), dtype=bool)
    kind = np.zeros(K, dtype=int)
    cont = set(sc.space.deal_cont) | {r.issue for r in sc.linkage}
    for a, conds in enumerate(sc.red_lines):
        for c in conds:
            if c.issue in cont:
                continue
            feas[a] &= c.evaluate(pk_terms, kind)
    return feas


class Planner:
    """Solves the alternating-offers game backwards for a batch (or a subset of it)."""

    def __init__(self, sc: Scenario, st: State, quota: int | None = None) -> None:
        """``quota``: yes votes (proposer included) a deal needs; None means every signatory.

        With a quota the proposer buys the cheapest ``quota - 1`` responders, and every
        signatory's red lines must still hold (Baron-Ferejohn's closed rule); acceptance is
        then taken as certain, so a quota is meant for plans without noise.
        """
        self.sc = sc
        self.st = st
        self.quota = quota
        self.T = sc.spec.protocol.rounds
        self.grid = np.linspace(0.0, 1.0, GRID)

    def solve(self, t0: int = 1, plan: Plan | None = None, rows: np.ndarray | None = None) -> Plan:
        """Plan rounds ``t0..T`` for the replications in ``rows`` (all by default).

        Args:
            t0: First round to plan; generosity in ``st`` is taken as of this round.
            plan: An existing plan to update in place (for replanning after events).
            rows: Boolean mask of replications to (re)plan.

        """
        sc, full = self.sc, self.st
        st = full if rows is None else _subset(full, rows)
        n, A, P, T = st.n, len(sc.actors), len(sc.signatories), self.T
        sig = np.asarray(sc.signatories)
        space = sc.space
        if plan is None:
            plan = Plan(
                value=np.zeros((T + 2, full.n, A)), reservation=np.zeros((T + 1, full.n, A)),
                walk_value=np.zeros((T + 1, full.n, A)), continuation=np.zeros((T + 1, full.n, A)),
                turn_value=np.zeros((T + 1, full.n, A)),
                act_turn=np.full((T + 1, full.n, A), -1, np.int8), act_refusal=np.full((T + 1, full.n, A), -1, np.int8),
                conseq_refusal=np.zeros((T + 1, full.n, A, A)),
                action=np.full((T + 1, P, full.n), PASS, np.int8), offer_value=np.full((T + 1, P, full.n), -np.inf),
                package=np.zeros((T + 1, P, full.n), np.int64), tau=np.zeros((T + 1, P, full.n)),
                target=np.zeros((full.n, P, len(path_issues(sc)))),
                seg_start=np.zeros((full.n, P, len(path_issues(sc)))),
                seg_len=np.zeros((full.n, P, len(path_issues(sc)))),
                alloc=(np.zeros((T + 1, P, full.n, len(budget.budget_issues(sc)))) if sc.budgets else None),
            )
        sel = slice(None) if rows is None else rows

        # Continuous issues: utility of every actor along every proposer's concession line.
        ic = list(path_issues(sc))
        target = np.zeros((n, P, len(ic)))
        for s, p in enumerate(sig):
            others = [q for q in sig if q != p]
            w = st.salience[:, others][:, :, ic]
            x = st.ideal[:, others][:, :, ic]
            wsum = w.sum(axis=1)
            own = st.ideal[:, p][:, ic]
            target[:, s] = np.where(wsum > 0, (w * x).sum(axis=1) / np.where(wsum > 0, wsum, 1.0), own)
        plan.target[sel] = target
        own = st.ideal[:, sig][:, :, ic]  # (n, P, Ic)
        seg_start, seg_len = concession_path(st, sc, own, target)
        plan.seg_start[sel] = seg_start
        plan.seg_len[sel] = seg_len
        frac = path_fraction(self.grid[None, None, :, None], seg_start[:, :, None, :], seg_len[:, :, None, :])
        line = own[:, :, None, :] + frac * (target - own)[:, :, None, :]  # (n, P, G, Ic)
        val = issue_value(line[:, None], st.ideal[:, :, None, None, ic], st.shape[None, :, None, None, None],
                          **shapes_at(st, lambda a: a[:, :, None, None, ic]))
        cont = np.einsum("nai,napgi->napg", st.salience[:, :, ic], val)  # (n, A, P, G)
        cmax = np.maximum.accumulate(cont, axis=3)
        tau_lo, tau_hi = self._tau_bounds(own, target, seg_start, seg_len)

        # Discrete deal packages (the scenario's, shared by every batch): their utility.
        tab = package_table(sc)
        kept, pk_terms, inverse, base, static_feas = tab.kept, tab.terms, tab.inverse, tab.base, tab.feas
        id_ = list(space.deal_disc)
        U = len(tab.base)
        if id_:
            vd = issue_value(tab.values[None, None], st.ideal[:, :, None, id_], st.shape[None, :, None, None],
                             **shapes_at(st, lambda a: a[:, :, None, id_]))
            d_deal = np.einsum("nai,naki->nak", st.salience[:, :, id_], vd)
        else:
            d_deal = np.zeros((n, A, 1))
        drop = dominated(tab, st, list(sig))
        if drop.any():
            keep = np.flatnonzero(~drop)
            kept, pk_terms, inverse = kept[keep], pk_terms[keep], inverse[keep]
            static_feas, d_deal = static_feas[:, keep], d_deal[:, :, keep]

        # The package search reads signatories only, so the (n, P, K) arrays hold their rows
        # (by slot); other actors' values are read at the chosen package alone.
        il = [r.issue for r in sc.linkage]
        d_sig = d_deal[:, sig]
        feas_sig = static_feas[sig]
        cache: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
        vl = np.empty((n, A, U, len(il)))  # each actor's value of each linked offer
        seen = np.full((n, U, len(il)), np.nan)  # the offers vl holds (nan: none yet)

        def packages_at(gen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
            """Signatories' package utilities (n, P, K), red lines kept (P, K) or (n, P, K), linked part."""
            key = gen.tobytes()
            if key not in cache:
                if not sc.linkage:
                    entry = (d_sig, feas_sig, None)
                else:
                    lv = linked_values(sc, st, np.broadcast_to(base[None], (n, U, base.shape[1])), gen)
                    for l, issue in enumerate(il):  # only offers that moved (escalation) change value
                        if not np.array_equal(lv[..., l], seen[..., l]):
                            vl[..., l] = issue_value(lv[:, None, :, l], st.ideal[:, :, None, issue],
                                                     st.shape[None, :, None],
                                                     **shapes_at(st, lambda a, i=issue: a[:, :, None, i]))
                            seen[..., l] = lv[..., l]
                    lin = np.einsum("nai,naki->nak", st.salience[:, :, il], vl)  # (n, A, U)
                    feas = (self._linked_red_lines(pk_terms, lv[:, inverse], il, static_feas)[:, sig]
                            if tab.linked_red_lines else feas_sig)
                    entry = (d_sig + lin[:, sig].take(inverse, axis=2), feas, lin)
                cache.clear()
                cache[key] = entry
            return cache[key]

        # Backward induction.
        gen_T = generosity_at(st, T - t0)
        flow = status_quo_flow(sc, st, gen_T)  # (n, A), None without timing
        if flow is None:
            sq_terms = fill_linked(sc, st, st.status_quo, gen_T)
            value_next = utilities(st, sq_terms)
        else:  # after the horizon the standing status quo goes on: its flow forever
            value_next = flow
        plan.value[T + 1, sel] = value_next
        delta = st.patience
        rows_idx = np.arange(n)
        for t in range(T, t0 - 1, -1):
            gen = generosity_at(st, t - t0)
            d_pk, feas, lin = packages_at(gen)
            if flow is None:
                cont_v = delta * value_next
            else:
                cont_v = (1.0 - delta) * status_quo_flow(sc, st, gen) + delta * value_next
            moves = unilateral_moves(sc, st, gen, cont_v)
            b, turn_v = moves.refusal_value, moves.turn_value
            reserve = np.maximum(b, cont_v)
            plan.reservation[t, sel] = reserve
            plan.walk_value[t, sel] = b
            plan.continuation[t, sel] = cont_v
            plan.turn_value[t, sel] = turn_v
            plan.act_turn[t, sel] = moves.turn_choice
            plan.act_refusal[t, sel] = moves.refusal_choice
            plan.conseq_refusal[t, sel] = moves.refusal_conseq
            probs = recognition_probs(sc, st, t)
            v_t = np.zeros((n, A))
            for s, p in enumerate(sig):
                if not probs[:, s].any():
                    continue
                resp = [q for q in sig if q != p]
                rs = [r for r in range(P) if r != s]  # responders' slots
                thr = reserve[:, resp] + st.margin[:, None]  # (n, J)
                if sc.budgets:  # the package search under budgets (sim.engine.budget)
                    bo = budget.search(sc, st, p, resp, list(sig), thr, d_pk, feas, self.quota)
                    k = bo.own.argmax(axis=1)
                    best = bo.own[rows_idx, k]
                    k_full = np.where(np.isfinite(best), kept[k], 0)
                    tau_k = np.zeros(n)
                    alloc_k = bo.alloc[rows_idx, k]
                    plan.alloc[t, s, sel] = alloc_k
                    d_k = d_deal[rows_idx, :, k]
                    if lin is not None:
                        d_k = d_k + lin[rows_idx, :, inverse[k]]
                    u_offer = d_k + budget_utilities(st, sc, alloc_k)
                    # the value counts each tied partner in with its chance (mixed coalitions)
                    u_value = u_offer.copy()
                    paid_k, chance_k, gain_k = (bo.paid[rows_idx, :, k], bo.chance[rows_idx, :, k],
                                                bo.gain[rows_idx, :, k])
                    u_value[:, resp] += np.where(paid_k, chance_k - 1.0, chance_k) * gain_k
                else:
                    k, best, k_full, tau_k, u_offer = self._on_path(
                        st, s, p, resp, rs, thr, d_pk, feas, cmax, cont, tau_lo, tau_hi, d_deal, lin, inverse, kept)
                    u_value = u_offer
                alt = np.maximum(turn_v[:, p], cont_v[:, p])
                propose = np.isfinite(best) & (best >= alt - 1e-12)
                walk = ~propose & (turn_v[:, p] > cont_v[:, p])
                action = np.where(propose, PROPOSE, np.where(walk, WALK, PASS)).astype(np.int8)
                p_acc = np.ones(n)
                lam = st.noise
                for j in resp:
                    z = (u_offer[:, j] - reserve[:, j]) / np.where(lam > 0, lam, 1.0)
                    p_acc = p_acc * np.where(lam > 0, _sigmoid(z), 1.0)
                gain = b[:, resp] - cont_v[:, resp]
                walkers = (gain > 0).any(axis=1)
                mover = np.asarray(resp)[gain.argmax(axis=1)]  # the refuser who gains most by moving
                after_reject = np.where(walkers[:, None], moves.refusal_conseq[rows_idx, mover], cont_v)
                offered = p_acc[:, None] * u_value + (1 - p_acc[:, None]) * after_reject
                value = np.where(propose[:, None], offered, np.where(walk[:, None], moves.turn_conseq[:, p], cont_v))
                v_t += probs[:, s, None] * value
                plan.action[t, s, sel] = action
                plan.package[t, s, sel] = k_full
                plan.tau[t, s, sel] = tau_k
                plan.offer_value[t, s, sel] = best
            plan.value[t, sel] = v_t
            value_next = v_t
        return plan

    def _on_path(self, st: State, s: int, p: int, resp: list[int], rs: list[int], thr: np.ndarray,
                 d_pk: np.ndarray, feas: np.ndarray, cmax: np.ndarray, cont: np.ndarray, tau_lo: np.ndarray,
                 tau_hi: np.ndarray, d_deal: np.ndarray, lin: np.ndarray | None, inverse: np.ndarray,
                 kept: np.ndarray) -> tuple[np.ndarray, ...]:
        """Proposer slot ``s``'s best package and concession on its path; every actor's value of it."""
        n = st.n
        rows_idx = np.arange(n)
        need = thr[:, :, None] - d_pk[:, rs]  # (n, J, K)
        need = np.where(feas[..., rs, :], need, np.inf)
        tau_j = _invert(cmax[:, resp, s], need, self.grid)  # (n, J, K)
        if self.quota is None:
            tau = np.maximum(tau_j.max(axis=1), tau_lo[:, s, None])
            ok = (tau <= tau_hi[:, s, None] + 1e-12) & feas[..., s, :] & np.isfinite(tau)
        else:  # the (quota - 1)-th cheapest responder sets the concession
            cheapest = np.sort(tau_j, axis=1)[:, self.quota - 2] if self.quota > 1 else 0.0
            tau = np.maximum(cheapest, tau_lo[:, s, None])
            ok = (tau <= tau_hi[:, s, None] + 1e-12) & feas.all(axis=-2) & np.isfinite(tau)
        tau_c = np.clip(np.where(ok, tau, 0.0), 0.0, 1.0)
        own_u = d_pk[:, s] + _interp_grid(cont[:, p, s][:, None], tau_c)[:, 0]  # (n, K)
        own_u = np.where(ok, own_u, -np.inf)
        k = own_u.argmax(axis=1)
        best = own_u[rows_idx, k]
        # argmax of an all -inf row is package 0, as over the unpruned packages
        k_full = np.where(np.isfinite(best), kept[k], 0)
        tau_k = tau_c[rows_idx, k]
        d_k = d_deal[rows_idx, :, k]  # (n, A) every actor's value of the chosen package
        if lin is not None:
            d_k = d_k + lin[rows_idx, :, inverse[k]]
        u_offer = d_k + _interp_grid(cont[:, :, s], tau_k[:, None])[:, :, 0]  # (n, A)
        return k, best, k_full, tau_k, u_offer

    def _tau_bounds(self, own: np.ndarray, target: np.ndarray, start: np.ndarray,
                    length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Interval of tau on each proposer's path allowed by red lines on continuous issues.

        Issue ``i`` sits at ``own + f (target - own)`` with ``f`` rising from 0 to 1 over its
        segment, so a one-sided red line needs ``f >= f*`` or ``f <= f*``: a half-line in tau.
        """
        sc = self.sc
        n, P = own.shape[:2]
        lo, hi = np.zeros((n, P)), np.ones((n, P))
        ic = list(path_issues(sc))
        never = 2.0
        for a, conds in enumerate(sc.red_lines):
            if sc.spec.actors[a].role != "signatory":
                continue
            for c in conds:
                if c.issue not in ic:
                    continue
                j = ic.index(c.issue)
                x0, d = own[:, :, j], (target - own)[:, :, j]
                st_, ln = start[:, :, j], length[:, :, j]
                free = ln <= 0  # conceded fully from tau = 0
                with np.errstate(divide="ignore", invalid="ignore"):
                    fstar = np.where(d != 0, (c.value - x0) / np.where(d != 0, d, 1.0), 0.0)
                tau_star = st_ + np.clip(fstar, 0.0, 1.0) * ln
                if c.op in ("==", "!="):
                    if c.op == "==":
                        const_ok = np.abs(x0 - c.value) <= 1e-9
                        ok_free = np.abs(target[:, :, j] - c.value) <= 1e-9
                        in_seg = (fstar >= -1e-12) & (fstar <= 1 + 1e-12)
                        lo = np.where(d == 0, np.where(const_ok, lo, never),
                                      np.where(free, np.where(ok_free, lo, never),
                                               np.where(in_seg, np.maximum(lo, tau_star), never)))
                        hi = np.where((d != 0) & ~free & in_seg, np.minimum(hi, tau_star), hi)
                    continue
                upward = c.op in (">=", ">")
                if np.all(d == 0):
                    ok = (x0 >= c.value - 1e-9) if upward else (x0 <= c.value + 1e-9)
                    lo = np.where(ok, lo, never)
                    continue
                # need f >= fstar when moving towards larger values satisfies the line
                need_more = (d > 0) == upward
                f_at_free = np.ones_like(fstar)
                ok_free = np.where(need_more, f_at_free >= fstar - 1e-12, f_at_free <= fstar + 1e-12)
                ok_const = (x0 >= c.value - 1e-9) if upward else (x0 <= c.value + 1e-9)
                lower = need_more & ~free & (d != 0)
                upper = ~need_more & ~free & (d != 0)
                lo = np.where(lower, np.where(fstar > 1 + 1e-12, never, np.maximum(lo, np.where(fstar <= 0, 0.0,
                                                                                                tau_star))), lo)
                hi = np.where(upper, np.where(fstar < -1e-12, -1.0, np.minimum(hi, np.where(fstar >= 1, 1.0,
                                                                                               tau_star))), hi)
                lo = np.where(free & (d != 0) & ~ok_free, never, lo)
                lo = np.where((d == 0) & ~ok_const, never, lo)
        return lo, hi

    def _linked_red_lines(self, pk_terms: np.ndarray, lv: np.ndarray, il: list[int],
                          static: np.ndarray) -> np.ndarray:
        """(n, A, K) adding red lines on linked issues, whose values vary by replication."""
        sc = self.sc
        n, K = lv.shape[0], pk_terms.shape[0]
        feas = np.broadcast_to(static[None], (n, len(sc.actors), K))
        extra = [(a, c) for a, conds in enumerate(sc.red_lines) for c in conds if c.issue in il]
        if not extra:
            return feas
        feas = feas.copy()
        for a, c in extra:
            feas[:, a] &= compare(lv[:, :, il.index(c.issue)], c.op, c.value)
        return feas


def budget_utilities(st: State, sc: Scenario, alloc: np.ndarray) -> np.ndarray:
    """(n, A) every actor's utility from the budget issues at allocations ``alloc`` (n, B)."""
    ib = budget.budget_issues(sc)
    v = issue_value(alloc[:, None, :], st.ideal[:, :, ib], st.shape[None, :, None],
                    **shapes_at(st, lambda a: a[:, :, ib]))
    return np.einsum("nai,nai->na", st.salience[:, :, ib], v)


def _subset(st: State, rows: np.ndarray) -> State:
    from dataclasses import fields

    kw = {}
    for f in fields(st):
        arr = getattr(st, f.name)
        kw[f.name] = arr if f.name in ("shape", "oo_fixed") or arr is None else arr[rows]
    return State(**kw)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _invert(cmax: np.ndarray, need: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Smallest tau with running-max utility >= need, per row and package.

    Args:
        cmax: (n, J, G) non-decreasing along G.
        need: (n, J, K) required continuous utility (inf: impossible).
        grid: (G,) the tau grid.

    """
    n, J, G = cmax.shape
    offs = (np.arange(n * J, dtype=float) * _OFFSET).reshape(n, J, 1)
    finite = np.isfinite(need)
    q = np.clip(np.where(finite, need, 5.0), -5.0, 5.0)
    idx = _count_below(np.clip(cmax, -2.0, 3.0) + offs, q + offs).astype(np.int64)
    above = idx >= G
    first = idx <= 0
    i1 = np.clip(idx, 1, G - 1)
    i1 += (np.arange(n * J) * G).reshape(n, J, 1)  # positions in the flattened (n * J * G) curves
    flat = np.ascontiguousarray(cmax).ravel()
    y0 = flat.take(i1 - 1)
    y1 = flat.take(i1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(y1 > y0, (q - y0) / (y1 - y0), 1.0)
    tau = grid.take(i1 % G - 1) + np.clip(w, 0.0, 1.0) * (grid[1] - grid[0])
    tau = np.where(first, 0.0, tau)
    return np.where(above | ~finite | (need > 3.0), np.inf, tau)


def _count_below(curve: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(n, J, K) int8 count of grid points of each non-decreasing curve (n, J, G) below ``q``.

    Equals ``searchsorted(curve_row, q, side="left")`` row by row. The curves carry
    distinct offsets per row (``_OFFSET``), as the flattened search this replaced did, so
    every comparison and so every result is the same; G passes of a compare and an int8
    add over (n, J, K) are about 4x faster than a binary search of the flattened curves.
    """
    G = curve.shape[2]
    steps = np.ascontiguousarray(np.moveaxis(curve, 2, 0))[..., None]  # (G, n, J, 1)
    idx = np.zeros(q.shape, dtype=np.int8)
    below = np.empty(q.shape, dtype=bool)
    for g in range(G):
        np.less(steps[g], q, out=below)
        idx += below.view(np.int8)
    return idx


def _interp_grid(values: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Values on the tau grid (n, A, G), read at tau (n, K) → (n, A, K)."""
    n, A, G = values.shape
    pos = np.clip(tau, 0.0, 1.0) * (G - 1)
    i0 = np.minimum(pos.astype(np.int64), G - 2)
    w = pos - i0
    # one flat take per end instead of three broadcast index arrays
    at = i0[:, None, :] + (np.arange(n * A) * G).reshape(n, A, 1)
    flat = np.ascontiguousarray(values).ravel()
    v0 = flat.take(at)
    v1 = flat.take(at + 1)
    return v0 * (1 - w[:, None, :]) + v1 * w[:, None, :]
