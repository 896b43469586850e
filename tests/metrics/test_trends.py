import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis.metrics import trends


def test_slope_per_week_matches_scipy(build):
    # numbness 9 8 7 ... over 12 days, one gap: slope -1 a day = -7 a week
    t = build({"a": {"start": "2026-11-02", "numbness": "9 8 7 6 . 4 3 2 1 0 0 0"}})
    row = trends.slopes(t).set_index("measure").loc["numbness"]
    x = np.array([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11]) / 7
    y = np.array([9, 8, 7, 6, 4, 3, 2, 1, 0, 0, 0.0])
    ref = stats.theilslopes(y, x)
    assert row["slope_per_week"] == pytest.approx(ref.slope)
    assert row["ci_low"] == pytest.approx(ref.low_slope)
    assert row["kendall_tau"] == pytest.approx(stats.kendalltau(x, y).statistic)
    assert row["n_days"] == 11 and row["verdict"] == "going down"
    assert "going down" in row["sentence"]


def test_single_day_and_flat_series_never_nan_or_crash(build):
    t = build({"a": {"start": "2026-11-02", "numbness": "5"},
               "b": {"start": "2026-11-02", "numbness": "4 " * 12}})
    s = trends.slopes(t).set_index(["client_id", "measure"])
    assert s.loc[("a", "numbness"), "verdict"] == "not enough data yet"
    flat = s.loc[("b", "numbness")]
    assert flat["slope_per_week"] == 0.0 and flat["p_value"] == 1.0
    assert flat["verdict"] == "no clear change"


def test_week_over_week(build):
    # Mon 11-09 .. Sun 11-22; this week = W47 (11-16 .. 11-22)
    t = build({"a": {"start": "2026-11-09", "numbness": "8 8 8 8 . . . 4 5 . . . . 6",
                     "cue_body": "1 0 0 0 . . . 1 1 . . . . 0",
                     "alcohol_drinks": "0 2 0 1 . . . 0 0 . . . . 0"}})
    w = trends.week_over_week(t, week="2026-W47").set_index("measure")
    assert w.loc["numbness", "this_week"] == pytest.approx(5.0)  # (4+5+6)/3
    assert w.loc["numbness", "last_week"] == pytest.approx(8.0)
    assert w.loc["numbness", "change"] == pytest.approx(-3.0)
    assert (w.loc["numbness", "n_days_this"], w.loc["numbness", "n_days_last"]) == (3, 4)
    assert w.loc["adherence", "this_week"] == pytest.approx(2 / 3)
    assert w.loc["adherence", "last_week"] == pytest.approx(1 / 4)
    assert w.loc["alcohol_days", "last_week"] == 2 and w.loc["alcohol_days", "this_week"] == 0
    assert np.isnan(w.loc["sleep_hours", "this_week"])  # no sleep field: unknown, not 0
    assert (w["week_start"] == pd.Timestamp("2026-11-16")).all()
    # default week: the week of the latest day
    pd.testing.assert_frame_equal(trends.week_over_week(t),
                                  trends.week_over_week(t, week="2026-11-18"))


def test_period_without_any_logged_day(build):
    # client a logged only in October; the November period is empty for it
    t = build({"a": {"start": "2026-10-01", "numbness": "5 6 7"},
               "b": {"start": "2026-11-02", "numbness": "9 8 7 6 5 4 3 2 1 0 0 0"}})
    s = trends.slopes(t, start="2026-11-01", end="2026-11-30").set_index(
        ["client_id", "measure"])
    a = s.loc[("a", "numbness")]
    assert a["n_days"] == 0 and a["verdict"] == "not enough data yet"
    assert np.isnan(a["slope_per_week"])  # no data: no slope, and no crash
    assert s.loc[("b", "numbness"), "verdict"] == "going down"


def _ar1_caseload(phi, slope_per_week, seed, n=56, sims=300):
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(sims):
        e = rng.normal(size=n)
        y = np.empty(n)
        y[0] = e[0] / np.sqrt(1 - phi ** 2)
        for i in range(1, n):
            y[i] = phi * y[i - 1] + e[i]
        y = np.clip(np.round(6 + 1.2 * y + slope_per_week * np.arange(n) / 7), 0, 10)
        frames.append(pd.DataFrame({"client_id": f"s{s:03d}", "numbness": y,
                                    "date": pd.date_range("2026-01-05", periods=n)}))
    from reconnect_analysis.tables import Tables
    return Tables(entries=pd.concat(frames, ignore_index=True))


@pytest.mark.slow
def test_trend_verdict_rarely_claims_a_change_that_is_not_there():
    # 300 simulated 8-week clients, numbness AR(1) 0.6 around a flat level, rounded to 0-10
    r = trends.slopes(_ar1_caseload(0.6, 0.0, seed=1))
    false = (r[r["measure"] == "numbness"]["verdict"] != "no clear change").mean()
    print(f"flat AR(1) 0.6: going up/down in {false:.3f}")
    assert false <= 0.05
    r = trends.slopes(_ar1_caseload(0.6, -0.5, seed=2))
    found = (r[r["measure"] == "numbness"]["verdict"] == "going down").mean()
    print(f"-0.5 a week, AR(1) 0.6: going down in {found:.3f}")
    assert found >= 0.7
