"""Rule-based wording, checked on hand-made metric rows."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.report import wording

MON, SUN = pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-22")


def slopes(verdict, slope=-0.5, low=-0.8, high=-0.2, n=40, measure="numbness"):
    return pd.DataFrame([{"client_id": "C01", "measure": measure, "period_start":
                          pd.Timestamp("2026-09-28"), "period_end": SUN,
                          "slope_per_week": slope, "ci_low": low, "ci_high": high,
                          "n_days": n, "verdict": verdict}])


@pytest.mark.parametrize(("verdict", "text", "certainty"), [
    # 2026-09-28 .. 2026-11-22 is 56 days = 8 weeks
    ("going down", "Numbness is easing: about 0.5 points lower each week over the last 8 weeks.",
     "fairly sure: -0.8 to -0.2 a week, 40 days"),
    ("going up", "Numbness is rising: about 0.5 points higher each week over the last 8 weeks.",
     "fairly sure: -0.8 to -0.2 a week, 40 days"),
    ("no clear change", "Numbness shows no clear change over the last 8 weeks.",
     "uncertain: -0.8 to -0.2 a week, 40 days"),
])
def test_numbness_trend_states_direction_size_and_certainty(verdict, text, certainty):
    statement = wording.numbness_trend(slopes(verdict))
    assert (statement.text, statement.certainty) == (text, certainty)


def test_too_few_days_gives_not_enough_data_never_a_guess():
    statement = wording.numbness_trend(slopes("not enough data yet", n=4))
    assert "not enough" in statement.text
    assert statement.certainty == "not enough data yet: 4 days with a value"
    assert wording.numbness_trend(slopes("going down").iloc[0:0]).certainty.startswith(
        "not enough data yet")


def test_duration_counts_and_current_episode():
    row = {"logged_days_14": 12, "numb_days_14": 9, "persistent": True,
           "episode_onset": pd.Timestamp("2026-11-10"), "episode_length_days": 13}
    statement = wording.numbness_duration(pd.DataFrame([row]))
    assert statement.text == ("Numb on 9 of 12 days logged in the last 14 days (most days: "
                              "persistent); the current numb stretch began Tue 10 Nov (13 days).")
    assert statement.certainty == "counted: 12 of 14 days logged"
    few = dict(row, logged_days_14=5, numb_days_14=4, persistent=pd.NA)
    assert wording.numbness_duration(pd.DataFrame([few])).certainty == (
        "not enough data yet: 5 of 14 days logged")


def test_adherence_counts_answered_days_and_praises_restarts():
    weekly = pd.DataFrame([{"cue": "any", "week_start": MON, "days_answered": 6,
                            "days_practised": 4, "days_not_logged": 1}])
    block = pd.DataFrame([{"day_in_block": 9, "restarts": 2}])
    statement = wording.adherence(weekly, block, week_start=MON)
    assert statement.text == ("Practised on 4 of 6 days answered this week (1 day not logged); "
                              "day 9 of the 14-day block, with 2 restarts after missed days "
                              "(restarting is the plan working).")
    assert statement.certainty == "counted: 6 of 7 days answered"


def link_rows(*rows):
    columns = ["cue", "lag", "n_days", "rho", "verdict"]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])


def test_link_reports_the_clearest_finding_and_never_claims_cause():
    rows = link_rows(("any", 0, 30, 0.1, "no clear link"), ("body", 1, 29, 0.4, "clear link"),
                     ("sensory", 0, 30, 0.3, "possible link"))
    statement = wording.link(rows)
    assert statement.text == ("Days with body (movement) practice go with more micro-shifts on "
                              "the next day.")
    assert statement.certainty == "clear link, not proof of cause: 29 paired days"
    none = wording.link(link_rows(("any", 0, 8, 0.0, "not enough data yet")))
    assert none.certainty == "not enough data yet: 8 paired days"


def test_fuel_lists_only_answered_fields():
    row = {"week_start": MON, "days_logged": 6, "alcohol_days": 2, "cannabis_days": pd.NA,
           "wake_time_sd_min": 75.0, "mean_sleep_hours": 6.25}
    statement = wording.fuel(pd.DataFrame([row]), week_start=MON)
    assert statement.text == ("Fuel this week: alcohol on 2 days, wake times irregular (spread "
                              "about 75 min), 6.2 h sleep on average.")
    assert statement.certainty == "counted over 6 days logged"


def test_data_quality_mentions_misses_after_hard_days_only_when_stated():
    suff = pd.DataFrame([{"days_logged": 40, "days_in_period": 56, "share_logged": 40 / 56}])
    plain = wording.data_quality(suff, pd.DataFrame({"stated": [False]}))
    assert plain.text == "Logged 40 of 56 days in the period (71%)."  # 40/56 = 0.714
    stated = wording.data_quality(suff, pd.DataFrame({"stated": [False, True]}))
    assert "missed days cluster after hard days" in stated.text


def wow(**changes):
    rows = []
    for measure, (last, this) in changes.items():
        rows.append({"measure": measure, "last_week": last, "this_week": this,
                     "change": this - last, "n_days_this": 7, "n_days_last": 7})
    return pd.DataFrame(rows)


def test_largest_change_is_relative_to_each_measures_scale():
    # numbness 6 -> 5: 1/10 = 0.10; interest 10 -> 30: 20/100 = 0.20 (the largest);
    # alcohol days 1 -> 2: 1/7 = 0.14
    text = wording.largest_change(wow(numbness=(6.0, 5.0), interest_pct=(10.0, 30.0),
                                      alcohol_days=(1.0, 2.0)))
    assert text == ("Biggest change: interest rose from 10% to 30% since last week; ask what "
                    "helped, so it can be repeated.")
    worse = wording.largest_change(wow(numbness=(4.0, 7.0)))
    assert worse.endswith("ask what made this week harder.")
    assert wording.largest_change(wow(numbness=(5.0, 5.2))) is None  # 0.02 < 0.05: no story


def test_talking_points_put_safety_first_and_stop_at_three():
    risks = pd.DataFrame({"date": [pd.Timestamp("2026-11-18")], "field": ["self_harm_thoughts"],
                          "label": ["Thoughts of self-harm"]})
    checkin = pd.DataFrame([{"last_logged": pd.Timestamp("2026-11-18"), "days_since": 4,
                             "alert": True}])
    weekly = pd.DataFrame([
        {"cue": c, "week_start": MON, "days_answered": 5, "days_practised": p,
         "share_practised": p / 5} for c, p in (("body", 4), ("meaning", 1), ("any", 4))])
    points = wording.talking_points(risks=risks, checkin=checkin,
                                    week_over_week=wow(numbness=(4.0, 7.0)), weekly=weekly,
                                    events=pd.DataFrame(), week_start=MON, week_end=SUN)
    assert points == [
        "Safety first: Thoughts of self-harm logged this week; follow your risk-assessment "
        "routine before anything else.",
        "No check-in for 4 days: ask how the days went and what made logging hard.",
        "Biggest change: average numbness rose from 4.0 of 10 to 7.0 of 10 since last week; "
        "ask what made this week harder.",
    ]


def test_talking_points_point_medication_changes_to_the_prescriber():
    events = pd.DataFrame({"date": [pd.Timestamp("2026-11-12")],
                           "kind": ["medication_dose_change"], "detail": ["x"]})
    checkin = pd.DataFrame([{"last_logged": SUN, "days_since": 0, "alert": False}])
    points = wording.talking_points(risks=pd.DataFrame(), checkin=checkin,
                                    week_over_week=pd.DataFrame(), weekly=pd.DataFrame(),
                                    events=events, week_start=MON, week_end=SUN)
    assert points[0] == ("Medication change on Thu 12 Nov: look at the timeline together; any "
                         "change is for the prescriber to discuss.")
    assert not any("stop" in p.lower() for p in points)
    assert points[1:] == list(wording.FALLBACK_POINTS[:2])  # always three points


def test_strengths_keep_days_with_shifts_and_notes_that_mention_them():
    shift_days = pd.DataFrame({
        "date": pd.to_datetime(["2026-11-15", "2026-11-17", "2026-11-18", "2026-11-19"]),
        "shift_shoulders_dropped": pd.array([True, True, False, False], dtype="boolean"),
        "shift_social": pd.array([pd.NA, True, False, pd.NA], dtype="boolean"),
        "interest_pct": [10.0, 20.0, 5.0, None]})
    entries = pd.DataFrame({
        "date": pd.to_datetime(["2026-11-17", "2026-11-18", "2026-11-19"]),
        "note": ["walked", "a laugh with Sam", "flat all day"]})
    items = wording.strengths(shift_days, entries, week_start=MON, week_end=SUN)
    # 15 Nov is last week; 18 Nov: no signal but "laugh"; 19 Nov: nothing to show
    assert [(i["date"].day, i["signals"], i["note"]) for i in items] == [
        (18, [], "a laugh with Sam"),
        (17, ["shoulders dropped", "responded to someone"], "walked"),
    ]


def test_no_practice_or_shift_data_in_the_export_is_said_not_counted_as_zero():
    none = {"practice": False, "shifts": False}
    statement = wording.adherence(pd.DataFrame(), pd.DataFrame([{"day_in_block": 2}]),
                                  week_start=MON, carried=False)
    assert statement.text == ("Practice: this export carries no practice data (no answers "
                              "about the four cues).")
    assert "day 2" not in statement.text and "restart" not in statement.text
    assert "carries no practice data" in wording.link(pd.DataFrame(), carries=none).text
    assert "carries no micro-shift data" in wording.link(
        pd.DataFrame(), carries={"practice": True, "shifts": False}).text
    points = wording.talking_points(risks=pd.DataFrame(), checkin=None, week_over_week=None,
                                    weekly=pd.DataFrame(), events=pd.DataFrame(),
                                    week_start=MON, week_end=SUN, carries=none)
    assert not any("felt easiest" in p for p in points)
    assert any("carries no practice data" in p for p in points)


def test_flat_interval_reads_about_zero_and_plural_forms():
    statement = wording.numbness_trend(slopes("no clear change", slope=0.01, low=-0.03,
                                              high=0.04))
    assert statement.certainty == "uncertain: about 0 a week (flat), 40 days"
    assert "+0.0" not in wording.shift_trend(slopes("going up", slope=0.02,
                                                    measure="shift_score"))
    points = wording.talking_points(risks=pd.DataFrame(), checkin=pd.DataFrame(
        [{"alert": False}]), week_over_week=None, weekly=pd.DataFrame(),
        events=pd.DataFrame(), week_start=MON, week_end=SUN, n_strengths=1)
    assert "1 moment of return" in " ".join(points)


def _wow(**changes):
    rows = []
    for measure, (last, this) in changes.items():
        rows.append({"measure": measure, "last_week": last, "this_week": this,
                     "change": this - last, "n_days_this": 7, "n_days_last": 7})
    return pd.DataFrame(rows)


def test_biggest_change_prefers_numbness_practice_and_shifts_over_one_alcohol_day():
    # alcohol 0 -> 1 day is 14% of its scale, numbness 6.0 -> 5.2 only 8%: numbness leads
    text = wording.largest_change(_wow(numbness=(6.0, 5.2), alcohol_days=(0.0, 1.0)))
    assert text.startswith("Biggest change: average numbness fell")
    # a single extra alcohol day alone is not worth a point
    assert wording.largest_change(_wow(alcohol_days=(0.0, 1.0))) is None
    # with no core change to speak of, a two-day fuel change is used
    text = wording.largest_change(_wow(numbness=(6.0, 6.1), alcohol_days=(0.0, 3.0)))
    assert text.startswith("Biggest change: alcohol days rose from 0 days to 3 days")


def test_an_export_without_risk_questions_gets_a_safety_talking_point_first():
    points = wording.talking_points(risks=pd.DataFrame(), checkin=pd.DataFrame(
        [{"alert": False}]), week_over_week=None, weekly=pd.DataFrame(),
        events=pd.DataFrame(), week_start=MON, week_end=SUN,
        carries={"practice": True, "shifts": True, "risk": False})
    assert points[0] == wording.NO_RISK_POINT
    assert "cannot be ruled out" in points[0]
