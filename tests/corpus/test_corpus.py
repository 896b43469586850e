"""The bad-input corpus: each case runs ``reconnect validate`` and checks its outcome.

Every case is one entry of ``CASES`` (id, catalogue ids of shared/RELIABILITY.md, the input
in words, the expected outcome in words, the files, and the checks). ``CASES.md`` beside this
file is rendered from the list; a test fails when the two differ (regenerate with
``python -m tests.corpus.test_corpus``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from reconnect_analysis.cli import cli
from reconnect_analysis.tables import load

HEADER = "client_id,date,numbness"
OK = "C1,2026-11-16,5"
CANARY = "CANARY-7f3a"


def csv(*lines: str, header: str = HEADER, end: str = "\n") -> dict:
    return {"entries.csv": (end.join((header, *lines)) + end).encode("utf-8")}


@dataclass
class Case:
    id: str
    catalogue: str
    given: str
    expected: str
    files: dict
    exit_code: int = 0
    message: str | None = None
    quarantine: list | None = None
    """Expected sorted ``(source_row, reason)`` pairs of quarantined rows (action quarantine)."""
    kept: int | None = None
    risks: list | None = None
    """Expected ``(client_id, date, field, status, from_quarantine)`` tuples."""
    target: str = "folder"
    extra: object = None
    """Callable ``(tables, result) -> None`` with further assertions."""
    tags: list = field(default_factory=list)


def _entries_note(tables, expected):
    assert tables.entries["note"].tolist() == expected


def _check_bom(tables, result):
    assert tables.entries.columns[0] == "client_id"
    assert tables.entries["client_id"].tolist() == ["00123"]


def _check_latin(tables, result):
    assert tables.meta["encoding"] == "cp1252"
    _entries_note(tables, ["café"])


def _check_semicolon(tables, result):
    assert tables.entries["numbness"].tolist() == [5.5]


def _check_f9(tables, result):
    assert tables.entries["client_id"].tolist() == ["00123"]


def _check_crlf(tables, result):
    assert tables.entries["note"].tolist() == ["two\r\nlines", "x"]
    assert tables.meta["rows_read"] == 2


def _check_extras(tables, result):
    assert "columns not in the schema were ignored: mood_extra" in result.output
    assert list(tables.entries.columns[:3]) == ["client_id", "date", "numbness"]
    assert tables.entries["numbness"].tolist() == [5.0]


def _check_r5(tables, result):
    assert [d.strftime("%Y-%m-%d") for d in tables.entries["date"]] == [
        "2024-03-31", "2024-10-27"]


def _check_r6(tables, result):
    # 23:59 at -05:00 is the 16th locally (04:59 UTC on the 17th); 00:01 at +09:00 is the
    # 17th locally (15:01 UTC on the 16th): the day is the client's local date.
    assert [d.strftime("%Y-%m-%d") for d in tables.entries["date"]] == [
        "2026-11-16", "2026-11-17"]


def _check_r9(tables, result):
    assert tables.entries["note"].tolist() == ["NA", "None", "null"]
    assert tables.entries["arousal"].isna().all()
    assert tables.entries["cue_body"].isna().all()


def _check_r10(tables, result):
    assert tables.entries["numbness"].tolist() == [7.0]


def _check_r11(tables, result):
    row = tables.entries.iloc[0]
    assert (row["numbness"], row["n_entries"], row["cue_body_minutes"]) == (5.0, 3, 30.0)


def _check_r12(tables, result):
    assert tables.entries["client_id"].tolist() == ["C1"]
    assert set(tables.quarantine["source_row"]) == {3, 4}


def _check_h1(tables, result):
    notes = tables.entries["note"].tolist()
    assert notes == ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                     "[x](javascript:alert(1))", "$\\frac{1}{0}$ \x1b[31mred"]
    assert "<script>" not in result.output


def _check_h2(tables, result):
    assert tables.entries["client_id"].tolist() == ["C1"]
    assert "../../x" not in result.output and "\x00" not in result.output


def _check_h3(tables, result):
    assert tables.entries["note"].tolist() == ['say "hi" \\ back\nline\u2028sep']


def _check_h4(tables, result):
    text = (Path(result.folder) / "quarantine.csv").read_bytes().decode("utf-8")
    for bad in ("=1+1", "+1+1", "@SUM(A1)", "\tx"):
        assert f",'{bad}," in text, bad
    assert ",-3,out_of_range:numbness," in text     # plain numbers stay untouched
    assert ",-4,out_of_range:arousal,blank" in text


def _check_h5(tables, result):
    note = tables.entries["note"].iloc[0]
    assert len(note) < 5100 and note.endswith("[...truncated]")
    fixes = tables.quarantine[tables.quarantine["action"] == "fix"]
    assert fixes["reason"].tolist() == ["truncated_text:note"]
    assert fixes["value"].tolist() == [""]           # the note itself is never copied


def _check_h6(tables, result):
    assert CANARY not in result.output
    assert "\x1b" not in result.output


def _check_s3(tables, result):
    assert "ALERT: 1 risk answer(s) without a usable client id" in result.output
    assert tables.meta["unattributed_risks"] == 1


def _check_f12(tables, result):
    assert len(tables.entries) == 2


def _check_f11_nan(tables, result):
    assert tables.quarantine["reason"].tolist() == ["missing:numbness"]


FULL = ("client_id,date,submitted_at,numbness,arousal,note,cue_body,cue_body_minutes,"
        "self_harm_thoughts,unsafe,hopelessness,flag_psychotic")

CASES = [
    Case("F1", "F1", "0-byte entries.csv", "exit 1, 'empty file'",
         {"entries.csv": b""}, exit_code=1, message="entries.csv: empty file"),
    Case("F2", "F2", "header row only", "exit 1, 'no check-ins in this file'",
         csv(), exit_code=1, message="entries.csv: no check-ins in this file"),
    Case("F3", "F3", "UTF-8 BOM, id 00123", "first column is client_id; id kept as '00123'",
         {"entries.csv": b"\xef\xbb\xbf" + b"client_id,date,numbness\n00123,2026-11-16,5\n"},
         kept=1, extra=_check_bom),
    Case("F4", "F4", "Windows-1252 byte (caf\\xe9) in a note",
         "read as cp1252 (reported), note 'café', no mojibake",
         {"entries.csv": b"client_id,date,numbness,note\nC1,2026-11-16,5,caf\xe9\n"},
         kept=1, extra=_check_latin),
    Case("F5", "F5", "';' delimiter and decimal comma 5,5", "detected; numbness 5.5",
         {"entries.csv": b"client_id;date;numbness\nC1;2026-11-16;5,5\n"}, kept=1,
         extra=_check_semicolon),
    Case("F6", "F6", "last line cut after the date field", "row 3 quarantined 'truncated'",
         {"entries.csv": b"client_id,date,numbness,note\nC1,2026-11-16,5,ok\nC1,2026-11-1"},
         kept=1, quarantine=[(3, "truncated")]),
    Case("F7", "F7", "unterminated quote at end of file", "exit 1 naming the file and row",
         {"entries.csv": b'client_id,date,numbness,note\nC1,2026-11-16,5,"ok\nC1,2026-11-17,6\n'},
         exit_code=1, message="entries.csv, row 2: a quote opened on line 2 is never closed"),
    Case("F8", "F8", "row with one extra field", "no column shift; row 3 'field_count'",
         csv(OK, "C1,2026-11-17,6,EXTRA", "C1,2026-11-18,7"), kept=2,
         quarantine=[(3, "field_count")]),
    Case("F9", "F9", "Excel damage: date serial 45352, id 00123, numbness 1.2E+05",
         "id stays '00123'; serial 'bad_date'; 1.2E+05 'out_of_range:numbness'",
         csv("00123,2026-11-16,5", "00123,45352,5", "00123,2026-11-17,1.2E+05"), kept=1,
         quarantine=[(3, "bad_date"), (4, "out_of_range:numbness")], extra=_check_f9),
    Case("F11a", "F11", "JSON record repeating self_harm_thoughts (true, then false)",
         "record quarantined 'duplicate_key'; the self-harm answer still gives a risk record",
         {"entries.json": b'[{"client_id":"C1","date":"2026-11-16","numbness":5},'
                          b'{"client_id":"C1","date":"2026-11-17","numbness":5,'
                          b'"self_harm_thoughts":true,"self_harm_thoughts":false}]'},
         target="entries.json", kept=1, quarantine=[(2, "duplicate_key")],
         risks=[("C1", "2026-11-17", "self_harm_thoughts", "positive", True)]),
    Case("F11b", "F11", "JSON numbness NaN literal", "row quarantined 'missing:numbness'",
         {"entries.json": b'[{"client_id":"C1","date":"2026-11-16","numbness":NaN},'
                          b'{"client_id":"C1","date":"2026-11-17","numbness":4}]'},
         target="entries.json", kept=1, extra=_check_f11_nan),
    Case("F11c", "F11", "JSON object instead of a list of records",
         "exit 1 naming the file", {"entries.json": b'{"client_id":"C1"}'},
         target="entries.json", exit_code=1, message="entries.json"),
    Case("F12", "F12", "the same two rows imported twice (file concatenated)",
         "second copies quarantined 'duplicate'; kept count unchanged (2)",
         csv(OK, "C1,2026-11-17,6", OK, "C1,2026-11-17,6"), kept=2,
         quarantine=[(4, "duplicate"), (5, "duplicate")], extra=_check_f12),
    Case("F13", "F13", "CRLF line ends and a quoted note with a line break",
         "2 records (not 3 lines); note intact", csv(
             'C1,2026-11-16,5,"two\r\nlines"', "C1,2026-11-17,6,x",
             header="client_id,date,numbness,note", end="\r\n"), kept=2, extra=_check_crlf),
    Case("F14a", "F14", "required column numbness missing", "exit 1 naming column numbness",
         csv("C1,2026-11-16", header="client_id,date"), exit_code=1,
         message="column numbness"),
    Case("F14b", "F14", "columns reordered plus an unknown extra column",
         "mapped by name; extra column reported, not used",
         csv("x,5,2026-11-16,C1", header="mood_extra,numbness,date,client_id"), kept=1,
         extra=_check_extras),
    Case("U1", "F14", "a .pdf file given as the export", "exit 1: unknown format",
         {"report.pdf": b"%PDF-1.4\n"}, target="report.pdf", exit_code=1,
         message="report.pdf: unknown format '.pdf'"),
    Case("U2", "F1", "an export folder without entries.csv", "exit 1: no entries.csv",
         {"events.csv": b"client_id,date,kind\n"}, exit_code=1,
         message="export: no entries.csv in this folder"),
    Case("U3", "F14", "a CSV of another app (columns a, b)", "exit 1 naming column client_id",
         csv("1,2", header="a,b"), exit_code=1,
         message="entries.csv, column client_id: required column client_id is missing"),
    Case("R1", "R1", "exact duplicate row", "first kept, second 'duplicate'",
         csv(OK, OK), kept=1, quarantine=[(3, "duplicate")]),
    Case("R2", "R2", "same client and submitted_at, different numbness, one says self-harm",
         "both 'conflict'; the self-harm answer is still a risk record",
         csv("C1,2026-11-16,2026-11-16T09:00:00+01:00,5,,,,,true,,,",
             "C1,2026-11-16,2026-11-16T09:00:00+01:00,8,,,,,false,,,",
             "C1,2026-11-17,2026-11-17T09:00:00+01:00,4,,,,,,,,", header=FULL),
         kept=1, quarantine=[(2, "conflict"), (3, "conflict")],
         risks=[("C1", "2026-11-16", "self_harm_thoughts", "positive", True)]),
    Case("R3", "R3", "numbness 42 and -1; numbness empty", "'out_of_range:numbness' twice, "
         "'missing:numbness' once", csv(OK, "C1,2026-11-17,42", "C1,2026-11-18,-1",
                                         "C1,2026-11-19,"), kept=1,
         quarantine=[(3, "out_of_range:numbness"), (4, "out_of_range:numbness"),
                     (5, "missing:numbness")]),
    Case("R4", "R4", "date in 2031 and in 1999", "'implausible_date' both",
         csv(OK, "C1,2031-01-01,5", "C1,1999-12-31,5"), kept=1,
         quarantine=[(3, "implausible_date"), (4, "implausible_date")]),
    Case("R5", "R5", "Europe/London DST gap and overlap times (01:30, no offset and +00:00)",
         "no exception; the day is the date written", csv(
             "C1,,2024-03-31T01:30:00,5,,,,,,,,", "C1,,2024-10-27T01:30:00+01:00,5,,,,,,,,",
             header=FULL), kept=2, extra=_check_r5),
    Case("R6", "R6", "23:59 at -05:00 and 00:01 at +09:00, no date column",
         "local dates 16th and 17th (not the UTC dates)", csv(
             "C1,,2026-11-16T23:59:00-05:00,5,,,,,,,,", "C1,,2026-11-17T00:01:00+09:00,5,,,,,,,,",
             header=FULL), kept=2, extra=_check_r6),
    Case("R7", "R7", "01/03/2026 beside ISO dates; 13/03/2026", "'ambiguous_date'; "
         "'bad_date' (only YYYY-MM-DD is read)", csv(OK, "C1,01/03/2026,5", "C1,13/03/2026,5"),
         kept=1, quarantine=[(3, "ambiguous_date"), (4, "bad_date")]),
    Case("R8", "R8", "missing client_id; missing date and submitted_at",
         "'missing:client_id'; 'missing:date'", csv(OK, ",2026-11-17,5", "C1,,5"), kept=1,
         quarantine=[(3, "missing:client_id"), (4, "missing:date")]),
    Case("R9", "R9", "'NA', 'None', 'null' in note, arousal and cue_body",
         "kept as text in note; missing in number and yes/no fields", csv(
             "C1,2026-11-16,,5,NA,NA,NA,,,,,", "C1,2026-11-17,,5,None,None,None,,,,,",
             "C1,2026-11-18,,5,null,null,null,,,,,", header=FULL), kept=3, quarantine=[],
         extra=_check_r9),
    Case("R10", "R10", "numbness 'five' and '7 '", "'not_a_number:numbness'; '7 ' trimmed to 7",
         csv("C1,2026-11-16,five", "C1,2026-11-17,7 "), kept=1,
         quarantine=[(2, "not_a_number:numbness")], extra=_check_r10),
    Case("R11", "R11", "three check-ins on one day (numbness 6, 4, 5; body minutes 5, 10, 15)",
         "one daily row: mean 5, n_entries 3, minutes summed 30", csv(
             "C1,2026-11-16,2026-11-16T08:05:00+01:00,6,,,,5,,,,",
             "C1,2026-11-16,2026-11-16T13:40:00+01:00,4,,,,10,,,,",
             "C1,2026-11-16,,5,,,,15,,,,", header=FULL), kept=1, extra=_check_r11),
    Case("R12", "R12", "client C1 with one valid row; client C2 with none",
         "C1 kept (1 day); C2 only in quarantine", csv(OK, "C2,bad,5", "C2,2026-11-17,99"),
         kept=1, quarantine=[(3, "bad_date"), (4, "out_of_range:numbness")],
         extra=_check_r12),
    Case("S1", "S1", "self-harm 'true' in rows with a bad date, out-of-range numbness, "
         "and a duplicate", "all three quarantined; three risk records from quarantine",
         csv("C1,2026-11-16,,5,,,,,true,,,", "C1,2026-11-16,,5,,,,,true,,,",
             "C1,16.11.2026x,2026-11-17T10:00:00+01:00,5,,,,,true,,,",
             "C1,2026-11-18,,11,,,,,true,,,", header=FULL), kept=1,
         quarantine=[(3, "duplicate"), (4, "bad_date"), (5, "out_of_range:numbness")],
         risks=[("C1", "2026-11-16", "self_harm_thoughts", "positive", False),
                ("C1", "2026-11-16", "self_harm_thoughts", "positive", True),
                ("C1", "2026-11-17", "self_harm_thoughts", "positive", True),
                ("C1", "2026-11-18", "self_harm_thoughts", "positive", True)]),
    Case("S2", "S2", "unsafe = 'Y', '1.0', 'yes ', 'sí'; hopelessness 'high'",
         "each a 'possible_positive' risk record, never a no", csv(
             "C1,2026-11-16,,5,,,,,,Y,,", "C1,2026-11-17,,5,,,,,,1.0,,",
             "C1,2026-11-18,,5,,,,,,yes ,,", "C1,2026-11-19,,5,,,,,,sí,high,",
             header=FULL), kept=4, quarantine=[],
         risks=[("C1", "2026-11-16", "unsafe", "possible_positive", False),
                ("C1", "2026-11-17", "unsafe", "possible_positive", False),
                ("C1", "2026-11-18", "unsafe", "possible_positive", False),
                ("C1", "2026-11-19", "hopelessness", "possible_positive", False),
                ("C1", "2026-11-19", "unsafe", "possible_positive", False)]),
    Case("S3", "S3", "red flag 'true' in a row without client id",
         "unattributed risk record; ALERT line printed; exit 0", csv(
             "C1,2026-11-16,,5,,,,,,,,", ",2026-11-16,,5,,,,,,,,true", header=FULL),
         kept=1, quarantine=[(3, "missing:client_id")],
         risks=[(None, "2026-11-16", "flag_psychotic", "positive", True)], extra=_check_s3),
    Case("H1", "H1", "notes with <script>, <img onerror>, javascript: link, $..$, ANSI code",
         "kept verbatim as text (inert later); never printed", csv(
             'C1,2026-11-16,5,<script>alert(1)</script>',
             'C1,2026-11-17,5,<img src=x onerror=alert(1)>',
             'C1,2026-11-18,5,[x](javascript:alert(1))',
             'C1,2026-11-19,5,$\\frac{1}{0}$ \x1b[31mred', header="client_id,date,numbness,note"),
         kept=4, quarantine=[], extra=_check_h1),
    Case("H2", "H2", "client ids '../../x', '/abs', NUL, 300 chars, Cyrillic look-alike",
         "each 'bad_format:client_id'; never printed", csv(
             OK, "../../x,2026-11-16,5", "/abs,2026-11-16,5", "C\x001,2026-11-16,5",
             "C" * 300 + ",2026-11-16,5", "\u0421" + "01,2026-11-16,5"), kept=1,
         quarantine=[(r, "bad_format:client_id") for r in range(3, 8)], extra=_check_h2),
    Case("H3", "H3", "note with quotes, backslash, newline, U+2028", "byte-identical in entries",
         csv('C1,2026-11-16,5,"say ""hi"" \\ back\nline\u2028sep"',
             header="client_id,date,numbness,note"), kept=1, extra=_check_h3),
    Case("H4", "H4", "bad values =1+1, +1+1, @SUM(A1), tab-led; numbness -3; arousal -4",
         "quarantine.csv text cells start with ' ; -3 and -4 stay numbers", csv(
             "C1,2026-11-16,=1+1,", "C1,2026-11-17,+1+1,", "C1,2026-11-18,@SUM(A1),",
             'C1,2026-11-19,"\tx",', "C1,2026-11-20,-3,", "C1,2026-11-21,5,-4",
             header="client_id,date,numbness,arousal"), kept=1,
         quarantine=[(2, "not_a_number:numbness"), (3, "not_a_number:numbness"),
                     (4, "not_a_number:numbness"), (5, "not_a_number:numbness"),
                     (6, "out_of_range:numbness")], extra=_check_h4),
    Case("H5", "H5", "1 MB note of 10,000 lines", "cut to 5,000 characters with a marker; "
         "recorded as a fix; note not copied", csv(
             'C1,2026-11-16,5,"' + ("x" * 99 + "\n") * 10_000 + '"',
             header="client_id,date,numbness,note"), kept=1, quarantine=[], extra=_check_h5),
    Case("H6", "H6", "newline, ANSI escape and a canary in a client id and in a note",
         "id quarantined; neither id nor note appears in the printed output", csv(
             OK + ",", f'"C1\n{CANARY}\x1b[2J",2026-11-17,5,x',
             f'C1,2026-11-18,5,"{CANARY} \x1b[2J"', header="client_id,date,numbness,note"),
         kept=2, quarantine=[(3, "bad_format:client_id")], extra=_check_h6),
]


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path, runner: CliRunner):
    export = tmp_path / "export"
    export.mkdir()
    for name, data in case.files.items():
        (export / name).write_bytes(data)
    target = export if case.target == "folder" else export / case.target
    out = tmp_path / "out"
    result = runner.invoke(cli, ["validate", str(target), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    if case.message:
        assert case.message in result.output, result.output
    if case.exit_code:
        assert len([line for line in result.output.splitlines() if line.strip()]) == 1
        return
    tables = load(out)
    result.folder = out
    meta = tables.meta
    assert meta["rows_read"] == meta["rows_kept"] + meta["rows_merged"] + meta["rows_quarantined"]
    assert (f"Rows read {meta['rows_read']} = kept {meta['rows_kept']} + merged "
            f"{meta['rows_merged']} + quarantined {meta['rows_quarantined']}") in result.output
    if case.kept is not None:
        assert len(tables.entries) == case.kept
    if case.quarantine is not None:
        rows = tables.quarantine[tables.quarantine["action"] == "quarantine"]
        got = sorted(zip(rows["source_row"].astype(int), rows["reason"], strict=True))
        assert got == sorted(case.quarantine)
    if case.risks is not None:
        got = [(None if pd.isna(r.client_id) else r.client_id,
                None if pd.isna(r.date) else r.date.strftime("%Y-%m-%d"), r.field, r.status,
                bool(r.from_quarantine)) for r in tables.risks.itertuples()]
        assert sorted(got, key=str) == sorted(case.risks, key=str)
    if case.extra is not None:
        case.extra(tables, result)


def render_cases() -> str:
    """CASES.md: the corpus as a table (id, catalogue id, input, expected outcome)."""
    lines = [
        "# Bad-input corpus of `reconnect validate`",
        "",
        "Rendered from `CASES` in `tests/corpus/test_corpus.py` (a test keeps them equal;",
        "regenerate with `python -m tests.corpus.test_corpus`). Each case runs the CLI on the",
        "input and asserts the exit code, the message, the quarantined rows and reasons, the",
        "kept daily rows, the risk records and the reconciliation line.",
        "",
        f"{len(CASES)} cases.",
        "",
        "| case | catalogue | input | expected outcome (asserted) |",
        "|---|---|---|---|",
    ]
    for case in CASES:
        given = case.given.replace("|", "\\|")
        expected = case.expected.replace("|", "\\|")
        lines.append(f"| {case.id} | {case.catalogue} | {given} | {expected} |")
    lines += [
        "",
        "Also tested outside this CLI corpus:",
        "",
        "- F10 (export too large): refused before reading with a one-line size error "
        "(`tests/schema/test_validate.py::test_an_export_over_the_size_limit_is_refused_before"
        "_reading`); the 1M-row benchmark is `benchmarks/bench_validate.py`.",
        "- H4 with a carriage return (`\\r`) at the start of a cell: "
        "`tests/schema/test_validate.py::test_neutralise` (the CSV reader turns a quoted CR "
        "into a line break before validation sees it).",
        "- S1-S3 in more shapes (weekly screen risks, hopelessness levels, the alert level from "
        "Settings, ids that are empty, too long or hold a newline): "
        "`tests/schema/test_risks.py`.",
        "- R2/R11 merge rules against a plain-Python second implementation: "
        "`tests/schema/test_merge.py`; great-expectations against a pandas reference checker: "
        "`tests/schema/test_suites.py`.",
        "",
        "Not validation's part (covered by the report stage): S4, H7, X1-X10.",
    ]
    return "\n".join(lines) + "\n"


def test_cases_md_matches_the_cases():
    path = Path(__file__).with_name("CASES.md")
    assert path.read_text(encoding="utf-8") == render_cases()


def test_corpus_size_and_coverage():
    assert len(CASES) >= 30
    covered = {c.catalogue for c in CASES}
    wanted = {f"F{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14)}
    wanted |= {f"R{i}" for i in range(1, 13)} | {"S1", "S2", "S3"}
    wanted |= {f"H{i}" for i in range(1, 7)}
    assert wanted <= covered, wanted - covered


if __name__ == "__main__":
    Path(__file__).with_name("CASES.md").write_text(render_cases(), encoding="utf-8")
    print(json.dumps({"cases": len(CASES)}))
