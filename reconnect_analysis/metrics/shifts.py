"""Micro-shifts: the daily score of small first signs of feelings returning."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common
from reconnect_analysis.metrics import daily as daily_grid
from reconnect_analysis.tables import Tables

__all__ = ["daily", "from_grid", "signals_present"]


def signals_present(tables: Tables) -> list[str]:
    """The yes/no micro-shift columns this export carries, in DOMAIN.md order."""
    return [s for s in _common.SHIFT_SIGNALS if s in tables.entries.columns]


def daily(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
          end=None) -> pd.DataFrame:
    """The daily micro-shift score.

    Returns
    -------
    pandas.DataFrame
        ``client_id``, ``date``, ``logged`` (bool), ``shift_score`` (0-10, NaN when unknown),
        ``n_signals_available`` (signals answered yes or no that day), ``n_signals_true``,
        ``score_basis`` ("signals", "interest" or "" when unknown), ``interest_pct`` (0-100,
        NaN when missing), then each ``shift_*`` column the export carries (nullable boolean).

    Notes
    -----
    ``shift_score = 10 * n_signals_true / n_signals_available``: the share of the answered
    signals that were noticed, on a 0-10 scale, so exports that carry only some of the seven
    signals (or rows with some answers empty) stay comparable. A day with no signal answered
    has no score, except in exports that carry no yes/no signal column at all: there the
    score falls back to ``interest_pct / 10`` (``score_basis`` says which). Unlogged days
    have no score (unknown, never zero).
    """
    return from_grid(daily_grid.grid(tables, start=start, end=end))


def from_grid(days: pd.DataFrame) -> pd.DataFrame:
    """:func:`daily` computed from an existing daily grid."""
    present = [s for s in _common.SHIFT_SIGNALS if s in days.columns]
    true = np.zeros(len(days))
    available = np.zeros(len(days), dtype="int64")
    for signal in present:
        values = _common.numeric(days, signal)
        available += ~np.isnan(values)
        true += np.nan_to_num(values)
    interest = _common.numeric(days, "interest_pct")
    if present:
        score = np.where(available > 0, 10.0 * true / np.maximum(available, 1), np.nan)
        basis = np.where(available > 0, "signals", "")
    else:
        score = interest / 10.0
        basis = np.where(np.isnan(interest), "", "interest")
    out = pd.DataFrame({
        "client_id": days["client_id"], "date": days["date"], "logged": days["logged"],
        "shift_score": score, "n_signals_available": available,
        "n_signals_true": true.astype("int64"), "score_basis": basis,
        "interest_pct": interest,
    })
    for signal in present:
        out[signal] = _common.boolean(days, signal).to_numpy()
    return out
