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

    Examples
    --------
    >>> slope, intercept, low, high = theil_sen([0, 1, 2, 3, 4], [8, 7, 7, 5, 4])
    >>> float(slope), float(intercept)
    (-1.0, 9.0)
    >>> theil_sen([0, 1], [float("nan"), 3.0])
    (nan, nan, nan, nan)
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
    """Kendall's tau-b and its two-sided p-value (``scipy.stats.kendalltau``, normal
    approximation with tie correction, the same as :func:`batch`).

    A series without variation has no trend to test: tau 0, p 1 (not NaN).
    Fewer than three points: NaN, NaN.
    """
    x, y = _pairs(x, y)
    if len(x) < 3:
        return (np.nan, np.nan)
    if np.all(y == y[0]) or np.all(x == x[0]):
        return (0.0, 1.0)
    result = sstats.kendalltau(x, y, method="asymptotic")
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


def batch(x: np.ndarray, y: np.ndarray, *, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Theil-Sen and Kendall for many short series at once (one series per row).

    Parameters
    ----------
    x, y : array (series, days)
        Padded with NaN; a pair is used when both are present. ``x`` must be distinct within
        a row (calendar days are).

    Returns
    -------
    dict of arrays (one value per row)
        ``slope``, ``intercept`` (``median(y) - slope * median(x)``), ``ci_low``,
        ``ci_high`` (Sen 1968, exactly as ``scipy.stats.theilslopes``), ``tau`` (Kendall's
        tau-b), ``p_value`` (two-sided, normal approximation with the tie correction, as
        ``scipy.stats.kendalltau(method="asymptotic")``), ``n``.

    Notes
    -----
    The same guards as :func:`theil_sen` and :func:`kendall`: fewer than 2 points gives NaN
    slopes, fewer than 3 a NaN tau; a constant ``y`` gives slope 0, interval (0, 0), tau 0,
    p 1.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = ~(np.isnan(x) | np.isnan(y))
    x = np.where(ok, x, np.nan)
    y = np.where(ok, y, np.nan)
    rows, width = x.shape
    n = ok.sum(axis=1)
    i, j = np.triu_indices(width, k=1)
    dx = x[:, j] - x[:, i]
    dy = y[:, j] - y[:, i]
    valid = ~np.isnan(dx) & ~np.isnan(dy) & (dx != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = np.where(valid, dy / dx, np.nan)
    slopes.sort(axis=1)  # NaN last
    nt = valid.sum(axis=1)
    take = np.arange(rows)

    def at(k):
        return slopes[take, np.clip(k, 0, max(slopes.shape[1] - 1, 0))]

    if slopes.shape[1] == 0:
        median = np.full(rows, np.nan)
    else:
        median = np.where(nt % 2 == 1, at(nt // 2), (at(nt // 2 - 1) + at(nt // 2)) / 2)
    median = np.where(nt > 0, median, np.nan)
    # Ties in y: each value's multiplicity m; sum over tie groups of t(t-1)(2t+5)
    # equals the sum over values of (m-1)(2m+5).
    same = (y[:, :, None] == y[:, None, :])
    mult = same.sum(axis=2).astype("float64")
    y_ties = np.where(ok, (mult - 1) * (2 * mult + 5), 0.0).sum(axis=1)
    sigsq = (n * (n - 1) * (2 * n + 5) - y_ties) / 18.0
    alpha = 1.0 - confidence if confidence > 0.5 else confidence
    z = sstats.norm.ppf(alpha / 2.0)
    sigma = np.sqrt(np.maximum(sigsq, 0))
    upper = np.minimum(np.round((nt - z * sigma) / 2.0).astype("int64"), nt - 1)
    lower = np.maximum(np.round((nt + z * sigma) / 2.0).astype("int64") - 1, 0)
    ci_low = np.where(nt > 0, at(lower), np.nan) if slopes.shape[1] else np.full(rows, np.nan)
    ci_high = np.where(nt > 0, at(upper), np.nan) if slopes.shape[1] else np.full(rows, np.nan)
    with np.errstate(invalid="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            intercept = np.nanmedian(y, axis=1) - median * np.nanmedian(x, axis=1)
    # Kendall tau-b (x has no ties): S / sqrt(n0 * (n0 - tied y pairs))
    pair_ok = ~np.isnan(dx) & ~np.isnan(dy)
    s = np.where(pair_ok, np.sign(dx) * np.sign(dy), 0.0).sum(axis=1)
    n0 = n * (n - 1) / 2.0
    tied_y = np.where(ok, mult - 1, 0.0).sum(axis=1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = s / np.sqrt(n0 * (n0 - tied_y))
        m = n * (n - 1.0)
        var = (m * (2 * n + 5) - y_ties) / 18.0
        p_value = 2 * sstats.norm.sf(np.abs(s / np.sqrt(var)))
    constant = (n >= 1) & (tied_y == n0)
    median = np.where(constant & (n >= 2), 0.0, median)
    ci_low = np.where(constant & (n >= 2), 0.0, ci_low)
    ci_high = np.where(constant & (n >= 2), 0.0, ci_high)
    intercept = np.where(n >= 2, intercept, np.nan)
    tau = np.where(n < 3, np.nan, np.where(constant, 0.0, tau))
    p_value = np.where(n < 3, np.nan, np.where(constant, 1.0, p_value))
    return {"slope": median, "intercept": intercept, "ci_low": ci_low, "ci_high": ci_high,
            "tau": tau, "p_value": np.clip(p_value, 0, 1), "n": n}
