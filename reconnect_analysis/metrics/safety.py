"""Risk summary: every risk answer and red flag in a period, never dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common
from reconnect_analysis.tables import Tables

__all__ = ["risks", "LABELS"]

LABELS = {
    "self_harm_thoughts": "Thoughts of self-harm",
    "unsafe": "Feeling unable to stay safe",
    "hopelessness": "Hopelessness",
    "flag_dissociation": "Severe dissociation (losing time, feeling unreal)",
    "flag_psychotic": "Psychotic symptoms",
    "flag_cannot_self_care": "Unable to care for self (not eating, not sleeping)",
    "flag_head_injury": "Numbness after head injury or new neurological symptoms",
    "risk_hopelessness": "Hopelessness (weekly screen)",
    "risk_self_harm": "Self-harm (weekly screen)",
    "risk_dangerous_coping": "Dangerous coping (weekly screen)",
}
"""Plain words for each risk field; an unknown field is shown by its own name."""

_COLUMNS = {"client_id": "str", "date": "datetime64[ns]", "field": "str", "label": "str",
            "value": "object", "status": "str", "from_quarantine": "bool",
            "source_file": "str", "source_row": "Int64"}


def risks(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
          end=None) -> pd.DataFrame:
    """Every risk answer and red flag of ``tables.risks`` in the period.

    Returns
    -------
    pandas.DataFrame
        ``client_id`` (missing for an unattributed risk), ``date`` (NaT when the row had no
        usable date), ``field``, ``label`` (plain words, e.g. "Thoughts of self-harm"),
        ``value`` (as recorded), ``status`` (``positive`` or ``possible_positive``),
        ``from_quarantine`` (bool), ``source_file``, ``source_row``. Undated rows first (they
        can never be placed in a period, so they are always shown), then newest first.

    Notes
    -----
    Nothing is filtered except by date: a risk from a quarantined row is kept. Without
    ``start``/``end`` every row is returned.
    """
    frame = tables.risks
    if frame is None or len(frame.columns) == 0:
        return _common.empty(_COLUMNS)
    frame = frame.copy()
    for column in _COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA if column != "from_quarantine" else False
    date = frame["date"]
    if not pd.api.types.is_datetime64_any_dtype(date.dtype):
        # An unreadable date never drops the risk: the row stays, shown first as undated.
        date = pd.to_datetime(date, errors="coerce", format="ISO8601")
    if getattr(date.dt, "tz", None) is not None:
        date = date.dt.tz_localize(None)
    date = date.dt.normalize().astype("datetime64[ns]")
    frame["date"] = date
    start_day, end_day = _common.to_day(start, name="start"), _common.to_day(end, name="end")
    _common.check_period(start_day, end_day)
    keep = np.ones(len(frame), dtype=bool)
    undated = date.isna().to_numpy()
    if start_day is not None:
        keep &= undated | (date >= start_day).to_numpy()
    if end_day is not None:
        keep &= undated | (date <= end_day).to_numpy()
    frame = frame[keep]
    frame["label"] = [LABELS.get(str(f), str(f)) for f in frame["field"]]
    frame["_undated"] = frame["date"].isna()
    frame = frame.sort_values(["_undated", "date", "source_row"], ascending=[False, False, True],
                              kind="stable", na_position="first")
    frame["from_quarantine"] = frame["from_quarantine"].fillna(False).astype(bool)
    frame["source_row"] = pd.array(pd.to_numeric(frame["source_row"]), dtype="Int64")
    return frame[list(_COLUMNS)].reset_index(drop=True)
