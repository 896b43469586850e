"""Small shared helpers of the metrics modules (column names, dates, yes/no as numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.fields import CUES, SHIFT_SIGNALS  # noqa: F401 - re-exported
from reconnect_analysis.tables import Tables


def to_day(value, *, name: str) -> pd.Timestamp | None:
    """A date option (``"2026-11-16"``, ``date``, ``Timestamp``) as a midnight Timestamp."""
    if value is None:
        return None
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ReconnectError(f'{name} "{value}" is not a date; write it like 2026-11-16') from err
    if day is pd.NaT:
        raise ReconnectError(f"{name} is empty; give a date like 2026-11-16")
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def check_period(start: pd.Timestamp | None, end: pd.Timestamp | None) -> None:
    if start is not None and end is not None and end < start:
        raise ReconnectError(
            f"the period ends ({end.date()}) before it starts ({start.date()}); swap the dates")


def entries(tables: Tables) -> pd.DataFrame:
    """The entries table, checked for the two key columns, sorted by client and date."""
    frame = tables.entries
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame({"client_id": pd.Series([], dtype=object),
                             "date": pd.Series([], dtype="datetime64[ns]")})
    for column in ("client_id", "date"):
        if column not in frame.columns:
            raise ReconnectError(
                f"entries table has no {column} column; run `reconnect validate` on the export")
    if not _sorted(frame):
        frame = frame.sort_values(["client_id", "date"], kind="stable")
    return frame


def _sorted(frame: pd.DataFrame) -> bool:
    """True when rows are ordered by client, then strictly by date within a client."""
    if len(frame) < 2:
        return True
    ids = frame["client_id"].to_numpy(dtype=object)
    if frame["client_id"].isna().any():
        return False
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")
    same = ids[1:] == ids[:-1]
    return bool(np.all(ids[1:][~same] > ids[:-1][~same])
                and np.all(dates[1:][same] > dates[:-1][same]))


def numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as float64 with NaN for missing (all NaN when the column is absent).

    Yes/no columns become 1.0 / 0.0 / NaN (unknown stays unknown, never "no").
    """
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype) or series.dtype == object:
        series = series.astype("Float64")
    return series.astype("float64").to_numpy(dtype="float64", na_value=np.nan)


def boolean(frame: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column as nullable boolean (all <NA> when the column is absent)."""
    if column not in frame.columns:
        return pd.Series(pd.array([pd.NA] * len(frame), dtype="boolean"), index=frame.index)
    series = frame[column]
    if series.dtype != "boolean":
        values = numeric(frame, column)
        series = pd.Series(pd.array(values > 0, dtype="boolean"), index=frame.index)
        series[np.isnan(values)] = pd.NA
    return series


def from_float(values: np.ndarray) -> pd.arrays.BooleanArray:
    """1.0 / 0.0 / NaN as a nullable boolean array."""
    values = np.asarray(values, dtype="float64")
    return pd.arrays.BooleanArray(values > 0, np.isnan(values))


def wake_minutes(frame: pd.DataFrame) -> np.ndarray:
    """``wake_time`` as minutes after midnight (float, NaN when missing or unreadable).

    Accepts ``HH:MM`` text, ``datetime.time`` objects, timedeltas, or numbers already in
    minutes. Unreadable text counts as missing here; validation has already quarantined it.
    """
    if "wake_time" not in frame.columns:
        return np.full(len(frame), np.nan)
    series = frame["wake_time"]
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        return (series.dt.total_seconds() / 60.0).to_numpy(dtype="float64", na_value=np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return _clock_minutes(series)


def _clock_minutes(series: pd.Series) -> np.ndarray:
    """``HH:MM`` (or ``H:MM``, seconds ignored) text as minutes; anything else NaN."""
    present = series.notna().to_numpy()
    out = np.full(len(series), np.nan)
    if not present.any():
        return out
    values = series[present].astype(str).to_numpy(dtype="U5")
    codes = values.view(np.uint32).reshape(len(values), 5).astype("int64") - 48
    digit = (codes >= 0) & (codes <= 9)
    two = digit[:, 0] & digit[:, 1] & (codes[:, 2] == ord(":") - 48) & digit[:, 3] & digit[:, 4]
    minutes = np.where(two, (codes[:, 0] * 10 + codes[:, 1]) * 60 + codes[:, 3] * 10
                       + codes[:, 4], np.nan)
    one = (~two & digit[:, 0] & (codes[:, 1] == ord(":") - 48) & digit[:, 2] & digit[:, 3])
    minutes = np.where(one, codes[:, 0] * 60 + codes[:, 2] * 10 + codes[:, 3], minutes)
    minutes = np.where((minutes >= 0) & (minutes < 24 * 60), minutes, np.nan)
    out[present] = minutes
    return out


def empty(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the given column names and dtypes."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})
