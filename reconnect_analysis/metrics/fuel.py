"""Numbness fuel per week (sleep regularity, alcohol, cannabis, recovery, conflict) and arousal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common, daily
from reconnect_analysis.tables import Tables

__all__ = ["weekly", "arousal_zones", "ZONES"]

ZONES = ("hypoarousal", "window", "hyperarousal")
_WEEKLY = {"client_id": "str", "week_start": "datetime64[ns]", "days_in_week": "int64",
           "days_logged": "int64", "wake_times_logged": "int64", "wake_time_sd_min": "float64",
           "mean_sleep_hours": "float64", "alcohol_days": "Int64", "cannabis_days": "Int64",
           "late_scrolling_days": "Int64", "recovery_blocks": "Int64", "conflict_days": "Int64",
           "daylight_walk_days": "Int64"}
_YES_DAYS = {"cannabis_days": "cannabis", "late_scrolling_days": "late_scrolling",
             "recovery_blocks": "recovery_block", "conflict_days": "conflict",
             "daylight_walk_days": "daylight_walk"}


def weekly(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
           end=None) -> pd.DataFrame:
    """Fuel per client and ISO week.

    Returns
    -------
    pandas.DataFrame
        One row per ``client_id`` and ``week_start`` (Monday): ``days_in_week`` (days of the
        week inside the record or period), ``days_logged``, ``wake_times_logged``,
        ``wake_time_sd_min`` (standard deviation of wake times, minutes, ddof=1; NaN with
        fewer than 2), ``mean_sleep_hours``, ``alcohol_days`` (days with at least one drink),
        ``cannabis_days``, ``late_scrolling_days``, ``recovery_blocks`` (days with a recovery
        block), ``conflict_days``, ``daylight_walk_days``.

    Notes
    -----
    Day counts (Int64) count the days answered "yes"; unanswered and unlogged days are never
    counted as "no". A count is <NA> when the field was not answered at all that week (or the
    export has no such field), so "0" always means "answered, never yes". Wake times are
    minutes after midnight, so a wake time after midnight (00:30) is far from 23:30.
    """
    days = daily.grid(tables, start=start, end=end)
    if days.empty:
        return _common.empty(_WEEKLY)
    week = (days["date"] - pd.to_timedelta(days["date"].dt.day_of_week, unit="D")).to_numpy()
    alcohol = _common.numeric(days, "alcohol_drinks")
    frame = pd.DataFrame({
        "client_id": days["client_id"], "week_start": week,
        "logged": days["logged"].to_numpy(), "wake": _common.wake_minutes(days),
        "sleep": _common.numeric(days, "sleep_hours"),
        "alcohol_days": np.where(np.isnan(alcohol), np.nan, (alcohol > 0) * 1.0),
    })
    for name, column in _YES_DAYS.items():
        values = _common.numeric(days, column)
        frame[name] = np.where(np.isnan(values), np.nan, (values > 0) * 1.0)
    grouped = frame.groupby(["client_id", "week_start"], sort=True)
    out = pd.DataFrame({
        "days_in_week": grouped.size(), "days_logged": grouped["logged"].sum(),
        "wake_times_logged": grouped["wake"].count(),
        "wake_time_sd_min": grouped["wake"].std(ddof=1),
        "mean_sleep_hours": grouped["sleep"].mean(),
    })
    for name in ("alcohol_days", *_YES_DAYS):
        out[name] = grouped[name].sum(min_count=1).astype("Float64").astype("Int64")
    out = out.reset_index()
    out["client_id"] = out["client_id"].astype(days["client_id"].dtype)
    out["week_start"] = out["week_start"].astype("datetime64[ns]")
    for column, dtype in _WEEKLY.items():
        if dtype in ("int64", "float64"):
            out[column] = out[column].astype(dtype)
    return out[list(_WEEKLY)]


def arousal_zones(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
                  end=None) -> pd.DataFrame:
    """Days in each arousal zone per client.

    Returns
    -------
    pandas.DataFrame
        Three rows per client (``zone``: hypoarousal, window, hyperarousal): ``days`` (days
        with an arousal value in the zone), ``days_with_arousal`` (days with any arousal
        value), ``share`` (days / days_with_arousal, NaN when none).

    Notes
    -----
    Arousal runs from -3 to +3. Hypoarousal: arousal <= ``settings.hypoarousal_max``
    (default -2); hyperarousal: arousal >= ``settings.hyperarousal_min`` (default +2);
    window of tolerance: everything between (-1 .. +1 on whole numbers; a merged day of
    -1.5 is in the window).
    """
    days = daily.grid(tables, start=start, end=end)
    columns = {"client_id": "str", "zone": "str", "days": "int64",
               "days_with_arousal": "int64", "share": "float64"}
    if days.empty:
        return _common.empty(columns)
    arousal = _common.numeric(days, "arousal")
    known = ~np.isnan(arousal)
    hypo = known & (arousal <= settings.hypoarousal_max)
    hyper = known & (arousal >= settings.hyperarousal_min)
    window = known & ~hypo & ~hyper
    frame = pd.DataFrame({"client_id": days["client_id"], "known": known,
                          "hypoarousal": hypo, "window": window, "hyperarousal": hyper})
    sums = frame.groupby("client_id", sort=True).sum()
    long = sums[list(ZONES)].stack().rename("days").reset_index()
    long.columns = ["client_id", "zone", "days"]
    long["days_with_arousal"] = sums["known"].reindex(long["client_id"]).to_numpy()
    long["days"] = long["days"].astype("int64")
    long["days_with_arousal"] = long["days_with_arousal"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        long["share"] = np.where(long["days_with_arousal"] > 0,
                                 long["days"] / long["days_with_arousal"], np.nan)
    long["client_id"] = long["client_id"].astype(days["client_id"].dtype)
    long["zone"] = long["zone"].astype(str)
    return long[list(columns)]
