"""Lever and medication windows: the two weeks before against the two weeks after an event."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sstats

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common, _measures, daily
from reconnect_analysis.tables import Tables

__all__ = ["before_after", "EVENT_KINDS", "WINDOW_MEASURES"]

EVENT_KINDS = ("lever_start", "medication_start", "medication_stop", "medication_dose_change")
WINDOW_MEASURES = ("numbness", "shift_score", "interest_pct", "adherence", "sleep_hours",
                   "wake_time_sd_min", "alcohol_days", "cannabis_days", "conflict_days")
_COLUMNS = {"client_id": "str", "event_date": "datetime64[ns]", "kind": "str", "detail": "str",
            "measure": "str", "before_mean": "float64", "after_mean": "float64",
            "change": "float64", "n_before": "int64", "n_after": "int64",
            "p_value": "float64", "verdict": "str", "sentence": "str"}
_KIND_WORDS = {"lever_start": "the lever started", "medication_start": "the medication start",
               "medication_stop": "the medication stop",
               "medication_dose_change": "the dose change"}


def before_after(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
                 end=None) -> pd.DataFrame:
    """Each measure in the 14 days before against the 14 days after each event.

    Parameters
    ----------
    start, end : date-like, optional
        Keep events dated in this period (the windows may reach outside it).

    Returns
    -------
    pandas.DataFrame
        One row per event (``lever_start`` and ``medication_*`` rows of ``tables.events``)
        and measure (numbness, shift_score, interest_pct, adherence, sleep_hours,
        wake_time_sd_min, alcohol_days, cannabis_days, conflict_days): ``client_id``,
        ``event_date``, ``kind``, ``detail``, ``measure``; ``before_mean``, ``after_mean``
        (mean of the daily values; for ``adherence`` and ``*_days`` the share of days with a
        yes; for ``wake_time_sd_min`` the standard deviation of wake times in minutes);
        ``change`` (after - before); ``n_before``, ``n_after`` (days with a value);
        ``p_value``; ``verdict`` ("not enough data yet", "higher after", "lower after",
        "no clear difference") and ``sentence``.

    Notes
    -----
    Before = the ``settings.event_window_days`` days up to the day before the event; after =
    the event day and the following ``event_window_days - 1`` days. Fewer than
    ``settings.min_days_in_event_window`` days with a value on either side: "not enough data
    yet". Means are compared with Welch's t-test, spreads with the Brown-Forsythe test
    (Levene's test around the median); "higher/lower after" needs p below
    ``settings.window_test_alpha``. Days are treated as independent, so read p as a guide;
    each measure is tested on its own (nine per event), so one chance difference per few
    events is expected.
    Wording describes timing only; it never says the event caused the change.
    """
    events = tables.events
    if events is None or events.empty or "kind" not in events.columns:
        return _common.empty(_COLUMNS)
    events = events[events["kind"].isin(EVENT_KINDS) & events["date"].notna()]
    start_day, end_day = _common.to_day(start, name="start"), _common.to_day(end, name="end")
    if start_day is not None:
        events = events[events["date"] >= start_day]
    if end_day is not None:
        events = events[events["date"] <= end_day]
    if events.empty:
        return _common.empty(_COLUMNS)
    events = events.sort_values(["client_id", "date"], kind="stable").reset_index(drop=True)
    width = settings.event_window_days
    offsets = np.arange(-width, width)
    n_events = len(events)
    look = pd.DataFrame({
        "event": np.repeat(np.arange(n_events), len(offsets)),
        "client_id": np.repeat(events["client_id"].to_numpy(), len(offsets)),
        "date": (np.repeat(events["date"].to_numpy(dtype="datetime64[ns]"), len(offsets))
                 + np.tile(offsets, n_events).astype("timedelta64[D]")),
        "after": np.tile(offsets >= 0, n_events),
    })
    look["client_id"] = look["client_id"].astype(events["client_id"].dtype)
    days = daily.grid(tables)
    values = _measures.daily_measures(days, settings)
    values["client_id"] = values["client_id"].astype(events["client_id"].dtype)
    joined = look.merge(values.drop(columns=["logged"]), on=["client_id", "date"], how="left")
    rows = []
    for measure in WINDOW_MEASURES:
        y = joined[measure].to_numpy(dtype="float64")
        spread = measure == "wake_time_sd_min"
        stats = _side_stats(joined["event"].to_numpy(), joined["after"].to_numpy(), y,
                            n_events, spread)
        rows.append(pd.DataFrame({"event": np.arange(n_events), "measure": measure, **stats}))
    out = pd.concat(rows, ignore_index=True)
    out = out.sort_values(["event"], kind="stable").reset_index(drop=True)
    ev = events.iloc[out["event"].to_numpy()].reset_index(drop=True)
    detail = ev["detail"] if "detail" in ev.columns else pd.Series([""] * len(ev))
    result = pd.DataFrame({
        "client_id": ev["client_id"], "event_date": ev["date"].astype("datetime64[ns]"),
        "kind": ev["kind"].astype(str), "detail": detail.fillna("").astype(str),
        "measure": out["measure"], "before_mean": out["before"], "after_mean": out["after"],
        "change": out["after"] - out["before"],
        "n_before": out["n_before"].astype("int64"), "n_after": out["n_after"].astype("int64"),
        "p_value": out["p"],
    })
    enough = ((result["n_before"] >= settings.min_days_in_event_window)
              & (result["n_after"] >= settings.min_days_in_event_window))
    significant = result["p_value"] < settings.window_test_alpha
    result["verdict"] = np.select(
        [~enough, significant & (result["change"] > 0), significant & (result["change"] < 0)],
        ["not enough data yet", "higher after", "lower after"], "no clear difference")
    result["sentence"] = [_sentence(r) for r in result.itertuples(index=False)]
    return result[list(_COLUMNS)]


def _side_stats(event, after, y, n_events, spread):
    ok = ~np.isnan(y)
    key = event * 2 + after.astype("int64")
    frame = pd.DataFrame({"key": key[ok], "y": y[ok]})
    if spread:
        median = frame.groupby("key")["y"].transform("median")
        frame["dev"] = (frame["y"] - median).abs()
        grouped = frame.groupby("key")
        level = grouped["y"].std(ddof=1)
        test_on = "dev"
    else:
        grouped = frame.groupby("key")
        level = grouped["y"].mean()
        test_on = "y"
    all_keys = np.arange(2 * n_events)
    n = grouped["y"].count().reindex(all_keys, fill_value=0).to_numpy(dtype="float64")
    mean = grouped[test_on].mean().reindex(all_keys).to_numpy()
    var = grouped[test_on].var(ddof=1).reindex(all_keys).to_numpy()
    level = level.reindex(all_keys).to_numpy()
    n0, n1 = n[0::2], n[1::2]
    m0, m1 = mean[0::2], mean[1::2]
    v0, v1 = var[0::2], var[1::2]
    with np.errstate(invalid="ignore", divide="ignore"):
        if spread:  # Brown-Forsythe: pooled two-sample t on absolute deviations (F = t^2)
            pooled = ((n0 - 1) * v0 + (n1 - 1) * v1) / (n0 + n1 - 2)
            t = (m1 - m0) / np.sqrt(pooled * (1 / n0 + 1 / n1))
            df = n0 + n1 - 2
        else:  # Welch
            se2 = v0 / n0 + v1 / n1
            t = (m1 - m0) / np.sqrt(se2)
            df = se2 ** 2 / ((v0 / n0) ** 2 / (n0 - 1) + (v1 / n1) ** 2 / (n1 - 1))
        p = 2 * sstats.t.sf(np.abs(t), df)
    same = (m1 == m0)
    p = np.where(same & ~np.isnan(m0), 1.0, p)
    p = np.where((n0 < 2) | (n1 < 2), np.nan, p)
    return {"before": level[0::2], "after": level[1::2], "n_before": n0, "n_after": n1, "p": p}


def _sentence(row) -> str:
    label = _measures.MEASURES[row.measure][1]
    event = _KIND_WORDS.get(row.kind, row.kind)
    if row.verdict == "not enough data yet":
        return (f"Not enough data yet to compare {label} around {event} on "
                f"{pd.Timestamp(row.event_date).date()} ({row.n_before} days before, "
                f"{row.n_after} after).")
    numbers = (f"{row.before_mean:.2f} before, {row.after_mean:.2f} after; "
               f"{row.n_before} and {row.n_after} days")
    if row.verdict == "no clear difference":
        return f"No clear difference in {label} around {event} ({numbers})."
    text = (f"{label[0].upper()}{label[1:]} was {row.verdict.replace(' after', '')} in the two "
            f"weeks after {event} than before ({numbers}).")
    if row.kind.startswith("medication"):
        text += " Timing alone does not show a cause; discuss any change with the prescriber."
    return text
