"""The negotiation as a process, compiled: dated rounds, unilateral actions, private types.

Checked and built from the ``timing:``, ``actions:`` and ``private: true`` parts of a
scenario (see docs/scenario-format.md and docs/model.md); the engine reads only these
structures.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.distributions import quantiles, to_internal
from sim.scenario.params import ParamDef
from sim.scenario.space import IssueInfo, IssueSpace, ValueProblem
from sim.scenario.yamlsource import PathKey

#: Joint types of one actor (the product of its private parameters' grids) the engine plans for.
MAX_TYPES = 49
_MONTHS = {"week": 0, "month": 1, "quarter": 3}


@dataclass(frozen=True)
class Calendar:
    """Round ``t`` (1-based) as a date: ``start`` plus ``t - 1`` periods."""

    start: _dt.date
    period: str
    flows: bool

    def date(self, t: int) -> _dt.date:
        """The first day of round ``t``."""
        if self.period == "week":
            return self.start + _dt.timedelta(weeks=t - 1)
        months = self.start.month - 1 + (t - 1) * _MONTHS[self.period]
        return _dt.date(self.start.year + months // 12, months % 12 + 1, 1)

    def label(self, t: int) -> str:
        """``2025-03`` (months, quarters) or ``2025-03-17`` (weeks)."""
        d = self.date(t)
        return d.isoformat() if self.period == "week" else f"{d.year}-{d.month:02d}"


@dataclass(frozen=True)
class ActionRule:
    """A compiled action: its actor, the issues it sets (0-1 scale) and when it may be taken."""

    name: str
    label: str
    actor: int
    outcome: str
    issues: tuple[int, ...]
    values: tuple[float, ...]
    when: tuple[str, ...]


@dataclass(frozen=True)
class TypeGrid:
    """An actor's private types: the joint grid of its private parameters.

    Attributes:
        actor: Actor index.
        paths: The private parameter paths.
        values: (m, len(paths)) each type's values on the internal scale.
        weights: (m,) prior probabilities (exact: products of equal-probability bins, or a
            ``choice``'s own weights), summing to 1.

    """

    actor: int
    paths: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray

    @property
    def m(self) -> int:
        """Number of types."""
        return len(self.weights)


def marginal_grid(dist: Any, pdef: ParamDef) -> tuple[np.ndarray, np.ndarray]:
    """One private parameter's grid on the internal scale and its weights.

    A continuous distribution is cut into ``types`` equal-probability bins, each represented
    by the quantile at its middle; a ``choice`` keeps its values and weights.
    """
    if dist.dist == "choice":
        w = np.asarray(dist.weights if dist.weights is not None else [1.0] * len(dist.values), dtype=float)
        vals = to_internal(dist, pdef, list(dist.values))
        return vals, w / w.sum()
    m = dist.types
    u = (np.arange(m) + 0.5) / m
    return to_internal(dist, pdef, np.asarray(quantiles(dist, u), dtype=float)), np.full(m, 1.0 / m)


def snap_to_type(dist: Any, u: np.ndarray) -> np.ndarray:
    """Index of the type each uniform ``u`` falls in (the same uniforms as the public draw)."""
    if dist.dist == "choice":
        w = np.asarray(dist.weights if dist.weights is not None else [1.0] * len(dist.values), dtype=float)
        cum = np.cumsum(w / w.sum())
        return np.minimum(np.searchsorted(cum, u, side="right"), len(dist.values) - 1)
    return np.minimum((u * dist.types).astype(np.int64), dist.types - 1)


def compile_process(spec: Any, infos: dict[str, IssueInfo], space: IssueSpace, params: dict[str, ParamDef],
                    signatories: list[int], bad: Callable[[PathKey, str], None]) -> dict[str, Any]:
    """Check and compile timing, actions, private types and strategies.

    Returns:
        The Scenario fields ``calendar``, ``actions``, ``types`` and ``strategies``.

    """
    actor_names = [a.name for a in spec.actors]
    calendar = None
    if spec.timing is not None:
        start = _start_date(spec.timing.start)
        if start is None:
            bad(("timing", "start"), f"'{spec.timing.start}' is not a month or a date; allowed: YYYY-MM or "
                                     "YYYY-MM-DD, e.g. 2025-01")
        else:
            calendar = Calendar(start, spec.timing.period, spec.timing.flows)
    for j, a in enumerate(spec.actors):
        if spec.timing is None and a.inside_option.bonus != 0.0:
            bad(("actors", j, "inside_option"), "an inside option needs timing: (rounds as dated periods with "
                                                "status-quo flows); add a timing: section or remove it")
        if a.role == "influencer" and a.strategy != "belief":
            bad(("actors", j, "strategy"), f"'{a.name}' is an influencer: it neither proposes nor answers; "
                                           "allowed: a strategy for signatories only")
    linked = {space.issues[i].name for i in space.linked}
    actions = []
    for k, act in enumerate(spec.actions):
        base = ("actions", k)
        if act.actor not in actor_names:
            bad((*base, "actor"), f"no actor named '{act.actor}'; allowed: {', '.join(actor_names)}")
            continue
        if actor_names.index(act.actor) not in signatories:
            bad((*base, "actor"), f"'{act.actor}' is an influencer; allowed: a signatory (influencers act "
                                  "through their offers)")
        issues, values = [], []
        for iname, val in act.terms.items():
            if iname not in infos:
                bad((*base, "terms", iname), f"no issue named '{iname}'; allowed: {', '.join(infos)}")
                continue
            if iname in linked:
                bad((*base, "terms", iname), f"'{iname}' is set by linkage (the influencers' offers follow the "
                                             "terms); allowed: a deal issue")
                continue
            try:
                values.append(infos[iname].to_norm(val))
                issues.append(space.index(iname))
            except ValueProblem as exc:
                bad((*base, "terms", iname), str(exc))
        for who in act.cost:
            if who not in actor_names:
                bad((*base, "cost", who), f"no actor named '{who}'; allowed: {', '.join(actor_names)}")
        actions.append(ActionRule(act.name, act.label or act.name.replace("_", " "), actor_names.index(act.actor),
                                  act.outcome, tuple(issues), tuple(values), tuple(dict.fromkeys(act.when))))
    types = _types(spec, params, signatories, bad)
    strategies = tuple(a.strategy for a in spec.actors)
    return {"calendar": calendar, "actions": tuple(actions), "types": types, "strategies": strategies}


def _start_date(value: Any) -> _dt.date | None:
    """The first day of ``timing.start`` (a YAML date, ``YYYY-MM`` or ``YYYY-MM-DD``), or None."""
    if isinstance(value, _dt.date):
        return value
    parts = str(value).split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    try:
        return _dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
    except ValueError:
        return None


def _types(spec: Any, params: dict[str, ParamDef], signatories: list[int],
           bad: Callable[[PathKey, str], None]) -> tuple[TypeGrid | None, ...]:
    actor_names = [a.name for a in spec.actors]
    per_actor: dict[int, list[tuple[str, np.ndarray, np.ndarray]]] = {}
    for u, dist in enumerate(spec.uncertainty):
        if not dist.private:
            continue
        path = ("uncertainty", u, "private")
        parts = dist.param.split(".")
        if parts[0] != "actors" or len(parts) < 3 or parts[1] not in actor_names:
            bad(path, f"'{dist.param}' belongs to no actor; allowed: private: true on an actor's own parameter "
                      "(actors.NAME...)")
            continue
        j = actor_names.index(parts[1])
        if j not in signatories:
            bad(path, f"'{parts[1]}' is an influencer; allowed: private parameters of signatories (the influencers' "
                      "private information is not modelled)")
            continue
        if len(signatories) != 2:
            bad(path, f"private information needs exactly two signatories (found {len(signatories)}): beliefs "
                      "about several counterparts at once are not modelled; allowed: private: false")
            continue
        if dist.param not in params:
            continue  # reported by the uncertainty check
        values, weights = marginal_grid(dist, params[dist.param])
        per_actor.setdefault(j, []).append((dist.param, values, weights))
    out: list[TypeGrid | None] = [None] * len(spec.actors)
    for j, grids in per_actor.items():
        m = int(np.prod([len(w) for _, _, w in grids]))
        if m > MAX_TYPES:
            bad(("uncertainty",), f"'{actor_names[j]}' has {m} joint private types (the product of its private "
                                  f"parameters' grids); allowed: at most {MAX_TYPES} (fewer types: or fewer private "
                                  "parameters)")
            continue
        combos = list(itertools.product(*(range(len(w)) for _, _, w in grids)))
        values = np.array([[grids[q][1][c[q]] for q in range(len(grids))] for c in combos], dtype=float)
        weights = np.array([np.prod([grids[q][2][c[q]] for q in range(len(grids))]) for c in combos])
        out[j] = TypeGrid(j, tuple(p for p, _, _ in grids), values, weights / weights.sum())
    return tuple(out)
