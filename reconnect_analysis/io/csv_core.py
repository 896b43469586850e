"""Parse a delimited text file into a frame of text cells, losing and shifting nothing.

Fast path: pyarrow's multi-threaded CSV reader parses every record after the header as
text (no missing-value detection, so "NA" stays "NA" and "00123" keeps its zeros), with a
handler that counts records whose number of fields differs from the header's. When there
are none, no empty rows, and every quote character sits where RFC 4180 puts one, that is
the result, and record ``i`` is spreadsheet row ``i + 2``.

Careful path (only for files that need it): a vectorised byte scan (numpy) finds every
record's start and field count outside quotes; records with the header's width still come
from pyarrow, the others are parsed one by one with the ``csv`` module and marked
``field_count`` (or ``truncated`` for a short last record without a line end), never shifted
or padded silently. Exact path: a file with a stray quote (``5" tall``), an odd number of
quotes, or a scan that disagrees with pyarrow is parsed record by record with the ``csv``
module, slower but exact. ``tests/io/test_io_csv_fuzz.py`` checks all three paths against
the ``csv`` module on randomly damaged files.
"""

from __future__ import annotations

import csv
import io
import re
import warnings as pywarnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.encoding import to_utf8
from reconnect_analysis.io.raw import READER_PROBLEM

SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"
_CHUNK = 1 << 24
_QUOTE, _NEWLINE = 34, 10
_MAX_HEADER = 1 << 20
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class ParsedCSV:
    """A delimited file read as text.

    ``frame`` holds one row per record (blank lines skipped) with the header's column names
    (trimmed, otherwise as written) plus ``source_file``, ``source_row`` and
    ``_reader_problem``; every cell is a string ("" for an empty cell).
    """

    frame: pd.DataFrame
    header: list[str]
    encoding: str
    delimiter: str
    fixes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    counts: np.ndarray
    """Fields per record."""
    starts: np.ndarray
    """Byte offset where each record starts."""
    lengths: np.ndarray
    """Bytes per record, line end excluded."""
    open_quote: bool
    ends_with_newline: bool


def sniff_delimiter(data: bytes) -> str:
    """The delimiter of the header line: the most frequent of , ; tab | outside quotes."""
    end = data.find(b"\n")
    line = data[: end if end >= 0 else min(len(data), 1 << 16)]
    outside = []
    in_quote = False
    for ch in line.decode("utf-8", errors="replace"):
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote:
            outside.append(ch)
    text = "".join(outside)
    best = max(_DELIMITERS, key=text.count)
    return best if text.count(best) else ","


def _scan(data: bytes, delimiter: str) -> _Scan:
    """Count fields per record outside quotes, chunk by chunk (bounded memory).

    A delimiter or line end is outside quotes when an even number of quote characters
    precede it (an escaped ``""`` adds two); positions of quotes, delimiters and line ends
    are found with numpy and compared with ``searchsorted``.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    delim = ord(delimiter)
    parity = 0
    delims_so_far = 0
    nl_positions, nl_cumdelims = [], []
    for start in range(0, len(arr), _CHUNK):
        chunk = arr[start:start + _CHUNK]
        delims = np.flatnonzero(chunk == delim)
        newlines = np.flatnonzero(chunk == _NEWLINE)
        quotes = np.flatnonzero(chunk == _QUOTE)
        if len(quotes) or parity:
            delims = delims[(np.searchsorted(quotes, delims) + parity) % 2 == 0]
            newlines = newlines[(np.searchsorted(quotes, newlines) + parity) % 2 == 0]
        nl_positions.append(newlines + start)
        nl_cumdelims.append(np.searchsorted(delims, newlines) + delims_so_far)
        delims_so_far += len(delims)
        parity = (parity + len(quotes)) & 1
    nl_pos = np.concatenate(nl_positions) if nl_positions else np.empty(0, np.int64)
    nl_cum = np.concatenate(nl_cumdelims) if nl_cumdelims else np.empty(0, np.int64)
    ends_with_newline = len(nl_pos) > 0 and int(nl_pos[-1]) == len(data) - 1
    if not ends_with_newline and len(data):
        nl_cum = np.append(nl_cum, delims_so_far)
        nl_pos = np.append(nl_pos, len(data))
    counts = np.diff(nl_cum, prepend=0) + 1
    starts = np.concatenate(([0], nl_pos[:-1] + 1)) if len(nl_pos) else np.empty(0, np.int64)
    lengths = nl_pos - starts
    return _Scan(counts=counts, starts=starts, lengths=lengths, open_quote=bool(parity),
                 ends_with_newline=ends_with_newline)


def _stray_quotes(data: bytes, delimiter: str) -> bool:
    """Whether a quote character sits where RFC 4180 does not put one.

    Taking quotes in pairs, an opening quote must start a field (file start, delimiter, line
    end, or the quote closing an escaped ``""``) and a closing quote must end one (delimiter,
    line end, file end, or an escaped ``""``). Parsers read any other quote as literal text
    (``5" tall``), which the byte scan's quote parity cannot follow, so such files are parsed
    record by record instead."""
    arr = np.frombuffer(data, dtype=np.uint8)
    positions = np.concatenate(
        [np.flatnonzero(arr[start:start + _CHUNK] == _QUOTE) + start
         for start in range(0, len(arr), _CHUNK)] or [np.empty(0, np.int64)])
    allowed = np.array([ord(delimiter), _NEWLINE, 13, _QUOTE], dtype=np.uint8)
    opening, closing = positions[0::2], positions[1::2]
    before = arr[np.maximum(opening - 1, 0)]
    before = np.where(opening == 0, _NEWLINE, before)
    after = arr[np.minimum(closing + 1, len(arr) - 1)]
    after = np.where(closing + 1 >= len(arr), _NEWLINE, after)
    return bool((~np.isin(before, allowed)).any() or (~np.isin(after, allowed)).any())


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_csv(raw: bytes, *, name: str, delimiter: str | None = None,
              encoding: str | None = None, short_rows_ok: bool = False) -> ParsedCSV:
    """Read a delimited file as text cells, marking records that cannot be read faithfully.

    Parameters
    ----------
    raw
        The file's bytes.
    name
        The file's name as the user gave it (``source_file`` and messages).
    delimiter
        Force a delimiter; ``None`` sniffs the header line (comma, semicolon, tab, pipe).
    encoding
        Force an encoding; ``None`` detects UTF-8 (with or without BOM), UTF-16,
        Windows-1252 or Latin-1.
    short_rows_ok
        The format leaves out trailing empty fields (m-Path does): a record with fewer
        fields than the header is read with the rest empty and not marked (except a short
        last record without a line end, which is ``truncated``).

    Returns
    -------
    ParsedCSV
        ``_reader_problem`` is ``field_count`` for a record with more or fewer fields than
        the header, ``truncated`` for a short last record without a line end, else "".
        ``source_row`` is the spreadsheet row: header 1, first record 2; a record with
        quoted line breaks counts once; blank lines are skipped but still counted.

    Raises
    ------
    InputError
        Empty file, no header, unterminated quote at the end of the file (with its line),
        or a file the parser cannot read.
    """
    if not raw[:4096].strip() and not raw.strip():
        raise InputError("empty file (no header, no rows); export it again", file=name)
    decoded = to_utf8(raw, name=name, encoding=encoding)
    data = decoded.data
    fixes = list(decoded.fixes)
    warnings: list[str] = []
    lone_cr = data.count(b"\r") - data.count(b"\r\n")
    if lone_cr:
        # A CR without LF ends a line for pandas, pyarrow and the csv module alike; making
        # it an LF lets the byte scan agree with them (inside a quoted note it becomes LF).
        data = re.sub(rb"\r(?!\n)", b"\n", data)
        fixes.append(f"{name}: {lone_cr} line end(s) written as CR only read as line breaks")
    if delimiter is None:
        delimiter = sniff_delimiter(data)
        if delimiter != ",":
            fixes.append(f"{_DELIMITERS[delimiter]}-separated file detected")
    if len(delimiter) != 1 or delimiter in {'"', "\n", "\r"}:
        raise InputError(f"delimiter {delimiter!r} is not a single usable character", file=name)
    header, header_end = _read_header(data, delimiter, name=name)
    names = _unique_names(header, name=name)
    quotes = data.count(b'"')
    irregular = bool(quotes) and _stray_quotes(data, delimiter)
    if quotes % 2:
        _confirm_open_quote(data, delimiter, _scan(data, delimiter), name=name)
        irregular = True
    table, n_invalid = None, 0
    if not irregular:
        table, n_invalid = _arrow_read(data, header_end, delimiter, len(names))
    if irregular:
        body, n_blank = _parse_slow(data, delimiter, names, name=name,
                                    short_rows_ok=short_rows_ok)
    elif table is not None and n_invalid == 0 and not _any_empty_row(table):
        # The file's bytes are no longer needed: let them go before pandas copies the table
        # (about a quarter less peak memory on a 240 MB file).
        raw = data = decoded.data = None
        body = _to_frame(table, names, destroy=True)
        del table
        body[SOURCE_ROW] = np.arange(2, len(body) + 2, dtype="int64")
        body[READER_PROBLEM] = ""
        n_blank = 0
    else:
        body, n_blank = _careful(data, delimiter, names, name=name, table=table,
                                 short_rows_ok=short_rows_ok)
    body[SOURCE_FILE] = name
    body = body[[*names, SOURCE_FILE, SOURCE_ROW, READER_PROBLEM]]
    if n_blank:
        fixes.append(f"{name}: {n_blank} blank line{'s' if n_blank != 1 else ''} skipped")
    n_bad = int((body[READER_PROBLEM] != "").sum())
    if n_bad:
        warnings.append(f"{name}: {n_bad} row{'s' if n_bad != 1 else ''} with a wrong number "
                        "of fields kept aside for review (not shifted)")
    return ParsedCSV(frame=body, header=names, encoding=decoded.encoding, delimiter=delimiter,
                     fixes=fixes, warnings=warnings)


def _read_header(data: bytes, delimiter: str, *, name: str) -> tuple[list[str], int]:
    """The header record's fields and the byte offset just after its line end."""
    if data[:1] in (b"\n", b"\r"):
        raise InputError("the first line is empty; the header row with the column names must "
                         "come first", file=name, row=1)
    in_quote = False
    end = -1
    for i, byte in enumerate(data[:_MAX_HEADER]):
        if byte == _QUOTE:
            in_quote = not in_quote
        elif byte == _NEWLINE and not in_quote:
            end = i
            break
    if end < 0:
        if len(data) > _MAX_HEADER:
            raise InputError("no line end in the first 1 MB; this is not a CSV export",
                             file=name, row=1)
        end = len(data)
    line = data[:end].decode("utf-8").rstrip("\r")
    try:
        fields = next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter,
                                 quotechar='"', doublequote=True), [])
    except csv.Error as err:
        raise InputError(f"the header line cannot be read ({err})", file=name, row=1) from err
    return [f.strip() for f in fields], min(end + 1, len(data))


def _any_empty_row(table: pa.Table) -> bool:
    """Whether a row has only empty cells (a blank line, or a row of bare delimiters: the
    careful path tells them apart)."""
    if table.num_rows == 0:
        return False
    empty = pc.equal(table.column(0), "")
    if not pc.any(empty).as_py():
        return False
    for column in table.columns[1:]:
        empty = pc.and_(empty, pc.equal(column, ""))
    return bool(pc.any(empty).as_py())


def _arrow_read(data: bytes, offset: int, delimiter: str,
                width: int) -> tuple[pa.Table | None, int]:
    """Parse the records after the header with pyarrow (multi-threaded), skipping and
    counting records whose field count differs from the header's."""
    invalid = [0]

    def handler(_row: object) -> str:
        invalid[0] += 1
        return "skip"

    columns = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(offset)),
            read_options=pa_csv.ReadOptions(column_names=columns, block_size=1 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"',
                                              double_quote=True, newlines_in_values=True,
                                              ignore_empty_lines=False,
                                              invalid_row_handler=handler),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, ValueError):
        return None, 0
    return table, invalid[0]


def _to_frame(table: pa.Table, names: list[str], *, destroy: bool = False) -> pd.DataFrame:
    """The table as a pandas frame of strings; ``destroy`` frees each Arrow column as soon as
    it is converted (the table must not be used afterwards)."""
    frame = table.to_pandas(self_destruct=destroy, split_blocks=destroy)
    frame.columns = names
    return frame


def _careful(data: bytes, delimiter: str, names: list[str], *, name: str,
             table: pa.Table | None, short_rows_ok: bool) -> tuple[pd.DataFrame, int]:
    """Locate every record's fields with the byte scan; records with the header's width come
    from pyarrow, the others are parsed one by one with the csv module and marked."""
    width = len(names)
    scan = _scan(data, delimiter)
    if scan.open_quote:  # not reached: an odd number of quotes goes the exact way
        return _parse_slow(data, delimiter, names, name=name, short_rows_ok=short_rows_ok)
    arr = np.frombuffer(data, dtype=np.uint8)
    first = arr[np.minimum(scan.starts, max(len(arr) - 1, 0))] if len(arr) else scan.starts
    blank = (scan.lengths == 0) | ((scan.lengths == 1) & (first == 13))
    # pyarrow hands a blank line on as a row of empty cells: it is dropped after numbering.
    good = (scan.counts == width) | blank
    good[0] = False
    if table is None:
        header_end = int(scan.starts[1]) if len(scan.starts) > 1 else len(data)
        table, _ = _arrow_read(data, header_end, delimiter, width)
    if table is None or table.num_rows != int(good.sum()):
        return _parse_slow(data, delimiter, names, name=name, short_rows_ok=short_rows_ok)
    frames = []
    good_frame = _to_frame(table, names)
    good_frame[SOURCE_ROW] = (np.flatnonzero(good) + 1).astype("int64")
    good_frame[READER_PROBLEM] = ""
    if blank[1:].any():
        good_frame = good_frame[~blank[good]].reset_index(drop=True)
    frames.append(good_frame)
    bad = np.flatnonzero(~good)
    bad = bad[bad > 0]
    if len(bad):
        rows = []
        for index in bad:
            start, length = int(scan.starts[index]), int(scan.lengths[index])
            text = data[start:start + length].decode("utf-8").removesuffix("\r")
            fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                     quotechar='"', doublequote=True), [])
            rows.append((fields + [""] * width)[:width])
        bad_frame = pd.DataFrame(rows, columns=names, dtype=str)
        bad_frame[SOURCE_ROW] = (bad + 1).astype("int64")
        problem = np.full(len(bad), "field_count", dtype=object)
        if short_rows_ok:
            problem[scan.counts[bad] < width] = ""
        last = len(scan.counts) - 1
        if bad[-1] == last and not scan.ends_with_newline and scan.counts[last] < width:
            problem[-1] = "truncated"
        bad_frame[READER_PROBLEM] = problem
        frames.append(bad_frame)
    body = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        body = body.sort_values(SOURCE_ROW, kind="stable").reset_index(drop=True)
    return body, int(blank[1:].sum())


def _confirm_open_quote(data: bytes, delimiter: str, scan: _Scan, *, name: str) -> None:
    """An odd number of quotes: raise when pandas agrees the file ends inside a quoted field
    (a lone quote inside an unquoted field is literal text, not an open quote)."""
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", pd.errors.ParserWarning)  # only the error counts
            pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, dtype=str,
                        na_filter=False, engine="c",
                        names=list(range(int(scan.counts.max()))), index_col=False)
    except pd.errors.ParserError as err:
        if "EOF inside string" in str(err):
            start = int(scan.starts[-1]) if len(scan.starts) else 0
            line = _line_of(data, start)
            raise InputError(f"a quote opened on line {line} is never closed (the file ends "
                             "inside a quoted field); fix the quote or export the file again",
                             file=name, row=line) from err


def _parse_slow(data: bytes, delimiter: str, names: list[str], *, name: str,
                short_rows_ok: bool = False) -> tuple[pd.DataFrame, int]:
    """Exact record-by-record parse with the csv module, for files the fast path cannot
    vouch for (e.g. a stray quote inside a field)."""
    width = len(names)
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter,
                        quotechar='"', doublequote=True, strict=False)
    try:
        all_rows = list(reader)
    except csv.Error as err:
        raise InputError(f"cannot be parsed as CSV ({err}); check the quotes near line "
                         f"{reader.line_num}", file=name, row=reader.line_num) from err
    rows, numbers, problems = [], [], []
    n_blank = 0
    last_line_end = data.endswith(b"\n")
    for number, fields in enumerate(all_rows[1:], start=2):
        if not fields:
            n_blank += 1
            continue
        fits = len(fields) == width or (short_rows_ok and len(fields) < width)
        problem = "" if fits else "field_count"
        if number == len(all_rows) and not last_line_end and len(fields) < width:
            problem = "truncated"
        rows.append((fields + [""] * width)[:width])
        numbers.append(number)
        problems.append(problem)
    frame = pd.DataFrame(rows, columns=names, dtype=str)
    frame[SOURCE_ROW] = pd.Series(numbers, dtype="int64")
    frame[READER_PROBLEM] = pd.Series(problems, dtype=str) if problems else ""
    return frame, n_blank


def _unique_names(header: list[str], *, name: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, col in enumerate(header):
        col = col.lstrip("\ufeff")
        if not col:
            col = f"unnamed_{i + 1}"
        if col in seen:
            raise InputError(f"column {col!r} appears twice in the header (columns "
                             f"{seen[col] + 1} and {i + 1}); rename or remove one", file=name,
                             column=col)
        seen[col] = i
        out.append(col)
    return out
