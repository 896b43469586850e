import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis.metrics import windows


def _tables(build):
    # 28 days from 11-02, event on day 14 (11-16): before = 11-02..11-15, after = 11-16..11-29
    before = [4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5]
    after = [7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6]
    wake_b = ["06:00", "08:30", "07:00", "09:00", "06:30", "08:00", "07:15"] * 2
    wake_a = ["07:00", "07:10", "06:55", "07:05", "07:00", "07:20", "06:50"] * 2
    t = build({"a": {"start": "2026-11-02", "numbness": " ".join(map(str, before + after)),
                     "wake_time": " ".join(wake_b + wake_a)}},
              events=[("a", "2026-11-16", "medication_dose_change", "20 mg to 40 mg"),
                      ("a", "2026-11-20", "other", "moved house")])
    return t, np.array(before, float), np.array(after, float), wake_b, wake_a


def _minutes(times):
    return np.array([int(t[:2]) * 60 + int(t[3:]) for t in times], float)


def test_before_after_numbness_and_wake_spread(build):
    t, before, after, wake_b, wake_a = _tables(build)
    r = windows.before_after(t)
    assert set(r["kind"]) == {"medication_dose_change"}  # "other" events are not windows
    num = r.set_index("measure").loc["numbness"]
    assert num["before_mean"] == pytest.approx(4.5) and num["after_mean"] == pytest.approx(6.5)
    assert (num["n_before"], num["n_after"]) == (14, 14)
    assert num["p_value"] == pytest.approx(stats.ttest_ind(after, before, equal_var=False).pvalue)
    assert num["verdict"] == "higher after"
    assert "prescriber" in num["sentence"] and "cause" in num["sentence"]
    wake = r.set_index("measure").loc["wake_time_sd_min"]
    assert wake["before_mean"] == pytest.approx(np.std(_minutes(wake_b), ddof=1))
    assert wake["after_mean"] == pytest.approx(np.std(_minutes(wake_a), ddof=1))
    levene = stats.levene(_minutes(wake_b), _minutes(wake_a), center="median")
    assert wake["p_value"] == pytest.approx(levene.pvalue)
    assert wake["verdict"] == "lower after"


def test_event_without_enough_days(build):
    t = build({"a": {"start": "2026-11-13", "numbness": "5 5 5 6 6 6 6 6"}},
              events=[("a", "2026-11-16", "lever_start", "daylight walk")])
    num = windows.before_after(t).set_index("measure").loc["numbness"]
    assert (num["n_before"], num["n_after"]) == (3, 5)
    assert num["verdict"] == "not enough data yet"


def test_no_events_gives_empty_frame_with_columns(build):
    t = build({"a": {"start": "2026-11-13", "numbness": "5"}})
    r = windows.before_after(t)
    assert r.empty and {"before_mean", "after_mean", "verdict"} <= set(r.columns)
    assert pd.api.types.is_datetime64_any_dtype(r["event_date"])
