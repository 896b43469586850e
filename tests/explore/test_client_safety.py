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


def test_risk_table_keeps_every_row_newest_first_and_marks_the_chosen_weeks():
    tables = Tables(entries=tiny().entries, risks=_risks())
    rows = client_safety.risk_table(tables, "T1", START, END)
    # undated first, then 25 Nov (after), 18 Nov (in), 10 Nov (before); T2 and the
    # unattributed row are not T1's
    assert rows["when"].tolist() == ["date unreadable", "after the chosen weeks",
                                     "in the chosen weeks", "before the chosen weeks"]
    assert rows["what"].tolist() == ["Feeling unable to stay safe", "Hopelessness",
                                     "Severe dissociation (losing time, feeling unreal)",
                                     "Thoughts of self-harm"]
    assert rows["value_text"].tolist()[1:] == ["3 of 3", "yes", "yes"]
    assert rows["status"].iloc[0] == ("answer could not be read: treat as yes; "
                                      "from a row set aside by validation")


def test_safety_view_counts_rows_by_period_and_escapes_client_text():
    tables = Tables(entries=tiny().entries, risks=_risks())
    view = client_safety.safety(tables, "T1", START, END)
    assert view.sentence.startswith(
        "⚠ 4 risk answers or red flags logged by T1, newest first: 1 in the chosen weeks "
        "(16 Nov – 22 Nov 2026), 1 after them, 1 with an unreadable date (listed first). "
        "Review them before anything else.")
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
