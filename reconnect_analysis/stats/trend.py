"""Robust trend of a daily series: Theil-Sen slope with its interval and Kendall's tau test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sstats

__all__ = ["Trend", "theil_sen", "kendall"]


@dataclass(frozen=True)
class Trend:
    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    tau: float
    p_value: float
    n: int


def theil_sen(x: np.ndarray, y: np.ndarray, *,
              confidence: float = 0.95) -> tuple[float, float, float, float]:
    """Theil-Sen slope, intercept and the slope's interval (``scipy.stats.theilslopes``).

    NaN pairs are left out. Fewer than two points, or all ``x`` equal, give NaN everywhere
    instead of an exception. All ``y`` equal give slope 0 with interval (0, 0).
    """
    x, y = _pairs(x, y)
    if len(x) < 2 or np.all(x == x[0]):
        return (np.nan, np.nan, np.nan, np.nan)
    if np.all(y == y[0]):
        return (0.0, float(y[0]), 0.0, 0.0)
    result = sstats.theilslopes(y, x, alpha=confidence)
    return (float(result.slope), float(result.intercept), float(result.low_slope),
            float(result.high_slope))


def kendall(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Kendall's tau-b and its two-sided p-value (``scipy.stats.kendalltau``).

    A series without variation has no trend to test: tau 0, p 1 (not NaN).
    Fewer than three points: NaN, NaN.
    """
    x, y = _pairs(x, y)
    if len(x) < 3:
        return (np.nan, np.nan)
    if np.all(y == y[0]) or np.all(x == x[0]):
        return (0.0, 1.0)
    result = sstats.kendalltau(x, y)
    return (float(result.statistic), float(result.pvalue))


def trend(x: np.ndarray, y: np.ndarray, *, confidence: float = 0.95) -> Trend:
    """Theil-Sen and Kendall together, with the number of points used."""
    slope, intercept, low, high = theil_sen(x, y, confidence=confidence)
    tau, p_value = kendall(x, y)
    return Trend(slope, intercept, low, high, tau, p_value, int(len(_pairs(x, y)[0])))


def _pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = ~(np.isnan(x) | np.isnan(y))
    return x[ok], y[ok]
