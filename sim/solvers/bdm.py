"""Bueno de Mesquita's expected-utility (challenge) model on one issue, as Scholz et al. specify it.

Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4): 510-531 (equation numbers below are theirs). Each
round, on one issue dimension with positions ``x``, capabilities ``c`` and saliences ``s``:

1. votes ``v_k^{ij} = c_k s_k (|x_k - x_j|^r_k - |x_k - x_i|^r_k) / R^r_k`` (eq. 26-29, the
   distance raised to voter k's risk exponent), ``R`` the range of the initial positions;
2. probability that i prevails over j: ``P_ij = sum_k max(v_k^{ij}, 0) / V`` (eq. 30-31),
   where ``V`` sums ``|v_k^{ab}|`` over every voter and every pair (see docs/protocols.md);
3. utilities (eq. 15, 16, 24) ``U_s = 2 - 4 (0.5 - 0.5 d)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d)^r``,
   ``U_sq = 2 - 4 * 0.5^r`` with ``d = |x_i - x_j| / R``;
4. expected utility of i challenging j (eq. 5-7 with Q = 1):
   ``E(U_ij) = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - U_sq``;
5. security ``Sec_i = sum_j E(U_ji)`` at r = 1; risk basis
   ``R_i = (2 Sec_i - max Sec - min Sec) / (max Sec - min Sec)`` and exponent
   ``r_i = (1 - R_i / 3) / (1 + R_i / 3)`` in [0.5, 2] (eq. 32-34);
6. every actor i sees each dyad through its own exponent r_i: ``a = E^i(U_ij)``,
   ``b = E^i(U_ji)``; with ``b > a > 0`` it loses a confrontation and moves to ``x_j``; with
   ``b > 0 > a`` and ``b > |a|`` it compromises to ``x_i + (x_j - x_i) |a / b|`` (eq. 36);
   with ``b > 0 > a`` and ``|a| >= b`` it capitulates to ``x_j``; it takes the least costly
   kind of offer (confrontation, then compromise, then capitulation), all actors moving at once;
7. the forecast is the capability × salience weighted median of the positions.

All arrays carry a leading replication axis; nothing loops over replications or actors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAME = 1e-12  # positions this close count as equal (no dyad to bargain over)
CHUNK = 4_000_000  # vote entries held at once (32 MB of float64)


@dataclass
class ChallengeRun:
    """Positions and risk exponents round by round.

    Attributes:
        positions: (rounds + 1, n, A) positions; index 0 holds the initial positions.
        risk: (rounds, n, A) risk exponents used in each round.
        weights: (n, A) capability × salience (0 for actors without a position).

    """

    positions: np.ndarray
    risk: np.ndarray
    weights: np.ndarray

    def median(self) -> np.ndarray:
        """Return (rounds + 1, n) the weighted median position after each round (the forecast)."""
        return weighted_median(self.positions, self.weights)

    def mean(self) -> np.ndarray:
        """Return (rounds + 1, n) the capability × salience weighted mean position after each round."""
        w = self.weights
        return (self.positions * w).sum(axis=-1) / np.where(w.sum(axis=-1) > 0, w.sum(axis=-1), 1.0)


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Lower weighted median along the last axis: the first position reaching half the weight.

    With distance-based (single-peaked) preferences this is the Condorcet winner among the
    positions, Scholz's median-voter position (Black 1948).
    """
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    ws = np.take_along_axis(np.broadcast_to(w, x.shape), order, axis=-1)
    cw = np.cumsum(ws, axis=-1)
    idx = (cw >= cw[..., -1:] / 2 - 1e-12).argmax(axis=-1)
    return np.take_along_axis(xs, idx[..., None], axis=-1)[..., 0]


def prevail_probability(x: np.ndarray, w: np.ndarray, r: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(n, A, A) probability ``P_ij`` that i prevails over j in a contest the group votes on.

    Args:
        x: (n, A) positions.
        w: (n, A) voting weights c × s (0 for actors without a position).
        r: (n, A) each voter's risk exponent.
        scale: (n,) the issue range R.

    """
    n, A = x.shape
    out = np.empty((n, A, A))
    step = max(1, CHUNK // A**3)  # the (rows, k, i, j) votes are A**3 per row: bound the memory
    for lo in range(0, n, step):
        rows = slice(lo, lo + step)
        d = np.abs(x[rows, :, None] - x[rows, None, :]) / scale[rows, None, None]
        dr = d ** r[rows, :, None]  # (n, k, j): voter k's distance to j, risk-adjusted
        arg = dr[:, :, None, :] - dr[:, :, :, None]  # (n, k, i, j): k prefers i over j when > 0
        num = np.einsum("nk,nkij->nij", w[rows], np.maximum(arg, 0.0))
        total = np.einsum("nk,nkij->n", w[rows], np.abs(arg))
        out[rows] = num / np.where(total > 0, total, 1.0)[:, None, None]
    return out


def challenge_utility(d: np.ndarray, s_resp: np.ndarray, p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Compute the expected utility of a challenge (eq. 5-7, Q = 1) at normalised distance ``d``.

    Args:
        d: Distance between challenger and target over the range (broadcasting).
        s_resp: Salience of the one challenged (its probability of resisting).
        p: Probability that the challenger prevails.
        r: Risk exponent of the actor whose view this is.

    """
    u_s = 2.0 - 4.0 * (0.5 - 0.5 * d) ** r
    u_f = 2.0 - 4.0 * (0.5 + 0.5 * d) ** r
    u_sq = 2.0 - 4.0 * 0.5**r
    return s_resp * (p * u_s + (1.0 - p) * u_f) + (1.0 - s_resp) * u_s - u_sq


def risk_exponents(x: np.ndarray, s: np.ndarray, w: np.ndarray, present: np.ndarray,
                   scale: np.ndarray) -> np.ndarray:
    """(n, A) risk exponents from security levels computed at r = 1 (eq. 32-34)."""
    ones = np.ones_like(x)
    p = prevail_probability(x, w, ones, scale)
    d = np.abs(x[:, :, None] - x[:, None, :]) / scale[:, None, None]
    e = challenge_utility(d, s[:, None, :], p, 1.0)  # (n, challenger, target)
    pair = present[:, :, None] & present[:, None, :] & ~np.eye(x.shape[1], dtype=bool)
    sec = np.where(pair, e, 0.0).sum(axis=1)  # what the others expect from challenging i
    hi = np.where(present, sec, -np.inf).max(axis=1, keepdims=True)
    lo = np.where(present, sec, np.inf).min(axis=1, keepdims=True)
    spread = np.where(np.isfinite(hi) & np.isfinite(lo), hi - lo, 0.0)
    safe = spread > 0
    basis = np.where(safe & present, (2 * sec - np.where(safe, hi + lo, 0.0)) / np.where(safe, spread, 1.0), 0.0)
    return (1 - basis / 3) / (1 + basis / 3)


def best_moves(x: np.ndarray, s: np.ndarray, w: np.ndarray, r: np.ndarray, present: np.ndarray,
               scale: np.ndarray) -> np.ndarray:
    """(n, A) positions after every actor takes its best offer of the round."""
    n, A = x.shape
    p = prevail_probability(x, w, r, scale)
    d = np.abs(x[:, :, None] - x[:, None, :]) / scale[:, None, None]
    rv = r[:, :, None]  # the viewer's own exponent
    a = challenge_utility(d, s[:, None, :], p, rv)  # E^i(U_ij)
    b = challenge_utility(d, s[:, :, None], np.swapaxes(p, 1, 2), rv)  # E^i(U_ji)
    xi, xj = x[:, :, None], x[:, None, :]
    valid = present[:, :, None] & present[:, None, :] & (np.abs(xi - xj) > SAME)
    conf = valid & (b > a) & (a > 0)
    opposed = valid & (b > 0) & (a < 0)
    comp = opposed & (b > -a)
    capit = opposed & ~comp
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_to = xi + (xj - xi) * np.abs(a / b)
        comp_key = (np.abs(a) * xi + np.abs(b) * xj) / (np.abs(a) + np.abs(b))
    kind = np.select([conf, comp, capit], [0, 1, 2], 3)
    best = kind.min(axis=2, keepdims=True)
    key = np.where(kind == 1, comp_key, np.abs(xi - xj))
    j = np.where(kind == best, key, np.inf).argmin(axis=2)
    rows, cols = np.arange(n)[:, None], np.arange(A)[None, :]
    target = np.where(kind == 1, comp_to, np.broadcast_to(xj, kind.shape))[rows, cols, j]
    return np.where(best[:, :, 0] < 3, target, x)


def challenge_rounds(x: np.ndarray, c: np.ndarray, s: np.ndarray, rounds: int,
                     present: np.ndarray | None = None) -> ChallengeRun:
    """Play ``rounds`` rounds of challenges on one issue for a batch of replications.

    Args:
        x: (n, A) initial positions (any units; only ratios of distances matter).
        c: (n, A) capabilities.
        s: (n, A) saliences in [0, 1] (the probability that an actor resists a challenge).
        rounds: Rounds to play.
        present: (n, A) actors holding a position on the issue (default: all).

    """
    x = np.asarray(x, dtype=float)
    present = np.ones(x.shape, dtype=bool) if present is None else present
    w = np.where(present, c * s, 0.0)
    hi = np.where(present, x, -np.inf).max(axis=1)
    lo = np.where(present, x, np.inf).min(axis=1)
    scale = np.where(hi > lo, hi - lo, 1.0)
    # actors without a position sit at the lowest one: weightless, never move, keep d <= 1
    x = np.where(present, x, np.where(np.isfinite(lo), lo, 0.0)[:, None])
    positions = [x]
    risk = []
    for _ in range(rounds):
        r = risk_exponents(x, s, w, present, scale)
        x = best_moves(x, s, w, r, present, scale)
        positions.append(x)
        risk.append(r)
    return ChallengeRun(np.stack(positions), np.stack(risk) if risk else np.zeros((0, *x.shape)), w)


#: Forecasts closer than this (a share of the issue's range) count as unchanged.
STABLE_TOLERANCE = 1e-6


@dataclass
class Stopped:
    """The forecast under the stopping rule (:func:`stop_when_stable`), per replication.

    Attributes:
        forecast: (n,) the settled median, or the mean of the cycle's medians.
        converged: (n,) True where the median settled and stayed put.
        round: (n,) the round from which it stayed put (converged), or the horizon played.
        low, high: (n,) least and greatest median over the cycle (equal when converged).
        period: (n,) the cycle's period in rounds (1 when converged).

    """

    forecast: np.ndarray
    converged: np.ndarray
    round: np.ndarray
    low: np.ndarray
    high: np.ndarray
    period: np.ndarray


def stop_when_stable(medians: np.ndarray, window: int | None = None) -> Stopped:
    """Apply the stopping rule to forecasts ``medians`` (rounds + 1, n) played to a horizon H.

    Converged: the median stays within :data:`STABLE_TOLERANCE` (of the range, on the 0-1
    scale) of its final value from some round ``t*`` to the horizon, with at least
    ``window`` rounds (default ``max(5, H // 5)``) of stillness; the forecast is that value
    and ``t*`` the round it settled. Otherwise the model cycles (Scholz, Calbert & Smith 2011,
    sec. 5): the forecast is the mean of the medians over the second half of the run, the
    cycle's range is their least and greatest value, and its period the lag (2 to H // 4)
    at which the second half best repeats itself.
    """
    m = np.asarray(medians, dtype=float)
    H = m.shape[0] - 1
    window = max(5, H // 5) if window is None else window
    still = np.abs(m - m[-1]) <= STABLE_TOLERANCE
    # first round from which the median never moves again
    moved = ~still
    last_move = np.where(moved.any(axis=0), H + 1 - np.argmax(moved[::-1], axis=0), 0)
    converged = (H - last_move) >= window
    tail = m[H // 2:]
    period = np.ones(m.shape[1], dtype=int)
    if (~converged).any() and tail.shape[0] > 4:
        lags = range(2, max(3, tail.shape[0] // 2))
        err = np.stack([np.abs(tail[p:] - tail[:-p]).mean(axis=0) for p in lags])
        period = np.where(converged, 1, np.asarray(list(lags))[err.argmin(axis=0)])
    return Stopped(
        forecast=np.where(converged, m[-1], tail.mean(axis=0)),
        converged=converged,
        round=np.where(converged, last_move, H),
        low=np.where(converged, m[-1], tail.min(axis=0)),
        high=np.where(converged, m[-1], tail.max(axis=0)),
        period=period,
    )
