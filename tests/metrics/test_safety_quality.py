import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis.metrics import quality, safety

RISKS = pd.DataFrame({
    "client_id": ["a", "a", "b", None, "a"],
    "date": pd.to_datetime(["2026-11-17", "2026-11-20", "2026-10-01", "2026-11-18", None]),
    "field": ["self_harm_thoughts", "flag_dissociation", "hopelessness", "unsafe", "unsafe"],
    "value": ["true", "true", "3", "yes", "Y"],
    "status": ["positive", "positive", "positive", "positive", "possible_positive"],
    "from_quarantine": [False, False, False, True, True],
    "source_file": ["e.csv"] * 5, "source_row": [4, 9, 2, 7, 12],
})


def test_risks_in_period_undated_first_newest_next(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5"}}, risks=RISKS)
    r = safety.risks(t, start="2026-11-16", end="2026-11-22")
    assert r["source_row"].tolist() == [12, 9, 7, 4]  # undated, 11-20, 11-18, 11-17
    assert r["label"].tolist()[1] == "Severe dissociation (losing time, feeling unreal)"
    assert r["label"].tolist()[3] == "Thoughts of self-harm"
    assert r["from_quarantine"].tolist() == [True, False, True, False]
    assert pd.isna(r["client_id"].iloc[2])  # unattributed risk kept
    assert len(safety.risks(t)) == 5  # no period: every row


def test_risks_empty_table(build):
    r = safety.risks(build({"a": {"start": "2026-11-16", "numbness": "5"}}))
    assert r.empty and "label" in r.columns


def test_sufficiency_and_prompts(build):
    prompts = pd.DataFrame({"client_id": ["a", "a", "a"],
                            "date": pd.to_datetime(["2026-11-16", "2026-11-17", "2026-12-01"]),
                            "prompts_sent": [5, 5, 5], "prompts_answered": [3, 1, 5]})
    # row 3 has two problems (counted once), row 6 only had a value blanked (row kept)
    quarantine = pd.DataFrame({"client_id": ["a", "a", "a", "a", None],
                               "source_file": ["e.csv"] * 5, "source_row": [3, 3, 4, 6, 5],
                               "action": ["quarantine", "quarantine", "quarantine", "blank",
                                          "quarantine"]})
    t = build({"a": {"start": "2026-11-16", "numbness": "5 . 5 5", "n_entries": "1 . 3 1"},
               "b": {"start": "2026-11-18", "numbness": "5"}},
              prompts=prompts, quarantine=quarantine)
    s = quality.sufficiency(t, start="2026-11-16", end="2026-11-22").set_index("client_id")
    assert s.loc["a", "days_in_period"] == 7 and s.loc["a", "days_logged"] == 3
    assert s.loc["a", "share_logged"] == pytest.approx(3 / 7)
    assert s.loc["a", "entries_merged"] == 2  # 3 entries on 11-18 merged into one
    assert s.loc["a", "entries_quarantined"] == 2 and s.loc["b", "entries_quarantined"] == 0
    assert (s.loc["a", "prompts_sent"], s.loc["a", "prompts_answered"]) == (10, 4)
    assert s.loc["a", "share_answered"] == pytest.approx(0.4)


def test_last_checkin(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5"},
               "b": {"start": "2026-11-10", "numbness": "5"}})
    r = quality.last_checkin(t, as_of="2026-11-20").set_index("client_id")
    assert r.loc["a", "days_since"] == 3 and r.loc["b", "days_since"] == 10
    assert bool(r.loc["a", "alert"]) and bool(r.loc["b", "alert"])  # 3 >= 3 days
    assert not quality.last_checkin(t).set_index("client_id").loc["a", "alert"]


def test_missingness_stated_when_days_after_high_numbness_are_missed(build):
    # 8 high-numbness days (9) each followed by a missed day; 16 ordinary days mostly followed
    # by logged days.
    pattern = "9 . 3 3 " * 8
    t = build({"a": {"start": "2026-09-01", "numbness": pattern + "3"}})
    m = quality.missingness(t).set_index("trigger")
    row = m.loc["high_numbness"]
    assert (row["n_trigger_days"], row["missed_after_trigger"]) == (8, 8)
    assert (row["n_other_days"], row["missed_after_other"]) == (16, 0)
    table = [[8, 0], [0, 16]]
    assert row["p_value"] == pytest.approx(stats.fisher_exact(table, alternative="greater")[1])
    assert bool(row["stated"]) and "high-numbness days" in row["sentence"]
    assert not m.loc["conflict", "stated"] and m.loc["conflict", "sentence"] == ""
    assert np.isnan(m.loc["conflict", "rate_after_trigger"])


def test_prompts_daily(build):
    prompts = pd.DataFrame({"client_id": ["a", "a"],
                            "date": pd.to_datetime(["2026-11-16", "2026-11-18"]),
                            "prompts_sent": [5, 4], "prompts_answered": [3, 0]})
    t = build({"a": {"start": "2026-11-16", "numbness": "5 . 5"}}, prompts=prompts)
    d = quality.prompts_daily(t)
    assert d["prompts_sent"].tolist()[0] == 5 and pd.isna(d["prompts_sent"].iloc[1])
    assert d["share_answered"].iloc[0] == pytest.approx(0.6)
    assert d["share_answered"].iloc[2] == 0.0
    plain = quality.prompts_daily(build({"a": {"start": "2026-11-16", "numbness": "5"}}))
    assert plain["prompts_sent"].isna().all()


def test_risk_with_unreadable_date_is_kept_first(build):
    risks = RISKS.copy()
    risks["date"] = ["2026-11-17", "2026-11-20", "2026-10-01", "2026-11-18", "31/02/2026"]
    t = build({"a": {"start": "2026-11-16", "numbness": "5"}}, risks=risks)
    r = safety.risks(t, start="2026-11-16", end="2026-11-22")
    assert r["source_row"].tolist() == [12, 9, 7, 4]
    assert pd.isna(r["date"].iloc[0])
