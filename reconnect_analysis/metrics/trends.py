"""Trends: robust weekly slope of numbness and micro-shifts; this week against last week."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.metrics import _common, _measures, daily
from reconnect_analysis.stats import trend as strend
from reconnect_analysis.tables import Tables
from reconnect_analysis.weeks import parse_week

__all__ = ["slopes", "week_over_week", "SLOPE_MEASURES"]

SLOPE_MEASURES = ("numbness", "shift_score")
_LABEL = {"numbness": "Numbness", "shift_score": "The micro-shift score"}
_SLOPE_COLUMNS = {"client_id": "str", "measure": "str", "period_start": "datetime64[ns]",
                  "period_end": "datetime64[ns]", "slope_per_week": "float64",
                  "ci_low": "float64", "ci_high": "float64", "kendall_tau": "float64",
                  "p_value": "float64", "n_days": "int64", "verdict": "str",
                  "sentence": "str"}


def slopes(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
           end=None) -> pd.DataFrame:
    """Theil-Sen slope per week of numbness and of the micro-shift score.

    Parameters
    ----------
    start, end : date-like, optional
        The period. Without ``start``: each client's last ``settings.analysis_weeks`` weeks
        (default 8) up to ``end``.

    Returns
    -------
    pandas.DataFrame
        One row per ``client_id`` and ``measure`` (numbness, shift_score):
        ``period_start``, ``period_end``, ``slope_per_week`` (points on the 0-10 scale per
        week, Theil-Sen: median of the slopes between all pairs of logged days),
        ``ci_low``, ``ci_high`` (its interval at ``settings.confidence``, Sen's method as in
        ``scipy.stats.theilslopes``), ``kendall_tau``, ``p_value`` (Kendall's tau-b test of
        a monotone trend, two-sided), ``n_days`` (logged days with a value), ``verdict``
        ("not enough data yet", "going down", "going up", "no clear change") and
        ``sentence``.

    Notes
    -----
    Fewer than ``settings.min_days_for_trend`` days: "not enough data yet" (the slope is
    still shown when it can be computed, never NaN for a constant series). The verdict says
    "going up/down" only when the interval excludes 0 and Kendall's p (normal approximation
    with tie correction) is below ``settings.window_test_alpha``. Both treat days as
    independent; with autocorrelated diaries read them as descriptive. Computed for all
    clients at once by :func:`reconnect_analysis.stats.trend.batch`.
    """
    start_day = _common.to_day(start, name="start")
    days = daily.grid(tables, start=start_day, end=end)
    days = daily.recent(days, weeks=settings.analysis_weeks, start=start_day)
    if days.empty:
        return _common.empty(_SLOPE_COLUMNS)
    values = _measures.daily_measures(days, settings)
    client = values["client_id"].to_numpy()
    dates = values["date"].to_numpy(dtype="datetime64[ns]")
    bounds = np.flatnonzero(np.r_[True, client[1:] != client[:-1], True])
    first, stop = bounds[:-1], bounds[1:]
    lengths = stop - first
    width = int(lengths.max())
    # Pad each client's days into one row; run the batch statistics in chunks so that the
    # pairwise slopes never take more than a few million cells.
    row = np.repeat(np.arange(len(first)), lengths)
    col = np.arange(len(values)) - np.repeat(first, lengths)
    x = np.full((len(first), width), np.nan)
    x[row, col] = (dates - np.repeat(dates[first], lengths)) / np.timedelta64(1, "D") / 7.0
    chunk = max(1, 4_000_000 // max(width * (width - 1) // 2, 1))
    frames = []
    for measure in SLOPE_MEASURES:
        y = np.full((len(first), width), np.nan)
        y[row, col] = values[measure].to_numpy(dtype="float64")
        parts = [strend.batch(x[k:k + chunk], y[k:k + chunk], confidence=settings.confidence)
                 for k in range(0, len(first), chunk)]
        res = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        frames.append(pd.DataFrame({
            "client_id": client[first], "measure": measure, "period_start": dates[first],
            "period_end": dates[stop - 1], "slope_per_week": res["slope"],
            "ci_low": res["ci_low"], "ci_high": res["ci_high"], "kendall_tau": res["tau"],
            "p_value": res["p_value"], "n_days": res["n"].astype("int64"),
            "order": np.arange(len(first))}))
    out = pd.concat(frames, ignore_index=True).sort_values(["order", "measure"], kind="stable")
    out = out.drop(columns="order").reset_index(drop=True)
    trends_ = [strend.Trend(r.slope_per_week, np.nan, r.ci_low, r.ci_high, r.kendall_tau,
                            r.p_value, r.n_days) for r in out.itertuples(index=False)]
    out["verdict"] = [_verdict(t, settings) for t in trends_]
    out["sentence"] = [_sentence(m, t, v, settings) for m, t, v in
                       zip(out["measure"], trends_, out["verdict"], strict=True)]
    for column, dtype in _SLOPE_COLUMNS.items():
        out[column] = out[column].astype(days["client_id"].dtype if column == "client_id"
                                         else dtype)
    return out[list(_SLOPE_COLUMNS)]


def _verdict(t: strend.Trend, settings: Settings) -> str:
    if t.n < settings.min_days_for_trend or np.isnan(t.slope):
        return "not enough data yet"
    if t.ci_low > 0 and t.p_value < settings.window_test_alpha:
        return "going up"
    if t.ci_high < 0 and t.p_value < settings.window_test_alpha:
        return "going down"
    return "no clear change"


def _sentence(measure: str, t: strend.Trend, verdict: str, settings: Settings) -> str:
    label = _LABEL[measure]
    if verdict == "not enough data yet":
        return (f"Not enough data yet for a trend in {label.lower()}: {t.n} logged days "
                f"(at least {settings.min_days_for_trend} needed).")
    numbers = (f"{t.slope:+.2f} points a week, 95% interval {t.ci_low:+.2f} to "
               f"{t.ci_high:+.2f}, {t.n} days")
    if verdict == "no clear change":
        return f"{label} shows no clear change ({numbers})."
    return f"{label} is {verdict} ({numbers})."


WOW_MEASURES = ("numbness", "numb_day", "shift_score", "interest_pct", "adherence",
                "sleep_hours", "wake_time_sd_min", "alcohol_days", "cannabis_days",
                "conflict_days")


def week_over_week(tables: Tables, *, settings: Settings = DEFAULTS,
                   week=None) -> pd.DataFrame:
    """This ISO week against the week before, for each measure.

    Parameters
    ----------
    week : str or date-like, optional
        ``"2026-W47"`` or any day in the week. Default: the week of the latest day in the
        entries (the same week for every client).

    Returns
    -------
    pandas.DataFrame
        One row per ``client_id`` and ``measure`` (numbness, numb_day, shift_score,
        interest_pct, adherence, sleep_hours, wake_time_sd_min, alcohol_days,
        cannabis_days, conflict_days; see ``_measures.MEASURES``): ``week_start`` (Monday of
        this week), ``this_week``, ``last_week`` (mean for scores, share for numb_day and
        adherence, standard deviation in minutes for wake_time_sd_min, number of days for
        ``*_days``), ``change`` (this - last), ``n_days_this``, ``n_days_last`` (days with a
        value). A week without any value gives NaN, never 0.
    """
    monday = _week_monday(tables, week)
    columns = {"client_id": "str", "week_start": "datetime64[ns]", "measure": "str",
               "this_week": "float64", "last_week": "float64", "change": "float64",
               "n_days_this": "int64", "n_days_last": "int64"}
    if monday is None:
        return _common.empty(columns)
    days = daily.grid(tables, start=monday - pd.Timedelta(days=7),
                      end=monday + pd.Timedelta(days=6))
    if days.empty:
        return _common.empty(columns)
    values = _measures.daily_measures(days, settings)
    values["which"] = np.where(values["date"] >= monday, "this", "last")
    long = _measures.summarise(values, ["client_id", "which"])
    long = long[long["measure"].isin(WOW_MEASURES)]
    wide = long.pivot_table(index=["client_id", "measure"], columns="which",
                            values=["value", "n_days"], aggfunc="first", dropna=False,
                            observed=True)
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    wide = wide.reset_index()
    for name in ("value_this", "value_last", "n_days_this", "n_days_last"):
        if name not in wide.columns:
            wide[name] = np.nan
    out = pd.DataFrame({
        "client_id": wide["client_id"].astype(days["client_id"].dtype),
        "week_start": monday, "measure": wide["measure"].astype(str),
        "this_week": wide["value_this"].astype("float64"),
        "last_week": wide["value_last"].astype("float64"),
    })
    out["change"] = out["this_week"] - out["last_week"]
    out["n_days_this"] = wide["n_days_this"].fillna(0).astype("int64")
    out["n_days_last"] = wide["n_days_last"].fillna(0).astype("int64")
    order = {m: i for i, m in enumerate(WOW_MEASURES)}
    out = out.sort_values(["client_id", "measure"], key=lambda s: s.map(order)
                          if s.name == "measure" else s).reset_index(drop=True)
    out["week_start"] = out["week_start"].astype("datetime64[ns]")
    return out[list(columns)]


def _week_monday(tables: Tables, week) -> pd.Timestamp | None:
    if week is None:
        entries = _common.entries(tables)
        if entries.empty:
            return None
        day = entries["date"].max()
    elif isinstance(week, str) and "W" in week:
        return parse_week(week)[0]
    else:
        day = _common.to_day(week, name="week")
    if day is None:
        raise ReconnectError("week is empty; give it like 2026-W47")
    return (day - pd.Timedelta(days=day.weekday())).normalize()
