import itertools

import numpy as np
import pymannkendall as mk
import pytest
from scipy import stats

from reconnect_analysis.stats import trend


def _brute_slope(x, y):
    slopes = [(y[j] - y[i]) / (x[j] - x[i]) for i, j in itertools.combinations(range(len(x)), 2)
              if x[j] != x[i]]
    return float(np.median(slopes))


def _brute_tau_b(x, y):
    conc = disc = tx = ty = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        dx, dy = np.sign(x[j] - x[i]), np.sign(y[j] - y[i])
        if dx == 0 and dy == 0:
            continue
        if dx == 0:
            tx += 1
        elif dy == 0:
            ty += 1
        elif dx == dy:
            conc += 1
        else:
            disc += 1
    return (conc - disc) / np.sqrt((conc + disc + tx) * (conc + disc + ty))


@pytest.mark.parametrize("seed", range(6))
def test_theil_sen_against_brute_force_and_pymannkendall(seed):
    rng = np.random.default_rng(seed)
    y = np.round(7 - 0.05 * np.arange(25) + rng.normal(0, 1, 25))
    x = np.arange(25.0)
    slope, _intercept, low, high = trend.theil_sen(x, y)
    assert slope == pytest.approx(_brute_slope(x, y))
    # pymannkendall's Sen slope on an evenly spaced series is the same median
    assert slope == pytest.approx(mk.sens_slope(y).slope)
    assert low <= slope <= high


@pytest.mark.parametrize("seed", range(6))
def test_kendall_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.choice(60, 20, replace=False)).astype(float)
    y = rng.integers(0, 6, 20).astype(float)
    tau, p = trend.kendall(x, y)
    assert tau == pytest.approx(_brute_tau_b(x, y))
    assert p == pytest.approx(stats.kendalltau(x, y).pvalue)


def test_kendall_matches_pymannkendall_without_ties():
    rng = np.random.default_rng(5)
    y = rng.normal(size=30)
    tau, p = trend.kendall(np.arange(30.0), y)
    ref = mk.original_test(y)
    assert tau == pytest.approx(ref.Tau)
    # mk's S and var(S) are the same; mk adds a continuity correction to z, scipy's
    # asymptotic method (ours) does not: p = 2 * sf(|S| / sqrt(var S))
    assert p == pytest.approx(2 * stats.norm.sf(abs(ref.s) / np.sqrt(ref.var_s)))


def test_edge_cases_do_not_crash():
    assert all(np.isnan(v) for v in trend.theil_sen([1.0], [5.0]))
    assert all(np.isnan(v) for v in trend.theil_sen([], []))
    assert trend.theil_sen([0, 1, 2.0], [4, 4, 4.0]) == (0.0, 4.0, 0.0, 0.0)
    assert trend.kendall([0, 1, 2.0], [4, 4, 4.0]) == (0.0, 1.0)
    assert all(np.isnan(v) for v in trend.kendall([0, 1.0], [1, 2.0]))
    t = trend.trend([0, 1, 2, 3.0], [1, np.nan, 3, 4.0])
    assert t.n == 3


def test_batch_matches_scipy_row_by_row():
    rng = np.random.default_rng(9)
    rows, width = 30, 40
    x = np.tile(np.arange(width, dtype=float) / 7, (rows, 1))
    y = np.round(rng.normal(5, 2, (rows, width)) - np.linspace(0, 3, rows)[:, None]
                 * np.arange(width) / width)
    y[rng.random((rows, width)) < 0.2] = np.nan  # unlogged days
    y[3, :] = 4.0  # constant
    y[4, 2:] = np.nan  # two points only
    out = trend.batch(x, y)
    for r in range(rows):
        keep = ~np.isnan(y[r])
        xs, ys = x[r, keep], y[r, keep]
        slope, intercept, low, high = trend.theil_sen(xs, ys)
        assert out["n"][r] == keep.sum()
        np.testing.assert_allclose([out["slope"][r], out["ci_low"][r], out["ci_high"][r]],
                                   [slope, low, high], rtol=1e-12, atol=1e-12)
        if r not in (3, 4):
            ref = stats.theilslopes(ys, xs)
            assert out["intercept"][r] == pytest.approx(ref.intercept)
            kt = stats.kendalltau(xs, ys, method="asymptotic")
            assert out["tau"][r] == pytest.approx(kt.statistic)
            assert out["p_value"][r] == pytest.approx(kt.pvalue)
    assert (out["tau"][3], out["p_value"][3]) == (0.0, 1.0)
    assert np.isnan(out["tau"][4]) and not np.isnan(out["slope"][4])
