"""Plotly charts for the weekly report, each with a one-sentence caption.

Every function takes metric frames (from :mod:`reconnect_analysis.metrics`) and returns a
:class:`Chart`, which Jupyter shows as an interactive plotly figure and the renderer turns
into a ``<figure>`` with the caption underneath. Figures carry no client free text except
event details, which are HTML-escaped (plotly draws a few tags in labels). Layouts are fixed
(height, margins, fonts available offline) so two renders give identical JSON.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd

CHART_MIME = "application/vnd.plotly.v1+json"
FONT = "system-ui, -apple-system, Segoe UI, DejaVu Sans, Liberation Sans, Arial, sans-serif"
COLOURS = {"numbness": "#27548a", "shift": "#1d6b3a", "interest": "#8a5300",
           "episode": "rgba(164,0,29,0.10)", "threshold": "#a4001d", "medication": "#6a3d9a",
           "lever": "#1d6b3a", "other": "#5b6475",
           "hypoarousal": "#5b7db1", "window": "#5aa469", "hyperarousal": "#d1495b"}
CUE_LABELS = {"any": "any cue", "body": "body", "sensory": "sensory",
              "connection": "connection", "meaning": "meaning"}


class Chart:
    """A plotly figure plus its caption (displayed as one output)."""

    def __init__(self, figure, caption: str) -> None:
        self.figure = figure
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {CHART_MIME: json.loads(self.figure.to_json()), "text/plain": self.caption}

    def __repr__(self) -> str:
        return f"<chart: {self.caption}>"


def _figure(height: int = 300):
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.update_layout(
        template="plotly_white", height=height, autosize=True,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        font={"family": FONT, "size": 12, "color": "#1d2330"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
    )
    return figure


def _dates(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]


def _values(series: pd.Series) -> list:
    """Plain floats, with None (a gap in the line) for missing values."""
    out = pd.to_numeric(series, errors="coerce").astype("float64")
    return [None if np.isnan(v) else round(float(v), 3) for v in out]


def numbness(days: pd.DataFrame, episodes: pd.DataFrame, events: pd.DataFrame, *,
             threshold: float, start=None, end=None, trend_sentence: str = "") -> Chart:
    """Section 3: daily numbness, numb-day episodes shaded, medication events and lever starts.

    Parameters
    ----------
    days
        ``metrics.duration.numb_days`` rows (``date``, ``numbness``).
    episodes
        ``metrics.duration.episodes`` rows (``start``, ``end``).
    events
        ``tables.events`` rows (``date``, ``kind``, ``detail``); only those from ``start``
        to ``end`` are marked.
    """
    import plotly.graph_objects as go

    if events is not None and not events.empty and start is not None and end is not None:
        events = events[pd.to_datetime(events["date"]).between(pd.Timestamp(start),
                                                               pd.Timestamp(end))]
    figure = _figure(320)
    for row in episodes.itertuples():
        figure.add_vrect(x0=_dates([row.start])[0], x1=_dates([row.end])[0], line_width=0,
                         fillcolor=COLOURS["episode"], layer="below")
    figure.add_hline(y=threshold, line_dash="dot", line_color=COLOURS["threshold"],
                     line_width=1, annotation_text=f"numb-day threshold ({threshold:g})",
                     annotation_position="top left", annotation_font_size=10)
    figure.add_trace(go.Scatter(
        x=_dates(days["date"]), y=_values(days["numbness"]), mode="lines+markers",
        name="numbness (0-10)", line={"color": COLOURS["numbness"], "width": 2},
        marker={"size": 5}, connectgaps=False))
    marked = _event_marks(figure, events)
    figure.update_yaxes(range=[-0.3, 10.3], title_text="numbness", dtick=2)
    n_logged = int(pd.to_numeric(days["numbness"], errors="coerce").notna().sum())
    caption = (f"Daily numbness (0 = feelings fully available, 10 = nothing) on {n_logged} "
               f"logged days; shaded bands are numb-day episodes"
               + (", vertical lines mark medication changes and lever starts" if marked else "")
               + (f"; {_lower_first(trend_sentence)}" if trend_sentence else
                  "; gaps are days without a check-in") + ".")
    return Chart(figure, _one_sentence(caption))


def _event_marks(figure, events: pd.DataFrame) -> int:
    import plotly.graph_objects as go

    if events is None or events.empty:
        return 0
    shown = 0
    xs, labels, colours = [], [], []
    for row in events.sort_values("date").itertuples():
        kind = str(row.kind)
        colour = (COLOURS["medication"] if kind.startswith("medication") else
                  COLOURS["lever"] if kind == "lever_start" else COLOURS["other"])
        when = _dates([row.date])[0]
        figure.add_vline(x=when, line_dash="dash", line_color=colour, line_width=1.5)
        detail = "" if pd.isna(getattr(row, "detail", None)) else str(row.detail)[:80]
        xs.append(when)
        labels.append(html.escape(kind.replace("_", " ") + (f": {detail}" if detail else "")))
        colours.append(colour)
        shown += 1
    figure.add_trace(go.Scatter(
        x=xs, y=[10.0] * len(xs), mode="markers", name="events",
        marker={"symbol": "triangle-down", "size": 11, "color": colours},
        text=labels, hovertemplate="%{text}<extra></extra>"))
    return shown


def adherence_weekly(weekly: pd.DataFrame, *, carried: bool = True) -> Chart:
    """Section 4: share of answered days with each cue done, per ISO week (``adherence.weekly``).

    ``carried=False`` (no cue columns in the export): an empty chart that says so.
    """
    import plotly.graph_objects as go

    figure = _figure(280)
    if not carried:
        return Chart(figure, "Weekly practice: this export carries no practice data, so there "
                             "is nothing to chart.")
    frame = weekly[weekly["cue"] != "any"]
    for cue, rows in frame.groupby("cue", sort=False):
        figure.add_trace(go.Bar(
            x=_dates(rows["week_start"]), y=_values(rows["share_practised"] * 100),
            name=CUE_LABELS.get(str(cue), str(cue)),
            customdata=np.column_stack([rows["days_practised"].astype("float64"),
                                        rows["days_answered"].astype("float64")]).tolist(),
            hovertemplate="%{y:.0f}% (%{customdata[0]:.0f} of %{customdata[1]:.0f} days)"))
    figure.update_layout(barmode="group", bargap=0.25)
    figure.update_yaxes(range=[0, 100], title_text="% of answered days", ticksuffix="%")
    figure.update_xaxes(title_text="week starting", tickformat="%d %b")
    caption = ("Share of answered days on which each cue was done, week by week (days "
               "without a check-in are left out, not counted as missed); look for the cue "
               "that keeps slipping.")
    return Chart(figure, caption)


def shifts(days: pd.DataFrame, *, trend_sentence: str = "", carried: bool = True) -> Chart:
    """Section 5: daily micro-shift score and interest (``metrics.shifts.daily``).

    ``carried=False`` (no micro-shift columns in the export): an empty chart that says so.
    """
    import plotly.graph_objects as go

    figure = _figure(280)
    if not carried:
        return Chart(figure, "Micro-shifts per day: this export carries no micro-shift data, "
                             "so there is nothing to chart.")
    figure.add_trace(go.Scatter(
        x=_dates(days["date"]), y=_values(days["shift_score"]), mode="lines+markers",
        name="micro-shift score (0-10)", line={"color": COLOURS["shift"], "width": 2},
        marker={"size": 5}))
    if "interest_pct" in days and days["interest_pct"].notna().any():
        figure.add_trace(go.Scatter(
            x=_dates(days["date"]), y=_values(days["interest_pct"] / 10), mode="lines",
            name="interest (% / 10)", line={"color": COLOURS["interest"], "width": 1.5,
                                             "dash": "dot"}))
    figure.update_yaxes(range=[-0.3, 10.3], title_text="score", dtick=2)
    caption = ("Micro-shifts per day: the share of the answered signals the client noticed "
               "(0-10), with interest in percent divided by ten"
               + (f"; {_lower_first(trend_sentence)}" if trend_sentence else "") + ".")
    return Chart(figure, _one_sentence(caption))


def arousal_zones(zones: pd.DataFrame, *, period_text: str) -> Chart:
    """Section 6: days in each arousal zone (``metrics.fuel.arousal_zones``)."""
    import plotly.graph_objects as go

    figure = _figure(200)
    total = int(zones["days_with_arousal"].max()) if len(zones) else 0
    names = {"hypoarousal": "shut down (hypo)", "window": "window of tolerance",
             "hyperarousal": "anxious, racing (hyper)"}
    for row in zones.itertuples():
        figure.add_trace(go.Bar(
            y=["days"], x=[int(row.days)], orientation="h", name=names.get(row.zone, row.zone),
            marker_color=COLOURS.get(row.zone, COLOURS["other"]),
            hovertemplate=f"{names.get(row.zone, row.zone)}: %{{x}} days<extra></extra>"))
    figure.update_layout(barmode="stack", hovermode="closest", margin={"l": 50, "r": 20,
                                                                       "t": 30, "b": 30})
    figure.update_xaxes(title_text="days with an arousal rating", range=[0, max(total, 1)])
    window = zones.loc[zones["zone"] == "window", "days"]
    in_window = int(window.iloc[0]) if len(window) else 0
    if total == 0:
        caption = f"Arousal zones {period_text}: no arousal ratings were logged."
    else:
        shut = zones.loc[zones["zone"] == "hypoarousal", "days"]
        shut_days = int(shut.iloc[0]) if len(shut) else 0
        days = "day" if total == 1 else "days"
        caption = (f"Arousal zones {period_text}: {in_window} of {total} rated {days} in the "
                   "window of tolerance")
        if shut_days:
            caption += (f", {shut_days} shut down; long runs in the shut-down zone keep "
                        "numbness in place")
        caption += "."
    return Chart(figure, caption)


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def _one_sentence(text: str) -> str:
    return " ".join(text.split()).replace("..", ".")
