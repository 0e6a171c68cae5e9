"""The naive reference: one plain Mesa model per replication of alternating offers.

Written for clarity, not speed, and used only by tests and the benchmark: it checks that
the batched engine (:mod:`sim.engine.model`, :mod:`sim.engine.planner`) plays the rules it documents.
It shares with the engine only the compiled scenario, the parameter plumbing
(:func:`sim.engine.state.build_state`, :func:`sim.engine.state.apply_effect`) and the uncertainty draws;
the rules of a round and the backward induction (:mod:`sim.reference.plan`) are its own.

It draws its round-level randomness (recognition, acceptance, events) from its own
streams keyed by replication, not from the engine's block streams, so the two agree in
distribution, not replication by replication; ``tests/reference/test_naive.py`` compares them.

The rules of one round (:meth:`ReferenceModel.step`):

1. events due this round fire with their probability; if one does, everyone re-plans;
2. a proposer is recognised (rotation, or in proportion to capability);
3. it offers its planned package, passes, or walks out (it passes rather than table an
   offer that crosses its own red line, which the plan can do on a strict bound);
4. every other signatory accepts or refuses (logit noise; never across a red line); a
   refuser whose outside option beats waiting walks out, the keenest one first;
5. influencers sweeten their conditional offers by their escalation;
6. a deal if everyone accepted; after the deadline the status quo holds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import mesa
import numpy as np

from sim.engine.outcomes import BREAKDOWN, DEADLINE, DEAL, Outcomes
from sim.engine.planner import PROPOSE, WALK
from sim.engine.state import State, apply_effect, build_state
from sim.ensemble.blocks import block_values, layout
from sim.reference.plan import Row, RowPlan, moved, outside_options, plan_game, utility, with_linked
from sim.scenario.load import Scenario
from sim.seeding import ACCEPTANCE, EVENTS, RECOGNITION, stream

#: Extra key part of the reference's streams, so they never coincide with the engine's.
REFERENCE_STREAM = 7


def one_row(st: State) -> Row:
    """Return views of the first (only) replication of a one-row state."""
    kw = {f.name: getattr(st, f.name) for f in fields(st)}
    return Row(**{k: (v if k in ("shape", "oo_fixed") else v[0]) for k, v in kw.items()
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

    def red_lines_hold(self, terms: np.ndarray) -> bool:
        """Whether full terms keep every one of this actor's red lines."""
        kind = np.zeros(1, dtype=int)
        return all(bool(c.evaluate(terms[None], kind)[0]) for c in self.model.sc.red_lines[self.index])

    def respond(self, terms: np.ndarray, t: int) -> bool:
        """Accept an offer? Never across a red line; otherwise logit in the surplus over reservation."""
        m = self.model
        if not self.red_lines_hold(terms):
            return False
        surplus = utility(m.p, self.index, terms) - m.plan.reservation[t, self.index]
        if m.p.noise > 0:
            with np.errstate(over="ignore"):
                chance = 1.0 / (1.0 + np.exp(-surplus / m.p.noise))
        else:
            chance = float(surplus >= -1e-9)
        return bool(m.acceptance.random() < chance)

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
        self.running = True

    # -- the rules of one round -------------------------------------------------------

    def step(self) -> None:
        """Play round ``self.round``."""
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
        """Breakdown terms and everyone's outside option, at today's generosity."""
        return (with_linked(self.sc, self.p, self.p.breakdown, self.p.generosity),
                outside_options(self.sc, self.p, self.p.generosity))

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
