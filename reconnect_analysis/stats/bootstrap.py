"""Block bootstrap for autocorrelated daily series (moving blocks, Kuensch 1989; circular).

A resample of a series of ``n`` days is made of ``ceil(n / block)`` blocks of ``block``
consecutive days, each starting at a day drawn uniformly from ``0 .. n - 1`` and wrapping
round from the last day to the first (the *circular* block bootstrap of Politis and Romano
1992, which gives every day the same chance to be drawn, unlike the plain moving-block
version that under-draws the first and last days), joined and cut to ``n`` days. Keeping
whole blocks keeps the day-to-day dependence that an ordinary
bootstrap would destroy, so intervals are not too narrow for autocorrelated diaries.

The resamples are represented as *counts*: how often each day appears in each resample (a
``resamples x n`` matrix). Statistics that only need weighted sums (see
:mod:`reconnect_analysis.stats.ranks`) then cost one matrix product for all resamples.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["block_indices", "block_counts", "counts_from_starts", "percentile_interval",
           "fisher_z_interval"]


def block_indices(n: int, *, block_days: int, resamples: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Day indices of each resample (``resamples x n`` integers), the explicit version."""
    if n <= 0:
        return np.zeros((resamples, 0), dtype="int64")
    block = max(1, min(block_days, n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n, size=(resamples, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]) % n
    return idx.reshape(resamples, n_blocks * block)[:, :n]


def block_counts(n: int, *, block_days: int, resamples: int,
                 rng: np.random.Generator) -> np.ndarray:
    """How often each day appears in each resample (``resamples x n``, float64).

    Draws exactly the same resamples as :func:`block_indices` for the same generator state.
    """
    if n <= 0:
        return np.zeros((resamples, 0))
    block = max(1, min(block_days, n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n, size=(resamples, n_blocks))
    return counts_from_starts(starts, n, block_days=block_days)


def counts_from_starts(starts: np.ndarray, n: int, *, block_days: int,
                       dtype="float64") -> np.ndarray:
    """Day counts (``rows x n``) of resamples given their block starts (``rows x blocks``).

    Blocks have ``min(block_days, n)`` days except the last, cut so each row totals ``n``;
    a block running past the last day wraps round to the first.
    """
    resamples, n_blocks = starts.shape
    block = max(1, min(block_days, n))
    days = starts.astype("int32")[:, :, None] + np.arange(block, dtype="int32")[None, None, :]
    days = np.where(days >= n, days - n, days)  # wrap round (starts are below n)
    days = days.reshape(resamples, n_blocks * block)[:, :n]
    flat = days + (np.arange(resamples, dtype="int64") * n)[:, None]
    counts = np.bincount(flat.ravel(), minlength=resamples * n).reshape(resamples, n)
    return counts.astype(dtype)


def percentile_interval(values: np.ndarray, *, confidence: float,
                        axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of bootstrap values, ignoring NaN (degenerate resamples)."""
    tail = (1.0 - confidence) / 2.0 * 100.0
    values = np.asarray(values, dtype="float64")
    if values.size == 0 or np.all(np.isnan(values)):
        shape = np.delete(np.array(values.shape), axis) if values.ndim > 1 else ()
        return np.full(shape, np.nan), np.full(shape, np.nan)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, as wanted
        low = np.nanpercentile(values, tail, axis=axis)
        high = np.nanpercentile(values, 100.0 - tail, axis=axis)
    return low, high


def fisher_z_interval(estimate, values: np.ndarray, *, confidence: float, axis: int = -1,
                      n=None) -> tuple[np.ndarray, np.ndarray]:
    """Normal interval for a correlation on Fisher's z scale, with the bootstrap's spread.

    ``tanh(atanh(r) +- z * s)`` where ``s = sd(atanh(r*))`` over the bootstrap values ``r*``
    (NaN ignored; ``axis`` is the resample axis). ``confidence`` is one level or one per
    estimate. The z scale makes the sampling distribution
    of a correlation close to normal, so this interval is better centred than raw
    percentiles for small samples.

    With ``n`` (the number of paired days, scalar or one per estimate) ``s`` is never below
    the textbook standard error of Spearman's rho for independent days,
    ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley and Pearson 1957): a block bootstrap of a
    short series tends to underestimate the spread, and autocorrelation can only widen the
    interval, never make it narrower than that.
    """
    values = np.asarray(values, dtype="float64")
    z_values = np.arctanh(np.clip(values, -0.9999, 0.9999))
    ok = ~np.isnan(z_values)
    count = ok.sum(axis=axis)
    filled = np.where(ok, z_values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=axis) / count
        dev = np.where(ok, z_values - np.expand_dims(mean, axis), 0.0)
        spread = np.sqrt((dev * dev).sum(axis=axis) / (count - 1))
    spread = np.where(count >= 2, spread, np.nan)
    if n is not None:
        n = np.asarray(n, dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            floor = np.where(n > 3, np.sqrt(1.06 / (n - 3)), 0.0)
        spread = np.maximum(spread, floor)
    centre = np.arctanh(np.clip(np.asarray(estimate, dtype="float64"), -0.9999, 0.9999))
    if np.ndim(confidence) == 0:
        z = _normal_quantile(0.5 + float(confidence) / 2)
    else:  # one level per estimate (e.g. widened for multiple comparisons)
        from scipy import stats as sstats

        z = sstats.norm.ppf(0.5 + np.asarray(confidence, dtype="float64") / 2)
    return np.tanh(centre - z * spread), np.tanh(centre + z * spread)


@functools.lru_cache(maxsize=16)
def _normal_quantile(p: float) -> float:
    from scipy import stats as sstats

    return float(sstats.norm.ppf(p))
