"""What the one-client views of :mod:`reconnect_analysis.explore.client` share.

View titles (:data:`TITLES`, :func:`title`) and the private helpers every view module uses:
picking the client's tables and period, the figure style, dates and counts in words, which
questions the export carries, and the client's association links (computed once and passed
to both practice views by :func:`reconnect_analysis.explore.client.client_views`).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from reconnect_analysis import metrics
from reconnect_analysis.config import Settings
from reconnect_analysis.explore import data
from reconnect_analysis.report import charts, sections
from reconnect_analysis.tables import Tables

__all__ = ["TITLES", "title", "FUEL_FIELDS", "MIN_SHARE_LOGGED", "too_few_days"]

TITLES = {"safety": "Safety first: risk answers and red flags",
          "cue_days": "Practice by cue and day",
          "shifts_practice": "Micro-shifts and practice",
          "cue_response": "Which cue goes with micro-shifts",
          "numbness": "Numbness, episodes and events",
          "fuel": "Numbness fuel by week"}

FUEL_FIELDS = ("sleep_hours", "wake_time", "alcohol_drinks", "cannabis", "late_scrolling",
               "recovery_block", "conflict", "daylight_walk")


MIN_SHARE_LOGGED = 0.5
"""Below this share of the chosen days logged, trends and links are not read (the same share
as the caseload's rule, here over the whole chosen period so a short burst of check-ins
followed by silence counts as too little)."""


def too_few_days(tables: Tables, client_id: str, start, end,
                 settings: Settings) -> str:
    """A plain warning when the chosen days hold too few check-ins to read trends or links:
    fewer than ``settings.min_days_for_trend`` days logged, or fewer than
    :data:`MIN_SHARE_LOGGED` of the days in the period. "" when there are enough.

    E.g. "C05 logged 20 of 56 days in these weeks: too few to read trends or links."
    (days logged from ``metrics.quality.sufficiency``).
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    total = int((end - start).days) + 1
    one = _one_client(tables, client_id)
    logged = 0
    if len(one.entries):
        suff = metrics.quality.sufficiency(one, settings=settings, start=start, end=end)
        row = suff[suff["client_id"].astype(str) == str(client_id)]
        logged = int(row["days_logged"].iloc[0]) if len(row) else 0
    if logged >= settings.min_days_for_trend and logged / total >= MIN_SHARE_LOGGED:
        return ""
    return (f"{client_id} logged {logged} of {total} days in these weeks: too few to read "
            "trends or links.")


def title(client_id: str, key: str) -> str:
    """``"C03 · Micro-shifts and practice"``: the client id first, then the view's name."""
    return f"{client_id} · {TITLES[key]}"


def _one_client(tables: Tables, client_id: str) -> Tables:
    """The client's tables (unchanged when they already hold only that client, so the
    metrics' remembered daily grid is reused)."""
    entries = tables.entries
    only = ("client_id" in entries.columns and len(entries)
            and (entries["client_id"] == client_id).all())
    if only:
        risks = tables.risks
        if "client_id" not in risks.columns or (risks["client_id"] == client_id).all():
            return tables
    return tables.for_client(client_id)


def _period(tables: Tables, client_id: str, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The given period, or the client's default weeks (last 8) when either end is None."""
    if start is not None and end is not None:
        return pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    weeks = data.client_weeks(tables, client_id)
    chosen = data.default_weeks(weeks)
    if chosen is None:
        today = pd.Timestamp.today().normalize()
        monday = today - pd.Timedelta(days=today.weekday())
        chosen = (monday, monday)
    first, last = data.period(*chosen)
    return (pd.Timestamp(start).normalize() if start is not None else first,
            pd.Timestamp(end).normalize() if end is not None else last)


def _figure(view_title: str, height: int) -> go.Figure:
    figure = go.Figure()
    _style(figure, view_title, height)
    return figure


def _style(figure: go.Figure, view_title: str, height: int) -> None:
    figure.update_layout(
        title={"text": html.escape(view_title), "x": 0, "xanchor": "left",
               "font": {"size": 15}},
        template="plotly_white", height=height, font={"family": charts.FONT, "size": 12},
        margin={"l": 60, "r": 20, "t": 90, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})


def _carries(tables: Tables) -> dict:
    carries = sections.export_carries(tables)
    carries["fuel"] = any(f in tables.entries.columns for f in FUEL_FIELDS)
    return carries


def _link(one: Tables, client_id: str, start, end, settings: Settings) -> pd.DataFrame:
    rows = metrics.association.link(one, settings=settings, start=start, end=end)
    return rows[rows["client_id"] == client_id].reset_index(drop=True)
