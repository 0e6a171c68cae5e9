"""Utilities, linkage and red lines on batched arrays.

An actor's utility for terms ``x`` (every issue on its 0-1 scale) is

    u_a(x) = sum_i s_ai * (1 - |x_i - ideal_ai| ** shape_a),

with saliences ``s_ai`` summing to 1, so utilities lie in [0, 1]. Shape 1 is the linear
(city-block) loss of spatial bargaining models; shape 2 the quadratic loss.
"""

from __future__ import annotations

import numpy as np

from sim.engine.state import State
from sim.scenario.load import Scenario


def issue_value(x: np.ndarray, ideal: np.ndarray, shape: np.ndarray, scale: np.ndarray | None = None,
                power: np.ndarray | None = None) -> np.ndarray:
    """Per-issue value ``1 - |x - ideal| ** shape`` (broadcasting).

    With declared utility shapes (docs/model.md, "Utility shapes"), ``scale`` (money: the
    loss in reference amounts per unit of the 0-1 scale) and ``power`` (concave: the power
    of the closeness) broadcast like ``ideal``: the value is ``1 - scale * loss`` where
    ``power`` is 1 and ``(1 - loss) ** power`` elsewhere. Both None: exactly the linear form.
    """
    d = np.abs(x - ideal)
    if scale is None and power is None:
        if np.all(shape == 1.0):
            return np.subtract(1.0, d, out=d)
        return 1.0 - np.where(shape == 1.0, d, d * d)
    loss = np.where(shape == 1.0, d, d * d)
    v = 1.0 - (loss if scale is None else scale * loss)
    if power is None:
        return v
    return np.where(power == 1.0, v, np.power(np.maximum(1.0 - loss, 0.0), power))


def shapes_at(st: State, pick) -> dict[str, np.ndarray | None]:
    """``scale`` and ``power`` of ``st`` indexed as ``pick`` indexes ``st.ideal`` (keyword arguments)."""
    return {"scale": None if st.scale is None else pick(st.scale),
            "power": None if st.power is None else pick(st.power)}


def utilities(st: State, terms: np.ndarray) -> np.ndarray:
    """Every actor's utility for full terms.

    Args:
        st: Batch parameters.
        terms: (n, I) terms on the 0-1 scale.

    Returns:
        (n, A) utilities in [0, 1].

    """
    v = issue_value(terms[:, None, :], st.ideal, st.shape[None, :, None], st.scale, st.power)
    return np.einsum("nai,nai->na", st.salience, v)


def generosity_at(st: State, rounds_ahead: int | np.ndarray) -> np.ndarray:
    """Influencers' generosity ``rounds_ahead`` rounds from now: grows by escalation, capped."""
    return np.clip(st.generosity + st.escalation * rounds_ahead, 0.0, st.cap)


def linkage_base(sc: Scenario, disc_terms: np.ndarray) -> np.ndarray:
    """Each linkage table read at the combined deal terms, before generosity.

    Args:
        sc: Scenario.
        disc_terms: (..., I) terms (only the depends-on issues are read).

    Returns:
        (..., L) values on the linked issues' 0-1 scales.

    """
    out = np.empty((*disc_terms.shape[:-1], len(sc.linkage)))
    for l, rule in enumerate(sc.linkage):
        x = disc_terms[..., list(rule.depends_on)]
        if rule.combine == "max":
            comb = x.max(axis=-1)
        elif rule.combine == "min":
            comb = x.min(axis=-1)
        else:
            comb = x.mean(axis=-1)
        out[..., l] = np.interp(comb, rule.xs, rule.ys)
    return out


def linked_values(sc: Scenario, st: State, base: np.ndarray, gen: np.ndarray) -> np.ndarray:
    """Influencers' offers: ``max(floor, generosity * base)``, clipped and snapped to levels.

    Args:
        sc: Scenario.
        st: Batch parameters (floors).
        base: (n, ..., L) from :func:`linkage_base` (broadcast over middle axes).
        gen: (n, L) generosity now.

    """
    extra = base.ndim - 2
    g = gen.reshape(gen.shape[0], *([1] * extra), -1)
    fl = st.floor.reshape(st.floor.shape[0], *([1] * extra), -1)
    vals = np.clip(np.maximum(fl, g * base), 0.0, 1.0)
    for l, rule in enumerate(sc.linkage):
        vals[..., l] = sc.space.issues[rule.issue].snap(vals[..., l])
    if (st.credibility < 1.0).any():  # an offer honoured with chance q is worth its expectation
        q = st.credibility.reshape(st.credibility.shape[0], *([1] * extra), -1)
        sq = st.status_quo[:, [r.issue for r in sc.linkage]].reshape(q.shape)
        vals = sq + q * (vals - sq)
    return vals


def fill_linked(sc: Scenario, st: State, terms: np.ndarray, gen: np.ndarray) -> np.ndarray:
    """Return ``terms`` (n, I) with linked issues set from the deal terms and generosity."""
    if not sc.linkage:
        return terms
    out = terms.copy()
    vals = linked_values(sc, st, linkage_base(sc, terms), gen)
    for l, rule in enumerate(sc.linkage):
        out[:, rule.issue] = vals[:, l]
    return out


def red_lines_hold(sc: Scenario, terms: np.ndarray) -> np.ndarray:
    """(n, A) True where the terms respect every red line of the actor."""
    n = terms.shape[0]
    ok = np.ones((n, len(sc.actors)), dtype=bool)
    kind = np.zeros(n, dtype=int)
    for a, conds in enumerate(sc.red_lines):
        for c in conds:
            ok[:, a] &= c.evaluate(terms, kind)
    return ok


def breakdown_utilities(sc: Scenario, st: State, gen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Breakdown terms (n, I) and each actor's outside option (n, A) at generosity ``gen``."""
    terms = fill_linked(sc, st, st.breakdown, gen)
    u = utilities(st, terms) + st.oo_bonus
    return terms, np.where(st.oo_fixed[None, :], st.oo_utility, u)
