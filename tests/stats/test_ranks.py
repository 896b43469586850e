import numpy as np
import pytest
from scipy import stats

from reconnect_analysis.stats import bootstrap, ranks


def _counts(x, y):
    codes, g = ranks.group_codes(y)
    ok = codes >= 0
    c = np.bincount(codes[ok], minlength=g).astype(float)
    cx = np.bincount(codes[ok], weights=x[ok], minlength=g)
    return c, cx


@pytest.mark.parametrize("seed", range(5))
def test_binary_spearman_equals_scipy_with_ties(seed):
    rng = np.random.default_rng(seed)
    x = (rng.random(40) < 0.4).astype(float)
    y = rng.integers(0, 5, size=40).astype(float)  # many ties
    c, cx = _counts(x, y)
    expected = stats.spearmanr(x, y).statistic
    assert ranks.binary_spearman(c, cx) == pytest.approx(expected, abs=1e-12)


def test_binary_spearman_hand_value():
    # x = 0 0 1 1, y = 1 2 3 4: ranks equal the values, rho = corr(x, y) = 0.8944
    x = np.array([0, 0, 1, 1.0])
    y = np.array([1, 2, 3, 4.0])
    assert ranks.binary_spearman(*_counts(x, y)) == pytest.approx(2 / np.sqrt(5))


def test_binary_spearman_degenerate_is_nan():
    assert np.isnan(ranks.binary_spearman(*_counts(np.ones(5), np.arange(5.0))))
    assert np.isnan(ranks.binary_spearman(*_counts(np.r_[0, 1, 0, 1, 0.0], np.ones(5))))


def test_bootstrap_rows_equal_brute_force_spearman():
    # Each resample's rho from counts equals scipy's Spearman on the explicitly resampled days.
    rng = np.random.default_rng(11)
    n = 30
    x = (rng.random(n) < 0.5).astype(float)
    y = rng.integers(0, 6, size=n).astype(float)
    y[[3, 17]] = np.nan  # unusable days drop out of every resample
    codes, g = ranks.group_codes(y)
    design = np.zeros((n, 2 * g))
    ok = np.flatnonzero(codes >= 0)
    design[ok, codes[ok]] = 1
    design[ok, g + codes[ok]] = x[ok]
    counts = bootstrap.block_counts(n, block_days=5, resamples=40, rng=np.random.default_rng(2))
    idx = bootstrap.block_indices(n, block_days=5, resamples=40, rng=np.random.default_rng(2))
    sums = counts @ design
    fast = ranks.binary_spearman(sums[:, :g], sums[:, g:])
    for row, days in zip(fast, idx, strict=True):
        keep = days[~np.isnan(y[days])]
        brute = stats.spearmanr(x[keep], y[keep]).statistic
        if np.isnan(brute):
            assert np.isnan(row)
        else:
            assert row == pytest.approx(brute, abs=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_mann_whitney_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 7, size=15).astype(float)
    b = rng.integers(1, 8, size=22).astype(float)
    ours = ranks.mann_whitney(a, b)
    ref = stats.mannwhitneyu(a, b, method="asymptotic", use_continuity=True)
    assert ours["u"] == pytest.approx(ref.statistic)
    assert ours["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert ours["rank_biserial"] == pytest.approx(2 * ref.statistic / (15 * 22) - 1)


def test_rank_biserial_hand_values():
    # every first value above every second: U = 3*2 = 6, r = 2*6/6 - 1 = +1
    assert ranks.mann_whitney([5, 6, 7], [1, 2])["rank_biserial"] == pytest.approx(1.0)
    # all equal: U = n1*n0/2, r = 0, p = 1 (no difference)
    equal = ranks.mann_whitney([3, 3], [3, 3, 3])
    assert equal["rank_biserial"] == pytest.approx(0.0)
    assert np.isnan(equal["p"]) or equal["p"] == pytest.approx(1.0)


def test_row_group_codes_match_group_codes():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 6, size=(7, 12)).astype(float)
    y[rng.random(y.shape) < 0.2] = np.nan
    y[2] = np.nan
    codes = ranks.row_group_codes(y)
    for row, expected in zip(codes, y, strict=True):
        np.testing.assert_array_equal(row, ranks.group_codes(expected)[0])
