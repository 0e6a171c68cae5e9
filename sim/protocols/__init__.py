"""Bargaining protocols: one module and one class each, behind one small interface.

A protocol takes a scenario and the per-replication parameter values of one block and
returns that block's :class:`sim.engine.outcomes.Outcomes`. Registering a protocol means adding a
module here and a line to :data:`REGISTRY`; see docs/protocols.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.protocols.base import Protocol

REGISTRY: dict[str, str] = {
    "alternating_offers": "sim.protocols.alternating_offers:AlternatingOffers",
    "expected_utility": "sim.protocols.expected_utility:ExpectedUtility",
    "nash": "sim.protocols.nash:Nash",
    "compromise": "sim.protocols.compromise:Compromise",
    "baron_ferejohn": "sim.protocols.baron_ferejohn:BaronFerejohn",
}


def get(name: str) -> Protocol:
    """Return an instance of the protocol registered under ``name``.

    Raises:
        KeyError: If no such protocol is registered.

    """
    module, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)()


__all__ = ["REGISTRY", "get"]
