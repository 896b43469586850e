"""The one-client views of notebooks/explore_adherence.ipynb.

Each view builder is a pure function ``(tables, client_id, start, end, settings) -> View``:
``tables`` is the whole caseload or one client, ``start``/``end`` are the first and last day
shown (from :func:`reconnect_analysis.explore.data.period`). Numbers come from
:mod:`reconnect_analysis.metrics`; wording and the numbness chart are reused from
:mod:`reconnect_analysis.report`. :func:`client_views` returns every view in display order,
safety first. The views live in :mod:`~reconnect_analysis.explore.client_safety`,
:mod:`~reconnect_analysis.explore.client_practice` and
:mod:`~reconnect_analysis.explore.client_numbness`; what they share is in
:mod:`~reconnect_analysis.explore.client_common`.

A missing day is unknown, never "not done" or 0: the practice grid shows "not logged" and
"not answered" apart from "not done", and gaps in a line stay gaps.
"""

from __future__ import annotations

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.client_common import (
    _carries,
    _link,
    _one_client,
    _period,
)
from reconnect_analysis.explore.client_numbness import fuel, numbness
from reconnect_analysis.explore.client_practice import cue_days, cue_response, shifts_practice
from reconnect_analysis.explore.client_safety import safety
from reconnect_analysis.explore.display import View
from reconnect_analysis.tables import Tables

__all__ = ["VIEW_KEYS", "client_views"]

VIEW_KEYS = ("safety", "cue_days", "shifts_practice", "cue_response", "numbness", "fuel")
"""Display order of :func:`client_views` (safety always first)."""


# ---------------------------------------------------------------------------- all views

def client_views(tables: Tables, client_id: str, start=None, end=None,
                 settings: Settings = DEFAULTS) -> list[View]:
    """Every view for one client and period, in display order (safety first)."""
    start, end = _period(tables, client_id, start, end)
    one = _one_client(tables, client_id)
    link = (_link(one, client_id, start, end, settings)
            if _carries(one)["practice"] and _carries(one)["shifts"] else None)
    return [
        safety(tables, client_id, start, end, settings),
        cue_days(one, client_id, start, end, settings),
        shifts_practice(one, client_id, start, end, settings, link=link),
        cue_response(one, client_id, start, end, settings, link=link),
        numbness(one, client_id, start, end, settings),
        fuel(one, client_id, start, end, settings),
    ]
