"""End-to-end validation of small native exports, checked against hand-worked outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.schema import validate_export, validate_to_folder
from reconnect_analysis.tables import load
from tests.schema.conftest import TODAY

BASE = {"client_id": "007", "date": "2026-11-16", "numbness": "6"}


def test_two_entries_in_a_day_merge_by_schema_rules(export):
    path = export([
        {**BASE, "submitted_at": "2026-11-16T08:00:00+01:00", "numbness": "6",
         "numbness_form": "no_pleasure|blunted", "arousal": "-1", "cue_body": "true",
         "cue_body_minutes": "5", "hopelessness": "1", "note": "a, b"},
        {**BASE, "submitted_at": "2026-11-16T20:00:00+01:00", "numbness": "9",
         "numbness_form": "disconnected", "arousal": "", "cue_body": "false",
         "cue_body_minutes": "10", "hopelessness": "", "note": ""},
    ])
    tables = validate_export(path, today=TODAY)
    day = tables.entries.iloc[0]
    assert len(tables.entries) == 1
    assert day["client_id"] == "007"                       # leading zeros kept
    assert day["date"] == pd.Timestamp("2026-11-16")
    assert day["numbness"] == 7.5                          # mean (6 + 9) / 2
    assert day["arousal"] == -1.0                          # mean skips the missing one
    assert day["cue_body"] is True or day["cue_body"] == True  # noqa: E712  any-true
    assert day["cue_body_minutes"] == 15.0                 # sum 5 + 10
    assert day["hopelessness"] == 1.0                      # max of 1 and missing
    assert day["numbness_form"] == "blunted|disconnected|no_pleasure"  # union, schema order
    assert day["note"] == "a, b"
    assert day["n_entries"] == 2 and day["source_row"] == 2
    assert tables.entries["date"].dtype == "datetime64[ns]"
    assert str(tables.entries["cue_body"].dtype) == "boolean"
    assert tables.meta["rows_read"] == 2
    assert (tables.meta["rows_kept"], tables.meta["rows_merged"]) == (1, 1)


def test_missing_boolean_stays_missing_not_false(export):
    path = export([{**BASE, "cue_body": ""}, {**BASE, "date": "2026-11-17", "cue_body": ""}])
    tables = validate_export(path, today=TODAY)
    assert tables.entries["cue_body"].isna().all()


@pytest.mark.parametrize(("row", "reason"), [
    ({"numbness": "42"}, "out_of_range:numbness"),
    ({"numbness": "-1"}, "out_of_range:numbness"),
    ({"numbness": "five"}, "not_a_number:numbness"),
    ({"numbness": ""}, "missing:numbness"),
    ({"client_id": ""}, "missing:client_id"),
    ({"client_id": "../../x"}, "bad_format:client_id"),
    ({"date": "01/03/2026"}, "ambiguous_date"),
    ({"date": "45352"}, "bad_date"),
    ({"date": "2026-02-30"}, "bad_date"),
    ({"date": "2031-01-01"}, "implausible_date"),
    ({"date": "1999-12-31"}, "implausible_date"),
])
def test_bad_required_value_quarantines_the_row(export, row, reason):
    path = export([{**BASE, "date": "2026-11-10"}, {**BASE, **row}])
    tables = validate_export(path, today=TODAY)
    assert tables.quarantine["reason"].tolist() == [reason]
    assert tables.quarantine["source_row"].tolist() == [3]
    assert (tables.meta["rows_kept"], tables.meta["rows_quarantined"]) == (1, 1)


def test_bad_optional_value_blanks_the_cell_and_records_it(export):
    path = export([{**BASE, "arousal": "7", "cue_body": "maybe"}])
    tables = validate_export(path, today=TODAY)
    assert len(tables.entries) == 1
    assert pd.isna(tables.entries.loc[0, "arousal"])
    assert pd.isna(tables.entries.loc[0, "cue_body"])
    got = tables.quarantine[["column", "reason", "action"]].values.tolist()
    assert sorted(got) == [["arousal", "out_of_range:arousal", "blank"],
                           ["cue_body", "unknown_value:cue_body", "blank"]]
    assert tables.meta["rows_quarantined"] == 0 and tables.meta["cells_blanked"] == 2


def test_folder_round_trip(export, tmp_path):
    path = export([BASE, {**BASE, "numbness": "=1+1"}])
    tables, folder = validate_to_folder(path, tmp_path / "out", today=TODAY)
    back = load(folder)
    assert back.entries["client_id"].tolist() == ["007"]
    text = (folder / "quarantine.csv").read_text(encoding="utf-8")
    assert "'=1+1" in text and ",=1+1" not in text


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1+1", "'+1+1"), ("-1-1", "'-1-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-2e3", "-2e3"), ("C01", "C01"), ("", ""),
])
def test_neutralise(cell, shown):
    from reconnect_analysis.schema.quarantine import neutralise

    assert neutralise(cell) == shown


def test_a_lost_row_raises_a_reconciliation_error(export, monkeypatch):
    from reconnect_analysis.schema import merge
    from reconnect_analysis.schema.table import ReconciliationError

    real = merge.merge_by_key

    def lossy(frame, table, *, keep=None):
        out, away = real(frame, table, keep=keep)
        return out.iloc[1:], away                          # drops a daily row

    monkeypatch.setattr(merge, "merge_by_key", lossy)
    path = export([BASE, {**BASE, "date": "2026-11-17"}])
    with pytest.raises(ReconciliationError, match="2 kept rows but 1 output rows"):
        validate_export(path, today=TODAY)


def test_every_quarantined_row_has_a_reason_and_the_sums_hold(export):
    rows = [BASE, BASE, {**BASE, "numbness": "x"}, {**BASE, "date": "2026-11-17"},
            {**BASE, "date": "2026-11-17", "numbness": "9"}, {**BASE, "client_id": ""}]
    tables = validate_export(export(rows), today=TODAY)
    meta = tables.meta
    # 6 read = 2 kept (16th, 17th) + 1 merged (17th twice) + 3 quarantined (dup, x, no id)
    assert (meta["rows_read"], meta["rows_kept"], meta["rows_merged"],
            meta["rows_quarantined"]) == (6, 2, 1, 3)
    quarantined = tables.quarantine[tables.quarantine["action"] == "quarantine"]
    assert sorted(quarantined["source_row"]) == [3, 4, 7]


def test_hand_built_frames_get_source_columns():
    from reconnect_analysis.io.raw import RawExport
    from reconnect_analysis.schema import validate_raw

    entries = pd.DataFrame({"client_id": ["C1"], "date": ["2026-11-16"], "numbness": ["x"]})
    tables = validate_raw(RawExport(entries=pd.concat([entries, entries.assign(numbness="4")])),
                          today=TODAY)
    assert tables.quarantine[["source_file", "source_row"]].values.tolist() == [
        ["entries.csv", 2]]


def test_an_export_over_the_size_limit_is_refused_before_reading(export):
    # F10: refused with a size error instead of running out of memory half-way
    from reconnect_analysis.errors import InputError

    path = export([BASE] * 20)
    with pytest.raises(InputError, match=r"^export: the export is too large to validate in one "
                                         r"run \(0 MB, limit 0 MB\); split it by date range"):
        validate_export(path, today=TODAY, max_input_bytes=100)


def test_quarantine_names_the_client_when_the_id_is_usable(export):
    path = export([{**BASE, "numbness": "11"}, {**BASE, "client_id": "../../x"}])
    tables = validate_export(path, today=TODAY)
    quarantine = tables.quarantine
    # row 2: id 007 is fine, numbness is not; row 3: the id itself is unusable
    assert quarantine["source_row"].tolist() == [2, 3]
    assert quarantine["reason"].tolist() == ["out_of_range:numbness", "bad_format:client_id"]
    assert quarantine.loc[0, "client_id"] == "007"
    assert pd.isna(quarantine.loc[1, "client_id"])
