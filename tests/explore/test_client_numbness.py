"""The one-client numbness views: numbness with episodes and events, and numbness fuel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reconnect_analysis import metrics
from reconnect_analysis.explore import client_numbness
from reconnect_analysis.tables import Tables
from tests.explore.test_client_views import END, START, tiny

# ----------------------------------------------------------------------------- numbness

def test_numbness_episodes_threshold_events_and_sentence():
    events = pd.DataFrame({"client_id": ["T1", "T1"],
                           "date": pd.to_datetime(["2026-11-18", "2026-10-01"]),
                           "kind": ["medication_dose_change", "lever_start"],
                           "detail": ["<b>50 mg to 100 mg</b>", "walk"]})
    tables = Tables(entries=tiny().entries, events=events)
    view = client_numbness.numbness(tables, "T1", START, END)
    # numb days (>= 5): Mon 6, Thu 5, Fri 7; Tue 4 ends the first episode, Sun 3 the second
    rects = [s for s in view.figure.layout.shapes if s.type == "rect"]
    # each band covers whole days (noon to noon), so the one-day episode is visible
    assert [(r.x0, r.x1) for r in rects] == [("2026-11-15 12:00", "2026-11-16 12:00"),
                                            ("2026-11-18 12:00", "2026-11-20 12:00")]
    lines = [s for s in view.figure.layout.shapes if s.type == "line"]
    assert any(s.y0 == 5 and s.y1 == 5 for s in lines)  # the threshold
    assert sum(s.x0 == "2026-11-18" for s in lines) == 1  # the event inside the weeks only
    assert ("Numb on 3 of 5 days logged in the 14 days to 22 Nov: too few days logged to say "
            "whether numbness is persistent (at least 7 are needed).") in view.sentence
    assert "counted:" not in view.sentence  # the day count is said once
    assert "Marked: medication dose change (<b>50 mg to 100 mg</b>) on 18 Nov." in \
        view.sentence
    assert "prescriber" in view.sentence
    hover = [t for t in view.figure.data if t.name == "events"][0].text
    assert "&lt;b&gt;" in hover[0]


# --------------------------------------------------------------------------------- fuel

def _fuel_tables() -> Tables:
    days = pd.to_datetime(["2026-11-09", "2026-11-10", "2026-11-11",
                           "2026-11-16", "2026-11-17", "2026-11-18"])
    return Tables(entries=pd.DataFrame({
        "client_id": ["T1"] * 6, "date": days, "numbness": [5.0] * 6,
        "wake_time": ["07:00", "08:00", "09:00", "07:00", "07:00", "07:30"],
        "alcohol_drinks": [2.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    }))


def test_fuel_change_by_hand():
    weeks = metrics.fuel.weekly(_fuel_tables())
    change = client_numbness.fuel_change(weeks)
    # wake spread: SD(420, 480, 540) = 60 min, SD(420, 420, 450) = 17.3 min -> 42.7 / 90
    # = 0.47; alcohol days 2 -> 0 -> 2 / 7 = 0.29: wake spread changed most
    assert change["measure"] == "wake_time_sd_min"
    assert change["first"] == pytest.approx(60.0)
    assert change["last"] == pytest.approx(np.std([420, 420, 450], ddof=1))
    assert change["size"] == pytest.approx((60 - np.std([420, 420, 450], ddof=1)) / 90)


def test_fuel_view_sentence_and_bars():
    view = client_numbness.fuel(_fuel_tables(), "T1", pd.Timestamp("2026-11-09"), END)
    assert view.sentence.endswith("Changed most: spread of wake times, 60 min in the week of "
                                  "9 Nov (3 days logged) against 17 min in the week of 16 Nov "
                                  "(3 days logged). This compares the first and last week "
                                  "shown and may be chance.")
    bars = [t for t in view.figure.data if t.name == "alcohol"]
    assert list(bars[0].y) == [2, 0]
    # fields the export does not carry are not drawn as zero bars
    assert not [t for t in view.figure.data if t.name == "cannabis"]


def test_fuel_without_fuel_fields():
    view = client_numbness.fuel(tiny(), "T1", START, END)
    assert view.figure is None and view.sentence == client_numbness.NO_FUEL


def test_numbness_marks_risk_days_in_red_and_keeps_red_for_risk_only():
    risks = pd.DataFrame({
        "client_id": ["T1", "T1", "T1", "T1"],
        "date": pd.to_datetime(["2026-11-17", "2026-11-17", "2026-11-22", "2026-11-01"]),
        "field": ["flag_dissociation", "hopelessness", "self_harm_thoughts", "unsafe"],
        "value": ["true", "3", "<b>true</b>", "true"],
        "status": ["positive"] * 4, "from_quarantine": [False] * 4})
    view = client_numbness.numbness(Tables(entries=tiny().entries, risks=risks), "T1",
                                    START, END)
    marks = [t for t in view.figure.data if t.name == "⚠ risk answer or red flag"]
    assert len(marks) == 1
    mark = marks[0]
    # two days in the chosen weeks (1 Nov is before them); one mark per day
    assert list(mark.x) == ["2026-11-17", "2026-11-22"]
    assert mark.marker.color == client_numbness.RISK_COLOUR
    assert mark.hovertext[0] == ("⚠ Tue 17 Nov: Severe dissociation (losing time, feeling "
                                 "unreal); Hopelessness 3 (highest on a 0–3 scale)")
    # the recorded value is client text: escaped
    assert mark.hovertext[1] == "⚠ Sun 22 Nov: Thoughts of self-harm &lt;b&gt;true&lt;/b&gt;"
    assert "A red ⚠ marks each of the 2 days with a risk answer or red flag" in view.sentence
    # red means risk only: numb stretches amber, the threshold brown
    for shape in view.figure.layout.shapes:
        if shape.type == "rect":
            assert shape.fillcolor == client_numbness.EPISODE_FILL
        else:
            assert shape.line.color != "#a4001d"
    fuel = client_numbness.fuel(_fuel_tables(), "T1", pd.Timestamp("2026-11-09"), END)
    reds = {"#a4001d", "#c00000", "#d1495b"}
    assert not reds & {getattr(t.marker, "color", None) for t in fuel.figure.data}
    plain = client_numbness.numbness(tiny(), "T1", START, END)
    assert not [t for t in plain.figure.data if "risk" in str(t.name)]
    assert "⚠" not in plain.sentence


# ------------------------------------------------------------------ trend and stretch words

def _slope(verdict, slope, low, high, n=53) -> pd.DataFrame:
    return pd.DataFrame([{"verdict": verdict, "slope_per_week": slope, "ci_low": low,
                          "ci_high": high, "n_days": n}])


def test_trend_sentence_says_no_change_for_a_zero_interval_and_never_plus_zero():
    start, end = pd.Timestamp("2026-09-28"), END
    flat = client_numbness.trend_sentence(_slope("no clear change", 0.0, 0.0, 0.0), start, end)
    assert flat == "Numbness shows no overall change over these 8 weeks (53 days)."
    text = client_numbness.trend_sentence(_slope("no clear change", -0.05, -0.21, 0.0),
                                          start, end)
    assert text == ("Numbness shows no clear change over these 8 weeks (uncertain: between "
                    "-0.2 and 0 a week, 53 days).")
    assert "+0.0" not in text and "flat" not in text
    # a small non-zero end keeps two decimals instead of reading as 0
    assert "(fairly sure: between -0.3 and -0.04 a week, 53 days)" in \
        client_numbness.trend_sentence(_slope("going down", -0.2, -0.3, -0.04), start, end)
    assert "(uncertain: between -0.04 and +0.03 a week" in \
        client_numbness.trend_sentence(_slope("no clear change", 0.0, -0.04, 0.03), start, end)
    assert client_numbness.trend_sentence(_slope("going down", -0.7, -0.8, -0.6), start,
                                          end) == (
        "Numbness is easing: about 0.7 points lower each week over these 8 weeks (fairly "
        "sure: between -0.8 and -0.6 a week, 53 days).")


def _stretch(onset, length, logged_dates, end="2026-11-22", logged14=12, numb14=12):
    summary = pd.DataFrame([{"logged_days_14": logged14, "numb_days_14": numb14,
                             "persistent": True, "episode_onset": pd.Timestamp(onset),
                             "episode_length_days": length}])
    dates = pd.to_datetime(logged_dates)
    days = pd.DataFrame({"date": dates, "numb_day": [True] * len(dates)})
    return client_numbness.duration_sentence(summary, days, pd.Timestamp(end))


def test_duration_sentence_claims_no_more_than_the_log_shows():
    every = pd.date_range("2026-11-01", "2026-11-22")
    # began on the first check-in: the stretch may be older
    assert _stretch("2026-11-01", 22, every).endswith(
        "; the numb stretch has run since the first check-in on Sun 1 Nov (at least 22 "
        "days).")
    # logging stopped on Thu 19 Nov, 3 days before the end: "up to the last check-in"
    later = pd.date_range("2026-11-05", "2026-11-19").delete([3, 4])  # 8, 9 Nov not logged
    assert _stretch("2026-11-10", 10, later.insert(0, pd.Timestamp("2026-11-01"))).endswith(
        "; the last numb stretch began Tue 10 Nov and ran up to the last check-in on Thu 19 "
        "Nov (10 days).")
    # a current stretch with days not logged inside it (14 - 12 logged = 2 not logged)
    gaps = pd.date_range("2026-11-01", "2026-11-22").delete([12, 15])  # 13, 16 Nov
    assert _stretch("2026-11-09", 14, gaps).endswith(
        "; the current numb stretch began Mon 9 Nov (14 days, including 2 days not logged).")
    # both: from the first to the last check-in
    assert _stretch("2026-11-01", 19, pd.date_range("2026-11-01", "2026-11-19")).endswith(
        "; numb from the first check-in on Sun 1 Nov up to the last check-in on Thu 19 Nov "
        "(at least 19 days).")


def _lever_tables(lever_day: str = "2026-11-09") -> Tables:
    """T1, 2-22 Nov logged every day: wake times alternate 06:00 / 09:00 before the lever
    (9 Nov), then 07:00 / 07:10; sleep 7 h throughout."""
    days = pd.date_range("2026-10-26", "2026-11-22")
    before = days < pd.Timestamp("2026-11-09")
    wake = [("06:00" if i % 2 else "09:00") if b else ("07:00" if i % 2 else "07:10")
            for i, b in enumerate(before)]
    entries = pd.DataFrame({"client_id": ["T1"] * len(days), "date": days,
                            "numbness": [5.0] * len(days), "wake_time": wake,
                            "sleep_hours": [7.0] * len(days)})
    events = pd.DataFrame({"client_id": ["T1"], "date": pd.to_datetime([lever_day]),
                           "kind": ["lever_start"], "detail": ["consistent wake time"]})
    return Tables(entries=entries, events=events)


def test_fuel_reports_what_changed_clearly_around_a_lever_with_a_week_either_side():
    tables = _lever_tables()
    start, end = pd.Timestamp("2026-10-26"), END
    rows = metrics.windows.before_after(tables)
    wake = rows[rows["measure"] == "wake_time_sd_min"].iloc[0]
    assert wake["verdict"] == "lower after"
    # by hand: 14 days alternating 06:00 / 09:00 -> SD of (360, 540) x 7 with ddof 1
    assert wake["before_mean"] == pytest.approx(np.std([360, 540] * 7, ddof=1))
    view = client_numbness.fuel(tables, "T1", start, end)
    assert ("Around the lever start (consistent wake time) on Mon 9 Nov, the 14 days before "
            "against the 14 days from it: spread of wake times lower after "
            f"({wake['before_mean']:.0f} min before, {wake['after_mean']:.0f} min after)."
            ) in view.sentence
    assert "sleep" not in view.sentence.split("Around")[1]  # unchanged: not reported
    assert "first and last week" not in view.sentence
    # the lever 3 days into the chosen weeks: no week before it, so weeks are compared
    late = client_numbness.fuel(tables, "T1", pd.Timestamp("2026-11-06"), end)
    assert "Around the" not in late.sentence
    assert late.sentence.endswith("This compares the first and last week shown and may be "
                                  "chance.")


def test_numbness_trend_says_not_enough_data_when_the_weeks_hold_too_few_logged_days():
    # 12 logged days (enough for the engine's trend) but of 28: a burst, then silence
    days = pd.date_range("2026-10-26", periods=12)
    entries = pd.DataFrame({"client_id": ["T1"] * 12, "date": days,
                            "numbness": np.linspace(8.0, 3.0, 12)})
    view = client_numbness.numbness(Tables(entries=entries), "T1",
                                    pd.Timestamp("2026-10-26"), END)
    assert ("Numbness trend: not enough data yet (T1 logged 12 of 28 days in these weeks: too "
            "few to read trends or links).") in view.sentence
    assert "easing" not in view.sentence


def test_recent_text_compares_the_last_week_with_the_week_before_by_hand():
    dates = pd.date_range("2026-11-09", "2026-11-22")
    values = [6.0, 5.0, np.nan, 6.0, 5.0, 6.0, 6.0, 7.0, 8.0, np.nan, 7.0, 8.0, 7.5, 8.0]
    keep = ~np.isnan(values)
    tables = Tables(entries=pd.DataFrame({"client_id": "T1", "date": dates[keep],
                                          "numbness": np.array(values)[keep]}))
    # 16-22 Nov: 7, 8, 7, 8, 7.5, 8 -> 45.5 / 6 = 7.58; 9-15 Nov: 34 / 6 = 5.67
    assert client_numbness.recent_text(tables, "T1", END) == (
        " Last week (16 Nov – 22 Nov): mean numbness 7.6 (6 days logged), against 5.7 the "
        "week before (6 logged).")
    sparse = Tables(entries=tables.entries[tables.entries["date"] < "2026-11-18"])
    assert client_numbness.recent_text(sparse, "T1", END) == ""  # 2 logged in the last week
