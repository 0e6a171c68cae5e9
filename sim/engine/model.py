"""NegotiationModel: one Mesa model steps a whole batch of replications of a scenario.

The rules of one round (:meth:`NegotiationModel.step`):

1. events due this round fire, each replication with its own probability draw, and the
   affected replications re-plan from this round;
2. a proposer is recognised (rotation, or in proportion to capability);
3. the proposer offers its planned package, passes, or walks out to its outside option;
4. every other signatory accepts or refuses; a refuser whose outside option beats the
   discounted value of going on walks out (breakdown);
5. influencers update their conditional offers (generosity escalates);
6. the round ends: a deal if all accepted, otherwise on to the next round, and after the
   deadline the status quo holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.engine.actors import Actor
from sim.engine.outcomes import BREAKDOWN, DEADLINE, DEAL, Trace
from sim.engine.planner import PASS, PROPOSE, WALK, Planner, offer_terms
from sim.engine.state import State, apply_effect, build_state
from sim.engine.utility import breakdown_utilities, fill_linked, red_lines_hold, utilities
from sim.scenario.load import Scenario
from sim.seeding import ACCEPTANCE, EVENTS, RECOGNITION, stream

_CHOSEN = 1e9  # walk-out "gain" of a person who chose to leave (finite: it must win the argmax)


@dataclass(frozen=True)
class HumanMove:
    """A person's decision for one signatory in one round (role-play), the same in every replication.

    Attributes:
        actor: Index of the actor the person plays.
        action: When it is their turn to propose: PROPOSE (with ``terms``), PASS or WALK.
        terms: (I,) their package on the 0-1 scale; linked issues are filled in by the influencers' rules.
            A package crossing their own red line is not tabled (a pass), as for every proposer.
        accept: When another signatory proposes: their answer.
        walk: When they refuse: whether they also walk out (breakdown).

    """

    actor: int
    action: int = PROPOSE
    terms: np.ndarray | None = None
    accept: bool = False
    walk: bool = False


@dataclass
class OpenRound:
    """A round opened by :meth:`NegotiationModel.open_round` and not yet answered.

    Attributes:
        t: The round.
        fired: Names of the events that fired.
        slot: (n,) proposer slot; ``proposer`` (n,) the proposer's actor index.
        action: (n,) the proposer's planned PROPOSE, PASS or WALK.
        terms: (n, I) the planned offer; ``offer_utility`` (n, A) and ``red_lines_ok`` (n, A) for it.

    """

    t: int
    fired: list[str]
    slot: np.ndarray
    proposer: np.ndarray
    action: np.ndarray
    terms: np.ndarray
    offer_utility: np.ndarray
    red_lines_ok: np.ndarray


class NegotiationModel(mesa.Model):
    """A batch of ``n`` replications of one scenario under alternating offers.

    Args:
        scenario: The compiled scenario.
        n: Replications in this batch.
        seed: The run's root seed.
        block: This batch's block index (keys its random streams).
        values: Parameter path → scalar or (n,) array (draws and levers), internal scale.
        trace: Row indices to record round by round.

    """

    def __init__(self, scenario: Scenario, n: int, *, seed: int = 0, block: int = 0,
                 values: dict[str, np.ndarray | float] | None = None, trace: list[int] | None = None) -> None:
        super().__init__(rng=np.random.SeedSequence(seed, spawn_key=(block, 99)).generate_state(1)[0].item())
        self.sc = scenario  # not `self.scenario`: mesa.Model reserves that name
        self.n = n
        self.round = 1
        self.state: State = build_state(scenario, n, values or {})
        self.actors = [Actor(self, j) for j in range(len(scenario.actors))]
        self.signatories = [self.actors[j] for j in scenario.signatories]
        self.influencers = [a for a in self.actors if a.role == "influencer"]
        self._rng_rec = stream(seed, block, RECOGNITION)
        self._rng_acc = stream(seed, block, ACCEPTANCE)
        self._rng_evt = stream(seed, block, EVENTS)
        self.plan = Planner(scenario, self.state).solve()
        I, A, E = len(scenario.space.issues), len(scenario.actors), len(scenario.spec.events)
        self.done = np.zeros(n, dtype=bool)
        self.kind = np.full(n, DEADLINE, dtype=np.int8)
        self.end_round = np.full(n, scenario.spec.protocol.rounds, dtype=np.int16)
        self.terms = np.zeros((n, I))
        self.payoff = np.zeros((n, A))
        self.proposer = np.full(n, -1, dtype=np.int8)
        self.walker = np.full(n, -1, dtype=np.int8)
        self.rejections = np.zeros(n, dtype=np.int16)
        self.fired = np.zeros((n, E), dtype=bool)
        self.trace = Trace(np.asarray(trace, dtype=int)) if trace else None
        self.running = True

    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """(n, A) every actor's utility of full terms (n, I)."""
        return utilities(self.state, terms)

    # -- the rules of one round -------------------------------------------------------

    def step(self) -> None:
        """Play one round in every replication still negotiating."""
        self.close_round(self.open_round())

    def open_round(self) -> OpenRound:
        """Start round ``t``: events fire, a proposer is recognised and its planned offer is made.

        :meth:`step` is ``close_round(open_round())``; role-play opens a round, shows the
        offer (or asks for one), and closes it with the person's :class:`HumanMove`.
        """
        t = self.round
        fired = self.fire_events(t)
        slot = self.recognise(t)
        action = self.plan.action[t, slot, np.arange(self.n)]
        terms, offer_u, ok = self.make_offers(t, slot)
        return OpenRound(t, fired, slot, np.asarray(self.sc.signatories)[slot], action, terms, offer_u, ok)

    def close_round(self, rnd: OpenRound, human: HumanMove | None = None) -> None:
        """Answer the offer of an opened round, settle it and move on to the next round.

        Args:
            rnd: From :meth:`open_round` in this round.
            human: A person's decision for one actor (role-play); the model plays everyone else.

        """
        t, slot, props = rnd.t, rnd.slot, rnd.proposer
        action, terms, offer_u, ok = rnd.action, rnd.terms, rnd.offer_utility, rnd.red_lines_ok
        if human is not None and (props == human.actor).any():
            action, terms, offer_u, ok = self._human_offer(rnd, human)
        live = ~self.done
        # A proposer never tables an offer that crosses its own red line (the plan can land
        # exactly on a strict bound such as `> 0`); it passes instead.
        own_ok = ok[np.arange(self.n), props]
        action = np.where((action == PROPOSE) & ~own_ok, PASS, action).astype(action.dtype)
        accept_all = np.ones(self.n, dtype=bool)
        votes = np.ones((self.n, len(self.actors)), dtype=bool)
        u = self._rng_acc.random((self.n, len(self.actors)))  # drawn for every actor: streams stay aligned
        for actor in self.signatories:
            responding = props != actor.index
            if human is not None and actor.index == human.actor:
                vote = np.full(self.n, human.accept)
            else:
                vote = actor.respond(offer_u[:, actor.index], ok[:, actor.index], t, u[:, actor.index])
            votes[:, actor.index] = np.where(responding, vote, True)
            accept_all &= votes[:, actor.index]
        proposed = live & (action == PROPOSE)
        self.settle(t, proposed, action, slot, terms, votes, accept_all, human)
        if self.trace is not None:
            self._record(t, slot, action, terms, offer_u, votes, proposed, rnd.fired)
        for actor in self.influencers:
            actor.step()
        self.round += 1
        if self.round > self.sc.spec.protocol.rounds or self.done.all():
            self.finish()

    def _human_offer(self, rnd: OpenRound, human: HumanMove) -> tuple[np.ndarray, ...]:
        """Return the round's action and offer where the person's actor proposes (theirs replaces the plan)."""
        mine = rnd.proposer == human.actor
        action = np.where(mine, human.action, rnd.action).astype(rnd.action.dtype)
        terms = rnd.terms.copy()
        if human.action == PROPOSE:
            if human.terms is None:
                raise ValueError("a human proposal needs terms")
            own = fill_linked(self.sc, self.state, np.broadcast_to(np.asarray(human.terms, float),
                                                                   terms.shape).copy(), self.state.generosity)
            terms[mine] = own[mine]
        return action, terms, self.utilities(terms), red_lines_hold(self.sc, terms)

    def fire_events(self, t: int) -> list[str]:
        """Fire events due in round ``t``; replan the replications they touch."""
        names = []
        touched = np.zeros(self.n, dtype=bool)
        for e, ev in enumerate(self.sc.events):
            u = self._rng_evt.random(self.n)  # one draw per event per round keeps streams aligned
            if ev.round != t:
                continue
            fire = (u < self.state.event_prob[:, e]) & ~self.done
            if not fire.any():
                continue
            names.append(ev.name)
            self.fired[:, e] |= fire
            for path, mode, value in ev.effects:
                apply_effect(self.sc, self.state, path, mode, value, fire)
            touched |= fire
        if touched.any():
            Planner(self.sc, self.state).solve(t0=t, plan=self.plan, rows=touched)
        return names

    def recognise(self, t: int) -> np.ndarray:
        """(n,) proposer slot per replication: rotation, or a capability-weighted draw."""
        P = len(self.sc.signatories)
        u = self._rng_rec.random(self.n)
        if self.sc.spec.protocol.recognition == "rotation":
            return np.full(self.n, (t - 1) % P, dtype=np.int64)
        cap = self.state.capability[:, list(self.sc.signatories)]
        cum = np.cumsum(cap / cap.sum(axis=1, keepdims=True), axis=1)
        return np.minimum((u[:, None] >= cum).sum(axis=1), P - 1)

    def make_offers(self, t: int, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each proposer's planned offer: terms (n, I), utilities (n, A), red lines (n, A)."""
        rows = np.arange(self.n)
        pkg = self.plan.package[t, slot, rows]
        tau = self.plan.tau[t, slot, rows]
        gen = self.state.generosity
        terms = offer_terms(self.sc, self.state, self.plan, slot, pkg, tau, gen)
        return terms, self.utilities(terms), red_lines_hold(self.sc, terms)

    def settle(self, t: int, proposed: np.ndarray, action: np.ndarray, slot: np.ndarray,
               terms: np.ndarray, votes: np.ndarray, accept_all: np.ndarray, human: HumanMove | None = None) -> None:
        """Record deals and walk-outs of round ``t`` (a person who refuses walks out only if they say so)."""
        sc = self.sc
        live = ~self.done
        props = np.asarray(sc.signatories)[slot]
        deal = proposed & accept_all
        self._close(deal, DEAL, t, terms, self.utilities(terms))
        self.proposer[deal] = props[deal]
        refused = proposed & ~accept_all
        self.rejections[refused] += 1
        walk = live & (action == WALK)
        self.walker[walk] = props[walk]
        gain = np.full((self.n, len(sc.actors)), -np.inf)
        for actor in self.signatories:
            if human is not None and actor.index == human.actor:
                leaves = refused & ~votes[:, actor.index] & human.walk
                gain[leaves, actor.index] = _CHOSEN  # the person chose to leave: they are the walker
                continue
            leaves = refused & ~votes[:, actor.index] & actor.prefers_walking(t)
            gain[leaves, actor.index] = (self.plan.walk_value[t][leaves, actor.index]
                                         - actor.patience[leaves] * self.plan.value[t + 1][leaves, actor.index])
        walked = refused & np.isfinite(gain).any(axis=1)
        self.walker[walked] = gain[walked].argmax(axis=1)
        out = walk | walked
        if out.any():
            bterms, bval = breakdown_utilities(sc, self.state, self.state.generosity)
            self._close(out, BREAKDOWN, t, bterms, bval)

    def finish(self) -> None:
        """After the deadline, the status quo holds where no deal was made."""
        left = ~self.done
        if left.any():
            gen = self.state.generosity
            sq = fill_linked(self.sc, self.state, self.state.status_quo, gen)
            self._close(left, DEADLINE, self.sc.spec.protocol.rounds, sq, self.utilities(sq))
        self.running = False

    def _close(self, mask: np.ndarray, kind: int, t: int, terms: np.ndarray, payoff: np.ndarray) -> None:
        mask = mask & ~self.done
        self.kind[mask] = kind
        self.end_round[mask] = t
        self.terms[mask] = terms[mask]
        self.payoff[mask] = payoff[mask]
        self.done |= mask

    def _record(self, t: int, slot: np.ndarray, action: np.ndarray, terms: np.ndarray, offer_u: np.ndarray,
                votes: np.ndarray, proposed: np.ndarray, fired: list[str]) -> None:
        tr, r = self.trace, self.trace.rows
        tr.proposer.append(np.asarray(self.sc.signatories)[slot][r])
        tr.action.append(np.where(proposed[r] | (action[r] != PROPOSE), action[r], -1))
        tr.offer.append(terms[r])
        tr.offer_utility.append(offer_u[r])
        tr.reservation.append(self.plan.reservation[t][r])
        tr.walk_value.append(self.plan.walk_value[t][r])
        tr.continuation.append(self.state.patience[r] * self.plan.value[t + 1][r])
        tr.accepted.append(votes[r])
        tr.fired.append(fired)

    def run(self) -> NegotiationModel:
        """Step until every replication has ended; return self."""
        while self.running:
            self.step()
        return self


__all__ = ["PASS", "PROPOSE", "WALK", "HumanMove", "NegotiationModel", "OpenRound"]
