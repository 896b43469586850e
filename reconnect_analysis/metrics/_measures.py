"""Daily measures shared by trends, windows and fuel (one numeric column each)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import Settings
from reconnect_analysis.metrics import _common, adherence, shifts

MEASURES = {
    "numbness": ("mean", "numbness (0-10)"),
    "numb_day": ("share", "share of numb days"),
    "shift_score": ("mean", "micro-shift score (0-10)"),
    "interest_pct": ("mean", "interest (%)"),
    "adherence": ("share", "share of logged days with practice"),
    "sleep_hours": ("mean", "sleep (hours)"),
    "wake_time_sd_min": ("spread", "spread of wake times (minutes)"),
    "alcohol_days": ("count", "days with alcohol"),
    "cannabis_days": ("count", "days with cannabis"),
    "conflict_days": ("count", "days with conflict"),
    "arousal": ("mean", "arousal (-3 to +3)"),
}
"""Measure name -> (how a period is summarised, plain label).

mean: mean of the logged days' values; share: mean of 0/1 over days with an answer;
spread: standard deviation (ddof=1) of the daily values; count: number of days with a yes.
"""


def daily_measures(days: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One numeric column per measure (NaN = unknown) next to ``client_id, date, logged``.

    ``wake_time_sd_min`` holds the wake time in minutes after midnight (its spread is taken
    over a period); ``*_days`` hold 1/0 per day.
    """
    numbness = _common.numeric(days, "numbness")
    alcohol = _common.numeric(days, "alcohol_drinks")
    return pd.DataFrame({
        "client_id": days["client_id"].to_numpy(), "date": days["date"].to_numpy(),
        "logged": days["logged"].to_numpy(),
        "numbness": numbness,
        "numb_day": np.where(np.isnan(numbness), np.nan,
                             (numbness >= settings.numb_threshold) * 1.0),
        "shift_score": shifts.from_grid(days)["shift_score"].to_numpy(dtype="float64"),
        "interest_pct": _common.numeric(days, "interest_pct"),
        "adherence": _common.numeric(adherence.from_grid(days), "practised"),
        "sleep_hours": _common.numeric(days, "sleep_hours"),
        "wake_time_sd_min": _common.wake_minutes(days),
        "alcohol_days": np.where(np.isnan(alcohol), np.nan, (alcohol > 0) * 1.0),
        "cannabis_days": np.where(np.isnan(c := _common.numeric(days, "cannabis")), np.nan,
                                  (c > 0) * 1.0),
        "conflict_days": _common.numeric(days, "conflict"),
        "arousal": _common.numeric(days, "arousal"),
    })


def summarise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys``: value and number of days with a value, for every measure.

    Returns a long frame ``keys + [measure, value, n_days]``.
    """
    parts = []
    grouped = frame.groupby(keys, sort=True, observed=True)
    for measure, (how, _label) in MEASURES.items():
        col = grouped[measure]
        if how in ("mean", "share"):
            value = col.mean()
        elif how == "spread":
            value = col.std(ddof=1)
        else:
            value = col.sum(min_count=1)
        n_days = col.count()
        part = pd.DataFrame({"measure": measure, "value": value, "n_days": n_days})
        parts.append(part.reset_index())
    out = pd.concat(parts, ignore_index=True)
    return out
