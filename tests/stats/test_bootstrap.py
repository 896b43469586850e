import numpy as np
import pytest

from reconnect_analysis.stats import bootstrap


@pytest.mark.parametrize("n, block", [(1, 7), (5, 7), (7, 7), (20, 7), (56, 7), (57, 10)])
def test_counts_match_explicit_indices(n, block):
    # Second implementation: the explicit index version, counted with bincount.
    idx = bootstrap.block_indices(n, block_days=block, resamples=50,
                                  rng=np.random.default_rng(3))
    counts = bootstrap.block_counts(n, block_days=block, resamples=50,
                                    rng=np.random.default_rng(3))
    brute = np.stack([np.bincount(row, minlength=n) for row in idx])
    assert counts.shape == (50, n)
    np.testing.assert_array_equal(counts, brute)
    assert np.all(counts.sum(axis=1) == n)


def test_blocks_are_consecutive_and_wrap():
    idx = bootstrap.block_indices(10, block_days=4, resamples=200,
                                  rng=np.random.default_rng(0))
    # 10 days in blocks of 4: blocks at columns 0-3, 4-7, 8-9 (cut). Inside a block each
    # day follows the previous one modulo 10.
    for start, stop in ((0, 4), (4, 8), (8, 10)):
        part = idx[:, start:stop]
        assert np.all((part[:, 1:] - part[:, :-1]) % 10 == 1)
    # Circular: every day is drawn equally often on average (10 days, 200 x 10 draws).
    freq = np.bincount(idx.ravel(), minlength=10) / idx.size
    assert np.all(np.abs(freq - 0.1) < 0.02)


def test_empty_series():
    assert bootstrap.block_counts(0, block_days=7, resamples=5,
                                  rng=np.random.default_rng(0)).shape == (5, 0)


def test_percentile_interval_ignores_nan():
    values = np.r_[np.arange(1, 101, dtype=float), np.nan]
    low, high = bootstrap.percentile_interval(values, confidence=0.9)
    # numpy linear percentiles of 1..100: 5% -> 5.95, 95% -> 95.05
    assert low == pytest.approx(5.95)
    assert high == pytest.approx(95.05)
    low, high = bootstrap.percentile_interval(np.full(4, np.nan), confidence=0.9)
    assert np.isnan(low) and np.isnan(high)


def test_fisher_z_interval():
    # sd of atanh values 0 and atanh(0.5)=0.5493 (ddof=1) = 0.3884; z95 = 1.95996
    values = np.array([0.0, 0.5])
    low, high = bootstrap.fisher_z_interval(0.2, values, confidence=0.95)
    centre = np.arctanh(0.2)
    sd = np.std(np.arctanh(values), ddof=1)
    assert low == pytest.approx(np.tanh(centre - 1.959964 * sd), abs=1e-6)
    assert high == pytest.approx(np.tanh(centre + 1.959964 * sd), abs=1e-6)
    assert -1 < low < 0.2 < high < 1


def test_fisher_z_interval_never_narrower_than_independent_days():
    # bootstrap values all equal (sd 0): the floor sqrt(1.06 / (n - 3)) = sqrt(1.06/47) applies
    low, high = bootstrap.fisher_z_interval(0.0, np.zeros(20), confidence=0.95, n=50)
    half = 1.959964 * np.sqrt(1.06 / 47)
    assert low == pytest.approx(np.tanh(-half), abs=1e-6)
    assert high == pytest.approx(np.tanh(half), abs=1e-6)
