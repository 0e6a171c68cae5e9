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
from sim.engine.beliefs import World, build_worlds, expected, hypothetical, prior, type_of, update
from sim.engine.influence import choose_offers
from sim.engine.moves import IMPLICIT_WALK, action_terms, end_values, status_quo_flow
from sim.engine.outcomes import BREAKDOWN, DEADLINE, DEAL, KINDS, Trace
from sim.engine.planner import PASS, PROPOSE, WALK, Planner, offer_terms
from sim.engine.state import State, apply_effect, build_state
from sim.engine.strategies import Options
from sim.engine.utility import breakdown_utilities, fill_linked, red_lines_hold, utilities
from sim.scenario.load import Scenario
from sim.seeding import ACCEPTANCE, ACTIONS, EVENTS, RECOGNITION, stream

#: Width (utility units) of the kernel that reads an offer as evidence of the proposer's type.
SIGNAL_WIDTH = 0.02
#: Likelihood of a pass by a type that would offer, or an offer by a type that would pass.
TREMBLE = 0.05
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
        walk: When they refuse: whether they also walk out (breakdown) or, in the process
            round, take a unilateral move.
        act: Which move (an index into ``sc.actions``, or ``IMPLICIT_WALK``) when they walk at
            their turn (``action=WALK``) or after refusing (``walk=True``); None: the move
            their plan values most. Process round only.

    """

    actor: int
    action: int = PROPOSE
    terms: np.ndarray | None = None
    accept: bool = False
    walk: bool = False
    act: int | None = None


Humans = HumanMove | tuple[HumanMove, ...] | list[HumanMove] | None


def _by_actor(human: Humans) -> dict[int, HumanMove]:
    """Every person's move keyed by the actor they play (a class table may seat several)."""
    if human is None:
        return {}
    if isinstance(human, HumanMove):
        return {human.actor: human}
    return {h.actor: h for h in human}


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
        process: Play the round as a process with beliefs, strategies and actions even for
            a scenario that needs none of them (tests: it must give the same outcomes).
        record: Rounds at whose end to keep the standing terms (``standing``, (n, len, I)), for
            conditioning on observed terms; recording draws no random number.

    """

    def __init__(self, scenario: Scenario, n: int, *, seed: int = 0, block: int = 0,
                 values: dict[str, np.ndarray | float] | None = None, trace: list[int] | None = None,
                 process: bool = False, record: tuple[int, ...] = ()) -> None:
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
        self.offer_share = choose_offers(scenario, self.state)  # influencers who choose, before the talks
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
        self.process = process or needs_process(scenario)
        self.costs = np.zeros((n, A))
        self.attempts = np.zeros(n, dtype=np.int16)
        self.action_taken = np.full(n, -1, dtype=np.int8)
        # per-replication history for conditioning on observations (sim.experiments.condition)
        self.action_round = np.zeros((n, len(scenario.actions)), dtype=np.int16)  # first attempt; 0: never
        self.record_rounds = tuple(sorted(set(record)))
        self.standing = np.zeros((n, len(self.record_rounds), I))
        if self.process:
            self.worlds = build_worlds(scenario, self.state, self.plan)
            self.truth = World(-1, 0, self.state, self.plan)
            self.belief = prior(scenario, n)
            self.true_type = {j: type_of(scenario, self.state, j) for j in self.belief}
            self._rng_act = stream(seed, block, ACTIONS)
        self.running = True

    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """(n, A) every actor's utility of full terms (n, I)."""
        return utilities(self.state, terms)

    # -- the rules of one round -------------------------------------------------------

    def step(self) -> None:
        """Play one round in every replication still negotiating."""
        t = self.round
        self.close_round(self.open_round())
        if self.record_rounds:
            self._record_standing(t)

    def _record_standing(self, t: int) -> None:
        """Keep the terms standing at the end of round ``t`` (and of later recorded rounds once all ended)."""
        due = [i for i, r in enumerate(self.record_rounds) if r == t or (r > t and not self.running)]
        if not due:
            return
        sq = fill_linked(self.sc, self.state, self.state.status_quo, self.state.generosity)
        for i in due:
            self.standing[:, i] = np.where(self.done[:, None], self.terms, sq)

    def open_round(self) -> OpenRound:
        """Start round ``t``: events fire, a proposer is recognised and its planned offer is made.

        :meth:`step` is ``close_round(open_round())``; role-play opens a round, shows the
        offer (or asks for one), and closes it with the person's :class:`HumanMove`.
        """
        if self.process:
            return self._open_process()
        t = self.round
        fired = self.fire_events(t)
        slot = self.recognise(t)
        action = self.plan.action[t, slot, np.arange(self.n)]
        terms, offer_u, ok = self.make_offers(t, slot)
        return OpenRound(t, fired, slot, np.asarray(self.sc.signatories)[slot], action, terms, offer_u, ok)

    def close_round(self, rnd: OpenRound, human: Humans = None) -> None:
        """Answer the offer of an opened round, settle it and move on to the next round.

        Args:
            rnd: From :meth:`open_round` in this round.
            human: A person's decision for one actor (role-play), or several people's for the
                actors they play (a class table, process round only); the model plays everyone else.

        """
        if self.process:
            self._close_process(rnd, _by_actor(human))
            return
        if human is not None and not isinstance(human, HumanMove):
            if len(human) > 1:
                raise ValueError("several people at one table need the process round")
            human = human[0] if human else None
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
            self._apply_event(e, fire)
            touched |= fire
        if touched.any():
            self.replan(touched)
        return names

    def _apply_event(self, e: int, rows: np.ndarray) -> None:
        self.fired[:, e] |= rows
        for path, mode, value in self.sc.events[e].effects:
            apply_effect(self.sc, self.state, path, mode, value, rows)
            for w in self._hypothetical():
                apply_effect(self.sc, w.state, path, mode, value, rows)

    def replan(self, rows: np.ndarray | None = None) -> None:
        """Re-solve every plan (the truth's and each type's world) from the current round.

        After anything changes the parameters mid-negotiation: an event, a shock pushed by an
        instructor, a seated team's new offer.
        """
        rows = np.ones(self.n, dtype=bool) if rows is None else rows
        Planner(self.sc, self.state).solve(t0=self.round, plan=self.plan, rows=rows)
        for w in self._hypothetical():
            Planner(self.sc, w.state).solve(t0=self.round, plan=w.plan, rows=rows)

    def shock(self, name: str) -> None:
        """Fire event ``name`` now, in every replication still negotiating, whatever its round; replan.

        Raises:
            KeyError: For a name the scenario does not declare.

        """
        names = [ev.name for ev in self.sc.events]
        if name not in names:
            raise KeyError(f"no event named {name!r}; the scenario declares: {', '.join(names) or 'none'}")
        live = ~self.done
        self._apply_event(names.index(name), live)
        self.replan(live)

    def set_generosity(self, rules: list[int], values: np.ndarray) -> None:
        """Set linkage rules' generosity (n, len(rules)) mid-negotiation, in every world too; replan."""
        self.state.generosity[:, rules] = values
        for w in self._hypothetical():
            w.state.generosity[:] = self.state.generosity
        self.replan(~self.done)

    def _hypothetical(self) -> list[World]:
        return hypothetical(self.worlds) if self.process else []

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
        terms = offer_terms(self.sc, self.state, self.plan, slot, pkg, tau, gen, t)
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
            flow = status_quo_flow(self.sc, self.state, gen)
            sq = fill_linked(self.sc, self.state, self.state.status_quo, gen)
            # the standing status quo goes on: with timing it pays its flow (inside option)
            value = self.utilities(sq) if flow is None else flow
            self._close(left, DEADLINE, self.sc.spec.protocol.rounds, sq, value - self.costs)
        self.running = False

    def _close(self, mask: np.ndarray, kind: int, t: int, terms: np.ndarray, payoff: np.ndarray) -> None:
        mask = mask & ~self.done
        self.kind[mask] = kind
        self.end_round[mask] = t
        self.terms[mask] = terms[mask]
        self.payoff[mask] = payoff[mask]
        self.done |= mask

    def _record(self, t: int, slot: np.ndarray, action: np.ndarray, terms: np.ndarray, offer_u: np.ndarray,
                votes: np.ndarray, proposed: np.ndarray, fired: list[str], reservation: np.ndarray | None = None,
                walk_value: np.ndarray | None = None, continuation: np.ndarray | None = None,
                mover: np.ndarray | None = None, move: np.ndarray | None = None,
                succeeded: np.ndarray | None = None) -> None:
        tr, r = self.trace, self.trace.rows
        tr.proposer.append(np.asarray(self.sc.signatories)[slot][r])
        tr.action.append(np.where(proposed[r] | (action[r] != PROPOSE), action[r], -1))
        tr.offer.append(terms[r])
        tr.offer_utility.append(offer_u[r])
        tr.reservation.append((self.plan.reservation[t] if reservation is None else reservation)[r])
        tr.walk_value.append((self.plan.walk_value[t] if walk_value is None else walk_value)[r])
        tr.continuation.append((self.state.patience * self.plan.value[t + 1] if continuation is None
                                else continuation)[r])
        tr.accepted.append(votes[r])
        tr.fired.append(fired)
        if mover is not None:
            tr.mover.append(mover[r])
            tr.move.append(move[r])
            tr.moved_ok.append(succeeded[r])
            tr.beliefs.append({j: b[r].copy() for j, b in self.belief.items()})

    # -- the negotiation as a process: beliefs, strategies, unilateral moves ---------------

    def counterpart(self, j: int) -> tuple[list[World], np.ndarray]:
        """The worlds actor ``j`` reasons over, and its belief over them (n, m).

        With two signatories and a counterpart whose parameters are private, one world per
        type of the counterpart, weighted by the common belief about it; otherwise (nothing
        private, or an informed strategy) the true world alone, with certainty.
        """
        sig = self.sc.signatories
        if len(sig) == 2 and not self.actors[j].strategy.informed:
            o = sig[1] if sig[0] == j else sig[0]
            if o in self.belief:
                return self.worlds[o], self.belief[o]
        return [self.truth], np.ones((self.n, 1))

    def options(self, t: int, s: int) -> tuple[Options, np.ndarray]:
        """The proposer in slot ``s``'s candidate offers (m, n, I), valued against its belief.

        Candidate ``c`` is its complete-information offer to responder type ``c``: the
        cheapest package that type accepts. Which types accept which candidate, and what the
        proposer gets when a type refuses, are read off each type's world.
        """
        sc, n, rows = self.sc, self.n, np.arange(self.n)
        p = sc.signatories[s]
        worlds, belief = self.counterpart(p)
        m = len(worlds)
        slot = np.full(n, s)
        gen = self.state.generosity
        terms = np.empty((m, n, len(sc.space.issues)))
        valid, own_ok, own = np.empty((m, n), bool), np.empty((m, n), bool), np.empty((m, n))
        for c, w in enumerate(worlds):
            pl = w.plan
            terms[c] = offer_terms(sc, w.state, pl, slot, pl.package[t, s], pl.tau[t, s], gen, t)
            valid[c] = pl.action[t, s] == PROPOSE
            own[c] = pl.offer_value[t, s]
            own_ok[c] = red_lines_hold(sc, terms[c])[:, p]
        if m == 1:  # the plan's offer is made to be accepted; refusal never weighs
            accept, after = np.ones((1, n, 1)), np.zeros((n, 1))
        else:
            o = worlds[0].actor
            accept, after = np.empty((m, n, m)), np.empty((n, m))
            for c in range(m):
                ok = red_lines_hold(sc, terms[c])[:, o]
                for k, w in enumerate(worlds):
                    accept[c, :, k] = self._accepts(w, t, o, terms[c], ok, noisy=False)
            for k, w in enumerate(worlds):
                pl = w.plan
                moves = pl.walk_value[t][:, o] > pl.continuation[t][:, o]
                after[:, k] = np.where(moves, pl.conseq_refusal[t][rows, o, p], pl.continuation[t][:, p])
        wait = expected(belief, np.stack([w.plan.continuation[t][:, p] for w in worlds], axis=1))
        act = _expected_move(belief, np.stack([w.plan.turn_value[t][:, p] for w in worlds], axis=1))
        return Options(belief, valid, own_ok, own, accept, after, wait, act), terms

    def _accepts(self, w: World, t: int, j: int, terms: np.ndarray, ok: np.ndarray, noisy: bool) -> np.ndarray:
        """(n,) whether (or, ``noisy``, how likely) ``j`` of world ``w``'s type accepts ``terms``."""
        surplus = utilities(w.state, terms)[:, j] - w.plan.reservation[t][:, j]
        if noisy:
            return ok * acceptance_probability(surplus, self.state.noise)
        return (ok & (surplus >= -1e-9)).astype(float)

    def reservation_of(self, t: int, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n,) ``j``'s reservation, its best move's value after a refusal, and the value of waiting.

        Each is the belief-weighted mean over the worlds ``j`` reasons over; the reservation
        is the larger of the last two (with certainty: the plan's own numbers).
        """
        worlds, belief = self.counterpart(j)
        move = _expected_move(belief, np.stack([w.plan.walk_value[t][:, j] for w in worlds], axis=1))
        wait = expected(belief, np.stack([w.plan.continuation[t][:, j] for w in worlds], axis=1))
        return np.maximum(move, wait), move, wait

    def _open_process(self) -> OpenRound:
        """Events fire, a proposer is recognised and decides against its belief."""
        sc, n, rows = self.sc, self.n, np.arange(self.n)
        t, T = self.round, sc.spec.protocol.rounds
        fired = self.fire_events(t)
        slot = self.recognise(t)
        sig = np.asarray(sc.signatories)
        props = sig[slot]
        live = ~self.done
        action = np.full(n, PASS, np.int8)
        terms = self.state.status_quo.copy()
        for s, p in enumerate(sig):
            mine = slot == s
            if not (mine & live).any():
                continue
            opts, cand = self.options(t, s)
            act_s, c = self.actors[p].strategy.propose(opts, t, T)
            action = np.where(mine, act_s, action).astype(np.int8)
            terms[mine] = cand[c, rows][mine]
        return OpenRound(t, fired, slot, props, action, terms, self.utilities(terms), red_lines_hold(sc, terms))

    def _close_process(self, rnd: OpenRound, humans: dict[int, HumanMove]) -> None:
        """Answers by true type, moves, learning; then the next round."""
        sc, n, rows = self.sc, self.n, np.arange(self.n)
        t, T = rnd.t, sc.spec.protocol.rounds
        fired, slot, props, action, terms = rnd.fired, rnd.slot, rnd.proposer, rnd.action, rnd.terms
        live = ~self.done
        for h in humans.values():
            if (props == h.actor).any():
                action, terms, _, _ = self._human_offer(OpenRound(t, fired, slot, props, action, terms,
                                                                  rnd.offer_utility, rnd.red_lines_ok), h)
        offer_u, ok = self.utilities(terms), red_lines_hold(sc, terms)
        # answers, by each responder's true type, against its own reservation
        u = self._rng_acc.random((n, len(self.actors)))
        votes = np.ones((n, len(self.actors)), dtype=bool)
        accept_all = np.ones(n, dtype=bool)
        reserve, move_v, wait_v = {}, {}, {}
        for actor in self.signatories:
            j = actor.index
            reserve[j], move_v[j], wait_v[j] = self.reservation_of(t, j)
            if j in humans:
                vote = np.full(n, humans[j].accept)
            else:
                own_slot = list(sc.signatories).index(j)
                worlds, belief = self.counterpart(j)
                best_own = _expected_move(belief, np.stack([w.plan.offer_value[t, own_slot] for w in worlds], axis=1))
                thr = actor.strategy.threshold(reserve[j], best_own, t, T)
                vote = actor.respond(offer_u[:, j], ok[:, j], t, u[:, j], reservation=thr)
            votes[:, j] = np.where(props != j, vote, True)
            accept_all &= votes[:, j]
        proposed = live & (action == PROPOSE)
        deal = proposed & accept_all
        self._close(deal, DEAL, t, terms, self.utilities(terms) - self.costs)
        self.proposer[deal] = props[deal]
        refused = proposed & ~accept_all
        self.rejections[refused] += 1
        # unilateral moves: the proposer's at its turn, or the refuser's who gains most
        at_turn = live & (action == WALK)
        gain = np.full((n, len(self.actors)), -np.inf)
        for actor in self.signatories:
            j = actor.index
            refusing = refused & ~votes[:, j]
            if j in humans:
                gain[refusing & humans[j].walk, j] = _CHOSEN
                continue
            g = move_v[j] - wait_v[j]
            leaves = refusing & (g > 0)
            gain[leaves, j] = g[leaves]
        after_refusal = refused & np.isfinite(gain).any(axis=1)
        mover = np.where(at_turn, props, np.where(after_refusal, gain.argmax(axis=1), -1))
        move = np.where(at_turn, self.plan.act_turn[t][rows, np.maximum(mover, 0)],
                        self.plan.act_refusal[t][rows, np.maximum(mover, 0)])
        for j, h in humans.items():
            if h.act is not None:  # the person named the move (the plan's best is the default)
                move = np.where(mover == j, h.act, move)
        succeeded = self._execute_moves(t, mover, move)
        if self.belief:
            self._learn(t, props, proposed, votes, terms, ok, at_turn, after_refusal, mover, action, slot)
        if self.trace is not None:
            self._record(t, slot, action, terms, offer_u, votes, proposed, fired,
                         np.stack([reserve.get(a, self.plan.reservation[t][:, a]) for a in range(len(self.actors))],
                                  axis=1),
                         np.stack([move_v.get(a, self.plan.walk_value[t][:, a]) for a in range(len(self.actors))],
                                  axis=1),
                         np.stack([wait_v.get(a, self.plan.continuation[t][:, a]) for a in range(len(self.actors))],
                                  axis=1), mover, move, succeeded)
        for actor in self.influencers:
            actor.step()
        for w in self._hypothetical():
            w.state.generosity[:] = self.state.generosity
        self.round += 1
        if self.round > T or self.done.all():
            self.finish()

    def _execute_moves(self, t: int, mover: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Play the unilateral moves of round ``t``; return (n,) where one succeeded.

        A declared action is a lottery (one uniform per replication per round, drawn every
        round so the stream stays aligned); every actor pays its cost either way; success
        ends the talks with the action's terms. The implicit walk-out always succeeds.
        """
        sc = self.sc
        u = self._rng_act.random(self.n)
        moving = mover >= 0
        success = np.zeros(self.n, dtype=bool)
        gen = self.state.generosity
        walk = moving & (move == IMPLICIT_WALK)
        if walk.any():
            self.walker[walk] = mover[walk]
            bterms, bval = breakdown_utilities(sc, self.state, gen)
            self._close(walk, BREAKDOWN, t, bterms, bval - self.costs)
            success |= walk
        for k, rule in enumerate(sc.actions):
            takes = moving & (move == k)
            if not takes.any():
                continue
            self.attempts[takes] += 1
            first = takes & (self.action_round[:, k] == 0)
            self.action_round[first, k] = t
            self.costs[takes] += self.state.act_cost[takes, k]
            ok = takes & (u < self.state.act_success[:, k])
            if ok.any():
                self.walker[ok] = mover[ok]
                self.action_taken[ok] = k
                aterms = action_terms(sc, self.state, k, gen)
                self._close(ok, KINDS.index(rule.outcome), t, aterms, end_values(sc, self.state, aterms) - self.costs)
                success |= ok
        return success

    def _offer_likelihood(self, t: int, j: int, worlds: list[World], action: np.ndarray, terms: np.ndarray,
                          slot: np.ndarray) -> np.ndarray:
        """(n, m) how likely ``j``'s offer (or pass) was under each of its types.

        Type ``k`` is expected to make its complete-information offer (world ``k``'s plan).
        An offer's likelihood falls with its distance from that one, in the utility of the
        one who receives it: a Gaussian kernel of width ``max(noise, SIGNAL_WIDTH)``. A pass
        (or an offer) where type ``k`` would do the other has likelihood :data:`TREMBLE`.
        """
        sc, n = self.sc, self.n
        s = list(sc.signatories).index(j)
        o = next(a for a in sc.signatories if a != j)
        seen = self.utilities(terms)[:, o]
        width = np.maximum(self.state.noise, SIGNAL_WIDTH)
        like = np.empty((n, len(worlds)))
        slots = np.full(n, s)
        for k, w in enumerate(worlds):
            pl = w.plan
            would = pl.action[t, s] == PROPOSE
            theirs = offer_terms(sc, w.state, pl, slots, pl.package[t, s], pl.tau[t, s], self.state.generosity, t)
            gap = utilities(self.state, theirs)[:, o] - seen
            kernel = np.exp(-0.5 * (gap / width) ** 2)
            like[:, k] = np.where(action == PROPOSE, np.where(would, kernel, TREMBLE),
                                  np.where(would, TREMBLE, 1.0))
        return like

    def _learn(self, t: int, props: np.ndarray, proposed: np.ndarray, votes: np.ndarray, terms: np.ndarray,
               ok: np.ndarray, at_turn: np.ndarray, after_refusal: np.ndarray, mover: np.ndarray,
               action: np.ndarray, slot: np.ndarray) -> None:
        """Bayes' rule on what everyone saw: offers and passes, refusals, moves."""
        live = ~self.done | proposed | at_turn  # rows that played this round
        for j, belief in self.belief.items():
            worlds = self.worlds[j]
            own = (props == j) & live
            if own.any():
                belief = update(belief, self._offer_likelihood(t, j, worlds, action, terms, slot), own & ~at_turn)
            refused = proposed & (props != j) & ~votes[:, j]
            if refused.any():
                like = np.stack([1.0 - self._accepts(w, t, j, terms, ok[:, j], noisy=True) for w in worlds], axis=1)
                belief = update(belief, like, refused)
                would = np.stack([w.plan.walk_value[t][:, j] > w.plan.continuation[t][:, j] for w in worlds], axis=1)
                moved = (after_refusal & (mover == j))[:, None]
                belief = update(belief, np.where(moved, would, ~would).astype(float), refused)
            acted = at_turn & (props == j)
            if acted.any():
                would = np.stack([w.plan.turn_value[t][:, j] > w.plan.continuation[t][:, j] for w in worlds], axis=1)
                belief = update(belief, would.astype(float), acted)
            self.belief[j] = belief

    def release(self) -> None:
        """Drop the plans and worlds, most of the model's memory, once its outcomes are read.

        Mesa agents refer back to their model, so a finished model is freed only when the
        cycle collector runs; an ensemble would otherwise hold several blocks' plans at once.
        """
        self.worlds, self.truth, self.plan = [], None, None

    def run(self) -> NegotiationModel:
        """Step until every replication has ended; return self."""
        while self.running:
            self.step()
        return self


def needs_process(sc: Scenario) -> bool:
    """Whether a scenario needs the process round (dated flows, actions, private types, strategies)."""
    return (sc.timing is not None or bool(sc.actions) or sc.private
            or any(name not in ("belief", "equilibrium") for name in sc.strategies))


def acceptance_probability(surplus: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """(n,) logit acceptance ``1 / (1 + exp(-surplus / noise))``; a step at 0 where noise is 0."""
    with np.errstate(over="ignore"):
        return np.where(noise > 0, 1.0 / (1.0 + np.exp(-surplus / np.where(noise > 0, noise, 1.0))),
                        surplus >= -1e-9)


def _expected_move(belief: np.ndarray, per_type: np.ndarray) -> np.ndarray:
    """Belief-weighted value of a move (-inf where the move does not exist: the same in every world)."""
    there = np.isfinite(per_type).all(axis=1)
    return np.where(there, expected(belief, np.where(np.isfinite(per_type), per_type, 0.0)), -np.inf)


__all__ = ["PASS", "PROPOSE", "WALK", "HumanMove", "NegotiationModel", "OpenRound", "needs_process"]
