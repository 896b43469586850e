import pandas as pd
import pytest

from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.metrics import duration

D = pd.Timestamp


def test_numb_day_threshold_and_unknown(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "4 5 . 9"}})
    r = duration.numb_days(t)
    # 4 < 5 not numb, 5 >= 5 numb, missing day unknown, 9 numb
    assert r["numb_day"].tolist()[:2] == [False, True]
    assert r["numb_day"].isna().tolist() == [False, False, True, False]


def test_episodes_edges_and_gaps(build):
    # day: 0  1  2  3  4  5  6  7 ... 8 unknown ... 16 17 18
    #      2  6  6  .  .  7  3  6  (9 unknown days)  8  8  1
    spec = "2 6 6 . . 7 3 6 " + ". " * 8 + "8 8 1"
    t = build({"a": {"start": "2026-11-02", "numbness": spec}})
    e = duration.episodes(t)
    # episode 1: days 1-5, the 2 unknown days neither end nor extend it: length 5, 3 numb
    # episode 2: day 7 alone (ended by the 8-day gap > 7 allowed)
    # episode 3: days 16-17, ended by the not-numb day 18
    assert e["start"].tolist() == [D("2026-11-03"), D("2026-11-09"), D("2026-11-18")]
    assert e["end"].tolist() == [D("2026-11-07"), D("2026-11-09"), D("2026-11-19")]
    assert e["length_days"].tolist() == [5, 1, 2]
    assert e["numb_days"].tolist() == [3, 1, 2]
    assert e["unknown_days"].tolist() == [2, 0, 0]
    assert e["ongoing"].tolist() == [False, False, False]


def test_ongoing_episode_and_summary(build):
    # 14 days: 3 not numb, then 8 numb, one unknown, 2 numb -> window to the last day
    t = build({"a": {"start": "2026-11-09", "numbness": "1 2 3 5 6 7 8 9 9 9 9 . 6 6"}})
    e = duration.episodes(t)
    assert e["ongoing"].tolist() == [True]
    s = duration.summary(t)
    row = s.iloc[0]
    assert row["as_of"] == D("2026-11-22")
    assert row["logged_days_14"] == 13 and row["numb_days_14"] == 10
    assert row["share_numb_14"] == pytest.approx(10 / 13)
    assert bool(row["persistent"]) is True  # 10 > 13 / 2
    assert row["episode_onset"] == D("2026-11-12")
    assert row["episode_length_days"] == 11  # 11-12 .. 11-22 inclusive
    assert "persistent numbness" in row["verdict"]


def test_not_enough_days_says_so(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "9 9 9 . . . 9"}})
    row = duration.summary(t).iloc[0]
    assert row["logged_days_14"] == 4
    assert pd.isna(row["persistent"])  # 4 < min_logged_days_in_window (7)
    assert row["verdict"].startswith("not enough data yet")


def test_summary_as_of_and_single_day(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "9"}, "b": {"start": "2026-11-01",
                                                                   "numbness": "2 2"}})
    s = duration.summary(t, as_of="2026-11-20").set_index("client_id")
    # window 11-07 .. 11-20: b logged only on 11-01 and 11-02, so nothing in it
    assert s.loc["a", "logged_days_14"] == 1 and s.loc["b", "logged_days_14"] == 0
    assert pd.isna(s.loc["b", "share_numb_14"])
    assert s.loc["a", "episode_onset"] == D("2026-11-16")  # 4 days ago <= 7 day gap
    assert pd.isna(s.loc["b", "episode_onset"])


def test_threshold_setting(build):
    import dataclasses
    t = build({"a": {"start": "2026-11-16", "numbness": "5 6"}})
    strict = dataclasses.replace(DEFAULTS, numb_threshold=6)
    assert duration.numb_days(t, settings=strict)["numb_day"].tolist() == [False, True]
