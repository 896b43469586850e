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
    assert p == pytest.approx(ref.p, abs=0.01)  # mk uses a continuity-corrected normal z


def test_edge_cases_do_not_crash():
    assert all(np.isnan(v) for v in trend.theil_sen([1.0], [5.0]))
    assert all(np.isnan(v) for v in trend.theil_sen([], []))
    assert trend.theil_sen([0, 1, 2.0], [4, 4, 4.0]) == (0.0, 4.0, 0.0, 0.0)
    assert trend.kendall([0, 1, 2.0], [4, 4, 4.0]) == (0.0, 1.0)
    assert all(np.isnan(v) for v in trend.kendall([0, 1.0], [1, 2.0]))
    t = trend.trend([0, 1, 2, 3.0], [1, np.nan, 3, 4.0])
    assert t.n == 3
