"""Which numbers the app lets a seminar change: the scenario's levers and key assumptions.

Built from ``sc.params`` (every addressable number): the sweep's levers if the scenario
declares them, then each signatory's patience and outside option, each linkage's
generosity and the acceptance noise. Values are shown in the user's units and passed to
the engine on its internal scale (:meth:`sim.scenario.params.ParamDef.to_internal`).

In role-play a student sees only what their seat may know: the other signatory's own
numbers (its patience, its outside option, its positions) are neither shown nor applied
(:func:`visible`); the outsiders' generosity and the noise are public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.app.story import param_words
from sim.scenario.load import Scenario

MOVED = 1e-6  # a setting this far from the scenario's value counts as changed (float sliders round)


@dataclass(frozen=True)
class Setting:
    """One control: a slider (``lo``..``hi`` by ``step``) or a choice among ``choices``.

    Attributes:
        path: The parameter's dotted path.
        label: What the control says.
        default: The scenario's value, in user units (a level name for a choice).
        lo: Smallest slider value.
        hi: Largest slider value.
        step: Slider increment.
        choices: The values of a choice (user units or level names), None for a slider.
        owner: The actor whose own number this is (``actors.NAME...``), else None.

    """

    path: str
    label: str
    default: Any
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    choices: tuple[Any, ...] | None = None
    owner: str | None = None


def settings(sc: Scenario) -> list[Setting]:
    """List the controls for a scenario, levers first, each path once."""
    out: dict[str, Setting] = {}
    if sc.spec.sweep is not None:
        for lever in sc.spec.sweep.levers:
            out.setdefault(lever.target, _lever(sc, lever))
    for a in sc.spec.actors:
        if a.role != "signatory":
            continue
        who = (a.label or _short(a.name)).split(" (")[0]
        p = f"actors.{a.name}"
        out.setdefault(f"{p}.patience", _slider(sc, f"{p}.patience", f"{who}: patience", 0.5, 1.0, 0.01))
        if a.outside_option.kind == "fixed":
            path, label = f"{p}.outside_option.utility", f"{who}: outside option"
            out.setdefault(path, _slider(sc, path, label, 0.0, 1.0, 0.01))
        path = f"{p}.outside_option.bonus"
        out.setdefault(path, _slider(sc, path, f"{who}: outside-option bonus", -0.2, 0.5, 0.01))
    for lk in sc.spec.linkage:
        path = f"linkage.{lk.name}.generosity"
        issue = sc.space.issues[sc.space.index(lk.issue)]
        out.setdefault(path, _slider(sc, path, f"Generosity: {issue.label}", 0.0, 1.5, 0.05))
    out.setdefault("protocol.noise", _slider(sc, "protocol.noise", "Acceptance noise", 0.0, 0.2, 0.005))
    return list(out.values())


def visible(sc: Scenario, s: Setting, you: int | None) -> bool:
    """Whether a person playing actor ``you`` (None: nobody) may see and move setting ``s``.

    Another signatory's own numbers are its private business (the scenario may even mark
    them ``private:``): a student playing Syria must not read, or set, Russia's patience or
    outside option. The outsiders' generosity and the acceptance noise are public.
    """
    if you is None or s.owner is None:
        return True
    j = sc.actors.index(s.owner)
    return j == you or j not in sc.signatories


def readout(sc: Scenario, s: Setting, value: Any) -> str:
    """A control's current value in words with its units: ``0.90 per month (...)``, ``+12.0 points (...)``."""
    if s.choices is not None:
        return str(value).replace("_", " ")
    pdef = sc.params[s.path]
    v = _number(value)
    if pdef.issue is not None:  # issue-valued: the slider is in the issue's own units
        return param_words(sc, s.path, pdef.issue.to_norm(v))
    return param_words(sc, s.path, float(v))


def internal_values(sc: Scenario, chosen: dict[str, Any]) -> dict[str, float]:
    """Chosen user values by path → the engine's internal values (unknown paths are ignored)."""
    out = {}
    for path, value in chosen.items():
        pdef = sc.params.get(path)
        if pdef is not None:
            out[path] = pdef.to_internal(_number(value) if pdef.issue is None or pdef.issue.kind == "continuous"
                                         else value)
    return out


def moved(sc: Scenario, values: dict[str, float]) -> dict[str, float]:
    """Return the values that differ from the scenario's (an ensemble fixes these; the rest stay uncertain)."""
    return {p: v for p, v in values.items() if abs(v - sc.params[p].default) > MOVED}


def _slider(sc: Scenario, path: str, label: str, lo: float, hi: float, step: float) -> Setting:
    """Make a slider wide enough for the scenario's value and its declared uncertainty."""
    pdef = sc.params[path]
    lo, hi = min(lo, pdef.default), max(hi, pdef.default)
    for unc in sc.spec.uncertainty:
        if unc.param == path:
            lo = min(lo, *(v for v in (unc.low,) if v is not None))
            hi = max(hi, *(v for v in (unc.high,) if v is not None))
    lo, hi = max(lo, pdef.lo), min(hi, pdef.hi)
    return Setting(path, label, round(pdef.default, 6), lo, hi, _on_grid(step, lo, pdef.default), owner=_owner(path))


def _lever(sc: Scenario, lever: Any) -> Setting:
    pdef = sc.params[lever.target]
    label = _short(lever.name)
    info = pdef.issue
    if lever.values is not None:
        default = info.to_user(pdef.default) if info is not None else pdef.default
        if info is not None and info.kind == "binary":
            default = "yes" if default else "no"
        choices = tuple(str(v).lower() if isinstance(v, bool) else v for v in lever.values)
        choices = tuple(("yes" if v == "true" else "no" if v == "false" else v) for v in choices)
        if default not in choices:
            choices = (default, *choices)
        return Setting(lever.target, label, default, choices=choices, owner=_owner(lever.target))
    if info is not None and info.kind != "continuous":
        levels = info.levels if info.kind == "ordinal" else ("no", "yes")
        return Setting(lever.target, label, levels[round(pdef.default * (len(levels) - 1))], choices=tuple(levels),
                       owner=_owner(lever.target))
    default = info.to_user(pdef.default) if info is not None else pdef.default
    lo, hi = min(lever.low, default), max(lever.high, default)
    return Setting(lever.target, label, round(default, 6), lo, hi, _on_grid(_nice_step(hi - lo), lo, default),
                   owner=_owner(lever.target))


def _owner(path: str) -> str | None:
    parts = path.split(".")
    return parts[1] if parts[0] == "actors" and len(parts) > 2 else None


def _on_grid(step: float, lo: float, default: float) -> float:
    """A step (``step`` or a tenth of it, at most) that lands on the scenario's value from ``lo``.

    A browser slider snaps its value to ``lo + k * step`` as soon as it is drawn: a default
    off that grid (a bonus of -0.025 with steps of 0.01) would silently become -0.02.
    """
    for s in (step, step / 2, step / 5, step / 10):
        k = (default - lo) / s
        if abs(k - round(k)) < 1e-6:
            return s
    return step / 10


def _nice_step(span: float) -> float:
    for step in (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0):
        if span / step <= 200:
            return step
    return span / 100


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _short(name: str) -> str:
    return name.replace("_", " ").capitalize()
