"""Brier and log scores against hand-computed values."""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.scores import brier, log_score


def test_brier_by_hand() -> None:
    assert math.isclose(float(brier(0.8, True)), 0.04)
    assert math.isclose(float(brier(0.3, False)), 0.09)
    assert np.allclose(brier(np.array([1.0, 0.0, 0.5]), np.array([True, True, False])), [0.0, 1.0, 0.25])
    assert math.isclose(float(np.mean(brier([0.9, 0.6], [True, False]))), (0.01 + 0.36) / 2)


def test_log_score_by_hand() -> None:
    assert math.isclose(float(log_score(0.8, True)), -0.2231435513142097)  # ln 0.8
    assert math.isclose(float(log_score(0.3, False)), math.log(0.7))
    assert float(log_score(1.0, True)) == 0.0
    assert float(log_score(0.0, True)) == -math.inf
    assert math.isclose(float(log_score(0.0, True, eps=0.01)), math.log(0.01))  # clipped at eps
    assert math.isclose(float(log_score(1.0, False, eps=0.001)), math.log(0.001))
