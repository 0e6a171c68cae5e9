"""sim: scenario simulation of multi-actor political bargaining.

The public API, shared by the CLI, the web app, notebooks and tests::

    from sim import load_scenario, run, simulate, summarize, compare

Names are imported on first use, so ``import sim`` costs nothing (``sim --help`` stays fast).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_scenario": "sim.scenario",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    "NegotiationModel": "sim.model",
    "Actor": "sim.actors",
    "simulate": "sim.ensemble",
    "Outcomes": "sim.outcomes",
    "summarize": "sim.analysis",
    "run": "sim.runs",
    "RunResult": "sim.runs",
    "compare": "sim.compare",
    "narrate": "sim.transcript",
    "make_executor": "sim.executors",
    "sweep": "sim.sweep",
    "SweepResult": "sim.sweep",
    "discover": "sim.discovery",
    "advise": "sim.advise",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
