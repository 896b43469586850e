"""The daily grid: one row per client per calendar day, logged or not. The base of every metric.

A day without an entry is *unknown*: it is present in the grid with ``logged`` False and
every value missing, so no later metric can mistake it for "not numb" or "no practice".
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.metrics import _common
from reconnect_analysis.tables import Tables

__all__ = ["grid", "recent", "clear_cache"]

_CACHE: list[tuple] = []
"""The last few grids: (weak reference to the entries frame, its shape, start, end, grid)."""
_CACHE_SIZE = 4
_CACHE_ROWS = 2_500_000
"""Grids are forgotten, oldest first, while more rows than this are remembered (the newest
is always kept): a caseload-year grid is about a million rows and 250 MB."""


def clear_cache() -> None:
    """Forget the remembered grids (see the Notes of :func:`grid`)."""
    _CACHE.clear()


def grid(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
         end=None) -> pd.DataFrame:
    """One row per client and calendar day, with the day's values or missing values.

    Parameters
    ----------
    tables : Tables
        Validated tables (one client or the whole caseload).
    settings : Settings
        Accepted so that every view takes the same options; the grid needs none.
    start, end : date-like, optional
        The period (inclusive). Without ``start`` each client's rows begin at their first
        logged day, without ``end`` they stop at their last logged day. With a period, every
        client that has entries at all gets a row for every day of the period (so a client
        who logged nothing in the period shows up with ``logged`` False throughout).

    Returns
    -------
    pandas.DataFrame
        ``client_id`` (str), ``date`` (datetime64, midnight), ``logged`` (bool: an entry
        exists for that day), then every other column of ``tables.entries`` with its own
        dtype (missing on unlogged days). Sorted by client and date, index 0..n-1.

    Notes
    -----
    Dates are local calendar dates without a time zone, so a daylight-saving change
    never adds or removes a day. Duplicate (client, date) entries are an input error.

    Every view builds on this grid, so the last few grids are remembered, keyed by the
    identity and shape of ``tables.entries`` and the period; each call gets its own
    (copy-on-write) copy, so changing a returned grid never changes the remembered one.
    The package never modifies ``tables.entries`` in place; code that does must call
    :func:`clear_cache` afterwards.
    """
    start = _common.to_day(start, name="start")
    end = _common.to_day(end, name="end")
    _common.check_period(start, end)
    source = tables.entries
    for ref, shape, c_start, c_end, cached in _CACHE:
        if (ref() is source and shape == getattr(source, "shape", None) and c_start == start
                and c_end == end):
            return cached.copy(deep=False)
    out = _build(tables, start, end)
    if source is not None:
        try:
            ref = weakref.ref(source)
        except TypeError:  # pragma: no cover - every DataFrame supports weak references
            return out
        _CACHE.insert(0, (ref, source.shape, start, end, out))
        del _CACHE[_CACHE_SIZE:]
        while len(_CACHE) > 1 and sum(len(item[-1]) for item in _CACHE) > _CACHE_ROWS:
            _CACHE.pop()
    return out.copy(deep=False)


def _build(tables: Tables, start, end) -> pd.DataFrame:
    all_entries = _common.entries(tables)
    frame = all_entries
    if start is not None:
        frame = frame[frame["date"] >= start]
    if end is not None:
        frame = frame[frame["date"] <= end]
    spans = all_entries.groupby("client_id", sort=True)["date"].agg(["min", "max"])
    if start is not None:
        spans["min"] = start
    if end is not None:
        spans["max"] = end
    if start is None or end is None:
        # Clients without entries in the period but known elsewhere: keep them only when the
        # period is fully given; otherwise their span is their own logged days in the period.
        logged_spans = frame.groupby("client_id", sort=True)["date"].agg(["min", "max"])
        spans = spans.loc[spans.index.isin(logged_spans.index)]
        if start is None:
            spans["min"] = logged_spans["min"]
        if end is None:
            spans["max"] = logged_spans["max"]
    spans = spans[spans["max"] >= spans["min"]]
    lengths = ((spans["max"] - spans["min"]).dt.days + 1).to_numpy(dtype="int64")
    total = int(lengths.sum())
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else np.zeros(0,
                                                                                       "int64")
    first = spans["min"].to_numpy(dtype="datetime64[ns]")
    day_index = np.arange(total, dtype="int64") - np.repeat(offsets, lengths)
    base = pd.DataFrame({
        "client_id": pd.Series(np.repeat(spans.index.to_numpy(), lengths),
                               dtype=all_entries["client_id"].dtype),
        "date": np.repeat(first, lengths) + day_index.astype("timedelta64[D]"),
    })
    base["date"] = base["date"].astype("datetime64[ns]")
    if len(frame):
        # Rows are sorted by client: look each client up once per run of rows.
        ids = frame["client_id"].to_numpy(dtype=object)
        run_start = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        run_length = np.diff(np.r_[run_start, len(ids)])
        where = spans.index.get_indexer(ids[run_start])
        pos = (np.repeat(offsets[where], run_length)
               + ((frame["date"].to_numpy(dtype="datetime64[ns]")
                   - np.repeat(first[where], run_length)) // np.timedelta64(1, "D")))
        if len(pos) > 1 and not np.all(pos[1:] > pos[:-1]):  # sorted rows: positions rise
            dup = frame[pd.Series(pos).duplicated().to_numpy()].iloc[0]
            raise ReconnectError(
                f"entries table has two rows for client {dup['client_id']} on "
                f"{pd.Timestamp(dup['date']).date()}; validate the export so days are merged")
        values = frame.drop(columns=["client_id", "date"]).set_axis(pos.astype("int64"))
        values = values.reindex(np.arange(total))
        logged = np.zeros(total, dtype=bool)
        logged[pos.astype("int64")] = True
    else:
        values = frame.drop(columns=["client_id", "date"]).iloc[0:0].reset_index(drop=True)
        values = values.reindex(np.arange(total))
        logged = np.zeros(total, dtype=bool)
    values = values.reset_index(drop=True)
    out = pd.concat([base, pd.DataFrame({"logged": logged}), values], axis=1)
    return out


def recent(days: pd.DataFrame, *, weeks: int, start=None) -> pd.DataFrame:
    """Rows of a daily grid in each client's last ``weeks`` weeks (or from ``start`` on).

    With ``start`` given, the grid is simply cut at ``start``. Otherwise the window ends at
    each client's last grid day and is ``7 * weeks`` days long.
    """
    if start is not None:
        return days[days["date"] >= _common.to_day(start, name="start")].reset_index(drop=True)
    if days.empty:
        return days
    last = days.groupby("client_id", sort=False)["date"].transform("max")
    keep = days["date"] > last - pd.Timedelta(days=7 * weeks)
    return days[keep].reset_index(drop=True)
