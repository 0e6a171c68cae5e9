"""The package search under budgets: buying responders' votes with money from one purse.

A budget (:class:`sim.scenario.load.BudgetRule`) makes its continuous issues share one sum:
an allocation ``z`` (each issue on its 0-1 scale) keeps it when ``sum_i width_i z_i = room``.
Every offer of a scenario with budgets is an allocation; the proposer searches them so:

1. **Its own best allocation** ``z0``: money goes first to the issues it values most per unit
   (``salience / width``), each up to its ideal, and what is left to those it minds least.
2. **Each responder's price.** Money moved from the proposer's *source* (the issue with money
   on it whose loss per unit the proposer minds least) to the responder's *sink* (the issue of
   the budget it gains most from per unit) raises the responder's utility at ``rate`` per unit
   and costs the proposer ``cost`` per unit; the responder's price is
   ``max(need, 0) * cost / rate``, where ``need`` is what it lacks of its reservation at ``z0``.
   With several budgets the cheapest is used.
3. **The coalition.** All responders (unanimity), or the ``quota - 1`` cheapest (Baron &
   Ferejohn 1989), each paid its need and no more; the rest get ``z0``'s terms. Responders
   equally cheap are a tie: the offer made pays the first of them in signatory order, and the
   value of the round counts each tied responder in with the chance ``slots / tied``, the
   symmetric stationary equilibrium's mixed choice of partners (so with equal recognition the
   continuation values stay equal, ``1 / n``).
4. **A check.** The allocation is valued exactly; an offer that leaves a paid responder short
   of its reservation (a sink filled to its top, a source emptied, utilities that are not
   linear) or breaks a red line on a budget issue is not made.

With linear utilities that each depend on one's own share (dividing a dollar) step 2 is exact:
buying the cheapest partners at their reservation values and keeping the rest, so minimal
winning coalitions form under majority rule. Arrays carry the replication axis first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.state import State
from sim.engine.utility import issue_value
from sim.scenario.conditions import compare
from sim.scenario.load import Scenario

#: Prices within this of the coalition's marginal price are a tie (mixed over in values).
TIE = 1e-12
#: A paid responder may fall short of its reservation by this much (rounding), as responders accept.
SHORT = 1e-9


@dataclass
class BudgetOffers:
    """One proposer's budget offers for every discrete package (see :func:`search`).

    Attributes:
        own: (n, K) the proposer's utility of its offer with package k (-inf: none).
        alloc: (n, K, B) the allocation offered (every budget issue, in ``issues`` order).
        paid: (n, J, K) responders paid in the offer made.
        chance: (n, J, K) the chance each responder is a partner (ties mixed).
        gain: (n, J, K) what its payment adds to each responder's utility.

    """

    own: np.ndarray
    alloc: np.ndarray
    paid: np.ndarray
    chance: np.ndarray
    gain: np.ndarray


def budget_issues(sc: Scenario) -> list[int]:
    """Every budget issue's index, budget by budget."""
    return [i for b in sc.budgets for i in b.issues]


def best_allocation(sc: Scenario, st: State, p: int) -> np.ndarray:
    """(n, B) actor ``p``'s own best allocation of every budget (greedy by value per unit).

    Exact for linear utilities; for quadratic ones a feasible allocation near the best.
    """
    n = st.n
    out = []
    for b in sc.budgets:
        ib = list(b.issues)
        w = b.width[None, :]
        per_unit = st.salience[:, p][:, ib] / w  # (n, m)
        ideal = st.ideal[:, p][:, ib]
        z = np.zeros((n, len(ib)))
        left = np.full(n, b.room)
        rows = np.arange(n)
        for order, cap in ((np.argsort(-per_unit, axis=1, kind="stable"), ideal),
                           (np.argsort(per_unit, axis=1, kind="stable"), np.ones_like(ideal))):
            for r in range(len(ib)):
                i = order[:, r]
                wi = b.width[i]
                add = np.clip(np.minimum((cap[rows, i] - z[rows, i]) * wi, left), 0.0, None)
                z[rows, i] += add / wi
                left = left - add
        out.append(z)
    return np.concatenate(out, axis=1)


def _marginals(st: State, a: np.ndarray | list[int], ib: list[int], z: np.ndarray,
               width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per unit of money, actors ``a``'s utility change from adding to / taking from each issue.

    Returns (up, down), each (n, len(a), m), at allocation ``z`` (n, m).
    """
    s = st.salience[:, a][:, :, ib]
    y = st.ideal[:, a][:, :, ib]
    shape = st.shape[a][None, :, None]
    zz = z[:, None, :]
    lin_up = np.where(zz < y, s, -s)
    lin_down = np.where(zz <= y, -s, s)
    quad = 2.0 * s * (y - zz)
    up = np.where(shape == 1.0, lin_up, quad) / width
    down = np.where(shape == 1.0, lin_down, -quad) / width
    return up, down


def search(sc: Scenario, st: State, p: int, resp: list[int], sig: list[int], thr: np.ndarray,
           d_pk: np.ndarray, feas: np.ndarray, quota: int | None) -> BudgetOffers:
    """Proposer ``p``'s best budget offer with every discrete package (steps 1-4 of the module).

    Args:
        sc: Scenario (with budgets).
        st: Batch parameters.
        p: The proposer (actor index).
        resp: The responders (actor indices).
        sig: Every signatory (actor indices), the order of ``d_pk`` and ``feas``.
        thr: (n, J) each responder's reservation (plus margin).
        d_pk: (n, P, K) signatories' utilities of the discrete packages (linked offers included).
        feas: (P, K) or (n, P, K) red lines on those hold.
        quota: Yes votes needed, the proposer's included (None: every signatory).

    """
    n, K = d_pk.shape[0], d_pk.shape[2]
    s, rs = sig.index(p), [sig.index(j) for j in resp]
    J = len(resp)
    ib = budget_issues(sc)
    B = len(ib)
    z0 = best_allocation(sc, st, p)
    ub = np.einsum("nai,nai->na", st.salience[:, sig][:, :, ib],
                   issue_value(z0[:, None, :], st.ideal[:, sig][:, :, ib], st.shape[sig][None, :, None]))
    rate = np.zeros((n, J))
    price = np.full((n, J), np.inf)
    move = np.zeros((n, J, B))  # change of z per unit of money paid to the responder
    rows = np.arange(n)
    col = 0
    for b in sc.budgets:
        m = len(b.issues)
        part = list(range(col, col + m))
        zb = z0[:, part]
        up_p, down_p = _marginals(st, [p], list(b.issues), zb, b.width)
        up_j, down_j = _marginals(st, resp, list(b.issues), zb, b.width)
        # the proposer's source: money on it, the least loss per unit taken
        src = np.where(zb > 1e-12, down_p[:, 0], -np.inf).argmax(axis=1)  # (n,)
        has_src = zb[rows, src] > 1e-12
        gain_j = up_j + down_j[rows, :, src][:, :, None]  # (n, J, m): to sink i from the source
        room = (zb < 1.0 - 1e-12)[:, None, :] & (np.arange(m)[None, None, :] != src[:, None, None])
        gain_j = np.where(room, gain_j, -np.inf)
        sink = gain_j.argmax(axis=2)  # (n, J)
        r_j = np.take_along_axis(gain_j, sink[:, :, None], axis=2)[:, :, 0]
        cost_p = -(down_p[:, 0][rows, src][:, None] + np.take_along_axis(up_p[:, 0], sink, axis=1))
        usable = has_src[:, None] & (r_j > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            unit = np.where(usable, cost_p / np.where(usable, r_j, 1.0), np.inf)  # proposer's cost per util
        better = unit < np.where(np.isfinite(price), price, np.inf)
        better &= usable
        price = np.where(better, unit, price)
        rate = np.where(better, r_j, rate)
        mv = np.zeros((n, J, B))
        np.put_along_axis(mv, (col + sink)[:, :, None], 1.0 / b.width[sink][:, :, None], axis=2)
        src_full = np.broadcast_to((col + src)[:, None, None], (n, J, 1))
        np.put_along_axis(mv, src_full, -1.0 / b.width[src][:, None, None], axis=2)
        move = np.where(better[:, :, None], mv, move)
        col += m
    need = thr[:, :, None] - d_pk[:, rs] - ub[:, rs, None]  # (n, J, K)
    fj = feas[..., rs, :] if feas.ndim == 3 else np.broadcast_to(feas[rs][None], (n, J, K))
    short = np.maximum(need, 0.0)
    with np.errstate(invalid="ignore"):
        pay = np.where(short > 0, short * price[:, :, None], 0.0)  # (n, J, K) proposer's cost
    pay = np.where(fj, pay, np.inf)
    money = np.where(short > 0, short / np.where(rate > 0, rate, 1.0)[:, :, None], 0.0)
    if quota is None or quota - 1 >= J:
        paid = np.ones((n, J, K), dtype=bool)
        chance = np.ones((n, J, K))
    else:
        slots = quota - 1
        if slots <= 0:
            paid = np.zeros((n, J, K), dtype=bool)
            chance = np.zeros((n, J, K))
        else:
            srt = np.sort(pay, axis=1)
            marg = srt[:, slots - 1][:, None, :]  # (n, 1, K) the coalition's marginal price
            tol = TIE * np.maximum(1.0, np.abs(np.where(np.isfinite(marg), marg, 0.0)))
            strict = pay < marg - tol
            tied = np.abs(pay - marg) <= tol
            free = slots - strict.sum(axis=1, keepdims=True)
            order = np.cumsum(tied, axis=1)
            paid = strict | (tied & (order <= free))
            chance = np.where(strict, 1.0, np.where(tied, free / np.maximum(tied.sum(axis=1, keepdims=True), 1), 0.0))
    money = np.where(np.isfinite(money), money, 0.0)
    gain = money * rate[:, :, None]  # what a payment adds, paid or not (ties are valued mixed)
    money = np.where(paid, money, 0.0)
    alloc = z0[:, None, :] + np.einsum("njk,njb->nkb", money, move)
    inside = ((alloc >= -1e-12) & (alloc <= 1.0 + 1e-12)).all(axis=2)
    alloc = np.clip(alloc, 0.0, 1.0)
    u = np.einsum("nai,naki->nak", st.salience[:, sig][:, :, ib],
                  issue_value(alloc[:, None], st.ideal[:, sig][:, :, None, ib], st.shape[sig][None, :, None, None]))
    total = d_pk + u  # (n, P, K)
    met = (total[:, rs] >= thr[:, :, None] - SHORT) | ~paid
    ok = inside & met.all(axis=1) & np.isfinite(np.where(paid, pay, 0.0)).all(axis=1)
    if quota is None:
        ok &= fj.all(axis=1)
        ok &= feas[..., s, :] if feas.ndim == 3 else feas[s][None]
    else:
        ok &= (feas.all(axis=-2) if feas.ndim == 3 else feas.all(axis=0)[None])
        ok &= paid.sum(axis=1) >= min(quota - 1, J)
    ok &= _red_lines(sc, alloc, ib)
    own = np.where(ok, total[:, s], -np.inf)
    return BudgetOffers(own, alloc, paid, chance, gain)


def _red_lines(sc: Scenario, alloc: np.ndarray, ib: list[int]) -> np.ndarray:
    """(n, K) every signatory's red lines on budget issues hold at the allocations."""
    ok = np.ones(alloc.shape[:2], dtype=bool)
    for a in sc.signatories:
        for c in sc.red_lines[a]:
            if c.issue in ib:
                ok &= compare(alloc[..., ib.index(c.issue)], c.op, c.value)
    return ok


__all__ = ["BudgetOffers", "best_allocation", "budget_issues", "search"]
