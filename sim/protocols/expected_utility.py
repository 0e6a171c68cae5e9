"""Bueno de Mesquita's expected-utility (challenge) model, issue by issue.

Every actor holding a position on a deal issue takes part (signatories and influencers: the
model describes a group bargaining in the shadow of power). Each issue is played for
``protocol.rounds`` rounds by :func:`sim.solvers.bdm.challenge_rounds`; the forecast is the
capability × salience weighted median of the final positions, snapped to the issue's levels.
With ``protocol.stop: stable`` the rounds are a horizon and the stopping rule
(:func:`sim.solvers.bdm.stop_when_stable`) gives the forecast: the median where it settles,
or the mean of the cycle when it cycles.
Linked issues follow linkage from those terms, and the signatories accept the forecast or
walk out (:func:`sim.protocols.settle.settle`). Choices and sources: docs/protocols.md.
"""

from __future__ import annotations

import numpy as np

from sim.engine.state import State
from sim.protocols.packages import project_on_red_lines
from sim.protocols.settle import SolutionConcept
from sim.scenario.load import Scenario
from sim.solvers.bdm import challenge_rounds, stop_when_stable, weighted_median


def forecast_terms(sc: Scenario, st: State) -> np.ndarray:
    """(n, I) the weighted-median forecast on every deal issue (status quo elsewhere)."""
    terms = st.status_quo.copy()
    rounds = sc.spec.protocol.rounds
    for i, info in enumerate(sc.space.issues):
        if i in sc.space.linked:
            continue
        s = st.salience[:, :, i]
        present = s > 0
        run = challenge_rounds(st.ideal[:, :, i], st.capability, s, rounds, present)
        if sc.spec.protocol.stop == "stable":
            forecast = stop_when_stable(weighted_median(run.positions, run.weights)).forecast
        else:
            forecast = weighted_median(run.positions[-1], run.weights)
        terms[:, i] = np.where(present.any(axis=1), info.snap(forecast), st.status_quo[:, i])
    return terms


class ExpectedUtility(SolutionConcept):
    """Challenges, compromises and capitulations round by round; the weighted median decides."""

    name = "expected_utility"

    def solve(self, sc: Scenario, st: State) -> tuple[np.ndarray, None]:
        """Return the forecast on every deal issue, moved inside the signatories' red lines."""
        return project_on_red_lines(sc, forecast_terms(sc, st)), None

    def rounds(self, sc: Scenario) -> int:
        """Return the number of challenge rounds played."""
        return sc.spec.protocol.rounds
