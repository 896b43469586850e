"""The one-client safety view: risk answers and red flags, newest first."""

from __future__ import annotations

import pandas as pd

from reconnect_analysis.explore import client_safety
from reconnect_analysis.tables import Tables
from tests.explore.test_client_views import END, START, _bool, tiny

# ----------------------------------------------------------------------------- safety

def _risks() -> pd.DataFrame:
    return pd.DataFrame({
        "client_id": ["T1", "T1", "T1", "T1", "T2", None],
        "date": pd.to_datetime(["2026-11-10", "2026-11-18", "2026-11-25", None,
                                "2026-11-18", "2026-11-18"]),
        "field": ["self_harm_thoughts", "flag_dissociation", "hopelessness", "unsafe",
                  "unsafe", "unsafe"],
        "value": ["true", "true", "3", "<script>alert(1)</script>", "true", "true"],
        "status": ["positive", "positive", "positive", "possible_positive", "positive",
                   "positive"],
        "from_quarantine": [False, False, False, True, False, False],
        "source_file": ["e.csv"] * 6, "source_row": [2, 5, 9, 11, 3, 4],
    })


def test_risk_table_keeps_every_row_most_severe_first_and_marks_the_chosen_weeks():
    tables = Tables(entries=tiny().entries, risks=_risks())
    rows = client_safety.risk_table(tables, "T1", START, END)
    # self-harm / unsafe first (undated unsafe, then self-harm 10 Nov), then the red flag
    # (18 Nov), then hopelessness (25 Nov) although it is the newest; T2 and the
    # unattributed row are not T1's
    assert rows["what"].tolist() == ["Feeling unable to stay safe", "Thoughts of self-harm",
                                     "Severe dissociation (losing time, feeling unreal)",
                                     "Hopelessness"]
    assert rows["when"].tolist() == ["date unreadable", "before the chosen weeks",
                                     "in the chosen weeks", "after the chosen weeks"]
    assert rows["value_text"].tolist()[1:] == ["yes", "yes", "3 (highest on a 0–3 scale)"]
    assert rows["status"].iloc[0] == ("answer could not be read: treat as yes; "
                                      "from a row set aside by validation")


def test_safety_view_counts_rows_by_period_and_escapes_client_text():
    tables = Tables(entries=tiny().entries, risks=_risks())
    view = client_safety.safety(tables, "T1", START, END)
    assert view.sentence.startswith(
        "⚠ Feeling unable to stay safe (date unreadable) (an answer could not be read: treat "
        "as yes); thoughts of self-harm on Tue 10 Nov; severe dissociation on Wed 18 Nov; "
        "hopelessness 3 (highest on a 0–3 scale) on Wed 25 Nov. Review before anything "
        "else. 4 risk answers or red flags logged by T1 in the table, most serious first: 1 "
        "in the chosen weeks (16 Nov – 22 Nov 2026), 1 after them, 1 with an unreadable "
        "date.")
    assert "1 risk answer in this export could not be tied to any client" in view.sentence
    # no risk columns in the entries, but answered questions were asked: only the others
    # are named as not asked
    assert (" Not asked in this export: Psychotic symptoms; Unable to care for self; "
            "Numbness after head injury / new neurological symptoms. These cannot be ruled "
            "out from it.") in view.sentence
    cells = view.figure.data[0].cells.values
    assert len(cells[0]) == 4
    assert "<script>" not in str(cells) and "&lt;script&gt;" in str(cells)
    # the chosen-weeks row and the undated row are highlighted
    assert view.figure.data[0].cells.fill.color[0] == ["#fde2e1", "white", "#fde2e1", "white"]


def test_headline_says_what_and_when_most_severe_first_with_weekly_screen_apart():
    days = pd.to_datetime(["2026-11-22", "2026-11-22", "2026-11-21", "2026-11-18",
                           "2026-11-17", "2026-11-16", "2026-11-16", "2026-11-16"])
    risks = pd.DataFrame({
        "client_id": ["T1"] * 8, "date": days,
        "field": ["hopelessness", "self_harm_thoughts", "hopelessness", "hopelessness",
                  "flag_dissociation", "risk_hopelessness", "risk_self_harm", "hopelessness"],
        "value": ["3", "true", "2", "3", "true", "true", "true", "2"],
        "status": ["positive"] * 8, "from_quarantine": [False] * 8,
    })
    tables = Tables(entries=tiny().entries, risks=risks)
    rows = client_safety.risk_table(tables, "T1", START, END)
    # self-harm (daily 22 Nov, weekly screen 16 Nov), the red flag, then hopelessness
    # (daily, newest first, then the weekly screen's)
    assert rows["field"].tolist() == [
        "self_harm_thoughts", "risk_self_harm", "flag_dissociation", "hopelessness",
        "hopelessness", "hopelessness", "risk_hopelessness", "hopelessness"]
    assert rows["date"].dt.day.tolist() == [22, 16, 17, 22, 21, 18, 16, 16]
    assert client_safety.risk_headline(rows) == (
        "Thoughts of self-harm on Sun 22 Nov; severe dissociation on Tue 17 Nov; "
        "hopelessness 2–3 on a 0–3 scale on 4 days from Mon 16 Nov to Sun 22 Nov; "
        "weekly screen Mon 16 Nov: self-harm, hopelessness")
    view = client_safety.safety(tables, "T1", START, END)
    assert view.sentence.startswith("⚠ Thoughts of self-harm on Sun 22 Nov;")
    assert view.figure.data[0].cells.values[0][0] == "Sun 22 Nov 2026"
    assert client_safety.hopelessness_text("2") == "2 (on a 0–3 scale)"
    assert client_safety.hopelessness_text(3.0) == "3 (highest on a 0–3 scale)"


def test_dates_are_written_without_zero_padding():
    from reconnect_analysis.explore.display import day_text

    assert day_text(pd.Timestamp("2024-06-04"), year=True) == "Tue 4 Jun 2024"


def test_safety_warns_when_the_client_went_quiet_before_the_export_ends():
    entries = pd.concat([tiny().entries.iloc[:3],  # T1's last check-in: Thu 19 Nov
                         tiny().entries.iloc[[4]].assign(client_id="T2")])  # export: Sun 22
    view = client_safety.safety(Tables(entries=entries), "T1", START, END)
    # 22 - 19 = 3 days >= missing_checkin_alert_days (3)
    assert view.sentence.endswith(
        " No check-in for the last 3 days of the export: the last one was on Thu 19 Nov 2026 "
        "(the export runs to Sun 22 Nov 2026). Silence can hide risk; consider reaching out.")
    quiet = client_safety.safety(Tables(entries=tiny().entries), "T1", START, END)
    assert "Silence" not in quiet.sentence


def test_safety_without_risk_questions_says_risk_cannot_be_ruled_out():
    view = client_safety.safety(tiny(), "T1", START, END)
    assert view.sentence.startswith(
        "This export asks no risk questions: risk cannot be ruled out from it.")
    assert view.figure is None


def test_safety_with_some_questions_and_no_answers_names_the_ones_not_asked():
    tables = tiny(self_harm_thoughts=_bool([False] * 5))
    view = client_safety.safety(tables, "T1", START, END)
    assert view.sentence.startswith("No risk answers or red flags logged by T1 in the whole "
                                    "record among the questions this export asks.")
    assert "Not asked in this export:" in view.sentence
    assert "cannot be ruled out" in view.sentence
