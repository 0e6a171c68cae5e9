"""One browser session's negotiation: a one-replication model that a person can play in.

:class:`SessionModel` is what the app's Step, Play and Reset drive. It is a
:class:`sim.engine.model.NegotiationModel` with one replication, the scenario's values plus the
session's settings, and the seed the session chose. In role-play a person plays one
signatory: when a round needs their proposal or their answer, :meth:`SessionModel.step`
opens the round and waits; :meth:`propose`, :meth:`answer` (and ``pass_turn``,
``walk_out``) close it. The model plays everyone else by its plan. At the end,
:meth:`twin` replays the same negotiation with the model's own agent in the person's seat,
from the same start and the same random numbers, for the comparison.

Each model a session plays with a person in it is one role-play: one row of the class list
(:meth:`SessionModel.result`, :mod:`sim.app.registry`), keyed by :attr:`SessionModel.row_key`.
A Reset makes a new model, so a new row: a finished result is never overwritten.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.app.settings import internal_values, moved, settings, visible
from sim.app.story import outcome_words, terms_words
from sim.engine.model import PASS, PROPOSE, WALK, HumanMove, NegotiationModel, OpenRound
from sim.engine.utility import fill_linked, red_lines_hold, utilities
from sim.scenario.load import Scenario

__all__ = ["Seat", "SessionModel", "outcome_words", "terms_words"]


@dataclass
class Seat:
    """Per-browser-session choices that outlive a Reset: who the person plays, and a key for the class list.

    Attributes:
        key: The session's key (one browser tab).
        play_as: The actor the person plays from the next negotiation on (None: the model plays all).
        plays: Role-plays this session has put on the class list so far.

    """

    key: str
    play_as: int | None = None
    plays: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


class SessionModel(NegotiationModel):
    """One negotiation (one replication, traced) under a session's settings, optionally with a person in it.

    Args:
        sc: The scenario.
        seed: The seed (text from the seed box is accepted; empty or invalid means the scenario's).
        seat: The session's :class:`Seat` (role-play choice); None plays the model alone.
        **chosen: Setting path → user value (sliders); Mesa's own ``scenario`` keyword is ignored.
            In role-play the other signatory's own numbers keep the scenario's values
            (:func:`sim.app.settings.visible`): a student cannot set, so cannot know, them.

    """

    def __init__(self, sc: Scenario | None = None, seed: int | str | None = None, seat: Seat | None = None,
                 **chosen: Any) -> None:
        if sc is None:
            raise ValueError("SessionModel needs the scenario (sc=...)")
        chosen.pop("scenario", None)  # Mesa's SolaraViz passes its own scenario object on Reset; ours is `sc`
        self.seed_text = "" if seed is None else str(seed).strip()
        self.seed_ok, run_seed = _parse_seed(self.seed_text, sc.spec.run.seed)
        you = seat.play_as if seat is not None else None
        shown = {s.path for s in settings(sc) if visible(sc, s, you)}
        self.chosen = {p: v for p, v in chosen.items() if p in shown or p not in _paths(sc)}
        self.values = internal_values(sc, self.chosen)
        super().__init__(sc, 1, seed=run_seed, values=dict(self.values), trace=[0])
        self.run_seed = run_seed
        self.seat = seat
        self.you: int | None = you
        self.pending: OpenRound | None = None
        self._twin: NegotiationModel | None = None
        self._row_key: str | None = None
        # Play steps in a worker thread while the person clicks: one move at a time
        self.lock = threading.RLock()

    # -- settings ---------------------------------------------------------------------

    @property
    def fixed(self) -> dict[str, float]:
        """Settings moved away from the scenario's values (an ensemble fixes these, the rest stay uncertain)."""
        return moved(self.sc, self.values)

    def moved_settings(self) -> dict[str, Any]:
        """Settings moved away from the scenario's values, by label, in the slider's units."""
        labels = {s.path: s.label for s in settings(self.sc)}
        return {labels.get(p, p): _plain(self.chosen.get(p, v)) for p, v in self.fixed.items()}

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

    def can_step(self) -> bool:
        """Whether Step (or Play) has anything to do: the talks go on and no round waits for the person."""
        return bool(self.running) and self.waiting_for() is None

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

    @property
    def has_row(self) -> bool:
        """Whether this negotiation is on the class list (it has been published once)."""
        return self._row_key is not None

    @property
    def row_key(self) -> str:
        """The role-play's key in the class list: the session's key and the role-play's number in it."""
        if self._row_key is None:
            if self.seat is None:
                raise RuntimeError("a negotiation without a seat is not on the class list")
            self.seat.plays += 1
            self._row_key = f"{self.seat.key}-{self.seat.plays}"
        return self._row_key

    def result(self) -> dict[str, Any]:
        """Summarise this role-play for the class list (plain strings, numbers, booleans; see registry.rows)."""
        sc = self.sc
        row: dict[str, Any] = {
            "actor": sc.actors[self.you] if self.you is not None else "(model only)",
            "seed": int(self.run_seed),
            "settings": self.moved_settings(),
            "round": int(self.end_round[0]) if not self.running else int(self.round),
            "finished": not self.running,
            "terms": None, "your_utility": None, "model_utility": None, "model_outcome": None,
        }
        if self.running:
            row["outcome"] = "waiting for " + {"proposal": "their proposal", "answer": "their answer"}.get(
                self.waiting_for() or "", "the next step")
            return row
        row["outcome"] = outcome_words(sc, self, 0)
        row["terms"] = terms_words(sc, self.terms[0])
        if self.you is not None:
            twin = self.twin()
            row["your_utility"] = 100 * float(self.payoff[0, self.you])
            row["model_utility"] = 100 * float(twin.payoff[0, self.you])
            row["model_outcome"] = outcome_words(sc, twin, 0)
        return row



def _paths(sc: Scenario) -> set[str]:
    return {s.path for s in settings(sc)}


def _plain(v: Any) -> Any:
    """A slider's value as JSON keeps it (numpy scalars become Python numbers)."""
    return v.item() if isinstance(v, np.generic) else v

def _parse_seed(text: str, default: int) -> tuple[bool, int]:
    if not text:
        return True, int(default)
    try:
        seed = int(text)
    except ValueError:
        return False, int(default)
    return (True, seed) if seed >= 0 else (False, int(default))
