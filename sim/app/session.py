"""One browser session's negotiation: a one-replication model that a person can play in.

:class:`SessionModel` is what the app's Step, Play and Reset drive. It is a
:class:`sim.engine.model.NegotiationModel` with one replication, the scenario's values plus the
session's settings, and the seed the session chose. In role-play a person plays one
signatory: when a round needs their proposal or their answer, :meth:`SessionModel.step`
opens the round and waits; :meth:`propose`, :meth:`answer` (and ``pass_turn``,
``walk_out``) close it. The model plays everyone else by its plan. At the end,
:meth:`twin` replays the same negotiation with the model's own agent in the person's seat,
from the same start and the same random numbers, for the comparison.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.app.settings import internal_values, moved
from sim.engine.model import PASS, PROPOSE, WALK, HumanMove, NegotiationModel, OpenRound
from sim.engine.outcomes import KINDS
from sim.engine.utility import fill_linked, red_lines_hold, utilities
from sim.scenario.load import Scenario


@dataclass
class Seat:
    """Per-browser-session choices that outlive a Reset: who the person plays, and a key for the class list."""

    key: str
    play_as: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class SessionModel(NegotiationModel):
    """One negotiation (one replication, traced) under a session's settings, optionally with a person in it.

    Args:
        sc: The scenario.
        seed: The seed (text from the seed box is accepted; empty or invalid means the scenario's).
        seat: The session's :class:`Seat` (role-play choice); None plays the model alone.
        **chosen: Setting path → user value (sliders); Mesa's own ``scenario`` keyword is ignored.

    """

    def __init__(self, sc: Scenario | None = None, seed: int | str | None = None, seat: Seat | None = None,
                 **chosen: Any) -> None:
        if sc is None:
            raise ValueError("SessionModel needs the scenario (sc=...)")
        chosen.pop("scenario", None)  # SolaraViz's Reset passes Mesa's scenario object; ours is `sc`
        self.seed_text = "" if seed is None else str(seed).strip()
        self.seed_ok, run_seed = _parse_seed(self.seed_text, sc.spec.run.seed)
        self.chosen = chosen
        self.values = internal_values(sc, chosen)
        super().__init__(sc, 1, seed=run_seed, values=dict(self.values), trace=[0])
        self.run_seed = run_seed
        self.seat = seat
        self.you: int | None = seat.play_as if seat is not None else None
        self.pending: OpenRound | None = None
        self._twin: NegotiationModel | None = None
        # Play steps in a worker thread while the person clicks: one move at a time
        self.lock = threading.RLock()

    # -- settings ---------------------------------------------------------------------

    @property
    def fixed(self) -> dict[str, float]:
        """Settings moved away from the scenario's values (an ensemble fixes these, the rest stay uncertain)."""
        return moved(self.sc, self.values)

    # -- rounds -----------------------------------------------------------------------

    def step(self) -> None:
        """Play the next round, or open it and wait if it needs the person's proposal or answer."""
        with self.lock:
            if not self.running:
                return
            if self.pending is None:
                self.pending = self.open_round()
            if self.waiting_for() is None:
                self._settle_open(None)

    def waiting_for(self) -> str | None:
        """``"proposal"`` or ``"answer"`` while the open round waits for the person, else None."""
        rnd = self.pending
        if rnd is None or self.you is None or not self.running:
            return None
        if int(rnd.proposer[0]) == self.you:
            return "proposal"
        if int(rnd.action[0]) == PROPOSE:
            return "answer"
        return None

    def propose(self, terms: dict[str, Any]) -> None:
        """Close the open round with the person's package (issue name → user value per deal issue)."""
        self._expect("proposal")
        self._settle_open(HumanMove(self.you, PROPOSE, terms=self.package(terms)))

    def pass_turn(self) -> None:
        """Close the open round: the person makes no offer."""
        self._expect("proposal")
        self._settle_open(HumanMove(self.you, PASS))

    def walk_out(self) -> None:
        """Close the open round: the person walks out instead of proposing or answering (breakdown)."""
        proposing = self._expect() == "proposal"
        self._settle_open(HumanMove(self.you, WALK, walk=True) if proposing else HumanMove(self.you, walk=True))

    def answer(self, accept: bool) -> None:
        """Close the open round: the person accepts or refuses the offer (refusing without walking out)."""
        self._expect("answer")
        self._settle_open(HumanMove(self.you, accept=accept))

    def _expect(self, kind: str | None = None) -> str:
        need = self.waiting_for()
        if need is None or (kind is not None and need != kind):
            raise RuntimeError(f"the negotiation is not waiting for your {kind or 'move'}")
        return need

    def _settle_open(self, human: HumanMove | None) -> None:
        with self.lock:
            rnd, self.pending = self.pending, None
            if rnd is None:
                raise RuntimeError("no round is open")
            self.close_round(rnd, human)

    # -- what the person sees -----------------------------------------------------------

    def package(self, terms: dict[str, Any]) -> np.ndarray:
        """Full terms (I,) on the 0-1 scale: the person's deal issues, the status quo elsewhere.

        Raises:
            ValueError: For a value that does not fit its issue.

        """
        space = self.sc.space
        x = self.state.status_quo[0].copy()
        for i in (*space.deal_disc, *space.deal_cont):
            info = space.issues[i]
            if info.name in terms:
                x[i] = info.to_norm(terms[info.name])
        return x

    def value_of(self, terms: np.ndarray, actor: int) -> tuple[float, bool, np.ndarray]:
        """Actor's utility of a package (linked issues filled in now), whether its red lines hold, full terms."""
        full = fill_linked(self.sc, self.state, terms[None, :], self.state.generosity)
        return (float(utilities(self.state, full)[0, actor]), bool(red_lines_hold(self.sc, full)[0, actor]),
                full[0])

    def stakes(self, actor: int) -> dict[str, float]:
        """Actor's outside option, value of waiting and reservation value in the open (or next) round."""
        t = min(self.round, self.sc.spec.protocol.rounds)
        if self.process:  # what the actor's own numbers and its belief about the other side give
            r, move, wait = (float(x[0]) for x in self.reservation_of(t, actor))
            return {"outside": move, "wait": wait, "reservation": r}
        b = float(self.plan.walk_value[t][0, actor])
        wait = float(self.state.patience[0, actor] * self.plan.value[t + 1][0, actor])
        return {"outside": b, "wait": wait, "reservation": max(b, wait)}

    # -- the end --------------------------------------------------------------------------

    def twin(self) -> NegotiationModel:
        """Replay the negotiation with the model alone: same settings, seed and random numbers."""
        if self._twin is None:
            self._twin = NegotiationModel(self.sc, 1, seed=self.run_seed, values=dict(self.values), trace=[0]).run()
        return self._twin

    def result(self) -> dict[str, Any]:
        """Summarise this session for the class list (plain strings, numbers and booleans)."""
        sc = self.sc
        row: dict[str, Any] = {"actor": sc.actors[self.you] if self.you is not None else "(model only)",
                               "round": int(self.end_round[0]) if not self.running else self.round,
                               "finished": not self.running}
        if self.running:
            row["outcome"] = "waiting for " + (self.waiting_for() or "the next step")
            return row
        row["outcome"] = outcome_words(sc, self, 0)
        row["terms"] = terms_words(sc, self.terms[0])
        if self.you is not None:
            twin = self.twin()
            row["your_utility"] = float(self.payoff[0, self.you])
            row["model_utility"] = float(twin.payoff[0, self.you])
            row["model_outcome"] = outcome_words(sc, twin, 0)
        return row


def outcome_words(sc: Scenario, m: NegotiationModel, r: int) -> str:
    """'deal in round 2 (proposed by syria)', 'breakdown in round 3 (russia walked out)', 'deadline ...'."""
    kind = KINDS[int(m.kind[r])]
    end = int(m.end_round[r])
    if kind == "deal":
        return f"deal in round {end} (proposed by {sc.actors[int(m.proposer[r])]})"
    if kind == "breakdown":
        return f"breakdown in round {end} ({sc.actors[int(m.walker[r])]} walked out)"
    return f"no deal by the deadline (round {end}): status quo"


def terms_words(sc: Scenario, x: np.ndarray, only: list[int] | None = None) -> str:
    """Terms in the user's units and level names, deal issues first."""
    space = sc.space
    order = only if only is not None else [*space.deal_disc, *space.deal_cont, *space.linked]
    parts = []
    for i in order:
        info = space.issues[i]
        v = info.to_user(float(x[i]))
        if info.kind == "continuous":
            parts.append(f"{info.name} {v:.2f}")
        elif info.kind == "binary":
            parts.append(f"{info.name} {'yes' if v else 'no'}")
        else:
            parts.append(f"{info.name} {v}")
    return ", ".join(parts)


def _parse_seed(text: str, default: int) -> tuple[bool, int]:
    if not text:
        return True, int(default)
    try:
        seed = int(text)
    except ValueError:
        return False, int(default)
    return (True, seed) if seed >= 0 else (False, int(default))
