"""The compromise model: each issue settles at the capability × salience weighted mean of ideals.

The benchmark that the spatial-bargaining literature keeps finding hard to beat on real data
(Achen 2006 in *The European Union Decides*; Thomson et al. 2006). Who counts: every actor
with a position on the issue, signatories and influencers alike, because the influencers'
weight in the room is what the benchmark is meant to capture. Discrete issues snap to the
nearest level; linked issues follow linkage from the resulting deal terms.
"""

from __future__ import annotations

import numpy as np

from sim.engine.state import State
from sim.protocols.packages import project_on_red_lines
from sim.protocols.settle import SolutionConcept
from sim.scenario.load import Scenario


def weighted_mean_terms(sc: Scenario, st: State) -> np.ndarray:
    """(n, I) the capability × salience weighted mean ideal per issue, snapped to levels.

    An issue nobody holds a position on stays at its status quo.
    """
    w = st.capability[:, :, None] * st.salience  # (n, A, I)
    total = w.sum(axis=1)
    mean = np.einsum("nai,nai->ni", w, st.ideal) / np.where(total > 0, total, 1.0)
    terms = np.where(total > 0, mean, st.status_quo)
    for i, info in enumerate(sc.space.issues):
        terms[:, i] = info.snap(terms[:, i])
    return terms


class Compromise(SolutionConcept):
    """Capability × salience weighted mean per issue, offered to the signatories."""

    name = "compromise"

    def solve(self, sc: Scenario, st: State) -> tuple[np.ndarray, None]:
        """Return the weighted mean of ideals, moved inside the signatories' red lines."""
        return project_on_red_lines(sc, weighted_mean_terms(sc, st)), None
