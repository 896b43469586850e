"""Symptom duration: numb days, numb episodes, persistent numbness.

A day is a *numb day* when its numbness is at or above ``settings.numb_threshold``
(default 5 of 10). A day without an entry (or without a numbness value) is unknown, never
"not numb".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common, daily
from reconnect_analysis.tables import Tables

__all__ = ["numb_days", "episodes", "summary"]


def numb_days(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
              end=None) -> pd.DataFrame:
    """Whether each calendar day was a numb day.

    Returns
    -------
    pandas.DataFrame
        ``client_id``, ``date``, ``logged`` (bool), ``numbness`` (0-10, NaN when unknown),
        ``numb_day`` (nullable boolean: numbness >= ``settings.numb_threshold``; <NA> when the
        day is not logged or has no numbness value).
    """
    days = daily.grid(tables, start=start, end=end)
    values = _common.numeric(days, "numbness")
    flag = np.where(np.isnan(values), np.nan, (values >= settings.numb_threshold) * 1.0)
    return pd.DataFrame({
        "client_id": days["client_id"], "date": days["date"], "logged": days["logged"],
        "numbness": values, "numb_day": _common.from_float(flag),
    })


_EPISODE_COLUMNS = {"client_id": "str", "start": "datetime64[ns]", "end": "datetime64[ns]",
                    "length_days": "int64", "numb_days": "int64", "unknown_days": "int64",
                    "ongoing": "bool"}


def episodes(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
             end=None) -> pd.DataFrame:
    """Runs of numb days (numb episodes) per client.

    Returns
    -------
    pandas.DataFrame
        ``client_id``; ``start`` and ``end`` (first and last numb day); ``length_days``
        (calendar days from start to end inclusive); ``numb_days`` (numb days in it);
        ``unknown_days`` (unlogged days inside it); ``ongoing`` (True when no logged
        not-numb day follows it and the period, or the client's record, ends no more than
        ``settings.episode_max_gap_days`` days after its last numb day).

    Notes
    -----
    An episode is ended only by a logged day that is not numb. Unlogged (unknown) days
    inside an episode neither end nor extend it: the episode runs across them, they count
    in ``length_days`` and ``unknown_days`` but not in ``numb_days``, and an episode never
    starts or ends on an unknown day. A run of more than ``settings.episode_max_gap_days``
    unknown days ends the episode (nobody knows it went on); the next numb day starts a
    new one.
    """
    frame = numb_days(tables, settings=settings, start=start, end=end)
    if frame.empty:
        return _common.empty(_EPISODE_COLUMNS)
    last_day = frame.groupby("client_id", sort=False)["date"].transform("max")
    known = frame[frame["numb_day"].notna().to_numpy()]
    last_day = last_day[known.index]
    known = known.reset_index(drop=True)
    if known.empty:
        return _common.empty(_EPISODE_COLUMNS)
    numb = known["numb_day"].to_numpy(dtype=bool)
    client = known["client_id"].to_numpy()
    day = known["date"].to_numpy(dtype="datetime64[ns]")
    new_client = np.ones(len(known), dtype=bool)
    new_client[1:] = client[1:] != client[:-1]
    gap = np.zeros(len(known), dtype="int64")
    gap[1:] = (day[1:] - day[:-1]) // np.timedelta64(1, "D") - 1
    prev_numb = np.zeros(len(known), dtype=bool)
    prev_numb[1:] = numb[:-1]
    starts = numb & (new_client | ~prev_numb | (gap > settings.episode_max_gap_days))
    episode_id = np.cumsum(starts)
    # A run continues through numb days; a not-numb day (or a too-long gap) breaks it.
    in_run = numb.copy()
    ids = np.where(in_run, episode_id, 0)
    runs = pd.DataFrame({"client_id": client[in_run], "episode": ids[in_run],
                         "date": day[in_run],
                         "last_day": last_day.to_numpy(dtype="datetime64[ns]")[in_run]})
    if runs.empty:
        return _common.empty(_EPISODE_COLUMNS)
    grouped = runs.groupby("episode", sort=True)
    out = pd.DataFrame({
        "client_id": grouped["client_id"].first(),
        "start": grouped["date"].min(),
        "end": grouped["date"].max(),
        "numb_days": grouped["date"].size().astype("int64"),
        "last_day": grouped["last_day"].first(),
    }).reset_index(drop=True)
    out["length_days"] = ((out["end"] - out["start"]).dt.days + 1).astype("int64")
    out["unknown_days"] = (out["length_days"] - out["numb_days"]).astype("int64")
    # Ongoing: the episode is the client's last known state and the record did not go quiet
    # for longer than the allowed gap after it.
    last_known = known.groupby("client_id", sort=False)["date"].max()
    out["ongoing"] = ((out["end"].to_numpy() == last_known.reindex(out["client_id"]).to_numpy())
                      & ((out["last_day"] - out["end"]).dt.days
                         <= settings.episode_max_gap_days).to_numpy())
    out["client_id"] = out["client_id"].astype(frame["client_id"].dtype)
    return out[list(_EPISODE_COLUMNS)]


def summary(tables: Tables, *, settings: Settings = DEFAULTS, as_of=None) -> pd.DataFrame:
    """Persistent numbness over the 14 days to ``as_of`` and the current episode.

    Parameters
    ----------
    as_of : date-like, optional
        The last day of the window. Default: each client's last logged day.

    Returns
    -------
    pandas.DataFrame
        One row per client: ``client_id``, ``as_of``, ``days_in_window`` (calendar days of
        the window, ``settings.window_days``), ``logged_days_14`` (days in the window with a
        numbness value), ``numb_days_14``, ``share_numb_14`` (numb / logged, NaN when nothing
        was logged), ``persistent`` (nullable boolean: numb on more than half the logged days;
        <NA> with fewer than ``settings.min_logged_days_in_window`` logged days),
        ``episode_onset`` (first day of the episode ongoing at ``as_of``, NaT if none),
        ``episode_length_days`` (calendar days from onset to its last numb day, <NA> if
        none), ``verdict`` (plain words).

    Notes
    -----
    The window counts only logged days: a missing day is unknown, never "not numb".
    Episodes are those of :func:`episodes` computed on the days up to ``as_of``.
    """
    as_of_day = _common.to_day(as_of, name="as_of")
    days = numb_days(tables, settings=settings, end=as_of_day)
    columns = {"client_id": "str", "as_of": "datetime64[ns]", "days_in_window": "int64",
               "logged_days_14": "int64", "numb_days_14": "int64", "share_numb_14": "float64",
               "persistent": "boolean", "episode_onset": "datetime64[ns]",
               "episode_length_days": "Int64", "verdict": "str"}
    if days.empty:
        return _common.empty(columns)
    if as_of_day is None:
        logged_days = days[days["numb_day"].notna().to_numpy()]
        ref = logged_days.groupby("client_id", sort=True)["date"].max()
        ref = ref.reindex(days["client_id"].unique()).fillna(
            days.groupby("client_id", sort=True)["date"].max())
    else:
        ref = pd.Series(as_of_day, index=pd.Index(days["client_id"].unique()))
    ref = ref.sort_index()
    window = settings.window_days
    ref_per_row = ref.reindex(days["client_id"]).to_numpy(dtype="datetime64[ns]")
    age = (ref_per_row - days["date"].to_numpy(dtype="datetime64[ns]")) // np.timedelta64(1, "D")
    in_window = (age >= 0) & (age < window)
    known = days["numb_day"].notna().to_numpy()
    numb = days["numb_day"].fillna(False).to_numpy(dtype=bool)
    counts = pd.DataFrame({"client_id": days["client_id"],
                           "logged": in_window & known, "numb": in_window & numb})
    counts = counts.groupby("client_id", sort=True)[["logged", "numb"]].sum()
    counts = counts.reindex(ref.index).fillna(0).astype("int64")
    logged = counts["logged"].to_numpy()
    numb_n = counts["numb"].to_numpy()
    share = np.where(logged > 0, numb_n / np.maximum(logged, 1), np.nan)
    enough = logged >= settings.min_logged_days_in_window
    persistent = pd.arrays.BooleanArray(numb_n * 2 > logged, ~enough)
    out = pd.DataFrame({
        "client_id": pd.Series(ref.index.to_numpy(), dtype=days["client_id"].dtype),
        "as_of": ref.to_numpy(dtype="datetime64[ns]"),
        "days_in_window": np.full(len(ref), window, dtype="int64"),
        "logged_days_14": logged, "numb_days_14": numb_n, "share_numb_14": share,
        "persistent": persistent,
    })
    # Current episode: the ongoing episode on the days up to as_of (its last numb day is the
    # last known day and lies within the allowed gap of as_of).
    eps = episodes(tables, settings=settings, end=as_of_day)
    current = eps[eps["ongoing"]].drop_duplicates("client_id", keep="last")
    current = current.set_index("client_id")
    onset = current["start"].reindex(out["client_id"])
    length = current["length_days"].reindex(out["client_id"])
    out["episode_onset"] = onset.to_numpy(dtype="datetime64[ns]")
    out["episode_length_days"] = pd.array(length.to_numpy(dtype="float64"), dtype="Int64")
    out["verdict"] = [_verdict(*row, settings=settings) for row in zip(
        logged, numb_n, out["persistent"], out["episode_onset"], out["episode_length_days"],
        strict=True)]
    return out[list(columns)]


def _verdict(logged, numb, persistent, onset, length, *, settings: Settings) -> str:
    window = settings.window_days
    if persistent is pd.NA:
        return (f"not enough data yet: {logged} of {window} days logged "
                f"(at least {settings.min_logged_days_in_window} needed)")
    text = (f"numb on {numb} of {logged} logged days in the last {window} days: "
            + ("persistent numbness" if persistent else "not persistent"))
    if not pd.isna(onset):
        text += f"; current numb stretch since {pd.Timestamp(onset).date()} ({length} days)"
    return text
