"""The planted effects can be recovered from the raw CSV files with plain pandas.

Each check uses every client of the archetype in the seed-7 caseload (30 clients, 12 weeks,
2026-08-31 .. 2026-11-22), and the dates written to demo_truth.json.
"""

from __future__ import annotations

import pandas as pd

from reconnect_analysis.demo.archetypes import HOSTILE_NOTES

from .conftest import CUES, daily

START, END = "2026-08-31", "2026-11-22"


def _window(days: pd.DataFrame, start, length: int) -> pd.DataFrame:
    start = pd.Timestamp(start)
    return days.loc[start:start + pd.Timedelta(days=length - 1)]


def test_responder_practises_more_numbness_falls_and_shifts_follow_a_day_later(caseload):
    clients = caseload.of_archetype("responder")
    assert len(clients) == 4   # C01, C09, C17, C25
    for client_id in clients:
        days = daily(caseload.client(client_id), START, END)
        first, last = days.iloc[:14], days.iloc[-14:]
        assert last["practice"].mean() > first["practice"].mean(), client_id
        assert last["numbness"].mean() < first["numbness"].mean() - 3, client_id
        lag = days["practice"].corr(days["shift_count"].shift(-1), method="spearman")
        same = days["practice"].corr(days["shift_count"], method="spearman")
        assert lag > 0.4, client_id
        assert lag > same + 0.3 and abs(same) < 0.4, client_id
        interest_lag = days["practice"].corr(days["interest_pct"].shift(-1),
                                             method="spearman")
        assert interest_lag > 0.4, client_id


def test_non_responder_has_no_link_and_flat_numbness(caseload):
    for client_id in caseload.of_archetype("non_responder"):
        days = daily(caseload.client(client_id), START, END)
        lag = days["practice"].corr(days["shift_count"].shift(-1), method="spearman")
        assert abs(lag) < 0.4, client_id
        assert 0.2 < days["practice"].mean() < 0.7, client_id
        assert 6.0 < days["numbness"].mean() < 8.0, client_id
        assert abs(days["numbness"].iloc[-14:].mean() - days["numbness"].iloc[:14].mean()) < 1


def test_medication_blunting_after_the_dose_change(caseload):
    for client_id in caseload.of_archetype("medication_blunting"):
        planted = caseload.truth["clients"][client_id]["planted"]
        event = caseload.events[caseload.events.client_id == client_id]
        assert event[["date", "kind"]].values.tolist() == [
            [planted["dose_change"], "medication_dose_change"]]
        days = daily(caseload.client(client_id), START, END)
        change = pd.Timestamp(planted["dose_change"])
        before = _window(days, change - pd.Timedelta(days=14), 14)
        after = _window(days, pd.Timestamp(planted["effect_from"]), 14)
        assert after["numbness"].mean() > before["numbness"].mean() + 0.75, client_id
        assert after["shift_count"].mean() < before["shift_count"].mean() - 0.5, client_id


def test_burnout_wake_time_alcohol_and_numbness_improve_after_the_lever(caseload):
    for client_id in caseload.of_archetype("burnout_lever"):
        planted = caseload.truth["clients"][client_id]["planted"]
        lever = pd.Timestamp(planted["lever_start"])
        assert [planted["lever_start"], "lever_start", "consistent wake time"] in \
            caseload.events[caseload.events.client_id == client_id][
                ["date", "kind", "detail"]].values.tolist()
        e = caseload.client(client_id)
        wake = pd.to_timedelta(e["wake_time"] + ":00").dt.total_seconds() / 60
        before, after = e["date"] < lever, e["date"] >= lever
        assert wake[before].std() > 60, client_id
        assert wake[after].std() < 35, client_id
        weeks_before = (lever - pd.Timestamp(START)).days / 7
        weeks_after = (pd.Timestamp(END) - lever).days / 7 + 1 / 7
        alcohol_days = e["alcohol_drinks"] > 0
        assert alcohol_days[before].sum() / weeks_before >= 2.0, client_id
        assert alcohol_days[after].sum() / weeks_after <= 1.5, client_id
        assert e["conflict"][before].mean() > e["conflict"][after].mean(), client_id
        days = daily(e, START, END)
        assert days["numbness"].iloc[-14:].mean() < days["numbness"].loc[:lever].mean() - 1.0


def test_sparse_logger_logs_under_half_the_days_with_a_gap_at_the_end(caseload):
    for client_id in caseload.of_archetype("sparse_logger"):
        planted = caseload.truth["clients"][client_id]["planted"]
        logged = caseload.client(client_id)["date"].drop_duplicates().sort_values()
        assert len(logged) / 84 < 0.5, client_id
        assert len(logged) == planted["logged_days"]
        assert logged.max() <= pd.Timestamp(END) - pd.Timedelta(days=3), client_id
        assert logged.max() == pd.Timestamp(planted["last_logged"])
        assert logged.diff().dt.days.max() >= 3, client_id


def test_risk_client_answers_self_harm_and_a_red_flag_in_the_last_week(caseload):
    last_week = pd.Timestamp("2026-11-16")
    risk_clients = caseload.of_archetype("risk_week")
    for client_id in risk_clients:
        planted = caseload.truth["clients"][client_id]["planted"]
        e = caseload.client(client_id)
        harm = e.loc[e["self_harm_thoughts"] == True, "date"]   # noqa: E712
        flag = e.loc[e["flag_dissociation"] == True, "date"]    # noqa: E712
        assert harm.tolist() == [pd.Timestamp(planted["self_harm_thoughts"])]
        assert flag.tolist() == [pd.Timestamp(planted["flag_dissociation"])]
        assert harm.iloc[0] >= last_week and flag.iloc[0] >= last_week
        assert harm.iloc[0] != flag.iloc[0]
        week = e[e["date"] >= last_week]
        assert week["hopelessness"].between(2, 3).all()
        assert (e.loc[e["date"] < last_week, "hopelessness"] <= 1).all()
        screen = caseload.screen[caseload.screen.client_id == client_id]
        assert screen.loc[screen.risk_self_harm == True, "week_start"].tolist() == [  # noqa: E712
            "2026-11-16"]
    others = caseload.entries[~caseload.entries.client_id.isin(risk_clients)]
    for column in ("self_harm_thoughts", "unsafe", "flag_dissociation", "flag_psychotic",
                   "flag_cannot_self_care", "flag_head_injury"):
        assert not (others[column] == True).any(), column   # noqa: E712
    assert (others["hopelessness"].dropna() <= 1).all()


def test_messy_logger_has_bad_values_duplicates_and_hostile_notes(caseload):
    for client_id in caseload.of_archetype("messy_logger"):
        planted = caseload.truth["clients"][client_id]["planted"]
        e = caseload.client(client_id)
        for bad in planted["out_of_range"]:
            rows = e[e["date"] == pd.Timestamp(bad["date"])]
            assert bad["value"] in rows[bad["column"]].tolist(), bad
        assert set(e["numbness"]) >= {11, -1} and 140 in set(e["interest_pct"])
        # one exact duplicate row, on the planted day
        dupes = e[e.duplicated(keep=False)]
        assert len(dupes) == 2
        assert dupes["date"].iloc[0] == pd.Timestamp(planted["exact_duplicate"])
        # one day twice at the same time with different answers
        same_time = e[e.duplicated(["date", "submitted_at"], keep=False)
                      & ~e.duplicated(keep=False)]
        assert same_time["date"].nunique() == 1
        assert same_time["date"].iloc[0] == pd.Timestamp(planted["conflicting_duplicate"]["date"])
        assert same_time["numbness"].nunique() == 2
        # three entries at different times; their mean is the planted daily value 5
        three = e[e["date"] == pd.Timestamp(planted["three_entries"]["date"])]
        assert len(three) == 3 and three["submitted_at"].nunique() == 3
        assert three["numbness"].tolist() == [6, 4, 5] and three["numbness"].mean() == 5
        # hostile notes come back exactly, newline and emoji included
        notes = set(e["note"].dropna())
        assert set(HOSTILE_NOTES) <= notes
        raw = caseload.result.paths["entries"].read_text(encoding="utf-8")
        assert '"=HYPERLINK(""http://example.invalid"",""click"")"' in raw


def test_esm_client_logs_several_entries_a_day_in_time_order(caseload):
    for client_id in caseload.of_archetype("esm_multi_entry"):
        e = caseload.client(client_id)
        per_day = e.groupby("date").size()
        assert per_day.between(2, 5).all() and per_day.mean() > 3, client_id
        times = e.groupby("date")["submitted_at"].apply(lambda s: s.is_monotonic_increasing)
        assert times.all()
        # fuel questions once a day: sleep is empty on all but the first entry of a day
        later = e[e.duplicated("date")]
        assert later["sleep_hours"].isna().all()
        cues_per_day = e.groupby("date")[CUES].sum()
        assert (cues_per_day <= 1).all().all()
