"""What the solution-concept protocols share: the world they solve, and how terms become an outcome.

A solution concept (compromise, Nash, expected utility, Baron-Ferejohn) has no clock of its
own, so it solves the world as it stands once every event due by the deadline has fired or
not. The events use the same uniforms as the round-by-round engine (one draw per event per
round, in round order), so a replication's events fire alike under every protocol.

The proposed terms then meet the signatories: each accepts iff the terms respect its red
lines and are worth at least its outside option. If all accept it is a deal; otherwise talks
break down and the signatory with the largest shortfall (a crossed red line first) walks out.
"""

from __future__ import annotations

import numpy as np

from sim.engine.outcomes import BREAKDOWN, DEAL, Outcomes
from sim.engine.state import State, apply_effect, build_state
from sim.engine.utility import breakdown_utilities, fill_linked, red_lines_hold, utilities
from sim.protocols.base import Protocol
from sim.scenario.load import Scenario
from sim.seeding import EVENTS, stream

TOLERANCE = 1e-9  # utility shortfall still counted as acceptable (rounding)


def signatory_weights(sc: Scenario, st: State) -> np.ndarray:
    """Return (n, P) the signatories' weights summing to 1: by capability, equal, or declared."""
    sig = list(sc.signatories)
    declared = sc.spec.protocol.weights
    if isinstance(declared, dict):
        w = np.broadcast_to(np.array([declared[sc.actors[a]] for a in sig], dtype=float), (st.n, len(sig)))
    elif declared == "equal":
        w = np.ones((st.n, len(sig)))
    else:
        w = st.capability[:, sig]
    return w / w.sum(axis=1, keepdims=True)


def fire_events(sc: Scenario, st: State, seed: int, block: int) -> np.ndarray:
    """Apply every event due by the deadline to ``st`` in round order; return (n, E) fired."""
    n, E = st.n, len(sc.events)
    fired = np.zeros((n, E), dtype=bool)
    if not E:
        return fired
    u = stream(seed, block, EVENTS).random((sc.spec.protocol.rounds, E, n))
    for t in range(1, sc.spec.protocol.rounds + 1):
        for e, ev in enumerate(sc.events):
            if ev.round != t:
                continue
            fire = u[t - 1, e] < st.event_prob[:, e]
            fired[:, e] = fire
            for path, mode, value in ev.effects:
                apply_effect(sc, st, path, mode, value, fire)
    return fired


def settle(sc: Scenario, st: State, protocol: str, terms: np.ndarray, fired: np.ndarray, *,
           feasible: np.ndarray | None = None, end_round: int | np.ndarray = 1,
           proposer: np.ndarray | None = None) -> Outcomes:
    """Turn proposed terms into outcomes: a deal if every signatory accepts, else breakdown.

    Args:
        sc: Scenario.
        st: Batch parameters (after events).
        protocol: Protocol name for the outcomes.
        terms: (n, I) proposed terms on the 0-1 scale; linked issues are filled from linkage.
        fired: (n, E) events that fired.
        feasible: (n,) False where the protocol found no acceptable terms (forces breakdown).
        end_round: Round recorded for each replication.
        proposer: (n,) actor whose proposal it is (-1 or None: nobody in particular).

    """
    n = st.n
    gen = st.generosity
    terms = fill_linked(sc, st, terms, gen)
    u = utilities(st, terms)
    bterms, bval = breakdown_utilities(sc, st, gen)
    sig = np.asarray(sc.signatories)
    red_ok = red_lines_hold(sc, terms)[:, sig]
    shortfall = bval[:, sig] - u[:, sig]
    accept = red_ok & (shortfall <= TOLERANCE)
    deal = accept.all(axis=1)
    if feasible is not None:
        deal &= feasible
    score = np.where(red_ok, shortfall, np.inf)
    walker = np.where(deal, -1, sig[score.argmax(axis=1)])
    A = len(sc.actors)
    prop = np.full(n, -1) if proposer is None else np.asarray(proposer)
    return Outcomes(
        protocol=protocol,
        kind=np.where(deal, DEAL, BREAKDOWN).astype(np.int8),
        round=np.broadcast_to(np.asarray(end_round), (n,)).astype(np.int16),
        terms=np.where(deal[:, None], terms, bterms),
        payoff=np.where(deal[:, None], u, bval).reshape(n, A),
        proposer=np.where(deal, prop, -1).astype(np.int8),
        walker=walker.astype(np.int8),
        rejections=np.zeros(n, dtype=np.int16),
        fired=fired,
    )


class SolutionConcept(Protocol):
    """A protocol that solves for terms once, with no rounds: subclasses implement :meth:`solve`."""

    def solve(self, sc: Scenario, st: State) -> tuple[np.ndarray, np.ndarray | None]:
        """Return proposed terms (n, I) and (n,) where any exist (None: everywhere)."""
        raise NotImplementedError

    def rounds(self, sc: Scenario) -> int:
        """Round recorded as the end of talks (1: the solution is reached at once)."""
        return 1

    def play(self, sc: Scenario, n: int, values: dict[str, np.ndarray | float], *, seed: int, block: int,
             trace: list[int] | None = None) -> Outcomes:
        """Solve the world after the events, then let the signatories accept or walk out."""
        st = build_state(sc, n, values)
        fired = fire_events(sc, st, seed, block)
        terms, feasible = self.solve(sc, st)
        return settle(sc, st, self.name, terms, fired, feasible=feasible, end_round=self.rounds(sc))
