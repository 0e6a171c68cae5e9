"""Influencers who choose their offers: a menu auction played before the talks.

An influencer declared ``offers: chosen`` commits, before the first round, to a *share* of
its offer tables (every one of its linkage rules scaled by the same share, on top of the
rule's declared generosity): one of ``MENU`` equally spaced points in ``[0, budget]``. The
schedule stays conditional on the deal's terms (or unconditional, as each rule declares), so
this is the menu auction of Bernheim & Whinston (1986) and Grossman & Helpman (1994)
restricted to proportional schedules: the principals (the US, the EU) move first, the agents
(the signatories) then bargain with the offers as part of every package's value.

Each influencer picks the share that maximises its own expected value of the game from round
1, read off the complete-information plan the signatories would play (so it anticipates
their response: which deal, when, or no deal), with the signatories' private parameters at
their prior means: the influencers do not see the private types (a certainty equivalent, not
an expectation over the types, which would cost one plan per type combination). Its preferences price what it gives: its
ideal and salience on its own offer issues (the US wants relief at 0.6 of the range; more is
a cost). Several influencers: iterated best responses, each in turn against the others'
current shares, ``PASSES`` times (a pure-strategy equilibrium of the menu game where it
settles; the last responses otherwise). Ties go to the smaller share. Per replication.

Cost: ``PASSES x MENU`` plans per choosing influencer per block (20 for the flagship's two).
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from sim.engine.planner import Planner
from sim.engine.state import State, _where, normalise_salience
from sim.scenario.load import Scenario

#: Points on each influencer's menu of shares, from 0 to its budget.
MENU = 5
#: Rounds of best responses among the influencers.
PASSES = 2


def choosers(sc: Scenario) -> list[int]:
    """Indices of the influencers that choose their offers (``offers: chosen``) and have tables."""
    return [a for a, spec in enumerate(sc.spec.actors)
            if spec.offers == "chosen" and any(r.actor == a for r in sc.linkage)]


def public_view(sc: Scenario, st: State) -> State:
    """A copy of ``st`` where every private parameter sits at its prior mean: what an outsider expects.

    The influencers do not see the signatories' private types (docs/model.md); they choose
    their offers against the certainty-equivalent signatories, not the drawn ones.
    """
    if not sc.private:
        return st
    view = replace(st, **{f.name: getattr(st, f.name).copy() for f in fields(st)
                          if isinstance(getattr(st, f.name), np.ndarray) and getattr(st, f.name).ndim >= 1
                          and getattr(st, f.name).shape[0] == st.n})
    for grid in sc.types:
        if grid is None:
            continue
        for q, path in enumerate(grid.paths):
            name, idx = _where(sc, path)
            getattr(view, name)[(slice(None), *idx)] = float(grid.weights @ grid.values[:, q])
    normalise_salience(view)
    return view


def choose_offers(sc: Scenario, st: State) -> np.ndarray | None:
    """Set each choosing influencer's generosity to its best share; return the shares (n, A).

    ``st.generosity`` is scaled in place (the declared or drawn generosity times the share);
    None when no influencer chooses (nothing is touched). The choice is made against
    :func:`public_view` (private types at their prior means).
    """
    who = choosers(sc)
    if not who:
        return None
    n = st.n
    declared = st.generosity.copy()
    share = np.ones((n, len(sc.actors)))
    rules = {a: [k for k, r in enumerate(sc.linkage) if r.actor == a] for a in who}
    view = public_view(sc, st)
    for a in who:
        share[:, a] = view.budget[:, a]
        view.generosity[:, rules[a]] = declared[:, rules[a]] * share[:, a, None]
    menu = np.linspace(0.0, 1.0, MENU)
    for _ in range(PASSES):
        for a in who:
            ks = rules[a]
            values = np.empty((MENU, n))
            for m, frac in enumerate(menu):
                view.generosity[:, ks] = declared[:, ks] * (frac * view.budget[:, a])[:, None]
                values[m] = Planner(sc, view).solve().value[1][:, a]
            best = values.argmax(axis=0)  # first maximum: the smaller share on a tie
            share[:, a] = menu[best] * view.budget[:, a]
            view.generosity[:, ks] = declared[:, ks] * share[:, a, None]
    for a in who:
        st.generosity[:, rules[a]] = declared[:, rules[a]] * share[:, a, None]
    return share
