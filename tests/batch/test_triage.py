"""Triage: facts computed by hand on a small caseload, the order of concern, the words."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.report import triage
from reconnect_analysis.tables import Tables

WEEK = "2026-W47"  # Mon 2026-11-16 .. Sun 2026-11-22; previous week 2026-11-09 .. 15


def day(d: int, month: int = 11) -> pd.Timestamp:
    return pd.Timestamp(2026, month, d)


def entry(client, when, numbness, cue=None):
    return {"client_id": client, "date": when, "numbness": float(numbness), "cue_body": cue}


@pytest.fixture
def caseload() -> Tables:
    rows = []
    # A: last week 4.0 on 7 days, all practised; this week 6.0 on 5 days (16-20), 1 practised
    rows += [entry("A", day(d), 4, True) for d in range(9, 16)]
    rows += [entry("A", day(d), 6, d == 16) for d in range(16, 21)]
    # B: two check-ins this week (16, 17), nothing before
    rows += [entry("B", day(d), 8) for d in (16, 17)]
    # D: numb (7) on all 14 days 9..22
    rows += [entry("D", day(d), 7) for d in range(9, 23)]
    # E: entries two weeks ago only
    rows += [entry("E", day(d), 3) for d in (2, 3)]
    entries = pd.DataFrame(rows)
    entries["cue_body"] = entries["cue_body"].astype("boolean")
    risks = pd.DataFrame([
        {"client_id": "C", "date": day(1, 10), "field": "unsafe", "status": "positive"},
        {"client_id": "C", "date": day(20, 9), "field": "unsafe", "status": "positive"},
        {"client_id": None, "date": day(18), "field": "self_harm_thoughts",
         "status": "positive"},
        {"client_id": "E", "date": day(30), "field": "flag_psychotic", "status": "positive"},
    ])
    return Tables(entries=entries, risks=risks)


def test_safety_window_is_eight_whole_weeks():
    # W47 Monday 2026-11-16 minus 7 weeks = 2026-09-28 (Monday of W40)
    assert triage.safety_window(WEEK) == (day(28, 9), day(22))


def test_clients_and_unattributed(caseload):
    # A, B, D have entries this week; C has a risk on 2026-10-01 (inside the window);
    # E: entries on 2026-11-02/03, inside the window, so a report is due (missing check-ins)
    assert triage.clients_for_week(caseload, week=WEEK) == ["A", "B", "C", "D", "E"]
    assert triage.unattributed_risks(caseload, week=WEEK) == 1


def test_overview_also_lists_who_stopped_checking_in(caseload):
    # E checked in on 2026-11-02/03 (inside the safety window) but not this week
    facts = triage.facts(caseload, week=WEEK)
    ordered = triage.order(facts, report_status={"A": "ok", "B": "ok", "C": "ok", "D": "ok",
                                                 "E": "ok"})
    e = ordered.set_index("client_id").loc["E"]
    assert e["reasons"] == ["No check-in for 19 days (last on 2026-11-03)"]  # 22 - 3
    assert not e["report_missing"] and e["level"] == 5


def test_facts_by_hand(caseload):
    facts = triage.facts(caseload, week=WEEK).set_index("client_id")
    a = facts.loc["A"]
    assert a["numbness_mean_week"] == 6.0 and a["numbness_mean_prev"] == 4.0
    assert (a["practised_days_week"], a["days_logged_week"]) == (1, 5)
    assert a["adherence_week"] == pytest.approx(0.2) and a["adherence_prev"] == 1.0  # 1/5, 7/7
    # window 9..22: 12 logged days, 5 numb (>= 5.0): 10 > 12 is false -> not persistent
    assert (a["numb_days_14d"], a["logged_days_14d"], a["persistent"]) == (5, 12, False)
    assert (a["last_checkin"], a["days_since_checkin"]) == ("2026-11-20", 2)  # 22 - 20
    b = facts.loc["B"]
    assert b["persistent"] is None  # 2 logged days < 7
    assert b["days_since_checkin"] == 5  # 22 - 17
    c = facts.loc["C"]
    assert c["risk_answers"] == [("2026-10-01", "unsafe", "positive")]  # 09-20 is outside
    assert triage.is_missing(c["days_since_checkin"]) and not c["has_entries_in_week"]
    assert math.isnan(c["numbness_mean_week"])
    d = facts.loc["D"]
    assert (d["numb_days_14d"], d["logged_days_14d"], d["persistent"]) == (14, 14, True)


def test_order_and_reasons(caseload):
    ordered = triage.order(triage.facts(caseload, week=WEEK))
    # missing check-ins: E (19 days) before B (5 days)
    assert list(ordered["client_id"]) == ["C", "D", "A", "E", "B"]
    assert list(ordered["level"]) == [1, 2, 3, 5, 5]
    reasons = dict(zip(ordered["client_id"], ordered["reasons"], strict=True))
    assert reasons["C"] == ["Risk answer: feeling unable to stay safe on 2026-10-01",
                            "No check-ins at all"]
    assert reasons["D"] == ["Persistent numbness: numb on 14 of 14 logged days in the last "
                            "14 days"]
    assert reasons["A"] == [
        "Practice fell: 1 of 5 logged days this week, 7 of 7 last week",
        "Numbness rising: average 6.0 this week, 4.0 last week",
    ]
    assert reasons["B"] == ["No check-in for 5 days (last on 2026-11-17)"]


def test_risk_present_report_missing_comes_first(caseload):
    """S4: a client with a risk answer whose report failed is listed before everyone."""
    ordered = triage.order(triage.facts(caseload, week=WEEK),
                           report_status={"A": "ok", "B": "failed", "C": "failed", "D": "ok",
                                          "E": "ok"})
    first = ordered.iloc[0]
    assert first["client_id"] == "C" and first["level"] == 0
    assert first["reasons"][0] == "Risk present, report missing"
    # B failed too, but has no risk: it keeps its place by concern
    assert list(ordered["client_id"]) == ["C", "D", "A", "E", "B"]
    assert bool(ordered.set_index("client_id").loc["B", "report_missing"])


def hand_row(client, **over):
    row = {"client_id": client, "has_entries_in_week": True, "risk_answers": [],
           "red_flags": [], "days_logged_week": 7, "numbness_mean_week": 4.0,
           "numbness_mean_prev": 4.0, "numb_days_14d": 0, "logged_days_14d": 14,
           "persistent": False, "adherence_week": 0.5, "adherence_prev": 0.5,
           "practised_days_week": 3, "practised_days_prev": 3, "logged_days_prev": 7,
           "last_checkin": "2026-11-22", "days_since_checkin": 0}
    row.update(over)
    return row


def test_order_with_hand_made_rows():
    rows = pd.DataFrame([
        hand_row("Z-calm"),
        hand_row("Y-gap", days_since_checkin=3, last_checkin="2026-11-19"),
        hand_row("X-rise", numbness_mean_week=5.0),            # +1.0: exactly the threshold
        hand_row("W-almost", numbness_mean_week=4.9),          # +0.9: not flagged
        hand_row("V-fell", adherence_week=0.25, practised_days_week=2,
                 adherence_prev=0.5),                           # -0.25: exactly the threshold
        hand_row("U-flag", red_flags=[("2026-11-18", "flag_dissociation", "positive")]),
        hand_row("T-two", persistent=True, numb_days_14d=10, days_since_checkin=4),
        hand_row("S-one", persistent=True, numb_days_14d=9),
        hand_row("R-few", numbness_mean_week=9.0, days_logged_week=2),  # < 3 days: no claim
    ])
    ordered = triage.order(rows)
    assert list(ordered["client_id"]) == ["U-flag", "T-two", "S-one", "V-fell", "X-rise",
                                          "Y-gap", "R-few", "W-almost", "Z-calm"]
    assert list(ordered["level"]) == [1, 2, 2, 3, 4, 5, 6, 6, 6]
    assert ordered.iloc[0]["reasons"] == ["Red flag: severe dissociation on 2026-11-18"]
    assert list(rows["client_id"])[0] == "Z-calm"  # the input is not changed


def test_unreadable_answer_is_a_risk_to_review():
    row = hand_row("Q", risk_answers=[("2026-11-17", "self_harm_thoughts",
                                       "possible_positive")])
    assert triage.concerns(row, settings=DEFAULTS)[0] == (
        1, "Risk answer: self-harm thoughts unreadable answer (review) on 2026-11-17")


@pytest.mark.parametrize("days, expected", [
    (["2026-11-16"], "2026-11-16"),
    (["2026-11-18", "2026-11-16", "2026-11-17", "2026-11-20", "2026-11-20"],
     "2026-11-16 to 2026-11-18, 2026-11-20"),
    (["2026-11-30", "2026-12-01"], "2026-11-30 to 2026-12-01"),
])
def test_day_ranges(days, expected):
    assert triage.day_ranges(days) == expected


@pytest.mark.parametrize("now, before, mark", [
    (5.0, 4.0, "▲"), (3.0, 4.0, "▼"), (4.2, 4.0, "▶"), (float("nan"), 4.0, ""), (None, 1, ""),
])
def test_trend_mark(now, before, mark):
    assert triage.trend_mark(now, before, tolerance=0.5) == mark


def test_empty_caseload():
    empty = Tables(entries=pd.DataFrame(columns=["client_id", "date", "numbness"]))
    assert triage.clients_for_week(empty, week=WEEK) == []
    facts = triage.facts(empty, week=WEEK)
    assert list(facts.columns) == list(triage.FACT_COLUMNS) and len(facts) == 0
    assert len(triage.order(facts)) == 0


@pytest.mark.slow
def test_persistence_agrees_with_metrics_duration(tmp_path):
    """Second implementation: the overview's persistent-numbness facts equal
    metrics.duration.summary at the week's Sunday, on the demo caseload."""
    from reconnect_analysis.demo import generate
    from reconnect_analysis.metrics import duration
    from reconnect_analysis.schema import validate_export

    generate(tmp_path / "demo", clients=12, weeks=10)
    tables = validate_export(tmp_path / "demo")
    ours = triage.facts(tables, week=WEEK).set_index("client_id")
    theirs = duration.summary(tables, as_of="2026-11-22").set_index("client_id")
    assert len(ours) >= 10
    for client, row in ours.iterrows():
        other = theirs.loc[client]
        assert row["logged_days_14d"] == other["logged_days_14"], client
        assert row["numb_days_14d"] == other["numb_days_14"], client
        expected = None if pd.isna(other["persistent"]) else bool(other["persistent"])
        assert row["persistent"] == expected, client


def test_unreadable_date_is_never_invented_and_comes_first():
    entries = pd.DataFrame([entry("C1", day(20), 5)])
    risks = pd.DataFrame([
        {"client_id": "C1", "date": day(18), "field": "unsafe", "status": "positive"},
        {"client_id": "C1", "date": pd.NaT, "field": "self_harm_thoughts",
         "status": "positive", "raw_date": "2026-13-45"},
    ])
    tables = Tables(entries=entries, risks=risks)
    assert triage.clients_for_week(tables, week=WEEK) == ["C1"]
    row = triage.facts(tables, week=WEEK).iloc[0]
    assert row["risk_answers"] == [(triage.DATE_UNREADABLE, "self_harm_thoughts", "positive"),
                                   ("2026-11-18", "unsafe", "positive")]
    ordered = triage.order(triage.facts(tables, week=WEEK))
    assert ordered.loc[0, "level"] == triage.LEVEL_RISK
    assert ordered.loc[0, "reasons"][:2] == [
        "Risk answer: self-harm thoughts (date unreadable)",
        "Risk answer: feeling unable to stay safe on 2026-11-18"]
    assert "2026-11-22" not in " ".join(ordered.loc[0, "reasons"])
    # still inside every week's safety window, never dated to the window's end
    later = triage.order(triage.facts(tables, week="2027-W10"))
    assert later.loc[0, "reasons"][0] == "Risk answer: self-harm thoughts (date unreadable)"


def test_unreadable_date_with_dated_answers_of_the_same_field():
    text = triage._when(["2026-11-20", triage.DATE_UNREADABLE, triage.DATE_UNREADABLE])
    assert text == "(date unreadable, 2 answers) and on 2026-11-20"


def test_missing_checkins_longest_gap_first_then_client_id():
    entries = pd.DataFrame([entry("a", day(15), 3), entry("b", day(1), 3),
                            entry("c", day(10), 3), entry("d", day(10), 3),
                            entry("z", day(20), 3)])
    rows = triage.facts(Tables(entries=entries), week=WEEK,
                        clients=["a", "b", "c", "d", "n", "z"])
    ordered = triage.order(rows)
    missing = ordered[ordered["level"] == triage.LEVEL_MISSING_CHECKINS]
    # n never checked in; b 21 days; c and d 12 days; a 7 days; z (2 days) not flagged
    assert list(missing["client_id"]) == ["n", "b", "c", "d", "a"]
    assert list(ordered["client_id"])[-1] == "z"
