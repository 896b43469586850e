import pandas as pd
import pytest

from reconnect_analysis.metrics import adherence


def test_daily_keeps_unlogged_apart(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5 . 5",
                     "cue_body": "1 0 . .", "cue_sensory": "1 0 . ."}})
    d = adherence.daily(t)
    assert d["practised"].tolist()[:2] == [True, False]
    # day 3 not logged, day 4 logged without any cue answer: both unknown, not "no"
    assert d["practised"].isna().tolist() == [False, False, True, True]
    assert d["logged"].tolist() == [True, True, False, True]
    assert d["n_cues_done"].tolist()[:2] == [2, 0]
    assert d["cue_meaning"].isna().all()  # column absent from the export


def test_weekly_week_boundary_and_wilson(build):
    # Sat 2026-11-14 .. Tue 2026-11-17: two ISO weeks (Mon 11-09 and Mon 11-16)
    t = build({"a": {"start": "2026-11-14", "numbness": "5 5 . 5", "cue_body": "1 0 . 1"}})
    w = adherence.weekly(t)
    body = w[w["cue"] == "body"].set_index("week_start")
    first, second = body.loc[pd.Timestamp("2026-11-09")], body.loc[pd.Timestamp("2026-11-16")]
    assert (first["days_in_week"], first["days_logged"], first["days_practised"]) == (2, 2, 1)
    assert (second["days_in_week"], second["days_logged"], second["days_not_logged"]) == (2, 1, 1)
    assert second["share_practised"] == 1.0
    # Wilson 95% for 1 of 2: centre (0.5 + 1.92/2)/(1 + 3.84/2) = 0.5; half = 0.4451
    assert first["ci_low"] == pytest.approx(0.0945, abs=1e-3)
    assert first["ci_high"] == pytest.approx(0.9055, abs=1e-3)
    assert set(w["cue"]) == {"body", "sensory", "connection", "meaning", "any"}


def test_block_streak_and_restart(build):
    # 14-day block from 11-02: P P P . P P x P  (P practised, . not logged, x no practice)
    t = build({"a": {"start": "2026-11-02", "numbness": "5 5 5 . 5 5 5 5",
                     "cue_body": "1 1 1 . 1 1 0 1"}})
    b = adherence.block(t).iloc[0]
    assert b["block_number"] == 1 and b["day_in_block"] == 8
    assert b["longest_streak"] == 3
    assert b["restarts"] == 2  # practice resumed after the gap and after the no-practice day
    assert b["streak_days"] == 1
    assert b["days_practised_in_block"] == 6


def test_block_rolls_over_and_as_of_not_logged_yet(build):
    # 16 days: the second block starts on day 15 (2026-11-16)
    t = build({"a": {"start": "2026-11-02", "numbness": "5 " * 16,
                     "cue_body": "1 " * 16}})
    b = adherence.block(t).iloc[0]
    assert b["block_number"] == 2 and b["block_start"] == pd.Timestamp("2026-11-16")
    assert b["day_in_block"] == 2 and b["streak_days"] == 2 and b["restarts"] == 0
    # as_of one day later, not logged yet: the streak still counts to the day before
    b = adherence.block(t, as_of="2026-11-18").iloc[0]
    assert b["day_in_block"] == 3 and b["streak_days"] == 2


@pytest.mark.parametrize("start", ["2026-03-23", "2026-10-19"])
def test_weeks_with_a_clock_change_have_seven_days(build, start):
    # Europe: summer time starts Sun 2026-03-29 and ends Sun 2026-10-25
    t = build({"a": {"start": start, "numbness": "5 5 5 5 5 5 5",
                     "cue_body": "1 1 1 1 1 1 1"}})
    w = adherence.weekly(t)
    row = w[w["cue"] == "body"].iloc[0]
    assert (row["days_in_week"], row["days_logged"], row["days_practised"]) == (7, 7, 7)
    assert adherence.block(t).iloc[0]["streak_days"] == 7
