"""Sweeps: play every design point of a scenario's ``sweep:`` on common random numbers.

``results/<scenario>/<sweep-id>/`` holds

* ``experiments.csv``: one row per design point: point id and each lever's value (user units);
* ``outcomes.csv``: one row per point × replication: the run table with a ``point`` column;
* ``points.csv`` and ``summary.json``: per point, each indicator's probability with its 95%
  Wilson interval;
* ``manifest.json`` (everything needed to rerun; the only file with times in it) and figures.

This module computes only (the plan, a point's outcomes as arrays, the summaries); the
folder, its chunks and the resume are in :mod:`sim.workflows.sweep` and
:mod:`sim.output.sweepfolder`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.summaries import proportion
from sim.engine.outcomes import COLUMNS, Outcomes
from sim.errors import UsageError
from sim.experiments.designs import Design, make_design
from sim.scenario.load import Scenario
from sim.scenario.params import lever_record

PLAN_FORMAT = 1
OUTCOME_ARRAYS = COLUMNS


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep computes: the scenario, its design and the ensemble per point."""

    scenario: Scenario
    design: Design
    replications: int
    seed: int
    protocol: str
    requested_points: int

    def describe(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data (:func:`sim.output.sweepfolder.plan_record` adds the versions)."""
        return {
            "format": PLAN_FORMAT,
            "scenario": self.scenario.name,
            "scenario_file": str(Path(self.scenario.file).resolve()),
            "sha256": self.scenario.sha256,
            "design": self.design.kind,
            "requested_points": self.requested_points,
            "levers": [lv.model_dump(exclude={"note", "source"}) for lv in self.design.levers],
            "points": [list(p) for p in self.design.points],
            "replications": self.replications,
            "seed": self.seed,
            "protocol": self.protocol,
            "block_size": self.scenario.spec.run.block_size,
        }


@dataclass
class SweepResult:
    """A finished sweep: its plan, the summary (as in summary.json) and its folder."""

    plan: SweepPlan
    summary: dict[str, Any]
    folder: Path | None = None
    files: list[str] = field(default_factory=list)
    resumed_points: int = 0


def make_plan(sc: Scenario, *, design: str | None = None, points: int | None = None,
              replications: int | None = None, seed: int | None = None, protocol: str | None = None) -> SweepPlan:
    """Build a sweep's plan from the scenario's ``sweep:`` section and overrides.

    Raises:
        UsageError: If the scenario has no ``sweep:`` section or the design is too large.

    """
    spec = sc.spec.sweep
    if spec is None:
        raise UsageError(f"{sc.file}: the scenario has no sweep: section; declare levers there "
                         "(docs/how-to/sweeps.md)")
    seed = sc.spec.run.seed if seed is None else seed
    points = points or spec.points
    try:
        d = make_design(spec.levers, design or spec.design, points, seed)
    except ValueError as exc:
        raise UsageError(f"{sc.file}: sweep: {exc}") from None
    return SweepPlan(sc, d, replications or spec.replications, seed, protocol or sc.spec.protocol.name, points)


def check_output(sc: Scenario, output: dict[str, Any]) -> None:
    """Refuse unknown indicators before any work.

    Raises:
        UsageError: Naming the indicators the scenario declares.

    """
    names = list(output.get("indicators") or []) + ([output["prim"][0]] if output.get("prim") else [])
    for name in names:
        if name not in sc.outcomes:
            raise UsageError(f"unknown indicator '{name}'; allowed: {', '.join(sc.outcomes)}")


def to_arrays(out: Outcomes) -> dict[str, np.ndarray]:
    """Turn an ensemble's outcomes into named arrays (a chunk)."""
    arrays = {k: getattr(out, k) for k in OUTCOME_ARRAYS}
    arrays.update({f"draw:{k}": v for k, v in out.draws.items()})
    return arrays


def from_arrays(protocol: str, arrays: dict[str, np.ndarray]) -> Outcomes:
    """Outcomes back from a chunk."""
    draws = {k.removeprefix("draw:"): v for k, v in arrays.items() if k.startswith("draw:")}
    return Outcomes(protocol=protocol, **{k: arrays[k] for k in OUTCOME_ARRAYS}, draws=draws)


def point_summary(sc: Scenario, point: int, levers: dict[str, Any], out: Outcomes) -> dict[str, Any]:
    """One design point's indicators (probability, 95% Wilson interval, counts)."""
    return {"point": point, "levers": levers, "replications": out.n,
            "indicators": {name: proportion(flag) for name, flag in out.indicators(sc).items()}}


def sweep_summary(plan: SweepPlan, points: list[dict[str, Any]]) -> dict[str, Any]:
    """summary.json: the design and every point's indicators."""
    sc = plan.scenario
    return {
        "scenario": sc.name,
        "title": sc.spec.title or sc.name,
        "design": plan.design.kind,
        "replications": plan.replications,
        "seed": plan.seed,
        "protocol": plan.protocol,
        "levers": [lever_record(sc, lv) for lv in plan.design.levers],
        "indicators": {name: sc.spec.outcomes[name].label or name for name in sc.outcomes},
        "points": points,
    }


def points_table(plan: SweepPlan, summary: dict[str, Any]) -> dict[str, list[Any]]:
    """points.csv: point, levers, replications, then p, lo and hi of each indicator."""
    cols = plan.design.columns()
    cols["replications"] = [p["replications"] for p in summary["points"]]
    for name in summary["indicators"]:
        for key, suffix in (("p", ""), ("lo", "_lo"), ("hi", "_hi")):
            cols[f"{name}{suffix}"] = [p["indicators"][name][key] for p in summary["points"]]
    return cols
