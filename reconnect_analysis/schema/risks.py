"""Risk rescue: risk answers and red flags read from the raw values before validation.

Every positive answer produces a risk record, whatever happens to its row later: a row that is
quarantined (bad date, out-of-range numbness, duplicate, conflict, a damaged line) still yields
its record, flagged ``from_quarantine``. An answer that cannot be read ("Y", "1.0", "yes ",
"si", "maybe") is a ``possible_positive`` to review, never a no. A record whose client id is
missing or unusable keeps ``client_id`` missing: an unattributed risk, alerted for the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.schema.coerce import as_text, factorized
from reconnect_analysis.schema.contract import FieldSpec, Schema, TableSpec

RISK_COLUMNS = ("client_id", "date", "field", "value", "status", "from_quarantine",
                "source_file", "source_row", "table", "raw_date")
_DATE_COLUMNS = ("submitted_at", "week_start", "date")
POSITIVE = "positive"
POSSIBLE = "possible_positive"


def risk_status(series: pd.Series, spec: FieldSpec, schema: Schema, *,
                settings: Settings = DEFAULTS) -> np.ndarray:
    """Per raw cell: ``positive``, ``possible_positive`` or None (no, or no answer)."""
    threshold = _alert_level(spec, settings)

    def parse(uniques):
        out = np.array([_one(value, spec, schema, threshold) for value in uniques] or [],
                       dtype=object)
        return out, [None] * len(out)

    status, _ = factorized(series, parse, fill=None)
    return status


def _alert_level(spec: FieldSpec, settings: Settings) -> float | None:
    if spec.type != "number":
        return None
    if spec.alert_at in (None, "setting"):
        return float(settings.hopelessness_alert_level)
    return float(spec.alert_at)


def _one(value, spec: FieldSpec, schema: Schema, threshold: float | None):
    if isinstance(value, (bool, np.bool_)):
        number = float(value)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if np.isnan(number):
            return None
    else:
        text = as_text(value).strip().lower()
        if text in schema.missing_values:
            return None
        if spec.type == "boolean":
            if text in schema.true_values:
                return POSITIVE
            if text in schema.false_values:
                return None
            return POSSIBLE
        try:
            number = float(text)
        except ValueError:
            return POSSIBLE
        if np.isnan(number):
            return POSSIBLE
    if spec.type == "boolean":
        if number == 1:
            return POSITIVE
        return None if number == 0 else POSSIBLE
    return POSITIVE if number >= threshold else None


def rescue(raw: pd.DataFrame, table: TableSpec, schema: Schema, *, client_ids: np.ndarray,
           dates: np.ndarray, settings: Settings = DEFAULTS) -> pd.DataFrame:
    """Risk records of one raw table, before its rows are judged.

    Parameters
    ----------
    raw
        The table as the reader gave it (with ``source_file``, ``source_row``).
    client_ids
        Per row, the usable client id or None (unattributed).
    dates
        Per row, the best date that could be recovered (NaT when none).

    Returns
    -------
    One row per positive or possible-positive answer with ``client_id, date, field, value,
    status, source_file, source_row, table, raw_date`` and a ``_pos`` column (row position),
    used to set ``from_quarantine`` once the row's outcome is known.
    """
    parts = []
    for spec in table.risk_fields:
        if spec.name not in raw.columns:
            continue
        status = risk_status(raw[spec.name], spec, schema, settings=settings)
        hit = np.flatnonzero(status != None)  # noqa: E711 (object array)
        if hit.size == 0:
            continue
        parts.append(pd.DataFrame({
            "_pos": hit,
            "client_id": pd.Series(client_ids[hit], dtype=object),
            "date": pd.Series(dates[hit]).astype("datetime64[ns]"),
            "field": spec.name,
            "value": raw[spec.name].iloc[hit].map(_short).to_numpy(dtype=object),
            "status": status[hit].astype(object),
            "source_file": raw["source_file"].iloc[hit].to_numpy(dtype=object),
            "source_row": raw["source_row"].iloc[hit].to_numpy(dtype=np.int64),
            "table": table.name,
            "raw_date": _raw_date_text(raw[[c for c in _DATE_COLUMNS if c in raw.columns]]
                                       .iloc[hit]),
        }))
    if not parts:
        return empty_risks(with_pos=True)
    return pd.concat(parts, ignore_index=True)


def empty_risks(*, with_pos: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({
        "client_id": pd.Series(dtype=object),
        "date": pd.Series(dtype="datetime64[ns]"),
        "field": pd.Series(dtype=object),
        "value": pd.Series(dtype=object),
        "status": pd.Series(dtype=object),
        "from_quarantine": pd.Series(dtype=bool),
        "source_file": pd.Series(dtype=object),
        "source_row": pd.Series(dtype=np.int64),
        "table": pd.Series(dtype=object),
        "raw_date": pd.Series(dtype=object),
    })
    if with_pos:
        frame.insert(0, "_pos", pd.Series(dtype=np.int64))
        frame = frame.drop(columns="from_quarantine")
    return frame


def _raw_date_text(raw: pd.DataFrame) -> np.ndarray:
    """The date as written (date, else week_start, else submitted_at), cut to 40 chars."""
    out = pd.Series([""] * len(raw), dtype=object)
    for column in _DATE_COLUMNS:
        if column in raw.columns:
            text = raw[column].map(_short, na_action="ignore").fillna("")
            out = text.where(text.str.len() > 0, out)
    return out.to_numpy(dtype=object)


def _short(value) -> str:
    """An answer or a date as written, at most 40 characters (answers are short codes)."""
    text = as_text(value)
    return text if len(text) <= 40 else text[:40] + "..."
