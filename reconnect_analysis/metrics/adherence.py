"""Practice adherence to the four daily cues of the 14-day reconnection plan.

Days not logged are kept apart from days logged without practice: a missing answer is
unknown, never "not practised".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common
from reconnect_analysis.metrics import daily as daily_grid
from reconnect_analysis.tables import Tables

__all__ = ["daily", "weekly", "block", "from_grid", "CUE_NAMES"]

CUE_NAMES = (*_common.CUES, "any")
"""Values of the ``cue`` column: one per cue, plus ``any`` (at least one cue done)."""


def daily(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
          end=None) -> pd.DataFrame:
    """Which cues were done on each calendar day.

    Returns
    -------
    pandas.DataFrame
        ``client_id``, ``date``, ``logged`` (bool); ``cue_body``, ``cue_sensory``,
        ``cue_connection``, ``cue_meaning`` (nullable boolean; <NA> when the day is not
        logged, the answer is empty, or the export has no such column); ``n_cues_answered``
        (cues with a yes/no answer, 0 on unlogged days); ``n_cues_done`` (Int64, <NA> when no
        cue was answered); ``practised`` (nullable boolean: True when at least one cue was
        done, False when at least one was answered and none was done, <NA> otherwise).
    """
    return from_grid(daily_grid.grid(tables, start=start, end=end))


def from_grid(days: pd.DataFrame) -> pd.DataFrame:
    """:func:`daily` computed from an existing daily grid (see :func:`..daily.grid`)."""
    out = pd.DataFrame({"client_id": days["client_id"], "date": days["date"],
                        "logged": days["logged"]})
    done = np.zeros(len(days))
    answered = np.zeros(len(days), dtype="int64")
    for cue in _common.CUES:
        values = _common.numeric(days, f"cue_{cue}")
        out[f"cue_{cue}"] = _common.from_float(values)
        answered += ~np.isnan(values)
        done += np.nan_to_num(values)
    out["n_cues_answered"] = answered
    out["n_cues_done"] = pd.array(np.where(answered > 0, done, np.nan), dtype="Float64").astype(
        "Int64")
    out["practised"] = _common.from_float(np.where(answered > 0, (done > 0) * 1.0, np.nan))
    return out


def weekly(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
           end=None) -> pd.DataFrame:
    """Practice per client, ISO week and cue, with a Wilson interval for the share.

    Returns
    -------
    pandas.DataFrame
        One row per ``client_id``, ``week_start`` (Monday) and ``cue`` (body, sensory,
        connection, meaning, any) with ``days_in_week`` (days of the week inside the
        client's record or the period, at most 7), ``days_logged``, ``days_not_logged``,
        ``days_answered`` (logged days with a yes/no answer for that cue), ``days_practised``,
        ``share_practised`` (practised / answered, NaN when nothing was answered),
        ``ci_low``, ``ci_high`` (Wilson score interval at ``settings.confidence``).

    Notes
    -----
    The Wilson interval treats days as independent; practice on consecutive days is
    correlated, so read it as a rough guide. Unlogged days are never counted as "not
    practised": they are reported in ``days_not_logged``.
    """
    days = daily(tables, settings=settings, start=start, end=end)
    columns = {"client_id": "str", "week_start": "datetime64[ns]", "cue": "str",
               "days_in_week": "int64", "days_logged": "int64", "days_not_logged": "int64",
               "days_answered": "int64", "days_practised": "int64",
               "share_practised": "float64", "ci_low": "float64", "ci_high": "float64"}
    if days.empty:
        return _common.empty(columns)
    week = (days["date"] - pd.to_timedelta(days["date"].dt.day_of_week, unit="D")).to_numpy()
    wide = {"client_id": days["client_id"], "week_start": week, "days_in_week": 1,
            "days_logged": days["logged"].to_numpy().astype("int64")}
    for cue in CUE_NAMES:
        values = _common.numeric(days, "practised" if cue == "any" else f"cue_{cue}")
        wide[f"answered_{cue}"] = (~np.isnan(values)).astype("int64")
        wide[f"practised_{cue}"] = (values > 0).astype("int64")
    sums = pd.DataFrame(wide).groupby(["client_id", "week_start"], sort=True).sum()
    n_weeks, n_cues = len(sums), len(CUE_NAMES)
    out = pd.DataFrame({
        "client_id": np.repeat(sums.index.get_level_values(0).to_numpy(), n_cues),
        "week_start": np.repeat(sums.index.get_level_values(1).to_numpy(), n_cues),
        "cue": np.tile(np.array(CUE_NAMES, dtype=object), n_weeks),
        "days_in_week": np.repeat(sums["days_in_week"].to_numpy(), n_cues),
        "days_logged": np.repeat(sums["days_logged"].to_numpy(), n_cues),
        "days_answered": sums[[f"answered_{c}" for c in CUE_NAMES]].to_numpy().ravel(),
        "days_practised": sums[[f"practised_{c}" for c in CUE_NAMES]].to_numpy().ravel(),
    })
    out["days_not_logged"] = out["days_in_week"] - out["days_logged"]
    n = out["days_answered"].to_numpy(dtype="float64")
    k = out["days_practised"].to_numpy(dtype="float64")
    share = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    low, high = wilson(k, n, confidence=settings.confidence)
    out["share_practised"] = share
    out["ci_low"], out["ci_high"] = low, high
    out["client_id"] = out["client_id"].astype(days["client_id"].dtype)
    return out[list(columns)]


def wilson(k: np.ndarray, n: np.ndarray, *, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (NaN where n == 0)."""
    k = np.asarray(k, dtype="float64")
    n = np.asarray(n, dtype="float64")
    z = sstats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = np.where(n > 0, np.where(k <= 0, 0.0, np.clip(centre - half, 0, 1)), np.nan)
    high = np.where(n > 0, np.where(k >= n, 1.0, np.clip(centre + half, 0, 1)), np.nan)
    return low, high


def block(tables: Tables, *, settings: Settings = DEFAULTS, as_of=None) -> pd.DataFrame:
    """Position in the current 14-day practice block, streaks and restarts.

    Parameters
    ----------
    as_of : date-like, optional
        The day to report on. Default: each client's last logged day.

    Returns
    -------
    pandas.DataFrame
        One row per client: ``client_id``, ``as_of``, ``block_number`` (1 for the first
        block), ``block_start``, ``day_in_block`` (1-14), ``days_logged_in_block``,
        ``days_practised_in_block``, ``streak_days`` (consecutive practised days ending at
        ``as_of``; when ``as_of`` itself is not logged yet, ending the day before),
        ``longest_streak`` (longest run of practised days in the block so far),
        ``restarts`` (times in the block that practice started again after one or more days
        without practice, shown as something good: "if you miss a day, restart").

    Notes
    -----
    Blocks of ``settings.window_days`` days tile the client's record from their first
    logged day. A day counts as practised when at least one cue was done; an unlogged day
    breaks a streak (practice is not known to have happened) and practice after it is a
    restart.
    """
    as_of_day = _common.to_day(as_of, name="as_of")
    days = daily(tables, settings=settings, end=as_of_day)
    columns = {"client_id": "str", "as_of": "datetime64[ns]", "block_number": "int64",
               "block_start": "datetime64[ns]", "day_in_block": "int64",
               "days_logged_in_block": "int64", "days_practised_in_block": "int64",
               "streak_days": "int64", "longest_streak": "int64", "restarts": "int64"}
    if days.empty:
        return _common.empty(columns)
    first = days.groupby("client_id", sort=True)["date"].transform("min")
    if as_of_day is None:
        ref = days[days["logged"]].groupby("client_id", sort=True)["date"].max()
    else:
        ref = days.groupby("client_id", sort=True)["date"].max()
    ref_row = ref.reindex(days["client_id"]).to_numpy(dtype="datetime64[ns]")
    length = settings.window_days
    day_number = ((days["date"] - first).dt.days).to_numpy()
    ref_number = (ref_row - first.to_numpy(dtype="datetime64[ns]")) // np.timedelta64(1, "D")
    current_block = ref_number // length
    keep = (day_number // length == current_block) & (day_number <= ref_number)
    part = days[keep].reset_index(drop=True)
    practised = part["practised"].fillna(False).to_numpy(dtype=bool)
    client = part["client_id"].to_numpy()
    new_client = np.ones(len(part), dtype=bool)
    new_client[1:] = client[1:] != client[:-1]
    # Runs of practised days: run id increases at each practised day after a break.
    run_start = practised & (new_client | ~np.concatenate([[False], practised[:-1]]))
    run_id = np.cumsum(run_start)
    frame = pd.DataFrame({"client_id": client, "run": np.where(practised, run_id, 0),
                          "practised": practised, "run_start": run_start,
                          "first_of_block": new_client, "logged": part["logged"].to_numpy(),
                          "date": part["date"]})
    run_len = frame[frame["practised"]].groupby("run")["run"].transform("size")
    frame["run_len"] = 0
    frame.loc[run_len.index, "run_len"] = run_len
    restart = run_start & ~new_client
    frame["restart"] = restart
    per = frame.groupby("client_id", sort=True).agg(
        block_start=("date", "min"), last_date=("date", "max"),
        days_logged_in_block=("logged", "sum"), days_practised_in_block=("practised", "sum"),
        longest_streak=("run_len", "max"), restarts=("restart", "sum"))
    # Streak ending at as_of (or the day before when as_of is not logged yet).
    last = frame.groupby("client_id", sort=True).nth(-1).set_index("client_id")
    before = frame.groupby("client_id", sort=True).nth(-2).set_index("client_id")
    before = before.reindex(per.index)
    last = last.reindex(per.index)
    streak = np.where(last["practised"].to_numpy(dtype=bool), last["run_len"].to_numpy(),
                      np.where(~last["logged"].to_numpy(dtype=bool)
                               & before["practised"].fillna(False).to_numpy(dtype=bool),
                               before["run_len"].fillna(0).to_numpy(), 0))
    ref = ref.reindex(per.index)
    block_start = per["block_start"].to_numpy(dtype="datetime64[ns]")
    first_day = first.groupby(days["client_id"], sort=True).first().reindex(per.index)
    block_number = ((block_start - first_day.to_numpy(dtype="datetime64[ns]"))
                    // np.timedelta64(1, "D")) // length + 1
    out = pd.DataFrame({
        "client_id": pd.Series(per.index.to_numpy(), dtype=days["client_id"].dtype),
        "as_of": ref.to_numpy(dtype="datetime64[ns]"),
        "block_number": block_number.astype("int64"),
        "block_start": block_start,
        "day_in_block": ((ref - per["block_start"]).dt.days + 1).to_numpy(dtype="int64"),
        "days_logged_in_block": per["days_logged_in_block"].to_numpy(dtype="int64"),
        "days_practised_in_block": per["days_practised_in_block"].to_numpy(dtype="int64"),
        "streak_days": streak.astype("int64"),
        "longest_streak": per["longest_streak"].to_numpy(dtype="int64"),
        "restarts": per["restarts"].to_numpy(dtype="int64"),
    })
    return out[list(columns)]

