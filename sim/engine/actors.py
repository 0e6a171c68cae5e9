"""The parties as Mesa agents whose attributes are views into the batch arrays.

An :class:`Actor` reads like a description of who wants what; its numbers live in the
model's :class:`sim.engine.state.State`, so one agent object stands for this party in every
replication of the batch at once.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.engine.strategies import make as make_strategy


class Actor(mesa.Agent):
    """One party: a signatory (proposes, accepts or walks) or an influencer (offers from outside).

    Attributes:
        index: Position in the scenario's actor list.
        name: The actor's name.
        role: ``signatory`` or ``influencer``.
        ideal: (n, I) view of ideal points.
        salience: (n, I) view of saliences.
        patience: (n,) view of discount factors.
        capability: (n,) view.

    """

    def __init__(self, model: mesa.Model, index: int) -> None:
        # model: the NegotiationModel that owns this actor (typed as mesa.Model: the model imports the actors)
        super().__init__(model)
        spec = model.sc.spec.actors[index]
        st = model.state
        self.index = index
        self.name = spec.name
        self.role = spec.role
        self.ideal = st.ideal[:, index]
        self.salience = st.salience[:, index]
        self.patience = st.patience[:, index]
        self.capability = st.capability[:, index]
        self.linkage = [k for k, rule in enumerate(model.sc.linkage) if rule.actor == index]
        self.strategy = make_strategy(model.sc.strategies[index] if model.sc.strategies else "belief")

    @property
    def belief(self) -> np.ndarray | None:
        """(n, m) what the others believe about this actor's private type (None: nothing private)."""
        return getattr(self.model, "belief", {}).get(self.index)

    def reservation(self, t: int) -> np.ndarray:
        """(n,) the least an offer must be worth now: ``max(outside option, delta V(t+1))``."""
        return self.model.plan.reservation[t][:, self.index]

    def respond(self, offer_utility: np.ndarray, red_lines_ok: np.ndarray, t: int, u: np.ndarray,
                reservation: np.ndarray | None = None) -> np.ndarray:
        """Accept or refuse an offer in each replication.

        Deterministic when the protocol's noise is 0: accept iff the offer is worth at least
        the reservation value. With noise ``lambda`` > 0 the acceptance is logit:
        ``P = 1 / (1 + exp(-(u_offer - r) / lambda))`` (bounded rationality). A red line is
        never crossed, whatever the noise.

        Args:
            offer_utility: (n,) this actor's utility of the offer.
            red_lines_ok: (n,) whether the offer respects this actor's red lines.
            t: Round.
            u: (n,) uniforms for the logit draw.
            reservation: (n,) the least it accepts, if not its plan's (beliefs, strategies).

        """
        surplus = offer_utility - (self.reservation(t) if reservation is None else reservation)
        lam = self.model.state.noise
        with np.errstate(over="ignore"):
            p = np.where(lam > 0, 1.0 / (1.0 + np.exp(-surplus / np.where(lam > 0, lam, 1.0))), surplus >= -1e-9)
        return red_lines_ok & (u < p)

    def prefers_walking(self, t: int) -> np.ndarray:
        """(n,) True where the outside option beats the discounted value of going on."""
        plan = self.model.plan
        return plan.walk_value[t][:, self.index] > self.patience * plan.value[t + 1][:, self.index]

    def step(self) -> None:
        """An influencer updates its conditional offers: generosity moves by its escalation."""
        if not self.linkage:
            return
        st = self.model.state
        k = self.linkage
        st.generosity[:, k] = np.clip(st.generosity[:, k] + st.escalation[:, k], 0.0, st.cap[:, k])
