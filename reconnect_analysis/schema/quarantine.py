"""The quarantine table and its spreadsheet-safe CSV.

One row per problem: ``source_file, source_row, client_id, table, column, value, reason,
action`` (``client_id`` empty when the row has no usable id).
``action`` says what happened: ``quarantine`` (the row was set aside), ``blank`` (only that
cell was set missing, the row kept) or ``fix`` (the value was repaired, e.g. a note cut).
A row may have several problems, so rows_quarantined counts distinct rows, not lines.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from reconnect_analysis.report.files import atomic_write_text

QUARANTINE_COLUMNS = ("source_file", "source_row", "client_id", "table", "column", "value",
                      "reason", "action")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(text) -> str:
    """A cell made safe for spreadsheets: text starting with = + - @ tab or CR gets a ``'``.

    Plain numbers such as ``-3`` or ``+1.5`` are left as they are.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-3"), neutralise("@x"), neutralise("ok")
    ("'=HYPERLINK(1)", '-3', "'@x", 'ok')
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    text = str(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def write_quarantine_csv(quarantine: pd.DataFrame, path: str | Path) -> Path:
    """Write the quarantine table as CSV (0600, atomically), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(QUARANTINE_COLUMNS)
    columns = [quarantine[c] if c in quarantine.columns else pd.Series([""] * len(quarantine))
               for c in QUARANTINE_COLUMNS]
    for row in zip(*columns, strict=True):
        writer.writerow([neutralise(cell) for cell in row])
    return atomic_write_text(path, buffer.getvalue())
