"""The asymmetric Nash bargaining solution over the deal's package space.

The signatories are the players; the disagreement point is each one's outside option
(:func:`sim.engine.utility.breakdown_utilities`, with the Western package that then follows);
bargaining weights are the signatories' capabilities, equal, or declared
(``protocol.weights``). Every discrete package is enumerated (linked issues follow linkage,
red lines prune), the continuous deal issues of each are solved by
:func:`sim.solvers.nash.nash_spatial`, and the package with the largest weighted Nash
product wins. If no package gives every signatory more than its outside option, talks break
down.
"""

from __future__ import annotations

import numpy as np

from sim.engine.state import State
from sim.engine.utility import breakdown_utilities
from sim.protocols.packages import package_space
from sim.protocols.settle import SolutionConcept, signatory_weights
from sim.scenario.load import Scenario
from sim.solvers.nash import issue_value, nash_spatial, start_point

PRUNE_TOL = 1e-12


def nash_terms(sc: Scenario, st: State) -> tuple[np.ndarray, np.ndarray]:
    """Solve for the Nash terms (n, I) and (n,) whether any package beats disagreement."""
    sig = list(sc.signatories)
    cont = list(sc.space.deal_cont)
    gen = st.generosity
    d = breakdown_utilities(sc, st, gen)[1][:, sig]
    w = signatory_weights(sc, st)
    ps = package_space(sc, st, gen)
    fixed = ps.fixed[:, sig]  # (n, P, K)
    s = st.salience[:, sig][:, :, cont]
    ideal = st.ideal[:, sig][:, :, cont]
    shape = st.shape[sig]
    lo, hi = ps.lo, ps.hi
    # best each player could get on the continuous issues bounds every package from above
    own_best = (s * issue_value(np.clip(ideal, lo, hi) - ideal, shape[None, :, None])).sum(axis=2)
    upper = fixed + own_best[:, :, None]
    ok = ps.allowed & (upper > d[:, :, None]).all(axis=1) & bool(np.all(lo <= hi))
    rep, k = np.nonzero(ok)
    n, m = st.n, len(rep)
    terms = st.status_quo.copy()
    if not m:
        return terms, np.zeros(n, dtype=bool)
    C = len(cont)

    def rows_of(r: np.ndarray, kk: np.ndarray) -> tuple[np.ndarray, ...]:
        return (fixed[r, :, kk], d[r], w[r], s[r], ideal[r], shape,
                np.broadcast_to(lo, (len(r), C)).copy(), np.broadcast_to(hi, (len(r), C)).copy())

    if cont:
        x0 = start_point(*rows_of(rep, k))
        value0 = _product(rows_of(rep, k), x0)
        best_start = np.full(n, -np.inf)
        np.maximum.at(best_start, rep, value0)
        bound = (w[rep] * np.log(upper[rep, :, k] - d[rep])).sum(axis=1)
        keep = bound >= best_start[rep] - PRUNE_TOL  # packages that could still beat a known point
        rep, k = rep[keep], k[keep]
        x, value = nash_spatial(*rows_of(rep, k), x0=x0[keep])
    else:
        x, value = np.zeros((m, 0)), _product(rows_of(rep, k), np.zeros((m, 0)))
    order = np.lexsort((-value, rep))  # per replication, the largest Nash product first
    first = order[np.unique(rep[order], return_index=True)[1]]
    win = first[np.isfinite(value[first])]
    r_win = rep[win]
    terms[r_win] = ps.terms[r_win, k[win]]
    # an issue no signatory cares about has no Nash value of its own: it stays at the status quo
    cared = (s[r_win] > 0).any(axis=1)
    terms[np.ix_(r_win, cont)] = np.where(cared, x[win], np.clip(st.status_quo[np.ix_(r_win, cont)], lo, hi))
    feasible = np.zeros(n, dtype=bool)
    feasible[r_win] = True
    return terms, feasible


def _product(rows: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
    """(m,) weighted Nash product at continuous terms ``x`` (-inf where someone is not above d)."""
    base, d, w, s, ideal, shape, _, _ = rows
    u = base + (s * issue_value(x[:, None, :] - ideal, shape[None, :, None])).sum(axis=2)
    gap = u - d
    ok = (gap > 0).all(axis=1)
    return np.where(ok, (w * np.log(np.where(gap > 0, gap, 1.0))).sum(axis=1), -np.inf)


class Nash(SolutionConcept):
    """The (asymmetric) Nash bargaining solution among the signatories."""

    name = "nash"

    def solve(self, sc: Scenario, st: State) -> tuple[np.ndarray, np.ndarray]:
        """Return the Nash terms; infeasible where no package beats every outside option."""
        return nash_terms(sc, st)
