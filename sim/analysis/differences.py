"""Differences between two probabilities with 95% intervals, paired or independent.

Variants run on common random numbers: replication ``i`` of scenario B meets the same
draws as replication ``i`` of scenario A, so their 0/1 indicator columns are *paired*, and
only the replications where the two differ (the discordant pairs) carry information about
the difference. For ``P(B) - P(A)`` we use Tango's score interval for paired proportions
(Tango 1998, Statistics in Medicine 17:891): the set of differences a score test at 5%
does not reject. Unlike a normal interval on the mean paired difference it neither
collapses to a point when no replication differs (common under common random numbers: it
then gives about ``±z²/n``) nor leaves [-1, 1].

Runs that did not share random numbers (different seeds, sizes or block layouts) are
compared as independent samples with Newcombe's hybrid score interval (Newcombe 1998,
Statistics in Medicine 17:873, method 10), built from the two Wilson intervals.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.analysis.summaries import Z95, wilson

PAIRED = "Tango score interval, paired (common random numbers)"
INDEPENDENT = "Newcombe hybrid score interval, independent samples"
_BISECTIONS = 60


def difference(a: np.ndarray, b: np.ndarray, *, paired: bool = True) -> dict[str, Any]:
    """``P(b) - P(a)`` with its 95% interval.

    Args:
        a: 0/1 (or bool) indicator of the reference scenario, one entry per replication.
        b: The same indicator of the other scenario; with ``paired``, replication by replication.
        paired: The columns share random numbers replication by replication.

    Returns:
        ``{"diff", "lo", "hi", "method", "discordant"}``; ``discordant`` counts the
        replications where the two differ (None when not paired).

    Raises:
        ValueError: Paired columns of different lengths, or an empty column.

    """
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("an indicator column is empty")
    if not paired:
        lo, hi = newcombe_independent(int(a.sum()), len(a), int(b.sum()), len(b))
        return {"diff": float(b.mean() - a.mean()), "lo": lo, "hi": hi, "method": INDEPENDENT, "discordant": None}
    if len(a) != len(b):
        raise ValueError(f"paired columns need the same length ({len(a)} and {len(b)})")
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    lo, hi = tango_paired(only_a, only_b, len(a))
    return {"diff": (only_b - only_a) / len(a), "lo": lo, "hi": hi, "method": PAIRED,
            "discordant": only_a + only_b}


def tango_paired(only_a: int, only_b: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Tango's score interval for ``P(B) - P(A)`` from the discordant counts of ``n`` pairs.

    Args:
        only_a: Pairs where A holds and B does not.
        only_b: Pairs where B holds and A does not.
        n: All pairs.
        z: Normal quantile (1.96 for 95%).

    """
    est = (only_b - only_a) / n

    def score(d: float) -> float:
        return _tango_score(only_a, only_b, n, d)

    # the score falls as the hypothesised difference rises, from +inf to -inf: one root each side
    lo = -1.0 if score(-1.0) <= z else _root(lambda d: score(d) - z, -1.0, est)
    hi = 1.0 if score(1.0) >= -z else _root(lambda d: score(d) + z, est, 1.0)
    return lo, hi


def _tango_score(only_a: int, only_b: int, n: int, d: float) -> float:
    """Score statistic at difference ``d``, with the cell probability at its restricted MLE."""
    w = only_a + only_b + (2 * n - only_a + only_b) * d
    q = (w + math.sqrt(max(0.0, w * w - 8 * n * only_b * d * (1 + d)))) / (4 * n)  # P(only B) given d
    var = n * (2 * q - d * (1 + d))
    num = only_b - only_a - n * d
    if var <= 0:
        return 0.0 if num == 0 else math.copysign(math.inf, num)
    return num / math.sqrt(var)


def _root(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Bisect a decreasing ``f`` with ``f(lo) > 0 >= f(hi)`` to its root."""
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def newcombe_independent(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``k2/n2 - k1/n1`` from independent samples."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p2 - p1
    return (max(-1.0, d - math.hypot(p2 - l2, u1 - p1)), min(1.0, d + math.hypot(u2 - p2, p1 - l1)))
