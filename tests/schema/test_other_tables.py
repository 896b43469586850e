"""Events, weekly screens, mapping aggregation overrides and pass-through tables."""

from __future__ import annotations

import pandas as pd

from reconnect_analysis.io.raw import RawExport
from reconnect_analysis.schema import validate_export, validate_raw
from tests.schema.conftest import TODAY

OK = {"client_id": "C1", "date": "2026-11-16", "numbness": "5"}


def test_events_are_kept_one_row_each_and_bad_kinds_quarantined(export):
    path = export([OK], events=[
        {"client_id": "C1", "date": "2026-11-10", "kind": "medication_start", "detail": "x"},
        {"client_id": "C1", "date": "2026-11-10", "kind": "medication_start", "detail": "x"},
        {"client_id": "C1", "date": "2026-11-12", "kind": "lever_start", "detail": "walk"},
        {"client_id": "C1", "date": "2026-11-12", "kind": "holiday", "detail": ""},
        {"client_id": "C1", "date": "2026-11-12", "kind": "", "detail": ""},
    ])
    tables = validate_export(path, today=TODAY)
    assert tables.events[["kind", "source_row"]].values.tolist() == [
        ["medication_start", 2], ["lever_start", 4]]
    assert tables.events["date"].dtype == "datetime64[ns]"
    q = tables.quarantine[tables.quarantine["table"] == "events"]
    assert sorted(zip(q["source_row"], q["reason"], strict=True)) == [
        (3, "duplicate"), (5, "unknown_value:kind"), (6, "missing:kind")]
    assert tables.meta["rows_by_table"]["events"] == {
        "rows_read": 5, "rows_kept": 2, "rows_merged": 0, "rows_quarantined": 3}
    # 6 entries+events rows read = 3 kept + 0 merged + 3 quarantined
    assert (tables.meta["rows_read"], tables.meta["rows_kept"]) == (6, 3)


def test_events_without_a_required_column_are_all_quarantined():
    # (the native reader already refuses such a file; a mapped export may still produce it)
    entries = pd.DataFrame({**{k: [v] for k, v in OK.items()}, "source_file": "e.csv",
                            "source_row": [2]})
    events = pd.DataFrame({"client_id": ["C1"], "date": ["2026-11-10"],
                           "source_file": "v.csv", "source_row": [2]})
    tables = validate_raw(RawExport(entries=entries, events=events), today=TODAY)
    assert tables.events.empty
    assert tables.quarantine["reason"].tolist() == ["missing:kind"]
    assert tables.meta["usable"] is True


def test_two_weekly_screens_in_a_week_merge_by_max_and_any(export):
    path = export([OK], weekly=[
        {"client_id": "C1", "week_start": "2026-11-16", "impair_work": "1",
         "risk_self_harm": "false"},
        {"client_id": "C1", "week_start": "2026-11-16", "impair_work": "3",
         "risk_self_harm": ""},
        {"client_id": "C1", "week_start": "2026-11-09", "impair_work": "4"},
    ])
    tables = validate_export(path, today=TODAY)
    screens = tables.weekly_screen
    assert screens["week_start"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-09",
                                                                     "2026-11-16"]
    assert pd.isna(screens.loc[0, "impair_work"])             # 4 is out of 0-3: blanked
    assert screens.loc[1, "impair_work"] == 3.0               # max(1, 3)
    assert screens.loc[1, "risk_self_harm"] == False  # noqa: E712  any of (false, missing)
    assert screens["n_entries"].tolist() == [1, 2]


def test_mapping_aggregation_override_is_used():
    entries = pd.DataFrame({
        "client_id": ["C1", "C1"], "date": ["2026-11-16", "2026-11-16"],
        "numbness": [2.0, 8.0], "source_file": "x.csv", "source_row": [2, 3]})
    raw = RawExport(entries=entries, aggregation={"numbness": "max"}, format_name="mapped")
    tables = validate_raw(raw, today=TODAY)
    assert tables.entries["numbness"].tolist() == [8.0]       # max, not the mean 5.0
    assert tables.meta["format"] == "mapped"


def test_typed_input_from_a_mapping_is_accepted():
    entries = pd.DataFrame({
        "client_id": ["007", "007"], "date": pd.to_datetime(["2026-11-16", "2026-11-17"]),
        "numbness": [3.0, 11.0], "cue_body": [True, False], "unsafe": [1, 0],
        "source_file": "x.csv", "source_row": [2, 3]})
    tables = validate_raw(RawExport(entries=entries), today=TODAY)
    assert tables.entries["cue_body"].tolist() == [True]
    assert tables.quarantine["reason"].tolist() == ["out_of_range:numbness"]
    assert tables.risks[["field", "status"]].values.tolist() == [["unsafe", "positive"]]


def test_prompts_pass_through():
    prompts = pd.DataFrame({"client_id": ["C1"], "date": pd.to_datetime(["2026-11-16"]),
                            "prompts_sent": [10], "prompts_answered": [6]})
    entries = pd.DataFrame({"client_id": ["C1"], "date": ["2026-11-16"], "numbness": ["4"],
                            "source_file": "x.csv", "source_row": [2]})
    tables = validate_raw(RawExport(entries=entries, prompts=prompts), today=TODAY)
    assert tables.prompts.equals(prompts)
