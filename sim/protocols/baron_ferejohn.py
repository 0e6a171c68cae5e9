"""Baron-Ferejohn bargaining over the deal: random recognition, closed rule, a vote quota.

The divide-the-dollar game (:mod:`sim.solvers.divide_dollar`) generalised to the deal space
the alternating-offers engine uses. Each round one signatory is recognised at random (in
proportion to capability, with equal chances, or by declared odds: ``protocol.weights``) and
proposes a package; the others vote it up or down without amendment, and it passes with a
majority or with everyone (``protocol.decision``). The proposer buys the cheapest votes it
needs, offering each partner its reservation value (outside option or the discounted value
of going on). Equilibrium strategies come from backward induction over ``protocol.rounds``
(:class:`sim.engine.planner.Planner` with a quota), so with a long deadline they approach the
stationary equilibrium, and the first recognised proposer's offer passes unless it prefers
to wait or to walk out. After the deadline the status quo holds.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.engine.outcomes import BREAKDOWN, DEADLINE, DEAL, Outcomes
from sim.engine.planner import PROPOSE, WALK, Planner, offer_terms, recognition_probs
from sim.engine.state import build_state
from sim.engine.utility import breakdown_utilities, fill_linked, generosity_at, utilities
from sim.protocols.base import Protocol
from sim.protocols.settle import fire_events, signatory_weights
from sim.scenario.load import Scenario
from sim.seeding import RECOGNITION, stream
from sim.solvers.divide_dollar import quota


def random_recognition(sc: Scenario) -> Scenario:
    """Return the scenario with recognition by draw (the planner's capability-proportional rule)."""
    proto = sc.spec.protocol.model_copy(update={"recognition": "capability"})
    return dataclasses.replace(sc, spec=sc.spec.model_copy(update={"protocol": proto}))


class BaronFerejohn(Protocol):
    """Random recognition, closed-rule votes, majority or unanimity, among the signatories."""

    name = "baron_ferejohn"

    def play(self, sc: Scenario, n: int, values: dict[str, np.ndarray | float], *, seed: int, block: int,
             trace: list[int] | None = None) -> Outcomes:
        """Plan the equilibrium, then draw proposers round by round until a proposal passes."""
        st = build_state(sc, n, values)
        fired = fire_events(sc, st, seed, block)
        st.noise[:] = 0.0  # subgame-perfect play: responders accept exactly their reservation
        st.margin[:] = 0.0
        # the planner recognises in proportion to capability: give it the recognition odds
        st.capability[:, list(sc.signatories)] = signatory_weights(sc, st)
        game = random_recognition(sc)
        sig = np.asarray(sc.signatories)
        plan = Planner(game, st, quota=quota(len(sig), sc.spec.protocol.decision)).solve()
        cum = np.cumsum(recognition_probs(game, st, 1), axis=1)
        T = sc.spec.protocol.rounds
        draws = stream(seed, block, RECOGNITION).random((T, n))  # as the round-by-round engine draws
        A, I = len(sc.actors), len(sc.space.issues)
        rows = np.arange(n)
        kind = np.full(n, DEADLINE, dtype=np.int8)
        end = np.full(n, T, dtype=np.int16)
        terms, payoff = np.zeros((n, I)), np.zeros((n, A))
        proposer, walker = np.full(n, -1, dtype=np.int8), np.full(n, -1, dtype=np.int8)
        done = np.zeros(n, dtype=bool)
        for t in range(1, T + 1):
            slot = np.minimum((draws[t - 1][:, None] >= cum).sum(axis=1), len(sig) - 1)
            action = plan.action[t, slot, rows]
            gen = generosity_at(st, t - 1)
            deal = ~done & (action == PROPOSE)
            walk = ~done & (action == WALK)
            if deal.any():
                offer = offer_terms(game, st, plan, slot, plan.package[t, slot, rows], plan.tau[t, slot, rows], gen, t)
                terms[deal], payoff[deal] = offer[deal], utilities(st, offer)[deal]
                proposer[deal] = sig[slot][deal]
            if walk.any():
                bterms, bval = breakdown_utilities(sc, st, gen)
                terms[walk], payoff[walk] = bterms[walk], bval[walk]
                walker[walk] = sig[slot][walk]
            kind[deal], kind[walk] = DEAL, BREAKDOWN
            end[deal | walk] = t
            done |= deal | walk
        if (~done).any():
            sq = fill_linked(sc, st, st.status_quo, generosity_at(st, T - 1))
            terms[~done], payoff[~done] = sq[~done], utilities(st, sq)[~done]
        return Outcomes(protocol=self.name, kind=kind, round=end, terms=terms, payoff=payoff, proposer=proposer,
                        walker=walker, rejections=np.zeros(n, dtype=np.int16), fired=fired)
