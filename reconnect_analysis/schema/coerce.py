"""Vectorised parsing of raw cells into the schema's types, recording every failure.

Each parser takes a raw column (text as read, or already typed by a mapping) and returns the
typed column plus a reason code per row that could not be read (``None`` where fine). Parsing
works on the column's distinct values, so a million rows with a few hundred distinct values
cost a few hundred parses.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
)

from reconnect_analysis.schema.contract import FieldSpec, Schema

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_ISO_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

TRUNCATION_MARKER = " [...truncated]"


def _by_uniques(series: pd.Series, parse) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``parse(uniques) -> (values, reasons)`` to distinct values, spread back by codes.

    Missing (None/NaN) raw cells map to ``(missing, None)`` without calling ``parse``.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values, reasons = parse(pd.Series(uniques, dtype=object))
    values = np.asarray(values, dtype=object)
    reasons = np.asarray(reasons, dtype=object)
    values = np.append(values, [None])
    reasons = np.append(reasons, [None])
    return values[codes], reasons[codes]


def _is_missing_token(text: pd.Series, schema: Schema) -> pd.Series:
    return text.str.strip().str.lower().isin(schema.missing_values)


def parse_number(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Numbers with a '.' decimal point; missing tokens become NaN; else ``not_a_number``."""
    if is_bool_dtype(series.dtype):
        return series.astype("Float64").astype(float).to_numpy(), _none(len(series))
    if is_numeric_dtype(series.dtype):
        return series.astype(float).to_numpy(), _none(len(series))

    def parse(uniques: pd.Series):
        text = uniques.map(_as_text)
        missing = _is_missing_token(text, schema)
        parsed = pd.to_numeric(text.str.strip().where(~missing), errors="coerce")
        numbers_in = uniques.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        parsed = parsed.where(~numbers_in, pd.to_numeric(uniques.where(numbers_in),
                                                         errors="coerce"))
        failed = ~missing & parsed.isna()
        reasons = np.where(failed, f"not_a_number:{spec.name}", None)
        return parsed.astype(float).to_numpy(), reasons

    values, reasons = _by_uniques(series, parse)
    return np.where(pd.isna(values), np.nan, values).astype(float), reasons


def parse_boolean(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Yes/no: the schema's true/false words only; anything else is ``unknown_value``."""
    if is_bool_dtype(series.dtype):
        return series.astype("boolean").to_numpy(dtype=object), _none(len(series))

    def parse(uniques: pd.Series):
        out, reasons = [], []
        for value in uniques:
            result, reason = _one_boolean(value, spec, schema)
            out.append(result)
            reasons.append(reason)
        return out, reasons

    return _by_uniques(series, parse)


def _one_boolean(value, spec: FieldSpec, schema: Schema):
    if isinstance(value, (bool, np.bool_)):
        return bool(value), None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if value == 1:
            return True, None
        if value == 0:
            return False, None
        return None, f"unknown_value:{spec.name}"
    text = str(value).strip().lower()
    if text in schema.true_values:
        return True, None
    if text in schema.false_values:
        return False, None
    if text in schema.missing_values:
        return None, None
    return None, f"unknown_value:{spec.name}"


def parse_date(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Calendar dates written ``YYYY-MM-DD``.

    ``01/03/2024`` (day and month both 12 or less and different) is ``ambiguous_date``; every
    other text that is not an ISO date (Excel serials such as 45352, impossible days such as
    2024-02-30) is ``bad_date``.
    """
    if is_datetime64_any_dtype(series.dtype):
        values = series
        if getattr(series.dt, "tz", None) is not None:
            values = series.dt.tz_localize(None)
        return values.dt.normalize().astype("datetime64[ns]").to_numpy(), _none(len(series))

    def parse(uniques: pd.Series):
        out, reasons = [], []
        for value in uniques:
            result, reason = _one_date(value, schema)
            out.append(result)
            reasons.append(reason)
        return out, reasons

    values, reasons = _by_uniques(series, parse)
    dates = pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d")
    return dates.astype("datetime64[ns]").to_numpy(), reasons


def _one_date(value, schema: Schema):
    if hasattr(value, "year") and hasattr(value, "month") and not isinstance(value, str):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}", None
    text = _as_text(value).strip()
    if text.lower() in schema.missing_values:
        return None, None
    if _ISO_DATE.match(text):
        try:
            pd.Timestamp(text)
        except ValueError:
            return None, "bad_date"
        return text, None
    match = _DMY.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if first <= 12 and second <= 12 and first != second:
            return None, "ambiguous_date"
    return None, "bad_date"


def parse_timestamp(series: pd.Series, spec: FieldSpec, schema: Schema):
    """ISO 8601 times with offset, stored in UTC, plus the local calendar date of each.

    The local date is the date written in the timestamp (the client's clock), so no time-zone
    database is consulted and a DST gap or overlap can never move an entry to another day.

    Returns
    -------
    (utc values, local dates, reasons)
    """
    if is_datetime64_any_dtype(series.dtype):
        tz = getattr(series.dt, "tz", None)
        local = (series.dt.tz_localize(None) if tz is not None else series).dt.normalize()
        utc = series.dt.tz_convert("UTC") if tz is not None else series.dt.tz_localize("UTC")
        return (utc.astype("datetime64[ns, UTC]").to_numpy(),
                local.astype("datetime64[ns]").to_numpy(), _none(len(series)))
    text = series.map(_as_text, na_action="ignore").str.strip()
    missing = series.isna() | text.str.lower().isin(schema.missing_values)
    shaped = text.str.match(_ISO_STAMP.pattern).fillna(False).astype(bool)
    candidate = text.where(~missing & shaped)
    utc = pd.to_datetime(candidate, format="ISO8601", utc=True, errors="coerce")
    failed = ~missing & utc.isna()
    local = pd.to_datetime(candidate.str.slice(0, 10).where(~failed), format="%Y-%m-%d",
                           errors="coerce")
    reasons = np.where(failed, f"bad_timestamp:{spec.name}", None)
    return (utc.astype("datetime64[ns, UTC]"), local.astype("datetime64[ns]").to_numpy(),
            reasons)


def parse_time(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Clock times ``HH:MM`` (seconds ignored), normalised to two-digit ``HH:MM`` text."""

    def parse(uniques: pd.Series):
        out, reasons = [], []
        for value in uniques:
            text = _as_text(value).strip()
            if text.lower() in schema.missing_values:
                out.append(None)
                reasons.append(None)
                continue
            match = _TIME.match(text)
            if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
                out.append(f"{int(match.group(1)):02d}:{match.group(2)}")
                reasons.append(None)
            else:
                out.append(None)
                reasons.append(f"bad_time:{spec.name}")
        return out, reasons

    return _by_uniques(series, parse)


def parse_category(series: pd.Series, spec: FieldSpec, schema: Schema):
    """One of the schema's values (exact, surrounding spaces ignored), else ``unknown_value``."""
    allowed = set(spec.values)

    def parse(uniques: pd.Series):
        out, reasons = [], []
        for value in uniques:
            text = _as_text(value).strip()
            if text in allowed:
                out.append(text)
                reasons.append(None)
            elif text.lower() in schema.missing_values:
                out.append(None)
                reasons.append(None)
            else:
                out.append(None)
                reasons.append(f"unknown_value:{spec.name}")
        return out, reasons

    return _by_uniques(series, parse)


def parse_set(series: pd.Series, spec: FieldSpec, schema: Schema):
    """'|'-separated values of the schema's list, normalised to schema order without repeats."""
    order = {value: rank for rank, value in enumerate(spec.values)}

    def parse(uniques: pd.Series):
        out, reasons = [], []
        for value in uniques:
            text = _as_text(value).strip()
            if text.lower() in schema.missing_values:
                out.append(None)
                reasons.append(None)
                continue
            parts = {part.strip() for part in text.split("|") if part.strip()}
            if parts and parts <= set(order):
                out.append("|".join(sorted(parts, key=order.__getitem__)))
                reasons.append(None)
            else:
                out.append(None)
                reasons.append(f"unknown_value:{spec.name}")
        return out, reasons

    return _by_uniques(series, parse)


def parse_text(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Free text kept as written ("NA" stays "NA"); an empty cell is missing.

    Text longer than ``max_length`` is cut and marked; the reason ``truncated_text:<field>``
    is returned so that the cut is recorded (as a fix, never silently).
    """
    text = series.map(_as_text, na_action="ignore")
    text = text.where(text.str.len().fillna(0) > 0)
    reasons = _none(len(series))
    if spec.max_length:
        long = (text.str.len() > spec.max_length).fillna(False).astype(bool).to_numpy()
        if long.any():
            text = text.copy()
            text[long] = text[long].str.slice(0, spec.max_length) + TRUNCATION_MARKER
            reasons = np.where(long, f"truncated_text:{spec.name}", None)
    return text.to_numpy(dtype=object), reasons


def parse_id(series: pd.Series, spec: FieldSpec, schema: Schema):
    """Client pseudonyms as text (never numbers); the pattern is checked by the suite."""
    if is_numeric_dtype(series.dtype):
        text = series.map(lambda v: None if pd.isna(v) else str(v))
    else:
        text = series.map(_as_text, na_action="ignore")
    text = text.where(text.str.len().fillna(0) > 0)
    return text.to_numpy(dtype=object), _none(len(series))


PARSERS = {
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "time": parse_time,
    "category": parse_category,
    "set": parse_set,
    "text": parse_text,
    "id": parse_id,
}


def _as_text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value)


def _none(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)
