"""How a signatory decides: small strategy classes behind one interface (as Axelrod's players).

Every round the model hands the proposer's strategy its :class:`Options` (the candidate
offers valued against its belief) and asks each responder's strategy for the least an
offer must be worth to it. A strategy declares whether it is stochastic (the tests read
it) and whether it is *informed* (plays as if it knew the others' types: the
complete-information equilibrium, a benchmark rather than a realistic player).

* :class:`BeliefBased` (default): the offer with the highest expected value against the
  belief, or waiting, or its best unilateral move, whichever is worth most.
* :class:`Equilibrium`: today's subgame-perfect plan with complete information.
* :class:`TimeDependent`: concedes along an aspiration curve in time (Faratin, Sierra &
  Jennings 1998; NegMAS's Boulware / Linear / Conceder negotiators).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.engine.planner import PASS, PROPOSE, WALK

TOLERANCE = 1e-12  # as the planner: an offer at exactly the alternative's value is made


@dataclass
class Options:
    """What one proposer can do this round, in every replication of the batch.

    Attributes:
        belief: (n, m) the proposer's belief over the responder's types (m = 1: known).
        valid: (m, n) candidate ``c`` (the complete-information offer to responder type
            ``c``) exists: the proposer's plan against that type is to propose.
        own_ok: (m, n) the candidate keeps the proposer's own red lines (a plan can land
            exactly on a strict bound; such an offer is never tabled: the proposer passes).
        own: (m, n) the proposer's own utility of each candidate.
        accept: (m, n, m) whether responder type ``k`` (last axis) accepts candidate ``c``.
        after: (n, m) the proposer's value when responder type ``k`` refuses.
        wait: (n,) value of passing: the status quo's flow, then the next round.
        act: (n,) value of its best unilateral move now (-inf: none).

    """

    belief: np.ndarray
    valid: np.ndarray
    own_ok: np.ndarray
    own: np.ndarray
    accept: np.ndarray
    after: np.ndarray
    wait: np.ndarray
    act: np.ndarray

    def value(self) -> np.ndarray:
        """(m, n) expected value of each candidate against the belief (-inf where invalid).

        ``sum_k pi_k [a_ck u_p(c) + (1 - a_ck) W_p(k)]``: accepted by the types it satisfies,
        refused (and the talks go on, or the refuser moves) by the others.
        """
        a = self.accept
        own = np.where(self.valid, self.own, 0.0)  # no candidate: -inf would give nan (masked below)
        per_type = a * own[:, :, None] + (1.0 - a) * self.after[None]
        v = (self.belief[None] * per_type).sum(axis=2)
        return np.where(self.valid, v, -np.inf)

    def acceptance(self) -> np.ndarray:
        """(m, n) the chance each candidate is accepted, by the belief."""
        return (self.belief[None] * self.accept).sum(axis=2)

    def fallback(self) -> tuple[np.ndarray, np.ndarray]:
        """(n,) WALK (its best move) where that beats waiting, else PASS; and (n,) its value."""
        move = self.act > self.wait
        return np.where(move, WALK, PASS).astype(np.int8), np.where(move, self.act, self.wait)


class Strategy:
    """One decision rule; subclasses set ``name`` and override what differs."""

    name: ClassVar[str] = ""
    stochastic: ClassVar[bool] = False
    informed: ClassVar[bool] = False

    def propose(self, opts: Options, t: int, T: int) -> tuple[np.ndarray, np.ndarray]:
        """(n,) PROPOSE / PASS / WALK and (n,) the candidate offered, for a proposer.

        The default: the candidate with the highest expected value, if it is worth at least
        the proposer's alternative (waiting, or its best move); else that alternative.
        """
        value = opts.value()
        best = value.argmax(axis=0)
        top = value[best, np.arange(value.shape[1])]
        fall_action, fall_value = opts.fallback()
        propose = np.isfinite(top) & (top >= fall_value - TOLERANCE)
        action = np.where(propose, PROPOSE, fall_action)
        crossed = propose & ~opts.own_ok[best, np.arange(value.shape[1])]
        return np.where(crossed, PASS, action).astype(np.int8), best

    def threshold(self, reservation: np.ndarray, best_own: np.ndarray, t: int, T: int) -> np.ndarray:
        """(n,) the least an offer must be worth for this responder to accept it."""
        return reservation


class BeliefBased(Strategy):
    """Best response to the belief: screening offers, waiting, or acting, by expected value."""

    name = "belief"


class Equilibrium(Strategy):
    """The complete-information subgame-perfect plan: knows every other actor's type."""

    name = "equilibrium"
    informed = True


class TimeDependent(Strategy):
    """Concession along an aspiration curve in time (Faratin, Sierra & Jennings 1998).

    Aspiration at round ``t`` of ``T``::

        a(t) = lo + (1 - (t / T) ** (1 / e)) (hi - lo),

    from ``hi`` (the best it could ask) down to ``lo`` (its reservation). ``e < 1`` is
    Boulware (holds out, concedes late), ``e = 1`` linear, ``e > 1`` Conceder. As proposer it
    offers, among the candidates worth at least ``a(t)`` to it, the one most likely to be
    accepted; as responder it accepts an offer worth at least ``a(t)``. It never goes below
    its reservation.
    """

    exponent: ClassVar[float] = 1.0

    def aspiration(self, lo: np.ndarray, hi: np.ndarray, t: int, T: int) -> np.ndarray:
        """(n,) the aspiration between ``lo`` and ``hi`` at round ``t``."""
        hi = np.where(np.isfinite(hi), np.maximum(hi, lo), lo)
        return lo + (1.0 - (t / T) ** (1.0 / self.exponent)) * (hi - lo)

    def propose(self, opts: Options, t: int, T: int) -> tuple[np.ndarray, np.ndarray]:
        """Offer the likeliest-accepted candidate that meets the aspiration; else fall back."""
        fall_action, fall_value = opts.fallback()
        own = np.where(opts.valid, opts.own, -np.inf)
        aim = self.aspiration(fall_value, own.max(axis=0), t, T)
        meets = opts.valid & opts.own_ok & (own >= aim[None] - TOLERANCE)
        score = np.where(meets, opts.acceptance() + 1e-6 * own, -np.inf)  # likeliest; then the better for it
        best = score.argmax(axis=0)
        propose = meets.any(axis=0)
        return np.where(propose, PROPOSE, fall_action).astype(np.int8), best

    def threshold(self, reservation: np.ndarray, best_own: np.ndarray, t: int, T: int) -> np.ndarray:
        """The aspiration, from its own best demand down to its reservation."""
        return self.aspiration(reservation, best_own, t, T)


class Boulware(TimeDependent):
    """Holds out and concedes late (e = 0.2)."""

    name = "boulware"
    exponent = 0.2


class Linear(TimeDependent):
    """Concedes at a constant rate (e = 1)."""

    name = "linear"
    exponent = 1.0


class Conceder(TimeDependent):
    """Concedes early (e = 5)."""

    name = "conceder"
    exponent = 5.0


REGISTRY: dict[str, type[Strategy]] = {cls.name: cls for cls in (BeliefBased, Equilibrium, Boulware, Linear,
                                                                   Conceder)}


def make(name: str) -> Strategy:
    """A strategy by its scenario name."""
    return REGISTRY[name]()
