"""Vectorised parsing of raw cells into the schema's types, recording every failure.

Each parser takes a raw column (text as read, or already typed by a mapping) and returns a
:class:`Parsed`: the typed values plus, per reason code, the row positions that could not be
read. Parsing works on the column's distinct values (``pd.factorize``), so a million rows with
a few thousand distinct values cost a few thousand Python calls; the typed column is then
spread back with the codes, without building per-row Python objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
    is_string_dtype,
)

from reconnect_analysis.schema.contract import FieldSpec, Schema

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_ISO_STAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"

TRUNCATION_MARKER = " [...truncated]"


@dataclass
class Parsed:
    """A typed column and where it failed."""

    values: object
    """numpy array or pandas extension array, one value per input row."""
    failures: dict[str, np.ndarray] = field(default_factory=dict)
    """reason code -> row positions (sorted)."""
    local_dates: np.ndarray | None = None
    """Timestamps only: the client's local calendar date of each row."""


def factorized(series: pd.Series, parse, *, fill):
    """Parse distinct values and spread the result back to every row.

    ``parse(uniques: list) -> (typed array for the uniques, list of reason-or-None)``;
    missing cells (None/NaN) never reach ``parse`` and get ``fill``.

    Returns
    -------
    (values per row, {reason: positions})
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    typed, reasons = parse(list(uniques))
    typed = np.asarray(typed)
    values = np.append(typed, np.asarray([fill], dtype=typed.dtype))[codes]
    failures: dict[str, np.ndarray] = {}
    reasons = np.asarray(reasons, dtype=object)
    bad = np.flatnonzero(pd.notna(reasons)) if len(reasons) else np.array([], dtype=int)
    for reason in pd.unique(reasons[bad]) if bad.size else []:
        which = bad[reasons[bad] == reason]
        failures[str(reason)] = np.flatnonzero(np.isin(codes, which))
    return values, failures


def parse_number(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Numbers with a '.' decimal point; missing words become NaN; else ``not_a_number``."""
    if is_bool_dtype(series.dtype) or is_numeric_dtype(series.dtype):
        return Parsed(series.astype("Float64").to_numpy(dtype=float, na_value=np.nan))

    def parse(uniques):
        out, reasons = np.full(len(uniques), np.nan), [None] * len(uniques)
        for i, value in enumerate(uniques):
            if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
                    value, bool):
                out[i] = float(value)
                continue
            text = as_text(value).strip()
            if text.lower() in schema.missing_values:
                continue
            try:
                if "_" in text:
                    raise ValueError(text)
                out[i] = float(text)
            except ValueError:
                reasons[i] = f"not_a_number:{spec.name}"
            else:
                if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                    out[i], reasons[i] = np.nan, f"not_a_number:{spec.name}"
        return out, reasons

    values, failures = factorized(series, parse, fill=np.nan)
    return Parsed(values.astype(float), failures)


def parse_boolean(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Yes/no: the schema's true/false words only; anything else is ``unknown_value``.

    Already-typed input (a mapping's value map) may be bool or 1/0.
    """
    if is_bool_dtype(series.dtype):
        return Parsed(series.astype("boolean").array)

    def parse(uniques):
        out, reasons = np.full(len(uniques), np.nan), [None] * len(uniques)
        for i, value in enumerate(uniques):
            out[i], reasons[i] = _one_boolean(value, spec, schema)
        return out, reasons

    values, failures = factorized(series, parse, fill=np.nan)
    return Parsed(pd.arrays.BooleanArray(values == 1.0, np.isnan(values)), failures)


def _one_boolean(value, spec: FieldSpec, schema: Schema) -> tuple[float, str | None]:
    if isinstance(value, (bool, np.bool_)):
        return float(value), None
    if isinstance(value, (int, float, np.integer, np.floating)):
        if value in (0, 1):
            return float(value), None
        return np.nan, f"unknown_value:{spec.name}"
    text = as_text(value).strip().lower()
    if text in schema.true_values:
        return 1.0, None
    if text in schema.false_values:
        return 0.0, None
    if text in schema.missing_values:
        return np.nan, None
    return np.nan, f"unknown_value:{spec.name}"


def parse_date(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Calendar dates written ``YYYY-MM-DD``.

    ``01/03/2024`` (day and month both 12 or less and different) is ``ambiguous_date``; any
    other text that is not an ISO date (Excel serials such as 45352, impossible days such as
    2024-02-30) is ``bad_date``.
    """
    if is_datetime64_any_dtype(series.dtype):
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return Parsed(values.dt.normalize().astype("datetime64[ns]").to_numpy())

    def parse(uniques):
        out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
        reasons = [None] * len(uniques)
        for i, value in enumerate(uniques):
            out[i], reasons[i] = _one_date(value, schema)
        return out, reasons

    values, failures = factorized(series, parse, fill=np.datetime64("NaT"))
    return Parsed(values.astype("datetime64[ns]"), failures)


def _one_date(value, schema: Schema):
    nat = np.datetime64("NaT")
    if hasattr(value, "year") and hasattr(value, "month") and not isinstance(value, str):
        return np.datetime64(f"{value.year:04d}-{value.month:02d}-{value.day:02d}"), None
    text = as_text(value).strip()
    if text.lower() in schema.missing_values:
        return nat, None
    if _ISO_DATE.match(text):
        try:
            return np.datetime64(pd.Timestamp(text).date()), None
        except ValueError:
            return nat, "bad_date"
    match = _DMY.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if first <= 12 and second <= 12 and first != second:
            return nat, "ambiguous_date"
    return nat, "bad_date"


def parse_timestamp(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """ISO 8601 times with offset, stored in UTC, plus the local calendar date of each.

    The local date is the date written in the timestamp (the client's clock), so no time-zone
    database is consulted and a DST gap or overlap can never move an entry to another day.
    A timestamp without an offset is read as local time and stored as if it were UTC.
    """
    if is_datetime64_any_dtype(series.dtype):
        tz = series.dt.tz
        local = (series.dt.tz_localize(None) if tz is not None else series).dt.normalize()
        utc = series.dt.tz_convert("UTC") if tz is not None else series.dt.tz_localize("UTC")
        return Parsed(utc.astype("datetime64[ns, UTC]").array,
                      local_dates=local.astype("datetime64[ns]").to_numpy())
    text = (series if is_string_dtype(series.dtype) else series.map(
        as_text, na_action="ignore")).astype("str").str.strip()
    missing = (series.isna() | text.str.lower().isin(schema.missing_values)).to_numpy()
    utc = _arrow_stamps(text)
    retry = np.flatnonzero(~missing & utc.isna().to_numpy())
    if retry.size:  # other ISO 8601 shapes: 'Z', fractions, no seconds, space for 'T'
        candidate = text.iloc[retry]
        shaped = candidate.str.match(_ISO_STAMP).fillna(False).to_numpy(dtype=bool)
        again = pd.to_datetime(candidate.where(shaped), format="ISO8601", utc=True,
                               errors="coerce")
        utc = utc.copy()
        utc.iloc[retry] = again.astype("datetime64[ns, UTC]").to_numpy()
    failed = ~missing & utc.isna().to_numpy()
    day_text = text.str.slice(0, 10).where(~failed & ~missing)

    def parse(uniques):
        out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
        for i, value in enumerate(uniques):
            out[i], _ = _one_date(value, schema)
        return out, [None] * len(uniques)

    local, _ = factorized(day_text, parse, fill=np.datetime64("NaT"))
    failures = {f"bad_timestamp:{spec.name}": np.flatnonzero(failed)} if failed.any() else {}
    return Parsed(utc.array, failures, local_dates=local.astype("datetime64[ns]"))


def _arrow_stamps(text: pd.Series) -> pd.Series:
    """``YYYY-MM-DDTHH:MM:SS+HH:MM`` parsed to UTC by Arrow (NaT where the shape differs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.string())
    try:
        stamps = pc.strptime(array, format="%Y-%m-%dT%H:%M:%S%z", unit="s",
                             error_is_null=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # pragma: no cover - old Arrow
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    out = pd.Series(stamps.to_pandas(), index=text.index)
    if out.dt.tz is None:
        out = out.dt.tz_localize("UTC")
    return out.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def _strings(series: pd.Series, spec: FieldSpec, schema: Schema, one) -> Parsed:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    pairs = [one(value) for value in uniques]
    values = string_array([p[0] for p in pairs], codes)
    failures: dict[str, np.ndarray] = {}
    reasons = np.array([p[1] for p in pairs] or [], dtype=object)
    for reason in pd.unique(reasons[pd.notna(reasons)]) if len(reasons) else []:
        failures[str(reason)] = np.flatnonzero(np.isin(codes, np.flatnonzero(reasons == reason)))
    return Parsed(values, failures)


STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' default text type: Arrow storage, NaN for missing (the ``str`` dtype)."""


def string_array(unique_values: list, codes: np.ndarray):
    """A text column built in Arrow from per-distinct-value texts and per-row codes.

    ``codes`` of -1 (and None texts) are missing. Much cheaper than a million Python strings.
    """
    import pyarrow as pa

    texts = pa.array(list(unique_values), type=pa.string())
    codes = np.asarray(codes)
    taken = texts.take(pa.array(np.where(codes < 0, 0, codes), mask=codes < 0)) if len(
        texts) else pa.nulls(len(codes), type=pa.string())
    return pd.array(taken, dtype=STR_DTYPE)


def parse_time(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Clock times ``HH:MM`` (seconds ignored), normalised to two-digit ``HH:MM`` text."""

    def one(value):
        text = as_text(value).strip()
        if text.lower() in schema.missing_values:
            return None, None
        match = _TIME.match(text)
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            return f"{int(match.group(1)):02d}:{match.group(2)}", None
        return None, f"bad_time:{spec.name}"

    return _strings(series, spec, schema, one)


def parse_category(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """One of the schema's values (exact, surrounding spaces ignored), else ``unknown_value``."""
    allowed = set(spec.values)

    def one(value):
        text = as_text(value).strip()
        if text in allowed:
            return text, None
        if text.lower() in schema.missing_values:
            return None, None
        return None, f"unknown_value:{spec.name}"

    return _strings(series, spec, schema, one)


def parse_set(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """'|'-separated values of the schema's list, normalised to schema order, no repeats."""
    order = {value: rank for rank, value in enumerate(spec.values)}

    def one(value):
        text = as_text(value).strip()
        if text.lower() in schema.missing_values:
            return None, None
        parts = {part.strip() for part in text.split("|") if part.strip()}
        if parts and parts <= set(order):
            return "|".join(sorted(parts, key=order.__getitem__)), None
        return None, f"unknown_value:{spec.name}"

    return _strings(series, spec, schema, one)


def parse_text(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Free text kept as written ("NA" stays "NA"); an empty cell is missing.

    Text longer than ``max_length`` is cut and marked, under the reason
    ``truncated_text:<field>`` (recorded as a fix, never silently).
    """
    text = text_column(series)
    failures = {}
    if spec.max_length:
        lengths = text.str.len().fillna(0).to_numpy()
        long = np.flatnonzero(lengths > spec.max_length)
        if long.size:
            text = text.copy()
            text.iloc[long] = text.iloc[long].str.slice(0, spec.max_length) + TRUNCATION_MARKER
            failures[f"truncated_text:{spec.name}"] = long
    return Parsed(text.array, failures)


def parse_id(series: pd.Series, spec: FieldSpec, schema: Schema) -> Parsed:
    """Client pseudonyms as text, never numbers (the pattern is checked by the suite)."""
    return Parsed(text_column(series).array)


PARSERS = {
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "time": parse_time,
    "category": parse_category,
    "set": parse_set,
    "text": parse_text,
    "id": parse_id,
    "timestamp": parse_timestamp,
}


def text_column(series: pd.Series) -> pd.Series:
    """Cells as text (``str`` dtype); empty and missing cells become missing."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = string_array([as_text(v) or None for v in uniques], codes)
    return pd.Series(values, index=series.index)


def as_text(value) -> str:
    """A raw cell as text ('' for missing)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value)
