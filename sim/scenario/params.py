"""Numeric parameters by path: what uncertainty, events and sweeps may change.

Every number the engine uses per replication has a dotted path, e.g.
``actors.russia.patience`` or ``linkage.us_sanctions.generosity``. The scenario's values
are the defaults; ``uncertainty`` draws them per replication, ``events`` change them in
a round, and sweep levers set them per design point. Values are stored on the engine's
internal scale: issue values (ideals, status quo, floors) on the issue's 0-1 scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.scenario.space import IssueInfo


@dataclass(frozen=True)
class ParamDef:
    """One addressable number.

    Attributes:
        path: Dotted path.
        default: Scenario value on the internal scale.
        issue: For issue-valued parameters, the issue that converts user values.
        lo: Smallest allowed internal value.
        hi: Largest allowed internal value.
        what: Plain words for the allowed values (for error messages).

    """

    path: str
    default: float
    issue: IssueInfo | None = None
    lo: float = float("-inf")
    hi: float = float("inf")
    what: str = "a number"

    def to_internal(self, value: Any) -> float:
        """Convert a user value (number, level name, bool) to the internal scale.

        Raises:
            ValueError: If the value does not fit.

        """
        if self.issue is not None:
            return self.issue.to_norm(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number; allowed: {self.what}")
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{value:g} is out of range; allowed: {self.what}")
        return float(value)


def build_params(spec: Any, issues: dict[str, IssueInfo]) -> dict[str, ParamDef]:
    """List every parameter path of a validated scenario with its default.

    Args:
        spec: The validated :class:`sim.scenario.schema.ScenarioSpec`.
        issues: Issue infos by name.

    Returns:
        Path → definition, in a stable order.

    """
    out: dict[str, ParamDef] = {}

    def add(path: str, default: float, **kw: Any) -> None:
        out[path] = ParamDef(path, float(default), **kw)

    for a in spec.actors:
        p = f"actors.{a.name}"
        add(f"{p}.capability", a.capability, lo=1e-9, hi=1000, what="a positive number up to 1000")
        if a.offers == "chosen":
            add(f"{p}.budget", a.budget, lo=0, hi=10, what="a multiple of its offer tables in [0, 10]")
        add(f"{p}.patience", a.patience, lo=1e-9, hi=1, what="a discount factor in (0, 1]")
        oo = a.outside_option
        if oo.kind == "fixed":
            add(f"{p}.outside_option.utility", oo.utility, lo=0, hi=1, what="a utility in [0, 1]")
        add(f"{p}.outside_option.bonus", oo.bonus, lo=-1, hi=1, what="a utility shift in [-1, 1]")
        if spec.timing is not None:
            add(f"{p}.inside_option.bonus", a.inside_option.bonus, lo=-1, hi=1, what="a utility shift in [-1, 1]")
        for iname, pos in a.positions.items():
            if iname not in issues:
                continue
            info = issues[iname]
            add(f"{p}.positions.{iname}.ideal", info.to_norm(pos.ideal), issue=info)
            add(f"{p}.positions.{iname}.salience", pos.salience, lo=0, hi=1, what="a weight in [0, 1]")
    for lk in spec.linkage:
        p = f"linkage.{lk.name}"
        add(f"{p}.generosity", lk.generosity, lo=0, hi=10, what="a multiplier in [0, 10]")
        add(f"{p}.escalation", lk.escalation, lo=-1, hi=1, what="a change per round in [-1, 1]")
        add(f"{p}.cap", lk.cap, lo=0, hi=10, what="a multiplier in [0, 10]")
        if lk.credibility is not None:
            add(f"{p}.credibility", lk.credibility, lo=0, hi=1, what="a probability in [0, 1]")
        info = issues.get(lk.issue)
        if info is not None:
            floor = 0.0 if lk.floor is None else info.to_norm(lk.floor)
            add(f"{p}.floor", floor, issue=info)
    for iss in spec.issues:
        info = issues[iss.name]
        add(f"issues.{iss.name}.status_quo", info.to_norm(iss.status_quo), issue=info)
        bd = iss.status_quo if iss.breakdown is None else iss.breakdown
        add(f"issues.{iss.name}.breakdown", info.to_norm(bd), issue=info)
    add("protocol.noise", spec.protocol.noise, lo=0, hi=1, what="a logit temperature in [0, 1]")
    add("protocol.margin", spec.protocol.margin, lo=0, hi=1, what="a utility margin in [0, 1]")
    for act in spec.actions:
        add(f"actions.{act.name}.success", act.success, lo=1e-9, hi=1, what="a probability in (0, 1]")
        for who in (a.name for a in spec.actors):
            add(f"actions.{act.name}.cost.{who}", act.cost.get(who, 0.0), lo=0, hi=1, what="a cost in [0, 1]")
    for ev in spec.events:
        add(f"events.{ev.name}.probability", ev.probability, lo=0, hi=1, what="a probability in [0, 1]")
    return out


_WORDS = {
    "capability": "capability", "patience": "patience", "outside_option.utility": "walk-away value",
    "outside_option.bonus": "value of alternatives (outside-option bonus)", "ideal": "ideal", "salience": "weight on",
    "generosity": "generosity", "escalation": "escalation per round", "cap": "cap", "floor": "unconditional floor",
    "status_quo": "status quo", "breakdown": "terms on breakdown", "noise": "acceptance noise",
    "margin": "proposers' margin", "probability": "probability",
    "inside_option.bonus": "value of the status quo beyond its terms (inside-option bonus)",
    "success": "chance of success", "budget": "budget (largest share of its offer tables)",
    "credibility": "credibility (chance honoured)",
}


def units(sc: Any, path: str) -> str:
    """The units of a parameter's values in user terms (a continuous issue's units), or ""."""
    pdef = sc.params.get(path)
    info = pdef.issue if pdef is not None else None
    return info.units if info is not None and info.kind == "continuous" else ""


def lever_record(sc: Any, lever: Any) -> dict[str, Any]:
    """A sweep lever as JSON-ready data, with its target in words (``label``) and ``units`` for figures."""
    record = lever.model_dump(exclude={"note", "source"})
    record.update(label=describe(sc, lever.target), units=units(sc, lever.target))
    return record


def describe(sc: Any, path: str) -> str:
    """Plain words for a parameter path (or ``event:NAME``), for reports a seminar reads.

    ``actors.syria.positions.tartus_presence.ideal`` becomes "Syria (new government): ideal
    on Russian presence at Tartus"; unknown paths come back unchanged.
    """
    parts = path.split(".")
    try:
        if path.startswith("event:"):
            return f"event fired: {path.removeprefix('event:').replace('_', ' ')}"
        if parts[0] == "actors":
            actor = next(a for a in sc.spec.actors if a.name == parts[1])
            who = actor.label or actor.name
            if parts[2] == "positions":
                issue = sc.space.issues[sc.space.index(parts[3])].label
                return f"{who}: {_WORDS[parts[4]]} {'on ' if parts[4] == 'ideal' else ''}{issue}"
            return f"{who}: {_WORDS['.'.join(parts[2:])]}"
        if parts[0] == "linkage":
            rule = next(r for r in sc.linkage if r.name == parts[1])
            return f"{sc.space.issues[rule.issue].label} offer: {_WORDS[parts[2]]}"
        if parts[0] == "issues":
            return f"{sc.space.issues[sc.space.index(parts[1])].label}: {_WORDS[parts[2]]}"
        if parts[0] == "actions":
            rule = next(a for a in sc.spec.actions if a.name == parts[1])
            what = rule.label or rule.name.replace("_", " ")
            if parts[2] == "cost":
                return f"{what}: cost to {parts[3].replace('_', ' ')}"
            return f"{what}: {_WORDS[parts[2]]}"
        if parts[0] == "events":
            return f"event {parts[1].replace('_', ' ')}: {_WORDS[parts[2]]}"
        return _WORDS.get(parts[-1], path)
    except (StopIteration, KeyError, ValueError, IndexError):
        return path
