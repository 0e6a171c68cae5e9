"""Proper scores of probability forecasts of yes-or-no questions: Brier and log score.

Plain numpy: each is one line, and the libraries that offer them (scikit-learn's
``brier_score_loss``/``log_loss``, ``scoringrules``, ``properscoring``) would add a heavy or
stale dependency for that line. The conventions are written out here and pinned by tests
against hand-computed values.
"""

from __future__ import annotations

import numpy as np


def brier(p: np.ndarray | float, y: np.ndarray | bool) -> np.ndarray:
    """Brier score ``(p - y)^2`` of forecast probability ``p`` for outcome ``y`` (0 best, 1 worst)."""
    return (np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2


def log_score(p: np.ndarray | float, y: np.ndarray | bool, eps: float = 0.0) -> np.ndarray:
    """Log score ``ln P(what happened)`` (0 best, more negative worse).

    Args:
        p: Forecast probability of "yes".
        y: The outcome (True: yes).
        eps: The probability of what happened is raised to at least ``eps`` first, so a
            forecast from a finite ensemble that gave it no replication scores ``ln eps``
            instead of -inf.

    """
    p = np.asarray(p, dtype=float)
    q = np.where(np.asarray(y, dtype=bool), p, 1 - p)
    with np.errstate(divide="ignore"):
        return np.log(np.maximum(q, eps))


__all__ = ["brier", "log_score"]
