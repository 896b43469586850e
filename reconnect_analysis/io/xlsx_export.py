"""Excel workbooks (.xlsx): sheets ``entries`` / ``events`` / ``weekly_screen``, or the first
sheet as entries. Every cell is handed on as text; ``source_row`` is the sheet's row number."""

from __future__ import annotations

import zipfile
from pathlib import Path

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.cells import records_frame, to_text
from reconnect_analysis.io.fields import table_for_name


def read_xlsx_tables(path: Path, *, name: str) -> dict:
    """Read a workbook into ``{table: (frame, encoding, fixes, warnings)}``.

    Notes
    -----
    Spreadsheet programs store ids such as ``00123`` as the number 123 unless the column is
    text: such ids are read as ``123`` and a warning says leading zeros may be lost. Whole
    numbers are written without ``.0``; dates as ``YYYY-MM-DD``; times as ``HH:MM``. A row
    with values beyond the header's last column is marked ``field_count``.
    """
    import openpyxl

    from reconnect_analysis.io.native import MAX_FILE_BYTES

    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file; export it again", file=name)
    if size > MAX_FILE_BYTES // 8:
        raise InputError(f"is {size / 2**20:.0f} MiB, more than the "
                         f"{MAX_FILE_BYTES // 8 / 2**20:.0f} MiB an .xlsx export may hold "
                         "(a workbook unpacks to many times its size); export CSV instead",
                         file=name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise InputError(f"cannot be opened as an .xlsx workbook ({type(err).__name__}); save "
                         "it again as .xlsx", file=name) from err
    try:
        sheets = {table_for_name(ws.title): ws for ws in book.worksheets
                  if table_for_name(ws.title)}
        fixes: list[str] = []
        if "entries" not in sheets:
            if not book.worksheets:
                raise InputError("the workbook has no sheets", file=name)
            first = book.worksheets[0]
            sheets = {"entries": first}
            fixes.append(f"{name}: no sheet named entries; first sheet {first.title!r} read as "
                         "entries")
        out = {}
        for table, ws in sheets.items():
            frame, warnings = _sheet(ws, name=name)
            out[table] = (frame, "utf-8", fixes if table == "entries" else [], warnings)
        return out
    finally:
        book.close()


def _sheet(ws, *, name: str):
    rows = ws.iter_rows(values_only=True)
    header = None
    records, numbers, problems = [], [], []
    numeric_ids = 0
    for number, row in enumerate(rows, start=1):
        if header is None:
            if row is None or all(v is None for v in row):
                raise InputError(f"sheet {ws.title!r}: row 1 is empty; the header row with the "
                                 "column names must come first", file=name, row=number)
            header = [to_text(v).strip() or f"unnamed_{i + 1}" for i, v in enumerate(row)]
            while header and header[-1].startswith("unnamed_"):
                header.pop()
            continue
        if all(v is None for v in row):
            continue
        extra = any(v is not None for v in row[len(header):])
        record = {col: to_text(v) for col, v in zip(header, row, strict=False)}
        if "client_id" in header:
            cell = row[header.index("client_id")]
            numeric_ids += isinstance(cell, (int, float)) and not isinstance(cell, bool)
        records.append(record)
        numbers.append(number)
        problems.append("field_count" if extra else "")
    warnings = []
    if numeric_ids:
        warnings.append(f"{name}, sheet {ws.title!r}: {numeric_ids} client_id cell(s) stored as "
                        "numbers; leading zeros may have been lost (format the column as text)")
    frame = records_frame(records, columns=header or [], name=name, rows=numbers,
                          problems=problems)
    return frame, warnings
