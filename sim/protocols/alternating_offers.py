"""Multilateral alternating offers with outside options and linkage (the default protocol).

The rules are in :mod:`sim.engine.model` (one round) and :mod:`sim.engine.planner` (what each party plans);
this class only runs the model on a block and collects its outcomes.
"""

from __future__ import annotations

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.outcomes import Outcomes
from sim.protocols.base import Protocol
from sim.scenario.load import Scenario


class AlternatingOffers(Protocol):
    """Rubinstein-style bargaining among the signatories, influencers bidding from outside."""

    name = "alternating_offers"
    dynamic = True

    def play(self, sc: Scenario, n: int, values: dict[str, np.ndarray | float], *, seed: int, block: int,
             trace: list[int] | None = None, record: tuple[int, ...] = ()) -> Outcomes:
        """Run one :class:`NegotiationModel` over the block (``record``: rounds whose standing terms to keep)."""
        m = NegotiationModel(sc, n, seed=seed, block=block, values=values, trace=trace, record=record).run()
        out = Outcomes(protocol=self.name, kind=m.kind.copy(), round=m.end_round.copy(), terms=m.terms,
                       payoff=m.payoff, proposer=m.proposer, walker=m.walker, rejections=m.rejections,
                       fired=m.fired, traces=[m.trace] if m.trace is not None else [],
                       history={"action_round": m.action_round, "standing": m.standing})
        m.release()
        return out
