"""Turn typed values (from JSON or a spreadsheet) into the text cells every reader hands on."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd

from reconnect_analysis.io.csv_core import SOURCE_FILE, SOURCE_ROW
from reconnect_analysis.io.raw import READER_PROBLEM


def to_text(value: object) -> str:
    """One value as text: ``None`` -> "", booleans as ``true``/``false``, whole floats
    without ``.0``, lists joined with ``|`` (as ``numbness_form``), dates as ISO.

    Examples
    --------
    >>> [to_text(v) for v in (None, True, 7.0, 7.5, ["blunted", "no_pleasure"], "00123")]
    ['', 'true', '7', '7.5', 'blunted|no_pleasure', '00123']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if value.second == 0 else value.isoformat()
    if isinstance(value, list):
        return "|".join(to_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def records_frame(records: list[dict[str, str]], *, columns: list[str], name: str,
                  rows: list[int], problems: list[str]) -> pd.DataFrame:
    """A frame of text cells (missing keys as "") with the three bookkeeping columns."""
    frame = pd.DataFrame(
        {col: [rec.get(col, "") for rec in records] for col in columns}, dtype=str,
    ) if columns else pd.DataFrame(index=range(len(records)))
    frame[SOURCE_FILE] = name
    frame[SOURCE_ROW] = pd.Series(rows, dtype="int64")
    frame[READER_PROBLEM] = pd.Series(problems, dtype=str) if problems else ""
    frame.attrs["source_file"] = name
    return frame
