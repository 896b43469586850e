"""Data sufficiency and compliance: days logged, merged and quarantined entries, prompts,
the last check-in, and whether missed days cluster after hard days."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common, daily
from reconnect_analysis.tables import Tables

__all__ = ["sufficiency", "prompts_daily", "last_checkin", "missingness", "TRIGGERS"]

TRIGGERS = ("high_numbness", "high_alcohol", "conflict")
_TRIGGER_WORDS = {"high_numbness": "high-numbness days", "high_alcohol": "high-alcohol days",
                  "conflict": "conflict days"}


def sufficiency(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
                end=None) -> pd.DataFrame:
    """How much each client logged in the period.

    Returns
    -------
    pandas.DataFrame
        One row per client: ``client_id``, ``period_start``, ``period_end``,
        ``days_in_period`` (calendar days: the period, or the client's first to last logged
        day), ``days_logged``, ``share_logged``, ``entries_merged`` (input rows merged into
        another row of the same day: sum of ``n_entries - 1``; <NA> when unknown),
        ``entries_quarantined`` (input rows of the client set aside: distinct
        ``source_file, source_row`` in the quarantine table, not counting problems whose
        ``action`` is ``blank``; <NA> when the quarantine table does not carry
        ``client_id``), ``prompts_sent``, ``prompts_answered``,
        ``share_answered`` (experience-sampling exports only; <NA> otherwise).
    """
    days = daily.grid(tables, start=start, end=end)
    columns = {"client_id": "str", "period_start": "datetime64[ns]",
               "period_end": "datetime64[ns]", "days_in_period": "int64",
               "days_logged": "int64", "share_logged": "float64", "entries_merged": "Int64",
               "entries_quarantined": "Int64", "prompts_sent": "Int64",
               "prompts_answered": "Int64", "share_answered": "float64"}
    if days.empty:
        return _common.empty(columns)
    merged = _common.numeric(days, "n_entries")
    frame = pd.DataFrame({"client_id": days["client_id"], "date": days["date"],
                          "logged": days["logged"], "merged": np.maximum(merged - 1, 0)})
    grouped = frame.groupby("client_id", sort=True)
    out = pd.DataFrame({
        "period_start": grouped["date"].min(), "period_end": grouped["date"].max(),
        "days_in_period": grouped.size(), "days_logged": grouped["logged"].sum(),
    })
    out["share_logged"] = out["days_logged"] / out["days_in_period"]
    if "n_entries" in days.columns:
        out["entries_merged"] = grouped["merged"].sum(min_count=0).astype("Int64")
    else:
        out["entries_merged"] = pd.array([pd.NA] * len(out), dtype="Int64")
    quarantine = tables.quarantine
    if quarantine is not None and "client_id" in quarantine.columns:
        rows = quarantine
        if "action" in rows.columns:  # "blank": the value was blanked, the row was kept
            rows = rows[rows["action"].astype(str) != "blank"]
        keys = [c for c in ("client_id", "source_file", "source_row") if c in rows.columns]
        counts = rows.drop_duplicates(keys).groupby("client_id").size()
        out["entries_quarantined"] = pd.array(counts.reindex(out.index, fill_value=0),
                                              dtype="Int64")
    else:
        out["entries_quarantined"] = pd.array([pd.NA] * len(out), dtype="Int64")
    prompts = tables.prompts
    if prompts is not None and {"client_id", "date", "prompts_sent"} <= set(prompts.columns):
        lo, hi = out["period_start"], out["period_end"]
        p = prompts.assign(lo=lo.reindex(prompts["client_id"]).to_numpy(),
                           hi=hi.reindex(prompts["client_id"]).to_numpy())
        p = p[(p["date"] >= p["lo"]) & (p["date"] <= p["hi"])]
        sums = p.groupby("client_id")[["prompts_sent", "prompts_answered"]].sum()
        sums = sums.reindex(out.index, fill_value=0)
        out["prompts_sent"] = pd.array(sums["prompts_sent"], dtype="Int64")
        out["prompts_answered"] = pd.array(sums["prompts_answered"], dtype="Int64")
        sent = sums["prompts_sent"].to_numpy(dtype="float64")
        out["share_answered"] = np.where(sent > 0, sums["prompts_answered"] / np.maximum(sent, 1),
                                         np.nan)
    else:
        for name in ("prompts_sent", "prompts_answered"):
            out[name] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["share_answered"] = np.nan
    out = out.reset_index()
    out["client_id"] = out["client_id"].astype(days["client_id"].dtype)
    for column in ("days_in_period", "days_logged"):
        out[column] = out[column].astype("int64")
    return out[list(columns)]


def prompts_daily(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
                  end=None) -> pd.DataFrame:
    """Experience-sampling compliance per day: prompts answered out of prompts sent.

    Returns
    -------
    pandas.DataFrame
        One row per client and calendar day of the daily grid: ``client_id``, ``date``,
        ``logged``, ``prompts_sent``, ``prompts_answered`` (Int64, <NA> on days the prompts
        table does not cover), ``share_answered`` (NaN when nothing was sent). Empty of
        prompt values (all <NA>) for exports that are not experience sampling.
    """
    days = daily.grid(tables, start=start, end=end)
    out = pd.DataFrame({"client_id": days["client_id"], "date": days["date"],
                        "logged": days["logged"]})
    prompts = tables.prompts
    sent = answered = np.full(len(out), np.nan)
    if (prompts is not None and len(out)
            and {"client_id", "date", "prompts_sent", "prompts_answered"} <= set(prompts.columns)):
        p = prompts.groupby(["client_id", "date"])[["prompts_sent", "prompts_answered"]].sum()
        key = pd.MultiIndex.from_arrays([out["client_id"], out["date"]])
        p = p.reindex(key)
        sent = p["prompts_sent"].to_numpy(dtype="float64", na_value=np.nan)
        answered = p["prompts_answered"].to_numpy(dtype="float64", na_value=np.nan)
    out["prompts_sent"] = pd.array(sent, dtype="Float64").astype("Int64")
    out["prompts_answered"] = pd.array(answered, dtype="Float64").astype("Int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_answered"] = np.where(sent > 0, answered / sent, np.nan)
    return out


def last_checkin(tables: Tables, *, settings: Settings = DEFAULTS, as_of=None) -> pd.DataFrame:
    """The last logged day of each client up to ``as_of``.

    Parameters
    ----------
    as_of : date-like, optional
        Default: the latest day in the whole entries table.

    Returns
    -------
    pandas.DataFrame
        ``client_id``, ``as_of``, ``last_logged`` (NaT when nothing up to ``as_of``),
        ``days_since`` (Int64: ``as_of - last_logged`` in days), ``alert`` (bool:
        ``days_since >= settings.missing_checkin_alert_days`` or nothing logged).
    """
    entries = _common.entries(tables)
    columns = {"client_id": "str", "as_of": "datetime64[ns]", "last_logged": "datetime64[ns]",
               "days_since": "Int64", "alert": "bool"}
    if entries.empty:
        return _common.empty(columns)
    as_of_day = _common.to_day(as_of, name="as_of")
    if as_of_day is None:
        as_of_day = entries["date"].max()
    clients = pd.Index(entries["client_id"].unique()).sort_values()
    last = entries[entries["date"] <= as_of_day].groupby("client_id")["date"].max()
    last = last.reindex(clients)
    days_since = (as_of_day - last).dt.days
    out = pd.DataFrame({
        "client_id": pd.Series(clients.to_numpy(), dtype=entries["client_id"].dtype),
        "as_of": as_of_day, "last_logged": last.to_numpy(dtype="datetime64[ns]"),
        "days_since": pd.array(days_since.to_numpy(dtype="float64"), dtype="Float64").astype(
            "Int64"),
    })
    out["as_of"] = out["as_of"].astype("datetime64[ns]")
    out["alert"] = (days_since.isna() | (days_since >= settings.missing_checkin_alert_days)
                    ).to_numpy(dtype=bool)
    return out[list(columns)]


def missingness(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
                end=None) -> pd.DataFrame:
    """Whether missed days cluster after high-numbness, high-alcohol or conflict days.

    Returns
    -------
    pandas.DataFrame
        One row per client and ``trigger`` (high_numbness, high_alcohol, conflict):
        ``n_trigger_days`` (logged trigger days with a following day in the record),
        ``missed_after_trigger`` (of those, how many were followed by an unlogged day),
        ``n_other_days``, ``missed_after_other`` (the same after logged non-trigger days),
        ``rate_after_trigger``, ``rate_after_other``, ``p_value`` (one-sided Fisher exact
        test: more misses after trigger days), ``stated`` (bool) and ``sentence`` (empty
        unless stated).

    Notes
    -----
    Trigger days: numbness >= ``settings.missing_numbness_trigger`` (7), at least
    ``settings.missing_alcohol_trigger`` drinks (3), or ``conflict`` yes. A day with the
    trigger field unanswered is neither a trigger nor an "other" day. ``stated`` is True when
    there are at least ``settings.min_trigger_days`` trigger days, the miss rate after them
    exceeds the other rate by at least ``settings.missing_rate_margin``, and p is below
    ``settings.window_test_alpha``: the data are then likely missing not at random, and
    averages over logged days may look better than the client's weeks were.
    """
    days = daily.grid(tables, start=start, end=end)
    columns = {"client_id": "str", "trigger": "str", "n_trigger_days": "int64",
               "missed_after_trigger": "int64", "n_other_days": "int64",
               "missed_after_other": "int64", "rate_after_trigger": "float64",
               "rate_after_other": "float64", "p_value": "float64", "stated": "bool",
               "sentence": "str"}
    if days.empty:
        return _common.empty(columns)
    client = days["client_id"].to_numpy()
    logged = days["logged"].to_numpy(dtype=bool)
    has_next = np.r_[client[1:] == client[:-1], False]
    next_missed = np.r_[~logged[1:], False] & has_next
    fields = {
        "high_numbness": _common.numeric(days, "numbness") >= settings.missing_numbness_trigger,
        "high_alcohol": (_common.numeric(days, "alcohol_drinks")
                         >= settings.missing_alcohol_trigger),
        "conflict": _common.numeric(days, "conflict") > 0,
    }
    known = {
        "high_numbness": ~np.isnan(_common.numeric(days, "numbness")),
        "high_alcohol": ~np.isnan(_common.numeric(days, "alcohol_drinks")),
        "conflict": ~np.isnan(_common.numeric(days, "conflict")),
    }
    parts = []
    for trigger in TRIGGERS:
        base = logged & has_next & known[trigger]
        trig = base & fields[trigger]
        other = base & ~fields[trigger]
        frame = pd.DataFrame({"client_id": client, "t": trig, "tm": trig & next_missed,
                              "o": other, "om": other & next_missed})
        sums = frame.groupby("client_id", sort=True).sum()
        sums["trigger"] = trigger
        parts.append(sums.reset_index())
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["client_id"], kind="stable").reset_index(drop=True)
    t, tm = out["t"].to_numpy(dtype="int64"), out["tm"].to_numpy(dtype="int64")
    o, om = out["o"].to_numpy(dtype="int64"), out["om"].to_numpy(dtype="int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_t = np.where(t > 0, tm / np.maximum(t, 1), np.nan)
        rate_o = np.where(o > 0, om / np.maximum(o, 1), np.nan)
    # One-sided Fisher exact test: P(X >= tm) for X ~ hypergeom(total, misses, trigger days).
    p = sstats.hypergeom.sf(tm - 1, t + o, tm + om, t)
    p = np.where((t > 0) & (o > 0), p, np.nan)
    stated = ((t >= settings.min_trigger_days) & (o > 0)
              & (rate_t - rate_o >= settings.missing_rate_margin)
              & (p < settings.window_test_alpha))
    result = pd.DataFrame({
        "client_id": out["client_id"].astype(days["client_id"].dtype),
        "trigger": out["trigger"], "n_trigger_days": t, "missed_after_trigger": tm,
        "n_other_days": o, "missed_after_other": om, "rate_after_trigger": rate_t,
        "rate_after_other": rate_o, "p_value": p, "stated": stated.astype(bool),
    })
    result["sentence"] = [
        (f"Missed days cluster after {_TRIGGER_WORDS[r.trigger]}: the next day was missed "
         f"after {r.missed_after_trigger} of {r.n_trigger_days} such days "
         f"({r.rate_after_trigger:.0%}) against {r.missed_after_other} of {r.n_other_days} "
         f"other days ({r.rate_after_other:.0%}). Averages over logged days may look better "
         f"than these weeks were.") if r.stated else ""
        for r in result.itertuples(index=False)]
    return result[list(columns)]
