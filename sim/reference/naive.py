"""The naive reference: one plain Mesa model per replication of alternating offers.

Written for clarity, not speed, and used only by tests and the benchmark: it checks that
the batched engine (:mod:`sim.engine.model`, :mod:`sim.engine.planner`) plays the rules it documents
(docs/model.md). It shares with the engine only the compiled scenario, the parameter plumbing
(:func:`sim.engine.state.build_state`, :func:`sim.engine.state.apply_effect`) and the uncertainty draws;
the rules of a round, the beliefs and the backward induction (:mod:`sim.reference.plan`) are its own.

It draws its round-level randomness (recognition, acceptance, events, actions) from its own
streams keyed by replication, not from the engine's block streams, so the two agree in
distribution, not replication by replication; ``tests/reference/test_naive.py`` compares them.

The rules of one round of a scenario that needs none of the process (:meth:`ReferenceModel.step`):

1. events due this round fire with their probability; if one does, everyone re-plans;
2. a proposer is recognised (rotation, or in proportion to capability);
3. it offers its planned package, passes, or walks out (it passes rather than table an
   offer that crosses its own red line, which the plan can do on a strict bound);
4. every other signatory accepts or refuses (logit noise; never across a red line); a
   refuser whose outside option beats waiting walks out, the keenest one first;
5. influencers sweeten their conditional offers by their escalation;
6. a deal if everyone accepted; after the deadline the status quo holds.

The process round (``timing:``, ``actions:``, private types or time-dependent strategies;
:meth:`ReferenceModel.step_process`) plays, in one replication:

1. events fire; the true world and every hypothetical world (one per type of each private
   signatory, each with its own plan) take the effect and re-plan;
2. a proposer is recognised and decides against its belief about the other signatory
   (its strategy): candidates are its complete-information offers to each type;
3. every other signatory answers by its true type, against its belief-weighted reservation;
4. on a refusal, the refuser whose best move beats waiting by most makes it; a move at
   the proposer's turn is made instead of an offer; a declared action is a lottery that
   costs everyone its cost and, on success, ends the talks;
5. everyone updates its belief about each private signatory by Bayes' rule (offers and
   passes, refusals, acting or waiting after a refusal, actions at its turn; an
   observation no type would make leaves the belief as it was);
6. influencers sweeten their offers in every world; after the horizon the standing terms
   hold (with timing, their flow), less the costs of failed actions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import mesa
import numpy as np

from sim.engine.outcomes import BREAKDOWN, DEADLINE, DEAL, KINDS, Outcomes
from sim.engine.planner import PASS, PROPOSE, WALK
from sim.engine.state import State, _where, apply_effect, build_state
from sim.ensemble.blocks import block_values, layout
from sim.reference.plan import (
    IMPLICIT_WALK,
    Row,
    RowPlan,
    action_terms,
    flow,
    moved,
    outside_options,
    plan_game,
    utility,
    with_linked,
)
from sim.scenario.load import Scenario
from sim.seeding import ACCEPTANCE, ACTIONS, EVENTS, RECOGNITION, stream

#: Extra key part of the reference's streams, so they never coincide with the engine's.
REFERENCE_STREAM = 7
#: Width (utility units) below which the offer kernel never narrows (docs/model.md).
SIGNAL_WIDTH = 0.02
#: Likelihood of a pass by a type that would offer, or an offer by a type that would pass.
TREMBLE = 0.05
#: As the planner: an offer worth exactly the alternative is made.
TOLERANCE = 1e-12
#: Concession exponents of the time-dependent strategies (Faratin, Sierra & Jennings 1998).
EXPONENTS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


def needs_process(sc: Scenario) -> bool:
    """Whether a scenario is played by the process round (docs/model.md, "One round")."""
    return (sc.timing is not None or bool(sc.actions) or sc.private
            or any(s not in ("belief", "equilibrium") for s in sc.strategies))


def logit(surplus: float, noise: float) -> float:
    """Chance of accepting an offer worth ``surplus`` above the threshold (a step without noise)."""
    if noise > 0:
        with np.errstate(over="ignore"):
            return float(1.0 / (1.0 + np.exp(-surplus / noise)))
    return float(surplus >= -1e-9)


def believed(belief: np.ndarray, per_type: list[float]) -> float:
    """Belief-weighted mean; -inf where the quantity is -inf in some world (a move that does not exist)."""
    if not all(np.isfinite(per_type)):
        return -np.inf
    return float(sum(b * v for b, v in zip(belief, per_type, strict=True)))


def bayes(belief: np.ndarray, likelihood: list[float]) -> np.ndarray:
    """Posterior over types; the prior kept if no type would have made the move (off path)."""
    post = np.array([b * lk for b, lk in zip(belief, likelihood, strict=True)])
    total = post.sum()
    return post / total if total > 1e-300 else belief


class World:
    """One replication's complete-information game in a hypothetical world (or the true one).

    Attributes:
        actor: Whose type is hypothetical (-1: the true world).
        k: Which type.
        state: One-row parameters of that world.
        p: Its row, and ``plan`` its backward induction.

    """

    def __init__(self, sc: Scenario, actor: int, k: int, state: State, row: Row | None = None,
                 plan: RowPlan | None = None) -> None:
        self.actor, self.k, self.state = actor, k, state
        self.p = one_row(state) if row is None else row
        self.plan = plan_game(sc, self.p) if plan is None else plan

    def replan(self, sc: Scenario, t0: int) -> None:
        """Re-read the (changed) parameters and plan again from round ``t0``."""
        self.p = one_row(self.state)
        self.plan = plan_game(sc, self.p, t0)


def world_states(sc: Scenario, truth: State) -> dict[int, list[State]]:
    """Private signatory → one state per type: the truth with its private parameters set to the type's values."""
    out = {}
    for j, grid in enumerate(sc.types):
        if grid is None:
            continue
        out[j] = []
        for k in range(grid.m):
            st = replace(truth, **{f.name: np.array(getattr(truth, f.name), copy=True) for f in fields(truth)
                                   if getattr(truth, f.name) is not None})
            for q, path in enumerate(grid.paths):
                apply_effect(sc, st, path, "set", float(grid.values[k, q]), np.ones(1, dtype=bool))
            total = st.salience.sum(axis=2, keepdims=True)  # saliences sum to 1 in every world
            np.divide(st.salience, total, out=st.salience, where=total > 0)
            out[j].append(st)
    return out


def true_type(sc: Scenario, st: State, j: int) -> int:
    """Index of the type nearest to actor ``j``'s drawn private values (its true type)."""
    grid = sc.types[j]
    drawn = []
    for path in grid.paths:
        name, idx = _where(sc, path)
        drawn.append(float(getattr(st, name)[(0, *idx)]))
    return int(np.argmin(np.abs(grid.values - np.array(drawn)).sum(axis=1)))


def one_row(st: State) -> Row:
    """Return views of the first (only) replication of a one-row state."""
    kw = {f.name: getattr(st, f.name) for f in fields(st)}
    return Row(**{k: (v if k in ("shape", "oo_fixed") or v is None else v[0]) for k, v in kw.items()
                  if k not in ("noise", "margin")}, noise=float(st.noise[0]), margin=float(st.margin[0]))


class Party(mesa.Agent):
    """One actor of one replication: a signatory (proposes, answers, walks) or an influencer."""

    model: ReferenceModel

    def __init__(self, model: ReferenceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.sc.actors[index]
        self.role = model.sc.spec.actors[index].role
        self.linkage = [l for l, rule in enumerate(model.sc.linkage) if rule.actor == index]
        self.strategy = model.sc.strategies[index] if model.sc.strategies else "belief"

    def red_lines_hold(self, terms: np.ndarray) -> bool:
        """Whether full terms keep every one of this actor's red lines."""
        kind = np.zeros(1, dtype=int)
        return all(bool(c.evaluate(terms[None], kind)[0]) for c in self.model.sc.red_lines[self.index])

    def respond(self, terms: np.ndarray, t: int, threshold: float | None = None) -> bool:
        """Accept an offer? Never across a red line; otherwise logit in the surplus over the threshold.

        The threshold is the plan's reservation value unless given (beliefs, strategies).
        """
        m = self.model
        if not self.red_lines_hold(terms):
            return False
        least = m.plan.reservation[t, self.index] if threshold is None else threshold
        return bool(m.acceptance.random() < logit(utility(m.p, self.index, terms) - least, m.p.noise))

    def aspiration(self, lo: float, hi: float, t: int) -> float:
        """A time-dependent strategy's aspiration at round ``t``: from ``hi`` down to ``lo`` by the deadline."""
        hi = max(hi, lo) if np.isfinite(hi) else lo
        T = self.model.sc.spec.protocol.rounds
        return lo + (1.0 - (t / T) ** (1.0 / EXPONENTS[self.strategy])) * (hi - lo)

    def choose(self, t: int, c: list[dict[str, Any]], belief: np.ndarray, wait: float,
               act: float) -> tuple[int, int]:
        """Decide as proposer: (PROPOSE, candidate), (PASS, _) or (WALK, _).

        ``c`` holds each candidate (its complete-information offer to one responder type):
        ``valid``, ``own`` (its value to the proposer), ``own_ok`` (keeps its red lines) and
        ``accept`` (per type). ``wait`` and ``act`` are the belief-weighted values of passing and
        of its best move now.
        """
        fall = (WALK, act) if act > wait else (PASS, wait)
        if self.strategy in EXPONENTS:  # the likeliest-accepted candidate meeting the aspiration
            owns = [x["own"] for x in c if x["valid"]]
            aim = self.aspiration(fall[1], max(owns) if owns else -np.inf, t)
            best, score = -1, -np.inf
            for i, x in enumerate(c):
                if x["valid"] and x["own_ok"] and x["own"] >= aim - TOLERANCE:
                    s = float(np.dot(belief, x["accept"])) + 1e-6 * x["own"]
                    if s > score:
                        best, score = i, s
            return (PROPOSE, best) if best >= 0 else (fall[0], 0)
        # belief-based (and equilibrium, whose belief is the truth): the best expected value
        best, top = 0, -np.inf
        for i, x in enumerate(c):
            if not x["valid"]:
                continue
            v = sum(pi * (a * x["own"] + (1.0 - a) * w) for pi, a, w in zip(belief, x["accept"], x["after"],
                                                                              strict=True))
            if v > top:
                best, top = i, v
        if np.isfinite(top) and top >= fall[1] - TOLERANCE:
            return (PROPOSE, best) if c[best]["own_ok"] else (PASS, best)
        return fall[0], best

    def gain_from_walking(self, t: int) -> float:
        """Outside option minus the discounted value of going on (walks out if positive)."""
        plan, p = self.model.plan, self.model.p
        return float(plan.walk_value[t, self.index] - p.patience[self.index] * plan.value[t + 1, self.index])

    def step(self) -> None:
        """Sweeten this influencer's conditional offers (generosity grows by escalation, capped)."""
        p = self.model.p
        for l in self.linkage:
            p.generosity[l] = np.clip(p.generosity[l] + p.escalation[l], 0.0, p.cap[l])


class ReferenceModel(mesa.Model):
    """One replication of a scenario under alternating offers.

    Args:
        sc: The compiled scenario.
        values: Parameter path → this replication's value (draws and levers), internal scale.
        seed: The run's root seed.
        replication: This replication's index (keys its random streams).
        rng: Seed of Mesa's own generator (unused by the rules; for ``mesa.batch_run``).

    """

    def __init__(self, sc: Scenario, values: dict[str, float] | None = None, *, seed: int = 0,
                 replication: int = 0, rng: Any = None) -> None:
        super().__init__(rng=rng if rng is not None else replication)
        self.sc = sc  # not `self.scenario`: mesa.Model reserves that name
        self.state = build_state(sc, 1, {k: np.array([v], dtype=float) for k, v in (values or {}).items()})
        self.p = one_row(self.state)
        self.parties = [Party(self, a) for a in range(len(sc.actors))]
        self.recognition = stream(seed, replication, RECOGNITION, REFERENCE_STREAM)
        self.acceptance = stream(seed, replication, ACCEPTANCE, REFERENCE_STREAM)
        self.events = stream(seed, replication, EVENTS, REFERENCE_STREAM)
        self.plan: RowPlan = plan_game(sc, self.p)
        self.round = 1
        self.kind, self.end_round = DEADLINE, sc.spec.protocol.rounds
        self.terms = np.zeros(len(sc.space.issues))
        self.payoff = np.zeros(len(sc.actors))
        self.proposer = self.walker = -1
        self.rejections = 0
        self.fired = np.zeros(len(sc.events), dtype=bool)
        self.costs = np.zeros(len(sc.actors))  # paid for actions that failed (or succeeded)
        self.attempts, self.action_taken = 0, -1
        self.process = needs_process(sc)
        if self.process:
            self.actions = stream(seed, replication, ACTIONS, REFERENCE_STREAM)
            self.truth = World(sc, -1, 0, self.state, self.p, self.plan)  # events re-plan it with the model
            self.worlds = {j: [World(sc, j, k, st) for k, st in enumerate(states)]
                           for j, states in world_states(sc, self.state).items()}
            self.belief = {j: np.array(sc.types[j].weights, dtype=float) for j in self.worlds}
            self.true_type = {j: true_type(sc, self.state, j) for j in self.worlds}
        self.running = True

    # -- the rules of one round -------------------------------------------------------

    def step(self) -> None:
        """Play round ``self.round``."""
        if self.process:
            self.step_process()
            return
        t, sig = self.round, self.sc.signatories
        self.fire_events(t)
        slot = self.recognise(t)
        proposer = self.parties[sig[slot]]
        action = self.plan.action[t, slot]
        terms = self.offer(t, slot)
        if action == WALK:
            self.walker = proposer.index
            self.close(BREAKDOWN, t, *self.breakdown())
        elif action == PROPOSE and proposer.red_lines_hold(terms):
            refusers = [self.parties[j] for j in sig if j != proposer.index
                        and not self.parties[j].respond(terms, t)]
            if not refusers:
                self.proposer = proposer.index
                self.close(DEAL, t, terms, self.utilities(terms))
            else:
                self.rejections += 1
                leavers = [r for r in refusers if r.gain_from_walking(t) > 0]
                if leavers:
                    self.walker = max(leavers, key=lambda r: (r.gain_from_walking(t), -r.index)).index
                    self.close(BREAKDOWN, t, *self.breakdown())
        for party in self.parties:
            if party.role == "influencer":
                party.step()
        self.round += 1
        if self.running and self.round > self.sc.spec.protocol.rounds:
            status_quo = with_linked(self.sc, self.p, self.p.status_quo, self.p.generosity)
            self.close(DEADLINE, self.sc.spec.protocol.rounds, status_quo, self.utilities(status_quo))

    def fire_events(self, t: int) -> None:
        """Events due in round ``t`` fire with their probability; then everyone re-plans."""
        fired = False
        for e, ev in enumerate(self.sc.events):
            if ev.round != t or not self.events.random() < self.p.event_prob[e]:
                continue
            for path, mode, value in ev.effects:
                apply_effect(self.sc, self.state, path, mode, value, np.ones(1, dtype=bool))
            self.fired[e] = fired = True
        if fired:
            self.p = one_row(self.state)
            self.plan = plan_game(self.sc, self.p, t0=t)
            if self.process:
                self.truth.p, self.truth.plan = self.p, self.plan
                for worlds in self.worlds.values():
                    for w in worlds:
                        for e, ev in enumerate(self.sc.events):
                            if ev.round == t and self.fired[e]:
                                for path, mode, value in ev.effects:
                                    apply_effect(self.sc, w.state, path, mode, value, np.ones(1, dtype=bool))
                        w.replan(self.sc, t)

    def recognise(self, t: int) -> int:
        """Return the proposer's slot in the signatories' order."""
        sig = list(self.sc.signatories)
        if self.sc.spec.protocol.recognition == "rotation":
            return (t - 1) % len(sig)
        share = self.p.capability[sig] / self.p.capability[sig].sum()
        return min(int((self.recognition.random() >= np.cumsum(share)).sum()), len(sig) - 1)

    def offer(self, t: int, slot: int) -> np.ndarray:
        """Full terms of the planned offer: package, concession on continuous issues, linkage."""
        sc, plan = self.sc, self.plan
        terms = self.p.status_quo.copy()
        terms[list(sc.space.deal_disc)] = sc.space.packages[plan.package[t, slot]]
        ic = list(sc.space.deal_cont)
        own = self.p.ideal[sc.signatories[slot], ic]
        frac = moved(plan.tau[t, slot], plan.start[slot], plan.length[slot])
        terms[ic] = own + frac * (plan.target[slot] - own)
        return with_linked(sc, self.p, terms, self.p.generosity)

    def breakdown(self) -> tuple[np.ndarray, np.ndarray]:
        """Breakdown terms and everyone's outside option (less the costs paid), at today's generosity."""
        return (with_linked(self.sc, self.p, self.p.breakdown, self.p.generosity),
                outside_options(self.sc, self.p, self.p.generosity) - self.costs)

    # -- the process round: beliefs, strategies, unilateral moves ------------------------------

    def counterpart(self, j: int) -> tuple[list[World], np.ndarray]:
        """The worlds signatory ``j`` reasons over and its belief over them.

        With two signatories, a counterpart with private types and a strategy that is not
        informed (``equilibrium`` knows every type): the counterpart's worlds and the common
        belief about it; otherwise the true world, with certainty.
        """
        sig = list(self.sc.signatories)
        if len(sig) == 2 and self.parties[j].strategy != "equilibrium":
            o = sig[1] if sig[0] == j else sig[0]
            if o in self.worlds:
                return self.worlds[o], self.belief[o]
        return [self.truth], np.ones(1)

    def planned_offer(self, w: World, t: int, slot: int) -> np.ndarray:
        """Full terms of world ``w``'s planned offer of proposer ``slot`` at round ``t`` (today's generosity)."""
        sc, plan = self.sc, w.plan
        terms = w.p.status_quo.copy()
        terms[list(sc.space.deal_disc)] = sc.space.packages[plan.package[t, slot]]
        ic = list(sc.space.deal_cont)
        own = w.p.ideal[sc.signatories[slot], ic]
        terms[ic] = own + moved(plan.tau[t, slot], plan.start[slot], plan.length[slot]) * (plan.target[slot] - own)
        return with_linked(sc, w.p, terms, self.p.generosity)

    def reservation_of(self, t: int, j: int) -> tuple[float, float, float]:
        """``j``'s belief-weighted reservation, value of its best move after a refusal, and of waiting."""
        worlds, belief = self.counterpart(j)
        move = believed(belief, [w.plan.walk_value[t, j] for w in worlds])
        wait = believed(belief, [w.plan.continuation[t, j] for w in worlds])
        return max(move, wait), move, wait

    def candidates(self, t: int, slot: int) -> tuple[list[dict[str, Any]], np.ndarray, float, float]:
        """The proposer's candidates (one per responder type), its belief, and its values of waiting and moving."""
        sc = self.sc
        p = sc.signatories[slot]
        worlds, belief = self.counterpart(p)
        out = []
        for w in worlds:
            terms = self.planned_offer(w, t, slot)
            out.append({"terms": terms, "valid": w.plan.action[t, slot] == PROPOSE,
                        "own": float(w.plan.offer_value[t, slot]), "own_ok": self.parties[p].red_lines_hold(terms),
                        "accept": [1.0], "after": [0.0]})
        if len(worlds) > 1:
            o = worlds[0].actor
            after = []
            for w in worlds:  # what the proposer gets when type k refuses: its move, or going on
                if w.plan.walk_value[t, o] > w.plan.continuation[t, o]:
                    after.append(float(w.plan.conseq_refusal[t, o, p]))
                else:
                    after.append(float(w.plan.continuation[t, p]))
            for x in out:
                ok = self.parties[o].red_lines_hold(x["terms"])
                x["accept"] = [float(ok and utility(w.p, o, x["terms"]) - w.plan.reservation[t, o] >= -1e-9)
                               for w in worlds]
                x["after"] = after
        wait = believed(belief, [w.plan.continuation[t, p] for w in worlds])
        act = believed(belief, [w.plan.turn_value[t, p] for w in worlds])
        return out, belief, wait, act

    def step_process(self) -> None:
        """Play round ``self.round`` as a process (docs/model.md, "One round")."""
        sc, t = self.sc, self.round
        T = sc.spec.protocol.rounds
        sig = list(sc.signatories)
        self.fire_events(t)
        slot = self.recognise(t)
        prop = sig[slot]
        cands, belief, wait, act = self.candidates(t, slot)
        action, c = self.parties[prop].choose(t, cands, belief, wait, act)
        terms = cands[c]["terms"]
        votes: dict[int, bool] = {}
        mover, move = -1, -1
        if action == PROPOSE:
            gains = {}
            for j in sig:
                if j == prop:
                    continue
                reserve, move_v, wait_v = self.reservation_of(t, j)
                party = self.parties[j]
                threshold = reserve
                if party.strategy in EXPONENTS:
                    worlds, bel = self.counterpart(j)
                    best_own = believed(bel, [w.plan.offer_value[t, sig.index(j)] for w in worlds])
                    threshold = party.aspiration(reserve, best_own, t)
                votes[j] = party.respond(terms, t, threshold)
                if not votes[j] and move_v - wait_v > 0:
                    gains[j] = move_v - wait_v
            if all(votes.values()):
                self.proposer = prop
                self.close(DEAL, t, terms, self.utilities(terms) - self.costs)
            else:
                self.rejections += 1
                if gains:  # the refuser who gains most by moving moves (the first on a tie)
                    mover = max(gains, key=lambda j: (gains[j], -j))
                    move = int(self.plan.act_refusal[t, mover])
        elif action == WALK:
            mover, move = prop, int(self.plan.act_turn[t, prop])
        self.execute(t, mover, move)
        self.learn(t, prop, action, terms, votes, mover)
        for party in self.parties:
            if party.role == "influencer":
                party.step()
        for worlds in self.worlds.values():
            for w in worlds:
                w.p.generosity[:] = self.p.generosity
        self.round += 1
        if self.running and self.round > T:
            standing = with_linked(sc, self.p, self.p.status_quo, self.p.generosity)
            value = flow(sc, self.p, self.p.generosity)
            if value is None:
                value = self.utilities(standing)
            self.close(DEADLINE, T, standing, value - self.costs)

    def execute(self, t: int, mover: int, move: int) -> None:
        """Play a unilateral move: the walk-out (certain) or a declared action (a lottery with costs)."""
        u = self.actions.random()  # one uniform per round
        if mover < 0:
            return
        if move == IMPLICIT_WALK:
            self.walker = mover
            self.close(BREAKDOWN, t, *self.breakdown())
            return
        rule = self.sc.actions[move]
        self.attempts += 1
        self.costs = self.costs + self.p.act_cost[move]
        if u < self.p.act_success[move]:
            self.walker, self.action_taken = mover, move
            terms = action_terms(self.sc, self.p, move, self.p.generosity)
            value = np.array([utility(self.p, a, terms) + self.p.oo_bonus[a] for a in range(len(self.sc.actors))])
            self.close(KINDS.index(rule.outcome), t, terms, value - self.costs)

    def learn(self, t: int, prop: int, action: int, terms: np.ndarray, votes: dict[int, bool], mover: int) -> None:
        """Bayes' rule on what everyone saw this round, about each private signatory."""
        for j, worlds in self.worlds.items():
            belief = self.belief[j]
            if prop == j and action != WALK:  # its offer, or its pass
                belief = bayes(belief, self.offer_likelihood(t, j, worlds, action, terms))
            if action == PROPOSE and j in votes and not votes[j]:  # its refusal, then acting or waiting
                ok = self.parties[j].red_lines_hold(terms)
                accepts = [ok * logit(utility(w.p, j, terms) - w.plan.reservation[t, j], self.p.noise) for w in worlds]
                belief = bayes(belief, [1.0 - a for a in accepts])
                would = [w.plan.walk_value[t, j] > w.plan.continuation[t, j] for w in worlds]
                belief = bayes(belief, [float(x == (mover == j)) for x in would])
            if action == WALK and prop == j:  # its move at its turn
                belief = bayes(belief, [float(w.plan.turn_value[t, j] > w.plan.continuation[t, j]) for w in worlds])
            self.belief[j] = belief

    def offer_likelihood(self, t: int, j: int, worlds: list[World], action: int, terms: np.ndarray) -> list[float]:
        """How likely ``j``'s offer (or pass) is under each of its types.

        Type ``k`` would make its complete-information offer (world ``k``'s plan): an offer is
        read by a Gaussian kernel, of width ``max(noise, 0.02)``, in the receiver's utility
        around it; a pass where type ``k`` would offer (or the reverse) has likelihood 0.05.
        """
        sc = self.sc
        s = list(sc.signatories).index(j)
        o = next(a for a in sc.signatories if a != j)
        seen = utility(self.p, o, terms)
        width = max(self.p.noise, SIGNAL_WIDTH)
        out = []
        for w in worlds:
            would = w.plan.action[t, s] == PROPOSE
            if action == PROPOSE:
                gap = utility(self.p, o, self.planned_offer(w, t, s)) - seen
                out.append(float(np.exp(-0.5 * (gap / width) ** 2)) if would else TREMBLE)
            else:
                out.append(TREMBLE if would else 1.0)
        return out

    def utilities(self, terms: np.ndarray) -> np.ndarray:
        """Return everyone's utility (A,) of full terms."""
        return np.array([utility(self.p, a, terms) for a in range(len(self.sc.actors))])

    def close(self, kind: int, t: int, terms: np.ndarray, payoff: np.ndarray) -> None:
        """End the negotiation in round ``t``."""
        self.kind, self.end_round, self.terms, self.payoff = kind, t, terms, payoff
        self.running = False

    def run(self) -> ReferenceModel:
        """Step until the negotiation ends; return self."""
        while self.running:
            self.step()
        return self


@dataclass(frozen=True)
class Draws:
    """Every replication's parameter values (path → (n,) array); not iterable, for batch_run."""

    values: dict[str, np.ndarray]

    def row(self, r: int) -> dict[str, float]:
        """Replication ``r``'s values."""
        return {k: float(v[r]) for k, v in self.values.items()}


class BatchRunModel(ReferenceModel):
    """The reference model in the shape ``mesa.batch_run`` expects (a DataCollector, kwargs)."""

    def __init__(self, sc: Scenario, draws: Draws, replication: int = 0, seed: int = 0, rng: Any = None) -> None:
        super().__init__(sc, draws.row(replication), seed=seed, replication=replication, rng=rng)
        self.datacollector = mesa.DataCollector(model_reporters={
            "kind": "kind", "round": "end_round", "terms": lambda m: m.terms.tolist(),
            "payoff": lambda m: m.payoff.tolist(), "proposer": "proposer", "walker": "walker",
            "rejections": "rejections", "fired": lambda m: m.fired.tolist()})

    def close(self, kind: int, t: int, terms: np.ndarray, payoff: np.ndarray) -> None:
        """End, and record the outcome once (batch_run reads the last record)."""
        super().close(kind, t, terms, payoff)
        self.datacollector.collect(self)


def draws_of(sc: Scenario, replications: int, seed: int, values: dict[str, float] | None = None) -> Draws:
    """Parameter values of every replication, drawn block by block as the engine draws them."""
    parts = [block_values(sc, n, seed, block, values or {}) for block, _, n in layout(replications,
                                                                                         sc.spec.run.block_size)]
    return Draws({k: np.concatenate([p[k] for p in parts]) for k in (parts[0] if parts else {})})


def run_reference(sc: Scenario, replications: int | None = None, seed: int | None = None,
                  values: dict[str, float] | None = None) -> Outcomes:
    """Play every replication with its own :class:`ReferenceModel`; outcomes as the engine gives them.

    Args:
        sc: The scenario (its protocol must be alternating offers).
        replications: Defaults to ``run.replications``.
        seed: Defaults to ``run.seed``.
        values: Parameter path → fixed internal value for every replication (levers).

    """
    reps = replications or sc.spec.run.replications
    seed = sc.spec.run.seed if seed is None else seed
    draws = draws_of(sc, reps, seed, values)
    models = [ReferenceModel(sc, draws.row(r), seed=seed, replication=r).run() for r in range(reps)]
    return outcomes_of(models, draws)


def outcomes_of(models: list[Any], draws: Draws) -> Outcomes:
    """Collect finished models (or batch_run records, as dicts) into :class:`Outcomes`."""
    def col(name: str, dtype: Any) -> np.ndarray:
        return np.array([m[name] if isinstance(m, dict) else getattr(m, name) for m in models], dtype=dtype)

    rounds = "round" if models and isinstance(models[0], dict) else "end_round"
    return Outcomes(protocol="alternating_offers", kind=col("kind", np.int8), round=col(rounds, np.int16),
                    terms=col("terms", float), payoff=col("payoff", float), proposer=col("proposer", np.int8),
                    walker=col("walker", np.int8), rejections=col("rejections", np.int16), fired=col("fired", bool),
                    draws=dict(draws.values))
