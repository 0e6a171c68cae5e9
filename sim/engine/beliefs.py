"""Beliefs over private types, and the complete-information worlds they range over.

Each signatory ``j`` with private parameters has ``m_j`` types (:class:`sim.process.TypeGrid`).
Every other actor ``o`` holds a belief ``pi[o, j]``: a probability vector over those types,
starting at the prior, kept as an array with a leading replication axis, updated by Bayes'
rule from what ``o`` sees::

    pi'(k) = pi(k) L(obs | k) / sum_k' pi(k') L(obs | k').

The likelihood of an observation under type ``k`` is read off that type's complete-
information plan (a :class:`World`): a refusal has likelihood ``1 - P(type k accepts)``,
logit with acceptance noise (soft: no type is ruled out) and 0/1 without it; acting or
waiting after a refusal has likelihood 1 where type ``k``'s plan makes the same choice.

Off-path observations: when no type would have made the move (total likelihood 0, possible
only without noise), the belief is left as it was. The observer keeps what it knew and
treats the move as a mistake; the tests pin this rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.engine.planner import Plan, Planner
from sim.engine.state import State, _where, normalise_salience
from sim.scenario.load import Scenario

#: Total likelihood below which an observation counts as off the path of every type.
OFF_PATH = 1e-300


@dataclass
class World:
    """A complete-information plan for one hypothetical type of one actor.

    Attributes:
        actor: Whose type is hypothetical (-1: the true world).
        k: Which type.
        state: The batch's parameters with that actor's private ones set to type ``k``.
        plan: The backward-induction plan of that state.

    """

    actor: int
    k: int
    state: State
    plan: Plan


def type_of(sc: Scenario, st: State, j: int) -> np.ndarray:
    """(n,) index of each replication's true type of actor ``j`` (the nearest grid point)."""
    grid = sc.types[j]
    vals = np.stack([_read(sc, st, path) for path in grid.paths], axis=1)  # (n, q)
    return np.abs(vals[:, None, :] - grid.values[None]).sum(axis=2).argmin(axis=1)


def _read(sc: Scenario, st: State, path: str) -> np.ndarray:
    name, idx = _where(sc, path)
    return getattr(st, name)[(slice(None), *idx)]


def build_worlds(sc: Scenario, truth: State, truth_plan: Plan) -> list[list[World]]:
    """Per actor, its worlds: one per private type, or the true world alone.

    Cost: one backward induction per type of each private actor, so linear in the number of
    types (never their product across actors).
    """
    out: list[list[World]] = []
    for j, grid in enumerate(sc.types or (None,) * len(sc.actors)):
        if grid is None:
            out.append([World(-1, 0, truth, truth_plan)])
            continue
        worlds = []
        for k in range(grid.m):
            st = replace(truth, **{f: getattr(truth, f).copy() for f in _ARRAYS})
            for q, path in enumerate(grid.paths):
                name, idx = _where(sc, path)
                getattr(st, name)[(slice(None), *idx)] = grid.values[k, q]
            normalise_salience(st)
            worlds.append(World(j, k, st, Planner(sc, st).solve()))
        out.append(worlds)
    return out


_ARRAYS = ("ideal", "salience", "capability", "patience", "oo_utility", "oo_bonus", "inside_bonus", "act_success",
           "act_cost", "generosity", "escalation", "cap", "floor", "credibility", "budget",
           "status_quo", "breakdown", "noise", "margin",
           "event_prob")


def hypothetical(worlds: list[list[World]]) -> list[World]:
    """Every world whose state is not the true one (events and escalation must reach them too)."""
    return [w for ws in worlds for w in ws if w.actor >= 0]


def prior(sc: Scenario, n: int) -> dict[int, np.ndarray]:
    """Private actor → (n, m) the others' prior over its types.

    Beliefs are common: every actor other than ``j`` starts from the same prior and sees the
    same moves, so their beliefs about ``j`` coincide; one array per private actor holds them.
    """
    return {j: np.broadcast_to(g.weights, (n, g.m)).copy() for j, g in enumerate(sc.types) if g is not None}


def update(belief: np.ndarray, likelihood: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Bayes' rule in the replications ``rows`` (boolean (n,)); off-path rows keep their belief.

    Args:
        belief: (n, m) one observer's belief over one actor's types.
        likelihood: (n, m) probability of what was seen under each type.
        rows: (n,) where something was seen.

    Returns:
        The updated (n, m) belief (a new array).

    """
    post = belief * likelihood
    total = post.sum(axis=1, keepdims=True)
    ok = rows[:, None] & (total > OFF_PATH)
    return np.where(ok, post / np.where(total > OFF_PATH, total, 1.0), belief)


def expected(belief: np.ndarray, per_type: np.ndarray) -> np.ndarray:
    """(n,) the belief-weighted mean of a per-type quantity (n, m)."""
    return (belief * per_type).sum(axis=1)
