"""sim: scenario simulation of multi-actor political bargaining.

The public API, shared by the CLI, the web app, notebooks and tests::

    from sim import load_scenario, run, simulate, summarize, compare

Names are imported on first use, so ``import sim`` costs nothing (``sim --help`` stays fast).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_scenario": "sim.scenario.load",
    "Scenario": "sim.scenario.load",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    "NegotiationModel": "sim.engine.model",
    "Actor": "sim.engine.actors",
    "simulate": "sim.ensemble.blocks",
    "Outcomes": "sim.engine.outcomes",
    "summarize": "sim.analysis.summaries",
    "run": "sim.workflows.run",
    "RunResult": "sim.workflows.run",
    "compare": "sim.experiments.compare",
    "narrate": "sim.analysis.transcript",
    "make_executor": "sim.ensemble.executors",
    "sweep": "sim.experiments.sweep",
    "SweepResult": "sim.experiments.sweep",
    "discover": "sim.experiments.discovery",
    "advise": "sim.experiments.advise",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
