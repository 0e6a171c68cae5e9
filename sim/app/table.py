"""One negotiation that a class plays together: a table with a seat per actor.

A :class:`Table` is a one-replication :class:`~sim.engine.model.NegotiationModel` (process
round) whose seats teams may take; every seat left empty is played by the model's agent
with its strategy. A round has three phases, each waiting only for the people it needs:

1. ``offers``: each seated influencer (the US, the EU) confirms this round's share of its
   offer tables (the model's share for an empty seat);
2. ``proposal``: the round opens (events fire, a proposer is recognised); a seated proposer
   proposes a package, passes, or takes one of its unilateral actions;
3. ``answers``: every seated responder accepts, refuses, or refuses and acts.

When the round's clock runs out, the people it still waits for do the least: an influencer
keeps its offer, a proposer passes, a responder refuses. The table's state is a function of
its scenario, seed and the list of inputs in :attr:`Table.log` (joins, moves, messages,
starts, pauses, timeouts, shocks): :meth:`Table.restore` replays the list, which is how a
class survives a server restart. Nothing here knows about the web: :mod:`sim.app.web`
serves it.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.transcript import when
from sim.app import story
from sim.engine.model import PASS, PROPOSE, WALK, HumanMove, NegotiationModel, OpenRound
from sim.engine.moves import IMPLICIT_WALK
from sim.engine.outcomes import KINDS
from sim.engine.state import build_state
from sim.engine.utility import fill_linked, red_lines_hold, utilities
from sim.ensemble.blocks import block_values
from sim.scenario.load import Scenario
from sim.scenario.params import describe

#: Seconds a round may take before the clock decides for the people it still waits for.
ROUND_SECONDS = 240
#: Longest message between teams, in characters.
MESSAGE_CHARS = 280
#: Words for an ending, as a student reads them.
ENDINGS = {"deal": "deal signed", "breakdown": "talks broke down", "deadline": "no deal by the horizon",
           "forced_exit": "forced exit", "withdrawal": "withdrawal"}


class MoveError(ValueError):
    """A move the table cannot take now (not your turn, paused, over, out of range); the message says why."""


@dataclass
class Seat:
    """A team in an actor's seat: its name and the secret that proves a browser holds the seat."""

    actor: int
    team: str
    secret: str


def score(u: float) -> int:
    """A utility (0-1: 1 is the actor's ideal on every issue) on the 0-100 scale students read."""
    return round(100 * float(u))


def terms_list(sc: Scenario, x: np.ndarray, issues: list[int]) -> list[dict[str, str]]:
    """Terms as rows of issue label and value in words (deal issues, or the outsiders' linked ones)."""
    return [{"issue": label, "value": value} for label, value in story.terms_items(sc, x, issues)]


class Table:
    """One class negotiation: the model, who sits where, the inputs so far and the round's clock.

    Args:
        sc: The scenario (any: the table always plays the process round).
        code: The join code.
        seed: Seeds the draw of every uncertain assumption (private types too) and the model's streams.
        round_seconds: The round clock (None: no clock).
        clock: Time source (tests pass a fake one).

    """

    def __init__(self, sc: Scenario, code: str, seed: int, *, round_seconds: float | None = ROUND_SECONDS,
                 clock: Any = time.time) -> None:
        self.sc, self.code, self.seed = sc, code, int(seed)
        self.round_seconds = round_seconds
        self.clock = clock
        self.values = block_values(sc, 1, self.seed, 0, {})  # one draw: this table's world
        self.model = NegotiationModel(sc, 1, seed=self.seed, values=self.values, trace=[0], process=True)
        self.declared = build_state(sc, 1, self.values).generosity.copy()  # before any share is applied
        self.share = {a: self._model_share(a) for a in self.influencers}
        self.seats: dict[int, Seat] = {}
        self.log: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.pending: OpenRound | None = None
        self.phase = "offers"
        self.moves: dict[int, HumanMove] = {}
        self.offered: set[int] = set()
        self.started = False
        self.paused = True
        self.left: float | None = round_seconds  # seconds left on the round clock while paused
        self.deadline: float | None = None
        self.version = 0
        self.updated = clock()
        self.lock = threading.RLock()
        self._twin: NegotiationModel | None = None

    # -- who is who -----------------------------------------------------------------------

    @property
    def influencers(self) -> list[int]:
        """Actors with offer tables (linkage rules)."""
        return sorted({r.actor for r in self.sc.linkage})

    def rules(self, a: int) -> list[int]:
        """Indices of influencer ``a``'s linkage rules."""
        return [k for k, r in enumerate(self.sc.linkage) if r.actor == a]

    def seat_of(self, secret: str) -> Seat | None:
        """The seat a browser's secret opens (None for an unknown secret)."""
        for seat in self.seats.values():
            if secrets.compare_digest(seat.secret, secret):
                return seat
        return None

    def free_seats(self) -> list[int]:
        """Actors nobody plays yet (signatories first)."""
        order = [*self.sc.signatories, *self.influencers]
        return [a for a in order if a not in self.seats]

    def _model_share(self, a: int) -> float:
        ks = self.rules(a)
        base = self.declared[0, ks]
        now = self.model.state.generosity[0, ks]
        nz = base > 1e-12
        return float((now[nz] / base[nz]).mean()) if nz.any() else 1.0

    # -- inputs (each is logged; :meth:`restore` replays them) ----------------------------

    def apply(self, entry: dict[str, Any]) -> None:
        """Apply one input (a dict as in :attr:`log`) and log it.

        Raises:
            MoveError: When the table cannot take it now.

        """
        with self.lock:
            kind = entry["kind"]
            getattr(self, f"_do_{kind}")(entry)
            self.log.append({**entry, "at": entry.get("at", self.clock())})
            self.version += 1
            self.updated = self.clock()
            self._advance()

    def join(self, actor: int, team: str, secret: str | None = None) -> Seat:
        """Seat ``team`` at ``actor``; returns the seat (its secret is the browser's key)."""
        secret = secret or secrets.token_urlsafe(12)
        self.apply({"kind": "join", "actor": int(actor), "team": team, "secret": secret})
        return self.seats[int(actor)]

    def _do_join(self, e: dict[str, Any]) -> None:
        a, team = int(e["actor"]), str(e["team"]).strip()[:40]
        if a not in range(len(self.sc.actors)) or (a not in self.sc.signatories and a not in self.influencers):
            raise MoveError(f"actor {a} has no seat at this table")
        if a in self.seats:
            raise MoveError(f"{self.label(a)} is taken by team {self.seats[a].team}")
        if not self.model.running:
            raise MoveError("this negotiation is over")
        self.seats[a] = Seat(a, team or self.label(a), e["secret"])
        if len(self.seats) == 1 and not self.paused and self.round_seconds is not None:
            self.deadline = self.clock() + self.round_seconds  # the clock starts with the first team

    def _do_leave(self, e: dict[str, Any]) -> None:
        self.seats.pop(int(e["actor"]), None)
        self.moves.pop(int(e["actor"]), None)

    def _do_start(self, e: dict[str, Any]) -> None:
        self.started, self.paused = True, False
        if self.round_seconds is not None:
            self.deadline = self.clock() + (self.left if self.left is not None else self.round_seconds)

    def _do_pause(self, e: dict[str, Any]) -> None:
        if self.deadline is not None:
            self.left = max(0.0, self.deadline - self.clock())
        self.paused, self.deadline = True, None

    def _do_shock(self, e: dict[str, Any]) -> None:
        if not self.model.running:
            raise MoveError("this negotiation is over")
        try:
            self.model.shock(e["event"])
        except KeyError as exc:
            raise MoveError(str(exc.args[0])) from None
        self.pending = None if self.phase == "offers" else self._reopen()

    def _do_message(self, e: dict[str, Any]) -> None:
        text = " ".join(str(e["text"]).split())[:MESSAGE_CHARS]
        if not text:
            raise MoveError("an empty message")
        to = e.get("to", "all")
        if to != "all" and int(to) not in range(len(self.sc.actors)):
            raise MoveError(f"no actor {to}")
        self.messages.append({"from": int(e["actor"]), "to": to, "text": text, "round": self.model.round})

    def _need_turn(self, a: int, phase: str) -> None:
        if not self.model.running:
            raise MoveError("this negotiation is over")
        if self.paused:
            raise MoveError("the instructor has paused the class")
        if self.phase != phase or a not in self.waiting():
            raise MoveError(f"it is not {self.label(a)}'s turn to {_VERB[phase]}")

    def _do_offer(self, e: dict[str, Any]) -> None:
        a = int(e["actor"])
        self._need_turn(a, "offers")
        budget = float(self.model.state.budget[0, a])
        share = float(e["share"])
        if not 0.0 <= share <= budget + 1e-12:
            raise MoveError(f"the share must lie between 0 and {budget:.0%} of the offer tables")
        self._set_share(a, share)
        self.offered.add(a)

    def _do_propose(self, e: dict[str, Any]) -> None:
        a = int(e["actor"])
        self._need_turn(a, "proposal")
        terms = self.package(e["terms"])
        if not red_lines_hold(self.sc, self.full(terms)[None])[0, a]:
            raise MoveError("this package crosses one of your own red lines")
        self.moves[a] = HumanMove(a, PROPOSE, terms=terms)

    def _do_pass(self, e: dict[str, Any]) -> None:
        a = int(e["actor"])
        self._need_turn(a, "proposal")
        self.moves[a] = HumanMove(a, PASS)

    def _do_act(self, e: dict[str, Any]) -> None:
        a, k = int(e["actor"]), int(e["act"])
        self._need_turn(a, "proposal")
        if k not in [m["index"] for m in self.moves_open(a, "turn")]:
            raise MoveError(f"{self.label(a)} cannot take that action at its turn")
        self.moves[a] = HumanMove(a, WALK, act=k)

    def _do_answer(self, e: dict[str, Any]) -> None:
        a = int(e["actor"])
        self._need_turn(a, "answers")
        accept, act = bool(e["accept"]), e.get("act")
        if accept and not self._offer()[2][a]:
            raise MoveError("the offer crosses one of your red lines: you cannot accept it")
        if act is not None and int(act) not in [m["index"] for m in self.moves_open(a, "refusal")]:
            raise MoveError(f"{self.label(a)} cannot take that action after refusing")
        self.moves[a] = HumanMove(a, accept=accept, walk=act is not None and not accept,
                                  act=None if act is None else int(act))

    def _do_timeout(self, e: dict[str, Any]) -> None:
        """The round's clock ran out: whoever the round waits for does the least."""
        for a in self.waiting():
            if self.phase == "offers":
                self.offered.add(a)
            elif self.phase == "proposal":
                self.moves[a] = HumanMove(a, PASS)
            else:
                self.moves[a] = HumanMove(a, accept=False)

    # -- the round's state machine --------------------------------------------------------

    def waiting(self) -> list[int]:
        """Seated actors the current phase still waits for (empty: the model moves on)."""
        if not self.model.running:
            return []
        if self.phase == "offers":
            return [a for a in self.influencers if a in self.seats and a not in self.offered]
        p = int(self.pending.proposer[0]) if self.pending is not None else -1
        if self.phase == "proposal":
            return [p] if p in self.seats and p not in self.moves else []
        return [a for a in self.sc.signatories if a != p and a in self.seats and a not in self.moves]

    def _advance(self) -> None:
        """Move through the phases while nobody seated is needed (not while paused, nor before a team sits)."""
        m = self.model
        while m.running and not self.paused and self.seats and not self.waiting():
            if self.phase == "offers":
                self.pending = m.open_round()
                self.phase = "proposal"
            elif self.phase == "proposal":
                self.phase = "answers"
                if self._action() != PROPOSE:
                    self._close()
            else:
                self._close()

    def _close(self) -> None:
        m = self.model
        m.close_round(self.pending, list(self.moves.values()))
        self.pending, self.moves, self.offered, self.phase = None, {}, set(), "offers"
        if m.running:
            if self.round_seconds is not None and not self.paused:
                self.deadline = self.clock() + self.round_seconds
            self.left = self.round_seconds
        else:
            self.deadline = None

    def _set_share(self, a: int, share: float) -> None:
        """Move influencer ``a``'s offers by the change in its share of its declared tables.

        By the change, not to a level: the scenario's escalation and events keep adding to
        the offers as they do for the model's influencers, so a team that keeps the model's
        share plays exactly as the model would.
        """
        ks = self.rules(a)
        st = self.model.state
        new = np.clip(st.generosity[0, ks] + self.declared[0, ks] * (share - self.share[a]), 0.0, st.cap[0, ks])
        self.share[a] = share
        if not np.allclose(new, st.generosity[0, ks], rtol=0, atol=1e-15):
            self.model.set_generosity(ks, new[None, :])
            if self.pending is not None:
                self.pending = self._reopen()

    def _reopen(self) -> OpenRound:
        """The open round's offer, made again after a shock or a new Western offer (same proposer)."""
        rnd = self.pending
        m = self.model
        if rnd is None:
            return None  # type: ignore[return-value]
        opts, cand = m.options(rnd.t, int(rnd.slot[0]))
        act, c = m.actors[int(rnd.proposer[0])].strategy.propose(opts, rnd.t, self.sc.spec.protocol.rounds)
        terms = cand[c, np.arange(1)]
        return OpenRound(rnd.t, rnd.fired, rnd.slot, rnd.proposer, np.asarray(act, np.int8), terms,
                         m.utilities(terms), red_lines_hold(self.sc, terms))

    def tick(self) -> bool:
        """Let the round's clock decide if it ran out; returns whether anything changed."""
        with self.lock:
            if (self.deadline is None or self.paused or not self.seats or not self.model.running
                    or self.clock() < self.deadline):
                return False
            if not self.waiting():
                return False
            self.apply({"kind": "timeout"})
            return True

    # -- what the round holds ---------------------------------------------------------------

    def _action(self) -> int:
        p = int(self.pending.proposer[0])
        if p in self.moves:
            return int(self.moves[p].action)
        return int(self.pending.action[0])

    def _offer(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The package on the table (full terms), every actor's utility of it and whether its red lines hold."""
        p = int(self.pending.proposer[0])
        if p in self.moves and self.moves[p].terms is not None:
            full = self.full(self.moves[p].terms)
        else:
            full = self.pending.terms[0]
        return full, utilities(self.model.state, full[None])[0], red_lines_hold(self.sc, full[None])[0]

    def package(self, terms: dict[str, Any]) -> np.ndarray:
        """Deal terms from issue name → user value; the status quo for issues not named.

        Raises:
            MoveError: For an unknown issue or a value that does not fit it.

        """
        space = self.sc.space
        x = self.model.state.status_quo[0].copy()
        deal = {space.issues[i].name: i for i in self.deal_issues}
        for name, v in terms.items():
            if name not in deal:
                raise MoveError(f"{name!r} is not negotiated at the table")
            info = space.issues[deal[name]]
            try:
                if info.kind == "binary" and isinstance(v, str):
                    v = v == "yes"
                x[deal[name]] = info.to_norm(v)
            except (ValueError, TypeError) as exc:
                raise MoveError(f"{info.label}: {exc}") from None
        return x

    def full(self, terms: np.ndarray) -> np.ndarray:
        """Deal terms with the outsiders' linked offers filled in under today's generosity."""
        st = self.model.state
        return fill_linked(self.sc, st, terms[None, :], st.generosity)[0]

    @property
    def deal_issues(self) -> list[int]:
        """Issues negotiated at the table."""
        return [*self.sc.space.deal_disc, *self.sc.space.deal_cont]

    def moves_open(self, a: int, when_: str) -> list[dict[str, Any]]:
        """Actor ``a``'s unilateral actions allowed at its turn (``"turn"``) or after refusing (``"refusal"``)."""
        st = self.model.state
        out = []
        for k, rule in enumerate(self.sc.actions):
            if rule.actor == a and when_ in rule.when:
                out.append({"index": k, "label": rule.label, "chance": float(st.act_success[0, k]),
                            "cost": score(float(st.act_cost[0, k, a]))})
        if not self.sc.actions and a in self.sc.signatories:
            out.append({"index": IMPLICIT_WALK, "label": "walk out to your outside option", "chance": 1.0,
                        "cost": 0})
        return out

    def label(self, a: int) -> str:
        """An actor's label ('Russia')."""
        spec = self.sc.spec.actors[a]
        return spec.label or spec.name

    # -- the end ----------------------------------------------------------------------------

    def twin(self) -> NegotiationModel:
        """The same table played by the model alone (same draw, seed and random numbers)."""
        if self._twin is None:
            self._twin = NegotiationModel(self.sc, 1, seed=self.seed, values=self.values, trace=[0],
                                          process=True).run()
        return self._twin

    def result(self) -> dict[str, Any]:
        """Summarise the table for the class: seats, round, ending, terms, every actor's 0-100 score, the model's."""
        m, sc = self.model, self.sc
        row: dict[str, Any] = {
            "table": self.code, "seed": self.seed, "round": int(m.end_round[0]) if not m.running else m.round,
            "rounds": sc.spec.protocol.rounds, "finished": not m.running, "paused": self.paused,
            "started": self.started, "phase": self.phase if m.running else "over",
            "waiting_for": [self.label(a) for a in self.waiting()],
            "seats": {sc.actors[a]: (self.seats[a].team if a in self.seats else "model") for a in
                      [*sc.signatories, *self.influencers]},
            "seat_index": {sc.actors[a]: a for a in [*sc.signatories, *self.influencers]},
            "messages": len(self.messages), "updated": self.updated, "seconds_left": self._seconds_left(),
        }
        if m.running:
            return row
        twin = self.twin()
        row.update({
            "ending": KINDS[int(m.kind[0])], "ending_words": self.ending_words(m),
            "terms": story.terms_words(sc, m.terms[0], self.deal_issues),
            "score": {sc.actors[a]: score(float(m.payoff[0, a])) for a in range(len(sc.actors))},
            "model_ending": KINDS[int(twin.kind[0])], "model_ending_words": self.ending_words(twin),
            "model_score": {sc.actors[a]: score(float(twin.payoff[0, a])) for a in range(len(sc.actors))},
        })
        return row

    def ending_words(self, m: NegotiationModel) -> str:
        """'deal signed in round 3 (2025-03)'."""
        return f"{ENDINGS[KINDS[int(m.kind[0])]]} in {when(self.sc, int(m.end_round[0])).lower()}"

    # -- what a seat may see ------------------------------------------------------------------

    def transcript(self, you: int | None, upto: int | None = None) -> list[str]:
        """The story so far (rounds 1..``upto``), told to ``you`` (None: the instructor sees everything).

        In the seminar's words (:mod:`sim.app.story`): labels and units, points out of 100,
        and for a seat nothing of the other sides' reasons or numbers. Sub-lines are indented.
        """
        return [("    " if indent else "") + text for indent, text in story.transcript(self.model, you, 0, upto)]

    def rounds_played(self) -> int:
        """Rounds closed so far."""
        return len(self.model.trace.proposer)

    def private_lines(self, a: int) -> list[str]:
        """What actor ``a`` knows of itself and the others do not: its private parameters' true values."""
        grid = self.sc.types[a] if self.sc.types else None
        if grid is None:
            return []
        k = int(self.model.true_type[a][0])
        lo, hi = grid.values.min(axis=0), grid.values.max(axis=0)
        words = story.param_words
        return [f"{describe(self.sc, p).partition(': ')[2] or describe(self.sc, p)}: "
                f"{words(self.sc, p, grid.values[k, q])}; the others only know it lies between "
                f"{words(self.sc, p, lo[q], explain=False)} and {words(self.sc, p, hi[q], explain=False)}"
                for q, p in enumerate(grid.paths)]

    def position_lines(self, a: int) -> list[dict[str, str]]:
        """What actor ``a`` wants: its ideal on every issue it cares about and how much that issue weighs."""
        st, sc = self.model.state, self.sc
        sal = st.salience[0, a]
        order = np.argsort(-sal, kind="stable")
        issues = sc.space.issues
        return [{"issue": issues[i].label, "ideal": story.value_words(issues[i], float(st.ideal[0, a, i])),
                 "weight": f"{sal[i]:.0%}"} for i in map(int, order) if sal[i] > 0.005]

    def belief_lines(self, a: int) -> list[str]:
        """What ``a`` believes about the others' private parameters, as the model holds it (common belief)."""
        return [line for o, post in self.model.belief.items() if o != a
                for line in story.belief_lines(self.sc, o, post[0], "You")]

    def view(self, a: int | None) -> dict[str, Any]:
        """Everything seat ``a`` may see, as plain data (``a`` None: the instructor's view of the table)."""
        with self.lock:
            return self._view(a)

    def _view(self, a: int | None) -> dict[str, Any]:
        sc, m = self.sc, self.model
        t = min(m.round, sc.spec.protocol.rounds)
        out: dict[str, Any] = {
            "code": self.code, "version": self.version, "title": sc.spec.title or sc.name,
            "round": t, "rounds": sc.spec.protocol.rounds, "date": when(sc, t),
            "phase": self.phase if m.running else "over", "paused": self.paused, "started": self.started,
            "seconds_left": self._seconds_left(),
            "waiting_for": [self.label(x) for x in self.waiting()],
            "seats": [{"actor": x, "label": self.label(x), "role": sc.spec.actors[x].role,
                       "team": self.seats[x].team if x in self.seats else None}
                      for x in [*sc.signatories, *self.influencers]],
            "messages": [msg | {"from_label": self.label(msg["from"]),
                                "to_label": "everyone" if msg["to"] == "all" else self.label(int(msg["to"]))}
                         for msg in self.messages if a is None or msg["to"] in ("all", a) or msg["from"] == a],
            "transcript": self.transcript(a),
            "you": a,
        }
        if a is not None:
            out["you_label"] = self.label(a)
            out["team"] = self.seats[a].team if a in self.seats else None
            out["role"] = sc.spec.actors[a].role
            out["private"] = self.private_lines(a)
            out["belief"] = self.belief_lines(a)
            out["todo"] = (_TODO[self.phase] if a in self.waiting() and not self.paused else None)
        if self.pending is not None and self.phase == "answers" and self._action() == PROPOSE:
            full, u, ok = self._offer()
            out["offer"] = {"from": self.label(int(self.pending.proposer[0])),
                            "terms": terms_list(sc, full, self.deal_issues),
                            "outsiders": terms_list(sc, full, list(sc.space.linked))}
            if a is not None:
                out["offer"].update({"worth": score(float(u[a])), "red_lines_ok": bool(ok[a])})
        if a is not None and a in sc.signatories and m.running:
            r, move, wait = (float(x[0]) for x in m.reservation_of(t, a))
            out["stakes"] = {"reservation": score(r), "wait": score(wait),
                             "move": score(move) if np.isfinite(move) else None}
            out["form"] = self._form(a)
            out["actions_turn"] = self.moves_open(a, "turn")
            out["actions_refusal"] = self.moves_open(a, "refusal")
        if a is not None and a in self.influencers:
            on_table = self._offer()[0] if "offer" in out else self.full(m.state.status_quo[0])
            out["offers"] = {"share": self.share[a], "budget": float(m.state.budget[0, a]),
                             "terms": terms_list(sc, on_table, [sc.linkage[k].issue for k in self.rules(a)]),
                             "for": "the offer on the table" if "offer" in out else "the status quo"}
        if a is not None:
            out["wants"] = self.position_lines(a)
        if not m.running:
            out["result"] = self.result()
            if a is not None:
                twin = self.twin()
                out["result"]["yours"] = score(float(m.payoff[0, a]))
                out["result"]["model_yours"] = score(float(twin.payoff[0, a]))
        return out

    def _form(self, a: int) -> list[dict[str, Any]]:
        """The proposal form: one field per deal issue, starting at the actor's ideal."""
        sc, st = self.sc, self.model.state
        rows = []
        for i in self.deal_issues:
            info = sc.space.issues[i]
            ideal = info.to_user(float(st.ideal[0, a, i]))
            field: dict[str, Any] = {"name": info.name, "label": info.label, "kind": info.kind,
                                     "units": info.units}
            if info.kind == "continuous":
                field.update({"min": info.lo, "max": info.hi, "step": _step(info.hi - info.lo), "value": ideal})
            else:
                field.update({"levels": list(info.levels) if info.kind == "ordinal" else ["no", "yes"],
                              "value": ("yes" if ideal else "no") if info.kind == "binary" else ideal})
            rows.append(field)
        return rows

    def _seconds_left(self) -> float | None:
        if self.paused:
            return self.left
        return None if self.deadline is None else max(0.0, self.deadline - self.clock())

    def worth(self, a: int, terms: dict[str, Any]) -> dict[str, Any]:
        """What a draft package is worth to ``a`` (0-100), whether its red lines hold, and the outsiders' offers."""
        with self.lock:
            full = self.full(self.package(terms))
            return {"worth": score(float(utilities(self.model.state, full[None])[0, a])),
                    "red_lines_ok": bool(red_lines_hold(self.sc, full[None])[0, a]),
                    "outsiders": terms_list(self.sc, full, list(self.sc.space.linked))}

    # -- persistence ----------------------------------------------------------------------------

    def record(self) -> dict[str, Any]:
        """The table as data: what :meth:`restore` needs, and the result for the export."""
        with self.lock:
            return {"code": self.code, "seed": self.seed, "round_seconds": self.round_seconds,
                    "log": list(self.log), "result": self.result(), "messages": list(self.messages),
                    "transcript": self.transcript(None)}

    @classmethod
    def restore(cls, sc: Scenario, rec: dict[str, Any], clock: Any = time.time) -> Table:
        """Rebuild a table by replaying its inputs; it comes back paused (the class restarts with a click)."""
        table = cls(sc, rec["code"], rec["seed"], round_seconds=rec.get("round_seconds"), clock=clock)
        for entry in rec["log"]:
            try:
                table.apply(dict(entry))
            except MoveError:
                continue  # it was refused then too
        if not table.paused:
            table.apply({"kind": "pause"})
        return table


_VERB = {"offers": "set its offers", "proposal": "propose", "answers": "answer"}
_TODO = {"offers": "offers", "proposal": "proposal", "answers": "answer"}


def _step(span: float) -> float:
    for step in (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0):
        if span / step <= 100:
            return step
    return span / 100
