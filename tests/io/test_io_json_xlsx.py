"""JSON, JSON Lines and xlsx entries files: text cells, duplicate keys, NaN literals, ids."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from reconnect_analysis.errors import InputError
from reconnect_analysis.io import read_export


def test_json_list_ids_text_and_values_as_text(tmp_path):
    path = tmp_path / "entries.json"
    path.write_text('[{"client_id": "00123", "date": "2026-11-16", "numbness": 7.5,'
                    ' "cue_body": true, "numbness_form": ["blunted", "no_pleasure"],'
                    ' "note": null, "arousal": -2}]', encoding="utf-8")
    raw = read_export(path)
    row = raw.entries.to_dict("records")[0]
    assert row["client_id"] == "00123"
    assert row["numbness"] == "7.5"
    assert row["cue_body"] == "true"
    assert row["numbness_form"] == "blunted|no_pleasure"
    assert row["note"] == ""
    assert row["arousal"] == "-2"
    assert row["source_row"] == 1 and row["_reader_problem"] == ""
    assert raw.format_name == "native-json"


@pytest.mark.parametrize(("values", "kept"), [
    ('true, "self_harm_thoughts": false', "true"),   # positive first
    ('false, "self_harm_thoughts": true', "true"),   # positive last
    ('false, "self_harm_thoughts": "sí"', "sí"),     # unreadable beats a clear no
    ('false, "self_harm_thoughts": false', "false"),
])
def test_json_duplicate_self_harm_key_keeps_the_positive_answer(tmp_path, values, kept):
    path = tmp_path / "dup.json"
    path.write_text('[{"client_id": "c1", "date": "2026-11-16", "numbness": 5, '
                    f'"self_harm_thoughts": {values}}}]', encoding="utf-8")
    raw = read_export(path)
    row = raw.entries.to_dict("records")[0]
    assert row["self_harm_thoughts"] == kept
    assert row["_reader_problem"] == "duplicate_key"
    assert any("repeat a key" in w for w in raw.warnings)


def test_json_duplicate_hopelessness_keeps_the_highest(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('[{"client_id": "c1", "date": "2026-11-16", "numbness": 5, '
                    '"hopelessness": 3, "hopelessness": 1}]', encoding="utf-8")
    assert read_export(path).entries["hopelessness"].tolist() == ["3"]


def test_json_nan_literal_kept_as_text_and_warned(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('[{"client_id": "c1", "date": "2026-11-16", "numbness": NaN},'
                    ' {"client_id": "c2", "date": "2026-11-16", "numbness": Infinity}]')
    raw = read_export(path)
    assert raw.entries["numbness"].tolist() == ["NaN", "Infinity"]
    assert any("2 NaN/Infinity" in w for w in raw.warnings)


def test_json_single_object_read_as_one_entry(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('{"client_id": "c1", "date": "2026-11-16", "numbness": 4}')
    raw = read_export(path)
    assert raw.entries["client_id"].tolist() == ["c1"]
    assert any("single object" in f for f in raw.fixes)


def test_json_tables_object(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('{"entries": [{"client_id": "c1", "date": "2026-11-16", "numbness": 4}],'
                    ' "events": [{"client_id": "c1", "date": "2026-11-10", "kind": "other",'
                    ' "detail": "x"}], "weekly_screen": []}')
    raw = read_export(path)
    assert len(raw.entries) == 1 and raw.events["kind"].tolist() == ["other"]
    assert len(raw.weekly_screen) == 0


def test_json_non_object_element_marked(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('[{"client_id": "c1", "date": "2026-11-16", "numbness": 4}, 5]')
    assert read_export(path).entries["_reader_problem"].tolist() == ["", "unparseable"]


def test_json_invalid_names_line(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('[{"client_id": "c1",\n "numbness": }]')
    with pytest.raises(InputError, match=r"e\.json, row 2: is not valid JSON"):
        read_export(path)


def test_json_wrong_top_level(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('"just text"')
    with pytest.raises(InputError, match="expected a list of objects"):
        read_export(path)


def test_jsonl_lines_numbered_and_truncated_last(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"client_id": "c1", "date": "2026-11-16", "numbness": 4}\n\n'
                    '{"client_id": "c2", "date": "2026-11-17", "numbness": 6}\n'
                    '{"client_id": "c3", "date": "2026-11-1')
    frame = read_export(path).entries
    assert frame["source_row"].tolist() == [1, 3, 4]
    assert frame["_reader_problem"].tolist() == ["", "", "truncated"]


def test_empty_json_file(tmp_path):
    path = tmp_path / "e.json"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        read_export(path)


def test_xlsx_named_sheets_and_text_cells(tmp_path):
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "entries"
    sheet.append(["client_id", "date", "numbness", "cue_body", "wake_time", "note"])
    sheet.append(["00123", dt.datetime(2026, 11, 16), 7, True, dt.time(7, 30), "ok"])
    sheet.append([123, dt.datetime(2026, 11, 17), 6.5, False, None, None, "stray"])
    events = book.create_sheet("events")
    events.append(["client_id", "date", "kind", "detail"])
    events.append(["00123", "2026-11-10", "medication_start", "x"])
    book.save(path)
    raw = read_export(path)
    rows = raw.entries.to_dict("records")
    assert rows[0]["client_id"] == "00123"
    assert rows[0]["date"] == "2026-11-16"
    assert rows[0]["numbness"] == "7"
    assert rows[0]["cue_body"] == "true"
    assert rows[0]["wake_time"] == "07:30"
    assert rows[1]["numbness"] == "6.5"
    assert rows[1]["note"] == ""
    assert [r["source_row"] for r in rows] == [2, 3]
    assert [r["_reader_problem"] for r in rows] == ["", "field_count"]
    assert any("stored as numbers" in w for w in raw.warnings)
    assert raw.events["kind"].tolist() == ["medication_start"]


def test_xlsx_first_sheet_is_entries(tmp_path):
    path = tmp_path / "clinic.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["client_id", "date", "numbness"])
    book.active.append(["c1", "2026-11-16", "4"])
    book.save(path)
    raw = read_export(path)
    assert raw.entries["numbness"].tolist() == ["4"]
    assert any("first sheet" in f for f in raw.fixes)


def test_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match=r"broken\.xlsx: cannot be opened as an \.xlsx"):
        read_export(path)
