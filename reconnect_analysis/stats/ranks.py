"""Rank statistics computed from grouped counts, so that all bootstrap resamples are cheap.

The outcome ``y`` is coded by its distinct values (groups ``0 .. G-1`` in increasing order).
For each resample (a row of day counts ``c``), two sums per group are enough:
``C[g] = sum of c over days in group g`` and ``Cx[g] = the same over days with x = 1``.
From them the mid-ranks of ``y`` in the resample follow exactly (ties get the average rank),
and with them Spearman's rho for a yes/no ``x`` and the Mann-Whitney U.

Spearman's rho is Pearson's correlation of the ranks. For a yes/no ``x`` its ranks are an
increasing affine function of ``x``, so ``rho = corr(x, rank(y))``; this equals
``scipy.stats.spearmanr`` (checked in tests).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sstats

__all__ = ["midranks", "binary_spearman", "mann_whitney_counts", "mann_whitney",
           "group_codes", "row_group_codes"]


def group_codes(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..G-1 of the distinct values of ``y`` (increasing), and G. NaN gets -1."""
    y = np.asarray(y, dtype="float64")
    codes = np.full(len(y), -1, dtype="int64")
    ok = ~np.isnan(y)
    if ok.any():
        values, inverse = np.unique(y[ok], return_inverse=True)
        codes[ok] = inverse
        return codes, len(values)
    return codes, 0


def row_group_codes(y: np.ndarray) -> np.ndarray:
    """:func:`group_codes` for each row of a 2-D array at once (NaN gets -1)."""
    y = np.asarray(y, dtype="float64")
    if y.size == 0:
        return np.full(y.shape, -1, dtype="int64")
    order = np.argsort(y, axis=1, kind="stable")  # NaN sort last
    ordered = np.take_along_axis(y, order, axis=1)
    new_value = np.ones(ordered.shape, dtype=bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    dense = np.cumsum(new_value, axis=1) - 1
    dense = np.where(np.isnan(ordered), -1, dense)
    codes = np.empty_like(dense)
    np.put_along_axis(codes, order, dense, axis=1)
    return codes


def midranks(counts: np.ndarray) -> np.ndarray:
    """Mid-rank of each group given its count (last axis = groups, increasing order)."""
    counts = np.asarray(counts, dtype="float64")
    below = np.cumsum(counts, axis=-1) - counts
    return below + (counts + 1.0) / 2.0


def binary_spearman(counts: np.ndarray, counts_x: np.ndarray) -> np.ndarray:
    """Spearman's rho between a yes/no ``x`` and ``y`` from grouped counts.

    Parameters
    ----------
    counts, counts_x : array (..., G)
        Days per ``y`` group, and days per group with ``x`` = 1 (float32 is fine: the sums
        are small whole numbers; the result is float64).

    Returns
    -------
    numpy.ndarray (...)
        rho; NaN when ``x`` or ``y`` does not vary.

    Notes
    -----
    With mid-ranks ``R`` of ``y`` over ``N`` days: ``mean(R) = (N + 1) / 2`` and
    ``var(R) = (N^2 - 1) / 12 - sum(t^3 - t) / (12 N)`` over tie groups of size ``t``, so only
    ``sum(x * R)`` needs the ranks themselves.
    """
    counts = np.asarray(counts)
    counts_x = np.asarray(counts_x)
    ranks = np.cumsum(counts, axis=-1)
    ranks -= (counts - 1) / 2  # mid-rank of each group
    n = counts.sum(axis=-1, dtype="float64")
    n1 = counts_x.sum(axis=-1, dtype="float64")
    s_xr = np.einsum("...g,...g->...", counts_x, ranks).astype("float64")
    ties = np.einsum("...g,...g->...", counts, counts * counts - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = n1 / n
        cov = s_xr / n - mean_x * (n + 1) / 2
        var_x = mean_x * (1.0 - mean_x)
        var_r = (n * n - 1) / 12 - ties / (12 * n)
        rho = cov / np.sqrt(var_x * var_r)
    ok = (var_x > 1e-12) & (var_r > 1e-9)
    return np.clip(np.where(ok, rho, np.nan), -1.0, 1.0)


def mann_whitney_counts(counts: np.ndarray, counts_x: np.ndarray) -> dict[str, np.ndarray]:
    """Mann-Whitney U of the ``x = 1`` days against the ``x = 0`` days, from grouped counts.

    Returns a dict of arrays: ``u`` (U of the x = 1 group), ``p`` (two-sided, normal
    approximation with tie and continuity correction, as ``scipy.stats.mannwhitneyu(...,
    method="asymptotic")``), ``rank_biserial`` (``2 U / (n1 n0) - 1``: +1 when every
    practice day is higher, -1 when every practice day is lower), ``n1``, ``n0``.
    """
    counts = np.asarray(counts, dtype="float64")
    counts_x = np.asarray(counts_x, dtype="float64")
    ranks = midranks(counts)
    n1 = counts_x.sum(axis=-1)
    n = counts.sum(axis=-1)
    n0 = n - n1
    u = (counts_x * ranks).sum(axis=-1) - n1 * (n1 + 1.0) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        ties = (counts ** 3 - counts).sum(axis=-1)
        sigma = np.sqrt(n1 * n0 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0))))
        mu = n1 * n0 / 2.0
        z = (np.abs(u - mu) - 0.5) / sigma
        z = np.where(np.abs(u - mu) < 0.5, 0.0, z)
        p = np.clip(2.0 * sstats.norm.sf(z), 0.0, 1.0)
        rank_biserial = 2.0 * u / (n1 * n0) - 1.0
    ok = (n1 > 0) & (n0 > 0) & (sigma > 0)
    return {"u": np.where((n1 > 0) & (n0 > 0), u, np.nan), "p": np.where(ok, p, np.nan),
            "rank_biserial": np.where((n1 > 0) & (n0 > 0), rank_biserial, np.nan),
            "n1": n1, "n0": n0}


def mann_whitney(first: np.ndarray, second: np.ndarray) -> dict[str, float]:
    """Mann-Whitney U of ``first`` against ``second`` (NaN ignored), with rank-biserial.

    Examples
    --------
    >>> r = mann_whitney([5, 6, 7], [1, 2, 6])
    >>> r["u"], round(r["rank_biserial"], 3)
    (7.5, 0.667)
    """
    first = np.asarray(first, dtype="float64")
    second = np.asarray(second, dtype="float64")
    first, second = first[~np.isnan(first)], second[~np.isnan(second)]
    y = np.concatenate([first, second])
    codes, n_groups = group_codes(y)
    counts = np.bincount(codes, minlength=n_groups).astype("float64")
    counts_x = np.bincount(codes[: len(first)], minlength=n_groups).astype("float64")
    result = mann_whitney_counts(counts, counts_x)
    return {key: float(value) for key, value in result.items()}
