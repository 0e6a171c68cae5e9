"""Per-replication parameter arrays for one batch: the numbers the engine reads.

Every array has a leading replication axis, so one model steps a whole batch at once.
Actors (:mod:`sim.engine.actors`) hold views into these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.load import Scenario


@dataclass
class State:
    """Parameter arrays for ``n`` replications (internal 0-1 scale for issue values).

    Attributes:
        ideal: (n, A, I) ideal points.
        salience: (n, A, I) weights, each actor's row summing to 1.
        shape: (A,) utility exponent per actor (1 linear, 2 quadratic).
        capability: (n, A).
        patience: (n, A) per-round discount factors.
        oo_fixed: (A,) True where the outside option is a fixed utility.
        oo_utility: (n, A) fixed outside-option utilities (unused where not fixed).
        oo_bonus: (n, A) shifts added to breakdown utilities.
        inside_bonus: (n, A) shifts added to the status quo's per-period flow.
        act_success: (n, K) each declared action's chance of success.
        act_cost: (n, K, A) what each action costs every actor.
        generosity, escalation, cap, floor: (n, L) linkage parameters.
        credibility: (n, L) chance each linked offer is honoured (1: certain).
        budget: (n, A) largest share of its offer tables an influencer choosing its offers can pay.
        status_quo, breakdown: (n, I) terms with no deal and on breakdown.
        noise, margin: (n,) protocol parameters.
        event_prob: (n, E).
        scale, power: (n, A, I) per-issue utility shapes (:func:`sim.engine.utility.issue_value`;
            read-only broadcast views), or None where every issue is linear in the loss.

    """

    ideal: np.ndarray
    salience: np.ndarray
    shape: np.ndarray
    capability: np.ndarray
    patience: np.ndarray
    oo_fixed: np.ndarray
    oo_utility: np.ndarray
    oo_bonus: np.ndarray
    inside_bonus: np.ndarray
    act_success: np.ndarray
    act_cost: np.ndarray
    generosity: np.ndarray
    escalation: np.ndarray
    cap: np.ndarray
    floor: np.ndarray
    credibility: np.ndarray
    budget: np.ndarray
    status_quo: np.ndarray
    breakdown: np.ndarray
    noise: np.ndarray
    margin: np.ndarray
    event_prob: np.ndarray
    scale: np.ndarray | None = None
    power: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Replications in the batch."""
        return self.ideal.shape[0]


def _where(sc: Scenario, path: str) -> tuple[str, tuple[Any, ...]]:
    """Map a parameter path to (array name, index after the replication axis)."""
    parts = path.split(".")
    if parts[0] == "actors":
        a = sc.actors.index(parts[1])
        if parts[2] == "positions":
            i = sc.space.index(parts[3])
            return ("ideal" if parts[4] == "ideal" else "salience"), (a, i)
        if parts[2] == "outside_option":
            return ("oo_utility" if parts[3] == "utility" else "oo_bonus"), (a,)
        if parts[2] == "inside_option":
            return "inside_bonus", (a,)
        return parts[2], (a,)
    if parts[0] == "linkage":
        names = [lk.name for lk in sc.spec.linkage]
        return parts[2], (names.index(parts[1]),)
    if parts[0] == "issues":
        return parts[2], (sc.space.index(parts[1]),)
    if parts[0] == "protocol":
        return parts[1], ()
    if parts[0] == "actions":
        k = [r.name for r in sc.actions].index(parts[1])
        if parts[2] == "success":
            return "act_success", (k,)
        return "act_cost", (k, sc.actors.index(parts[3]))
    names = [e.name for e in sc.spec.events]
    return "event_prob", (names.index(parts[1]),)


def build_state(sc: Scenario, n: int, values: dict[str, np.ndarray | float]) -> State:
    """Fill the arrays from scenario defaults, then per-replication ``values`` by path.

    Args:
        sc: The scenario.
        n: Replications.
        values: Path → scalar or (n,) array on the internal scale (draws and levers).

    """
    A, I = len(sc.actors), len(sc.space.issues)
    L, E = len(sc.spec.linkage), len(sc.spec.events)
    z = np.zeros
    st = State(
        ideal=z((n, A, I)), salience=z((n, A, I)),
        shape=np.array([2.0 if a.utility == "quadratic" else 1.0 for a in sc.spec.actors]),
        capability=z((n, A)), patience=z((n, A)),
        oo_fixed=np.array([a.outside_option.kind == "fixed" for a in sc.spec.actors]),
        oo_utility=z((n, A)), oo_bonus=z((n, A)), inside_bonus=z((n, A)),
        act_success=np.ones((n, len(sc.actions))), act_cost=z((n, len(sc.actions), A)),
        generosity=z((n, L)), escalation=z((n, L)), cap=z((n, L)), floor=z((n, L)),
        credibility=np.ones((n, L)), budget=z((n, A)),
        status_quo=z((n, I)), breakdown=z((n, I)), noise=z(n), margin=z(n), event_prob=z((n, E)),
        scale=None if sc.shape_scale is None else np.broadcast_to(sc.shape_scale, (n, A, I)),
        power=None if sc.shape_power is None else np.broadcast_to(sc.shape_power, (n, A, I)),
    )
    for path, pdef in sc.params.items():
        name, idx = _where(sc, path)
        getattr(st, name)[(slice(None), *idx)] = values.get(path, pdef.default)
    for path in values:
        if path not in sc.params:
            raise KeyError(f"unknown parameter path {path}")
    normalise_salience(st)
    return st


def normalise_salience(st: State) -> None:
    """Rescale each actor's saliences to sum to 1 (draws and events may unbalance them)."""
    total = st.salience.sum(axis=2, keepdims=True)
    np.divide(st.salience, total, out=st.salience, where=total > 0)


def apply_effect(sc: Scenario, st: State, path: str, mode: str, value: float, mask: np.ndarray) -> None:
    """Apply an event's effect to the replications in ``mask``."""
    name, idx = _where(sc, path)
    arr = getattr(st, name)
    sel = (mask, *idx)
    if mode == "set":
        arr[sel] = value
    elif mode == "add":
        arr[sel] = arr[sel] + value
    else:
        arr[sel] = arr[sel] * value
    pdef = sc.params[path]
    lo, hi = (0.0, 1.0) if pdef.issue is not None else (pdef.lo, pdef.hi)
    arr[sel] = np.clip(arr[sel], lo, hi)
    if name == "salience":
        normalise_salience(st)
