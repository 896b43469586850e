"""Native CSV reader: cells as text, nothing shifted, the pitfalls of RELIABILITY.md F1-F14."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_analysis.errors import InputError
from reconnect_analysis.io import read_export

HEADER = "client_id,date,numbness,note\n"


def write(tmp_path: Path, text: str | bytes, name: str = "entries.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def records(raw) -> list[dict]:
    return raw.entries.to_dict("records")


def test_cells_stay_text_with_leading_zeros_and_na_words(tmp_path):
    path = write(tmp_path, HEADER + "00123,2026-11-16,7,NA\nc2,2026-11-17,None,null\n")
    rows = records(read_export(path))
    assert rows[0]["client_id"] == "00123"
    assert rows[0]["note"] == "NA"
    assert rows[1]["numbness"] == "None"
    assert rows[1]["note"] == "null"
    assert [r["source_row"] for r in rows] == [2, 3]
    assert [r["_reader_problem"] for r in rows] == ["", ""]
    assert rows[0]["source_file"] == "entries.csv"


def test_row_with_extra_field_is_marked_not_shifted(tmp_path):
    # R-F8: pandas would turn the first column into the index and shift every value.
    path = write(tmp_path, HEADER + "c1,2026-11-16,7,x,EXTRA\nc2,2026-11-17,3,y\n")
    rows = records(read_export(path))
    assert rows[0]["client_id"] == "c1"
    assert rows[0]["numbness"] == "7"
    assert rows[0]["_reader_problem"] == "field_count"
    assert rows[1] | {} == rows[1] and rows[1]["_reader_problem"] == ""
    assert rows[1]["client_id"] == "c2"


def test_short_row_is_marked_not_nan_filled(tmp_path):
    # "c1,2026-11-16" has 2 fields for 4 columns; "c2,2026-11-17,3," has 4 (last empty).
    path = write(tmp_path, HEADER + "c1,2026-11-16\nc2,2026-11-17,3,\n")
    rows = records(read_export(path))
    assert [r["_reader_problem"] for r in rows] == ["field_count", ""]
    assert rows[1]["note"] == ""


def test_truncated_last_line(tmp_path):
    path = write(tmp_path, HEADER + "c1,2026-11-16,7,ok\nc2,2026-11-1")
    rows = records(read_export(path))
    assert [r["_reader_problem"] for r in rows] == ["", "truncated"]
    assert rows[1]["source_row"] == 3


def test_last_line_without_newline_but_complete_is_fine(tmp_path):
    path = write(tmp_path, HEADER + "c1,2026-11-16,7,ok")
    assert records(read_export(path))[0]["_reader_problem"] == ""


def test_single_stray_quote_is_literal_text_not_an_unterminated_field(tmp_path):
    path = write(tmp_path, HEADER + 'c1,2026-11-16,7,5" tall\nc2,2026-11-17,3,ok\n')
    rows = records(read_export(path))
    assert [r["note"] for r in rows] == ['5" tall', "ok"]


def test_unterminated_quote_at_eof_names_the_line(tmp_path):
    # Lines: 1 header, 2 c1, 3 c2 opens a quote that never closes.
    path = write(tmp_path, HEADER + 'c1,2026-11-16,7,ok\nc2,2026-11-17,3,"never closed\nmore\n')
    with pytest.raises(InputError, match=r"entries\.csv, row 3: a quote opened on line 3"):
        read_export(path)


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match=r"entries\.csv: empty file"):
        read_export(write(tmp_path, b""))


def test_header_only_gives_zero_rows(tmp_path):
    raw = read_export(write(tmp_path, HEADER))
    assert len(raw.entries) == 0
    assert {"client_id", "numbness", "source_row", "_reader_problem"} <= set(raw.entries.columns)


def test_bom_first_column_is_exactly_client_id(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + HEADER.encode() + b"c1,2026-11-16,7,ok\n")
    raw = read_export(path)
    assert list(raw.entries.columns)[0] == "client_id"
    assert raw.encoding == "utf-8-sig"


def test_cp1252_decoded_right_and_reported(tmp_path):
    # "café" in Windows-1252 is 63 61 66 E9; as UTF-8 the E9 byte is invalid.
    path = write(tmp_path, HEADER.encode() + b"c1,2026-11-16,7,caf\xe9 \x93ok\x94\n")
    raw = read_export(path)
    assert records(raw)[0]["note"] == "café \u201cok\u201d"
    assert raw.encoding == "cp1252"
    assert any("Windows-1252" in f for f in raw.fixes)


def test_utf8_is_never_read_as_cp1252(tmp_path):
    path = write(tmp_path, HEADER + "c1,2026-11-16,7,café 🙂\n")
    raw = read_export(path)
    assert records(raw)[0]["note"] == "café 🙂"
    assert raw.encoding == "utf-8"


def test_semicolon_and_decimal_comma(tmp_path):
    text = "client_id;date;numbness;sleep_hours;note\nc1;2026-11-16;7,5;6,25;a,b\n"
    raw = read_export(write(tmp_path, text))
    row = records(raw)[0]
    assert row["numbness"] == "7.5"
    assert row["sleep_hours"] == "6.25"
    assert row["note"] == "a,b"  # free text is never touched
    assert any("semicolon" in f for f in raw.fixes)
    assert any("decimal commas" in f and "2 cell(s)" in f for f in raw.fixes)


def test_crlf_and_quoted_newlines_kept_and_rows_counted_as_records(tmp_path):
    text = (HEADER + 'c1,2026-11-16,7,"line one\r\nline two, ""quoted"" <b>&"\r\n'
            "c2,2026-11-17,3,plain\r\n").replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    rows = records(read_export(write(tmp_path, text)))
    assert rows[0]["note"] == 'line one\r\nline two, "quoted" <b>&'
    assert rows[1]["note"] == "plain"
    assert [r["source_row"] for r in rows] == [2, 3]  # a record with a newline counts once


def test_blank_lines_skipped_but_rows_numbered_as_in_the_file(tmp_path):
    text = HEADER + "c1,2026-11-16,7,a\n\nc2,2026-11-17,3,b\n"
    rows = records(read_export(write(tmp_path, text)))
    assert [r["source_row"] for r in rows] == [2, 4]


def test_column_names_trimmed_and_case_folded(tmp_path):
    raw = read_export(write(tmp_path, " Client_ID ,DATE,Numbness,Sleep Hours\nc1,2026-11-16,7,8\n"))
    assert list(raw.entries.columns[:4]) == ["client_id", "date", "numbness", "sleep_hours"]
    assert any("ignoring case" in f for f in raw.fixes)


def test_extra_columns_reported_and_kept_by_name(tmp_path):
    raw = read_export(write(tmp_path, "client_id,mood_extra,date,numbness\nc1,9,2026-11-16,7\n"))
    row = records(raw)[0]
    assert row["numbness"] == "7" and row["mood_extra"] == "9"
    assert any("mood_extra" in w for w in raw.warnings)


def test_missing_required_column_names_it(tmp_path):
    message = r"entries\.csv, column numbness: required column numbness is missing"
    with pytest.raises(InputError, match=message):
        read_export(write(tmp_path, "client_id,date,note\nc1,2026-11-16,x\n"))


def test_two_columns_folding_to_one_name_refused(tmp_path):
    with pytest.raises(InputError, match="both mean 'numbness'"):
        read_export(write(tmp_path, "client_id,date,numbness,Numbness \nc1,2026-11-16,7,8\n"))


def test_stray_quote_inside_a_field_falls_back_to_exact_parser(tmp_path):
    # A quote in the middle of an unquoted field is literal text for pandas and csv;
    # the byte scan's quote parity goes wrong, so the reader re-parses with csv.
    text = HEADER + 'c1,2026-11-16,7,5" tall\nc2,2026-11-17,3,ok"\n'
    rows = records(read_export(write(tmp_path, text)))
    assert [r["note"] for r in rows] == ['5" tall', 'ok"']
    assert [r["_reader_problem"] for r in rows] == ["", ""]


def test_native_folder_reads_three_tables_and_ignores_other_files(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write(folder, HEADER + "c1,2026-11-16,7,ok\n")
    write(folder, "client_id,date,kind,detail\nc1,2026-11-10,medication_start,x\n", "events.csv")
    write(folder, "client_id,week_start,impair_work\nc1,2026-11-16,2\n", "weekly_screen.csv")
    write(folder, '{"truth": 1}', "demo_truth.json")
    raw = read_export(folder)
    assert len(raw.entries) == 1 and len(raw.events) == 1 and len(raw.weekly_screen) == 1
    assert raw.events["kind"].tolist() == ["medication_start"]
    assert raw.weekly_screen["source_file"].tolist() == ["weekly_screen.csv"]
    assert [Path(p).name for p in raw.input_files] == ["entries.csv", "events.csv",
                                                       "weekly_screen.csv"]


def test_folder_without_entries_refused(tmp_path):
    with pytest.raises(InputError, match="no entries.csv"):
        read_export(tmp_path)


def test_unknown_format_refused(tmp_path):
    with pytest.raises(InputError, match=r"data\.xls: unknown format '\.xls'"):
        read_export(write(tmp_path, b"\xd0\xcf\x11\xe0", "data.xls"))


def test_missing_path_refused(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_export(tmp_path / "nope.csv")


def test_row_of_bare_delimiters_is_a_row_not_a_blank_line(tmp_path):
    rows = records(read_export(write(tmp_path, HEADER + ",,,\nc2,2026-11-17,3,b\n")))
    assert [r["source_row"] for r in rows] == [2, 3]
    assert rows[0]["client_id"] == "" and rows[0]["_reader_problem"] == ""


def test_crlf_blank_lines_and_whitespace_line(tmp_path):
    text = "client_id,date,numbness,note\r\nc1,2026-11-16,7,a\r\n\r\n   \r\nc2,2026-11-17,3,b\r\n"
    raw = read_export(write(tmp_path, text))
    rows = records(raw)
    # rows: 2 c1, 3 blank (skipped), 4 whitespace only (one field: kept aside), 5 c2
    assert [(r["source_row"], r["_reader_problem"]) for r in rows] == [
        (2, ""), (4, "field_count"), (5, "")]
    assert rows[1]["client_id"] == "   "
    assert any("1 blank line skipped" in f for f in raw.fixes)


def test_bad_rows_among_many_keep_their_row_numbers(tmp_path):
    # 5000 good records, each with a quoted two-line note; records 1000 and 4000 are broken.
    lines = [HEADER.rstrip("\n")]
    for i in range(5000):
        if i == 1000:
            lines.append(f"c{i},2026-11-16,5")
        elif i == 4000:
            lines.append(f'c{i},2026-11-16,5,"a\nb",extra')
        else:
            lines.append(f'c{i},2026-11-16,{i % 11},"note {i}\nline 2"')
    raw = read_export(write(tmp_path, "\n".join(lines) + "\n"))
    frame = raw.entries
    assert len(frame) == 5000
    # record i sits on spreadsheet row i + 2
    assert (frame["source_row"] == frame["client_id"].str[1:].astype(int) + 2).all()
    bad = frame[frame["_reader_problem"] != ""]
    assert bad["client_id"].tolist() == ["c1000", "c4000"]
    assert bad["_reader_problem"].tolist() == ["field_count", "field_count"]
    assert frame.loc[frame["client_id"] == "c4999", "note"].item() == "note 4999\nline 2"
    assert frame.loc[frame["client_id"] == "c4000", "note"].item() == "a\nb"


def test_oversized_file_refused_before_reading(tmp_path, monkeypatch):
    from reconnect_analysis.io import native
    monkeypatch.setattr(native, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, HEADER + "c1,2026-11-16,7,ok\n" * 10)   # 28 + 190 bytes
    with pytest.raises(InputError, match=r"entries\.csv: is 0\.0 GiB, more than"):
        read_export(path)


def test_cr_only_line_ends(tmp_path):
    text = "client_id,date,numbness\rc1,2026-11-16,4\rc2,2026-11-17,5\r"
    raw = read_export(write(tmp_path, text))
    assert raw.entries["client_id"].tolist() == ["c1", "c2"]
    assert raw.entries["source_row"].tolist() == [2, 3]
    assert any("CR only" in f for f in raw.fixes)


def test_tab_separated_and_quoted_header(tmp_path):
    raw = read_export(write(tmp_path, '"client_id"\t"date"\t"numbness"\n"c1"\t2026-11-16\t4\n'))
    assert raw.entries[["client_id", "numbness"]].values.tolist() == [["c1", "4"]]
    assert any("tab-separated" in f for f in raw.fixes)


def test_events_file_without_a_required_column_keeps_the_entries(tmp_path):
    """A broken optional table must not throw away usable check-ins: its rows are
    quarantined with the reason, the entries are kept."""
    from reconnect_analysis.schema import validate_export

    (tmp_path / "entries.csv").write_text(
        "client_id,date,numbness\nC1,2026-11-16,6\nC1,2026-11-17,5\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "client_id,date,detail\nC1,2026-11-16,dose up\n", encoding="utf-8")
    tables = validate_export(tmp_path)
    assert len(tables.entries) == 2
    assert tables.quarantine[["table", "source_row", "reason"]].values.tolist() == [
        ["events", 2, "missing:kind"]]
