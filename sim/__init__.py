"""sim: scenario simulation of multi-actor political bargaining.

The public API, shared by the CLI, the web app, notebooks and tests::

    from sim import load_scenario, run, compare, sweep, advise, load_run

Every name is a function or class (never a module), imported on first use, so
``import sim`` costs nothing (``sim --help`` stays fast). May import anything below it.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    # reading scenarios
    "load_scenario": "sim.scenario.load",
    "Scenario": "sim.scenario.load",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    # the model
    "NegotiationModel": "sim.engine.model",
    "Actor": "sim.engine.actors",
    "Outcomes": "sim.engine.outcomes",
    # computing
    "simulate": "sim.ensemble.blocks",
    "make_executor": "sim.ensemble.executors",
    "summarize": "sim.analysis.summaries",
    "narrate": "sim.analysis.transcript",
    "discover": "sim.experiments.discovery",
    # whole workflows: compute, then write a folder (out_root=None writes nothing)
    "run": "sim.workflows.run",
    "RunResult": "sim.output.runfolder",
    "compare": "sim.workflows.compare",
    "sweep": "sim.workflows.sweep",
    "resume": "sim.workflows.sweep",
    "SweepResult": "sim.experiments.sweep",
    "sensitivity": "sim.workflows.sensitivity",
    "advise": "sim.workflows.advise",
    # reading a finished run folder back
    "load_run": "sim.output.finished",
    "load_table": "sim.output.finished",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value  # later lookups skip this hook
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
