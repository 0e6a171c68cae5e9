"""The asymmetric Nash bargaining solution (Nash 1950; Kalai 1977).

Among the agreements that give every player more than its disagreement utility ``d_a``, the
solution maximises the weighted Nash product ``sum_a w_a log(u_a - d_a)``. Two solvers:

* :func:`nash_point` for any utility functions (callables), by :func:`scipy.optimize.minimize`;
  used for textbook cases such as ``u1 = x``, ``u2 = sqrt(1 - x)``;
* :func:`nash_spatial` for the engine's spatial utilities on continuous issues,
  ``u_a(x) = base_a + sum_c s_ac (1 - |x_c - ideal_ac| ** shape_a)``, vectorised over rows
  (replication × discrete package). The Nash product is concave there, and its
  non-smooth part is separable by issue, so a point where no single issue can improve it is
  the optimum: cyclic coordinate ascent, each step solving the one-issue first-order
  condition by bisection, converges to it. Rows whose
  starting point leaves someone below ``d`` are solved first with ``d`` lowered and then
  raised back step by step (a homotopy), so a row is only declared infeasible when no
  agreement beats the disagreement point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.solvers.bdm import weighted_median

CYCLES = 500
BISECTIONS = 56
STEP_TOL = 1e-12
_TINY = 1e-300


def nash_point(utilities: Sequence[Callable[[np.ndarray], float]], disagreement: Sequence[float],
               weights: Sequence[float], bounds: Sequence[tuple[float, float]],
               x0: Sequence[float] | None = None) -> np.ndarray | None:
    """Find the weighted Nash bargaining solution for arbitrary utility functions.

    One issue: bounded scalar minimisation; several: Powell's method, which needs no
    gradient (utilities may have kinks), from the centre and two corners of the box.

    Args:
        utilities: One function per player of the agreement vector ``x``.
        disagreement: Each player's disagreement utility.
        weights: Bargaining weights (any positive scale).
        bounds: A (low, high) box per component of ``x``.
        x0: An extra starting point.

    Returns:
        The maximiser, or None if no point found gives every player more than ``d``.

    """
    from scipy.optimize import minimize, minimize_scalar

    d = np.asarray(disagreement, dtype=float)
    w = np.asarray(weights, dtype=float)
    box = np.asarray(bounds, dtype=float)

    def gaps(x: np.ndarray) -> np.ndarray:
        return np.array([u(x) for u in utilities]) - d

    def objective(x: np.ndarray) -> float:
        g = gaps(x)
        # outside the feasible set, pull back towards it with a steep finite penalty
        return float(-np.sum(w * np.log(np.maximum(g, _TINY))) + 1e6 * np.sum(np.minimum(g, 0.0) ** 2))

    if len(box) == 1:
        res = minimize_scalar(lambda t: objective(np.array([t])), bounds=tuple(box[0]), method="bounded",
                              options={"xatol": 1e-12})
        found = [np.array([res.x])]
    else:
        starts = [box.mean(axis=1), box[:, 0] + 0.2 * np.ptp(box, axis=1), box[:, 0] + 0.8 * np.ptp(box, axis=1)]
        starts += [np.asarray(x0, dtype=float)] if x0 is not None else []
        found = [minimize(objective, x, bounds=box, method="Powell", options={"xtol": 1e-10, "ftol": 1e-14}).x
                 for x in starts]
    good = [x for x in found if np.all(gaps(x) > 0)]
    return min(good, key=objective) if good else None


def issue_value(z: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Per-issue value ``1 - |z| ** shape`` of a distance ``z`` (shape 1 or 2)."""
    return 1.0 - np.where(shape == 1.0, np.abs(z), z * z)


def _slope(z: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Differentiate :func:`issue_value` in ``x`` at ``z = x - ideal`` (a subgradient at 0)."""
    return np.where(shape == 1.0, -np.sign(z), -2.0 * z)


def nash_spatial(base: np.ndarray, d: np.ndarray, w: np.ndarray, s: np.ndarray, ideal: np.ndarray,
                 shape: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 x0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Nash solution over continuous issues for many rows at once.

    Args:
        base: (m, P) each player's utility from everything but the continuous issues.
        d: (m, P) disagreement utilities.
        w: (m, P) bargaining weights.
        s: (m, P, C) saliences on the continuous issues.
        ideal: (m, P, C) ideal points.
        shape: (P,) utility exponent per player (1 linear, 2 quadratic).
        lo: (m, C) lower bounds (red lines).
        hi: (m, C) upper bounds.
        x0: (m, C) starting point (default :func:`start_point`).

    Returns:
        ``(x, value)``: (m, C) terms and (m,) Nash products, ``-inf`` where no agreement gives
        every player more than its disagreement utility.

    """
    P = s.shape[1]
    if P == 2 and np.all(shape == 1.0):
        return two_linear(base, d, w, s, ideal, lo, hi)
    sh = shape[None, :]
    x = start_point(base, d, w, s, ideal, shape, lo, hi) if x0 is None else x0.copy()
    gap = _utilities(base, s, ideal, sh, x) - d
    shift = np.where(gap.min(axis=1) > 0, 0.0, 1e-3 - gap.min(axis=1))
    for scale in (1.0, 0.1, 0.01, 0.001, 0.0):
        dd = d - (shift * scale)[:, None]
        if scale > 0 and not shift.any():
            continue
        x = _ascend(base, dd, w, s, ideal, sh, lo, hi, x)
    gap = _utilities(base, s, ideal, sh, x) - d
    ok = (gap > 0).all(axis=1)
    value = np.where(ok, (w * np.log(np.where(ok[:, None], gap, 1.0))).sum(axis=1), -np.inf)
    return x, value


def two_linear(base: np.ndarray, d: np.ndarray, w: np.ndarray, s: np.ndarray, ideal: np.ndarray,
               lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve two players with linear utilities exactly, without iterating.

    Same arguments as :func:`nash_spatial`. On each issue only the stretch between the two
    ideals (clipped to the red-line box) is efficient, and moving along it trades the
    players' utilities at the fixed rate ``s_1c / s_2c``. Starting from player 2's best
    terms and handing issues to player 1 in falling order of that rate traces the Pareto
    frontier as a concave polyline; the Nash product is concave along it, so the optimum is
    the best of each segment's clipped first-order point.
    """
    m, _, C = s.shape
    rows = np.arange(m)[:, None]
    end1 = np.clip(ideal[:, 0], lo, hi)
    end2 = np.clip(ideal[:, 1], lo, hi)
    length = np.abs(end1 - end2)
    gain1, loss2 = s[:, 0] * length, s[:, 1] * length
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(s[:, 1] > 0, s[:, 0] / s[:, 1], np.where(s[:, 0] > 0, np.inf, 0.0))
    order = np.argsort(-rate, axis=1, kind="stable")
    g1, l2 = gain1[rows, order], loss2[rows, order]
    u1 = base[:, 0] + (s[:, 0] * issue_value(end2 - ideal[:, 0], 1.0)).sum(axis=1)
    u2 = base[:, 1] + (s[:, 1] * issue_value(end2 - ideal[:, 1], 1.0)).sum(axis=1)
    start1 = u1[:, None] + np.cumsum(g1, axis=1) - g1  # utilities where each segment starts
    start2 = u2[:, None] - np.cumsum(l2, axis=1) + l2
    s1, s2 = s[:, 0][rows, order], s[:, 1][rows, order]
    w1, w2 = w[:, :1], w[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = (w1 * s1 * (start2 - d[:, 1:]) - w2 * s2 * (start1 - d[:, :1])) / (s1 * s2 * (w1 + w2))
    step = np.where(s2 == 0, np.inf, np.where(s1 == 0, 0.0, step))
    step = np.clip(np.nan_to_num(step, nan=0.0, posinf=np.inf), 0.0, length[rows, order])
    gap1 = start1 + s1 * step - d[:, :1]
    gap2 = start2 - s2 * step - d[:, 1:]
    ok = (gap1 > 0) & (gap2 > 0)
    value = np.where(ok, w1 * np.log(np.where(ok, gap1, 1.0)) + w2 * np.log(np.where(ok, gap2, 1.0)), -np.inf)
    best = value.argmax(axis=1)
    # issues ahead of the best segment go to player 1's end, later ones stay at player 2's
    rank = np.empty_like(order)
    rank[rows, order] = np.arange(C)[None, :]
    at_best = step[np.arange(m), best][:, None]
    moved = np.where(rank < best[:, None], length, np.where(rank == best[:, None], at_best, 0.0))
    x = end2 + np.sign(end1 - end2) * moved
    return x, value[np.arange(m), best] if C else np.full(m, -np.inf)


def start_point(base: np.ndarray, d: np.ndarray, w: np.ndarray, s: np.ndarray, ideal: np.ndarray,
                shape: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(m, C) a good first guess: the first-order condition with every player at its best.

    Each issue goes to the weighted median of the players' ideals, weighted by
    ``w_a s_ac / (best_a - d_a)`` where ``best_a`` is what player a gets at its own ideal.
    Issues no player cares about start (and stay) at the middle of their box.
    """
    best = base + (s * issue_value(np.clip(ideal, lo[:, None], hi[:, None]) - ideal, shape[None, :, None])).sum(axis=2)
    lam = w / np.maximum(best - d, 1e-9)
    weight = lam[:, :, None] * s  # (m, P, C)
    med = weighted_median(np.swapaxes(ideal, 1, 2), np.swapaxes(weight, 1, 2))
    cared = weight.sum(axis=1) > 0
    return np.clip(np.where(cared, med, (lo + hi) / 2), lo, hi)


def _utilities(base: np.ndarray, s: np.ndarray, ideal: np.ndarray, sh: np.ndarray, x: np.ndarray) -> np.ndarray:
    return base + (s * issue_value(x[:, None, :] - ideal, sh[..., None])).sum(axis=2)


def _ascend(base: np.ndarray, d: np.ndarray, w: np.ndarray, s: np.ndarray, ideal: np.ndarray, sh: np.ndarray,
            lo: np.ndarray, hi: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Cyclic coordinate ascent on the Nash product from ``x``, only on rows still moving."""
    x = x.copy()
    active = np.arange(len(x))
    for _ in range(CYCLES):
        if not len(active):
            break
        xa = x[active]
        step = np.zeros(len(active))
        for c in range(x.shape[1]):
            new = _best_on_issue(base[active], d[active], w[active], s[active], ideal[active], sh, lo[active],
                                 hi[active], xa, c)
            step = np.maximum(step, np.abs(new - xa[:, c]))
            xa[:, c] = new
        x[active] = xa
        active = active[step > STEP_TOL]
    return x


def _best_on_issue(base: np.ndarray, d: np.ndarray, w: np.ndarray, s: np.ndarray, ideal: np.ndarray,
                   sh: np.ndarray, lo: np.ndarray, hi: np.ndarray, x: np.ndarray, c: int) -> np.ndarray:
    """(m,) the best value of issue ``c`` with the others fixed: bisection on the slope.

    The Nash product is concave along one issue, so its slope falls from left to right
    (jumping down at ideal points); the optimum is where it changes sign, or a bound.
    scipy's elementwise root finder does the same job but cost ~50 ms per call here.
    """
    sc, ic = s[:, :, c], ideal[:, :, c]
    rest = _utilities(base, s, ideal, sh, x) - sc * issue_value(x[:, None, c] - ic, sh)

    def slope(xc: np.ndarray) -> np.ndarray:
        z = xc[:, None] - ic
        gap = rest + sc * issue_value(z, sh) - d
        # where a player is at or below its disagreement utility, its pull dominates
        return (w * sc * _slope(z, sh) / np.maximum(gap, _TINY)).sum(axis=1)

    a, b = lo[:, c].copy(), hi[:, c].copy()
    g_a, g_b = slope(a), slope(b)
    out = np.where(g_a <= 0, a, b)
    inner = (g_a > 0) & (g_b < 0)
    if inner.any():
        a, b = a[inner], b[inner]
        sub = (rest[inner], sc[inner], ic[inner], w[inner], d[inner])
        for _ in range(BISECTIONS):
            mid = 0.5 * (a + b)
            z = mid[:, None] - sub[2]
            gap = sub[0] + sub[1] * issue_value(z, sh) - sub[4]
            up = (sub[3] * sub[1] * _slope(z, sh) / np.maximum(gap, _TINY)).sum(axis=1) > 0
            a = np.where(up, mid, a)
            b = np.where(up, b, mid)
        out[inner] = 0.5 * (a + b)
    return out
