"""The interface every bargaining protocol implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from sim.engine.outcomes import Outcomes
from sim.scenario.load import Scenario


class Protocol(ABC):
    """A bargaining rule applied to one block of replications.

    Subclasses set :attr:`name` and implement :meth:`play`. They must draw randomness only
    from :func:`sim.seeding.stream` keyed by ``(seed, block, ...)`` so results do not depend
    on how blocks are grouped into tasks.
    """

    name: str = ""
    #: True when the protocol uses the alternating-offers machinery (rounds, events, traces).
    dynamic: bool = False

    @abstractmethod
    def play(self, sc: Scenario, n: int, values: dict[str, np.ndarray | float], *, seed: int, block: int,
             trace: list[int] | None = None) -> Outcomes:
        """Play ``n`` replications of one block.

        Args:
            sc: The scenario.
            n: Replications in the block.
            values: Parameter path → per-replication values (draws and levers), internal scale.
            seed: The run's root seed.
            block: The block index.
            trace: Row indices to record round by round (dynamic protocols only).

        """
