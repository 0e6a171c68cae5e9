"""Outcomes of an ensemble: one row per replication, as aligned numpy columns; outcome kinds and the trace.

The vocabulary every protocol and every analysis shares lives here, not with the Mesa
model, so a protocol that does not step the model (Nash, compromise) need not import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.conditions import OUTCOME_KINDS
from sim.scenario.load import Scenario

#: How a negotiation ends: a deal; a walk-out (scenarios without actions); the horizon with
#: the status quo standing; an action that succeeded (an eviction, a withdrawal).
KINDS = OUTCOME_KINDS
DEAL, BREAKDOWN, DEADLINE, FORCED_EXIT, WITHDRAWAL = (KINDS.index(k) for k in KINDS)


@dataclass
class Trace:
    """Round-by-round record of a few replications, for transcripts and trajectory plots."""

    rows: np.ndarray
    proposer: list[np.ndarray] = field(default_factory=list)
    action: list[np.ndarray] = field(default_factory=list)
    offer: list[np.ndarray] = field(default_factory=list)
    offer_utility: list[np.ndarray] = field(default_factory=list)
    reservation: list[np.ndarray] = field(default_factory=list)
    walk_value: list[np.ndarray] = field(default_factory=list)
    continuation: list[np.ndarray] = field(default_factory=list)
    accepted: list[np.ndarray] = field(default_factory=list)
    fired: list[list[str]] = field(default_factory=list)
    mover: list[np.ndarray] = field(default_factory=list)
    move: list[np.ndarray] = field(default_factory=list)
    moved_ok: list[np.ndarray] = field(default_factory=list)
    beliefs: list[dict[int, np.ndarray]] = field(default_factory=list)


COLUMNS = ("kind", "round", "terms", "payoff", "proposer", "walker", "rejections", "fired")
"""The per-replication arrays of :class:`Outcomes`, in order."""


@dataclass(kw_only=True)
class Outcomes:
    """What happened in every replication of one scenario under one protocol.

    Attributes:
        protocol: The protocol's name.
        kind: (n,) index into :data:`KINDS` (deal, breakdown, deadline, forced_exit, withdrawal).
        round: (n,) round the negotiation ended.
        terms: (n, I) final terms on the 0-1 scale (status quo or breakdown terms if no deal).
        payoff: (n, A) each actor's utility of the outcome.
        proposer: (n,) actor index whose offer was accepted (-1 if none).
        walker: (n,) actor index who walked out (-1 if none).
        rejections: (n,) refused offers.
        fired: (n, E) which events fired.
        draws: Parameter path → (n,) drawn or set values (internal scale).
        traces: Round-by-round records of the first few replications.
        history: Per-replication history for conditioning (replication axis first), from
            protocols that play rounds: ``action_round`` (n, K) the round each action was first
            attempted (0: never); ``standing`` (n, R, I) the terms standing at the end of the
            rounds asked for. Not part of the outcome table.

    """

    protocol: str
    kind: np.ndarray
    round: np.ndarray
    terms: np.ndarray
    payoff: np.ndarray
    proposer: np.ndarray
    walker: np.ndarray
    rejections: np.ndarray
    fired: np.ndarray
    draws: dict[str, np.ndarray] = field(default_factory=dict)
    traces: list[Trace] = field(default_factory=list)
    history: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.kind)

    def indicators(self, sc: Scenario) -> dict[str, np.ndarray]:
        """Each declared outcome indicator as a boolean column."""
        return {name: cond.evaluate(self.terms, self.kind) for name, cond in sc.outcomes.items()}

    @staticmethod
    def concat(parts: list[Outcomes]) -> Outcomes:
        """Join blocks in block order."""
        first = parts[0]
        cat = np.concatenate
        draws = {k: cat([p.draws[k] for p in parts]) for k in first.draws}
        columns = {k: cat([getattr(p, k) for p in parts]) for k in COLUMNS}
        history = {k: cat([p.history[k] for p in parts]) for k in first.history if all(k in p.history for p in parts)}
        return Outcomes(protocol=first.protocol, **columns, draws=draws, traces=[t for p in parts for t in p.traces],
                        history=history)

    def table(self, sc: Scenario) -> dict[str, Any]:
        """The tidy outcomes table: column name → list or array, in a fixed column order."""
        cols: dict[str, Any] = {
            "replication": np.arange(self.n),
            "protocol": [self.protocol] * self.n,
            "outcome": np.asarray(KINDS, dtype=object)[self.kind].tolist(),
            "round": self.round.astype(int),
            "proposer": _names(sc, self.proposer),
            "walked_out": _names(sc, self.walker),
            "rejections": self.rejections.astype(int),
        }
        for i, info in enumerate(sc.space.issues):
            x = self.terms[:, i]
            if info.kind == "continuous":
                cols[info.name] = np.round(info.lo + x * (info.hi - info.lo), 10)
            elif info.kind == "binary":
                cols[info.name] = (x >= 0.5).tolist()
            else:
                idx = np.rint(x * (len(info.levels) - 1)).astype(int)
                cols[info.name] = np.asarray(info.levels, dtype=object)[idx].tolist()
        for a, name in enumerate(sc.actors):
            cols[f"utility_{name}"] = np.round(self.payoff[:, a], 10)
        for name, col in self.indicators(sc).items():
            cols[name] = col.tolist()
        for e, ev in enumerate(sc.spec.events):
            cols[f"event_{ev.name}"] = self.fired[:, e].tolist()
        for path, col in self.draws.items():
            cols[f"param:{path}"] = np.round(col, 10)
        return cols


def _names(sc: Scenario, idx: np.ndarray) -> list[str]:
    names = np.asarray(["", *sc.actors], dtype=object)
    return names[idx.astype(int) + 1].tolist()
