"""The numbness views of one client: numbness per day with numb episodes and events, and
"numbness fuel" by week (sleep, wake times, alcohol, cannabis, late scrolling, recovery
blocks, conflict, daylight walks: what can keep numbness in place).

Gaps in a line stay gaps: a day without a check-in is unknown, never 0.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.client_common import (
    _carries,
    _one_client,
    _period,
    _style,
    title,
    too_few_days,
)
from reconnect_analysis.explore.display import View, count, period_text, short_day
from reconnect_analysis.report import charts
from reconnect_analysis.tables import Tables

__all__ = ["numbness", "fuel_change", "fuel", "NO_FUEL", "FUEL_COUNTS", "FUEL_SCALES",
           "RISK_COLOUR", "RISK_MARK", "EPISODE_FILL", "THRESHOLD_COLOUR"]

RISK_COLOUR = "#c00000"
"""Red is kept for risk only in this notebook: the ⚠ marks of risk-answer and red-flag days."""
RISK_MARK = "risk answer or red flag"
EPISODE_FILL = "rgba(232,163,61,0.20)"
THRESHOLD_COLOUR = "#8a5300"
"""Numb stretches (amber) and the numb-day threshold (brown): not red, which means risk."""

NO_FUEL = ("This export carries no fuel questions (sleep, wake time, alcohol, cannabis, "
           "late scrolling, recovery, conflict, daylight walks), so fuel cannot be shown.")
FUEL_COUNTS = {"alcohol_days": "alcohol", "cannabis_days": "cannabis",
               "late_scrolling_days": "late-night scrolling",
               "recovery_blocks": "recovery block", "conflict_days": "conflict",
               "daylight_walk_days": "daylight walk"}
FUEL_SCALES = {"wake_time_sd_min": ("spread of wake times", " min", 90.0),
               "mean_sleep_hours": ("sleep", " h", 4.0),
               **{column: (f"{label} days", " days", 7.0)
                  for column, label in FUEL_COUNTS.items()}}
"""Label, unit and the scale a change is measured against (as the weekly report's
``wording.MEASURES``: 90 min of wake spread, 4 h of sleep, 7 days of a week)."""


# ---------------------------------------------------------------------------- numbness

def numbness(tables: Tables, client_id: str, start=None, end=None,
             settings: Settings = DEFAULTS) -> View:
    """Numbness per day with numb episodes shaded, the numb-day threshold and events marked
    (the weekly report's chart); the sentence from duration.summary and trends.slopes."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "numbness")
    one = _one_client(tables, client_id)
    days = metrics.duration.numb_days(one, settings=settings, start=start, end=end)
    days = days[days["client_id"] == client_id]
    if days.empty or not days["logged"].any():
        return View("numbness", view_title,
                    f"No check-ins in {period_text(start, end)}: numbness is unknown here.",
                    None)
    episodes = metrics.duration.episodes(one, settings=settings, start=start, end=end)
    summary = metrics.duration.summary(one, settings=settings, as_of=end)
    slopes = metrics.trends.slopes(one, settings=settings, start=start, end=end)
    events = one.events if "date" in one.events.columns else pd.DataFrame()
    if len(events):
        events = events[events["client_id"] == client_id]
    chart = charts.numbness(days, episodes[episodes["client_id"] == client_id], events,
                            threshold=settings.numb_threshold, start=start, end=end)
    figure = chart.figure
    _widen_day_bands(figure)
    _no_red(figure)
    n_risk_days = _mark_risks(figure, one, client_id, start, end)
    _style(figure, view_title, 360)
    figure.update_layout(hovermode="x unified")
    trend_text = trend_sentence(slopes[slopes["client_id"] == client_id], start, end)
    too_few = too_few_days(one, client_id, start, end, settings)
    if too_few:  # a trend on a short burst of check-ins would claim more than the log shows
        trend_text = f"Numbness trend: not enough data yet ({too_few[:-1]})."
    all_days = metrics.duration.numb_days(one, settings=settings, end=end)
    duration_text = duration_sentence(summary[summary["client_id"] == client_id],
                                      all_days[all_days["client_id"] == client_id], end,
                                      settings)
    text = ("Look at the shaded numb stretches and what happens around the marked events. "
            f"{trend_text}{recent_text(one, client_id, end, settings)} "
            f"{duration_text}")
    text += _events_text(events, start, end)
    if n_risk_days:
        text += (f" A red ⚠ marks each of the {count(n_risk_days, 'day')} with a risk answer "
                 "or red flag (see Safety first).")
    return View("numbness", view_title, text, figure)


def _per_week(value: float) -> str:
    """A change per week: zero written as "0" (never "+0.0"), a small non-zero value with two
    decimals so it does not read as 0 ("-0.04")."""
    if abs(value) < 0.005:
        return "0"
    return f"{value:+.2f}" if round(value, 1) == 0 else f"{value:+.1f}"


def trend_sentence(slopes: pd.DataFrame, start, end) -> str:
    """The numbness trend over the chosen weeks (``metrics.trends.slopes`` row) in words.

    A flat trend whose interval rounds to 0 at both ends reads "no change"; zero is written
    "0", never "+0.0"."""
    weeks = max(1, round(((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 7))
    over = f"over these {count(weeks, 'week')}"
    row = slopes.iloc[0] if len(slopes) else None
    if (row is None or row["verdict"] == "not enough data yet"
            or pd.isna(row["slope_per_week"])):
        n = 0 if row is None else int(row["n_days"])
        return (f"Numbness trend: not enough logged days yet to say which way it is going "
                f"({count(n, 'day')} with a value).")
    slope, low, high, n = (float(row["slope_per_week"]), float(row["ci_low"]),
                           float(row["ci_high"]), int(row["n_days"]))
    if row["verdict"] in ("going down", "going up"):
        way = "easing" if row["verdict"] == "going down" else "rising"
        size = "lower" if row["verdict"] == "going down" else "higher"
        return (f"Numbness is {way}: about {abs(slope):.1f} points {size} each week {over} "
                f"(fairly sure: between {_per_week(low)} and {_per_week(high)} a week, "
                f"{count(n, 'day')}).")
    if abs(low) < 0.005 and abs(high) < 0.005:  # the interval is 0 to 0
        return f"Numbness shows no overall change {over} ({count(n, 'day')})."
    return (f"Numbness shows no clear change {over} (uncertain: between {_per_week(low)} and "
            f"{_per_week(high)} a week, {count(n, 'day')}).")


def recent_text(tables: Tables, client_id: str, end, settings: Settings = DEFAULTS) -> str:
    """The chosen weeks' last week against the week before (``metrics.trends.week_over_week``,
    numbness: mean of the logged days), e.g. " Last week (16 Nov – 22 Nov): mean numbness 6.9
    (7 days logged), against 5.6 the week before (7 logged)." "" when either week has fewer
    than 3 logged days."""
    monday = pd.Timestamp(end).normalize() - pd.Timedelta(days=6)
    rows = metrics.trends.week_over_week(tables, settings=settings, week=monday)
    rows = rows[(rows["client_id"] == client_id) & (rows["measure"] == "numbness")]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    n_this, n_last = int(row["n_days_this"]), int(row["n_days_last"])
    if n_this < 3 or n_last < 3:
        return ""
    return (f" Last week ({period_text(monday, end)[:-5]}): mean numbness "
            f"{row['this_week']:.1f} ({count(n_this, 'day')} logged), against "
            f"{row['last_week']:.1f} the week before ({n_last} logged).")


def duration_sentence(summary: pd.DataFrame, days: pd.DataFrame, end,
                      settings: Settings = DEFAULTS) -> str:
    """Numb days in the 14 days to ``end`` and the numb stretch ongoing at ``end``
    (``metrics.duration.summary``), claiming no more than the log shows.

    ``days`` is the client's ``metrics.duration.numb_days`` up to ``end``. A stretch that
    begins on the client's first check-in says "since the first check-in (at least N days)";
    one whose last check-in comes before ``end`` says "up to the last check-in on ...";
    days inside the stretch without a check-in are counted out loud.
    """
    row = summary.iloc[0] if len(summary) else None
    end_text = f"the 14 days to {short_day(end)}"
    if row is None or not int(row["logged_days_14"]):
        return f"Numb days: nothing logged in {end_text}."
    logged, numb = int(row["logged_days_14"]), int(row["numb_days_14"])
    text = f"Numb on {numb} of {count(logged, 'day')} logged in {end_text}"
    persistent = row["persistent"]
    if pd.isna(persistent):
        return (text + f": too few days logged to say whether numbness is persistent (at "
                f"least {settings.min_logged_days_in_window} are needed).")
    text += " (more than half: persistent)" if bool(persistent) else " (not most days)"
    onset, length = row["episode_onset"], row["episode_length_days"]
    if pd.isna(onset) or pd.isna(length):
        return text + "."
    onset, length = pd.Timestamp(onset), int(length)
    last_numb = onset + pd.Timedelta(days=length - 1)
    known = days[days["numb_day"].notna().to_numpy()]
    first_checkin = pd.Timestamp(known["date"].min()) if len(known) else onset
    last_checkin = pd.Timestamp(known["date"].max()) if len(known) else last_numb
    inside = days[(days["date"] >= onset) & (days["date"] <= last_numb)]
    not_logged = length - int(inside["numb_day"].notna().sum())
    gaps = f", including {count(not_logged, 'day')} not logged" if not_logged > 0 else ""
    since_first = onset <= first_checkin
    stopped = last_checkin < pd.Timestamp(end).normalize()
    if since_first and stopped:
        stretch = (f"numb from the first check-in on {_long_day(first_checkin)} up to the "
                   f"last check-in on {_long_day(last_checkin)} (at least {length} days"
                   f"{gaps})")
    elif since_first:
        stretch = (f"the numb stretch has run since the first check-in on "
                   f"{_long_day(first_checkin)} (at least {length} days{gaps})")
    elif stopped:
        stretch = (f"the last numb stretch began {_long_day(onset)} and ran up to the last "
                   f"check-in on {_long_day(last_checkin)} ({count(length, 'day')}{gaps})")
    else:
        stretch = (f"the current numb stretch began {_long_day(onset)} "
                   f"({count(length, 'day')}{gaps})")
    return f"{text}; {stretch}."


def _long_day(value) -> str:
    day = pd.Timestamp(value)
    return f"{day:%a} {day.day} {day:%b}"


def _widen_day_bands(figure: go.Figure) -> None:
    """Make each shaded episode cover its whole days (noon before its first day to noon
    after its last), so a one-day episode is a visible band instead of a zero-width one."""
    half = pd.Timedelta(hours=12)
    for shape in figure.layout.shapes:
        if shape.type == "rect":
            shape.x0 = f"{pd.Timestamp(shape.x0) - half:%Y-%m-%d %H:%M}"
            shape.x1 = f"{pd.Timestamp(shape.x1) + half:%Y-%m-%d %H:%M}"


def _no_red(figure: go.Figure) -> None:
    """Numb stretches amber and the threshold brown: red means risk only here."""
    for shape in figure.layout.shapes:
        if shape.type == "rect":
            shape.fillcolor = EPISODE_FILL
        elif shape.type == "line" and shape.line.color == charts.COLOURS["threshold"]:
            shape.line.color = THRESHOLD_COLOUR
            shape.line.dash = "dash"


def _mark_risks(figure: go.Figure, tables: Tables, client_id: str, start, end) -> int:
    """A red ⚠ at the top of the chart on each day with a risk answer or red flag in the
    period; the hover says what was logged (client text escaped)."""
    from reconnect_analysis.explore.client_safety import risk_table

    rows = risk_table(tables, client_id, start, end)
    rows = rows[rows["when"] == "in the chosen weeks"]
    if rows.empty:
        return 0
    days, texts = [], []
    for day, group in rows.groupby("date", sort=True):
        what = "; ".join(html.escape(f"{w} {v}" if v != "yes" else str(w))
                         for w, v in zip(group["what"], group["value_text"], strict=True))
        days.append(f"{pd.Timestamp(day):%Y-%m-%d}")
        texts.append(f"⚠ {pd.Timestamp(day):%a} {pd.Timestamp(day).day} "
                     f"{pd.Timestamp(day):%b}: {what}")
    figure.add_trace(go.Scatter(
        x=days, y=[10.0] * len(days), mode="markers+text", name=f"⚠ {RISK_MARK}",
        text=["⚠"] * len(days), textposition="middle center", textfont={"color": "white",
                                                                          "size": 9},
        marker={"symbol": "triangle-up", "size": 18, "color": RISK_COLOUR},
        hovertext=texts, hovertemplate="%{hovertext}<extra></extra>"))
    return len(days)


def _events_text(events: pd.DataFrame, start, end) -> str:
    if events is None or events.empty:
        return ""
    dates = pd.to_datetime(events["date"])
    shown = events[dates.between(pd.Timestamp(start), pd.Timestamp(end))]
    if shown.empty:
        return ""
    parts, medication = [], False
    for row in shown.sort_values("date").itertuples():
        kind = str(row.kind)
        medication |= kind.startswith("medication")
        detail = "" if pd.isna(getattr(row, "detail", None)) else f" ({str(row.detail)[:80]})"
        parts.append(f"{kind.replace('_', ' ')}{detail} on {short_day(row.date)}")
    text = " Marked: " + "; ".join(parts) + "."
    if medication:
        text += (" Timing alone does not show that a medication change caused anything; talk "
                 "changes over with the prescriber.")
    return text


# -------------------------------------------------------------------------------- fuel

def fuel_change(weeks: pd.DataFrame) -> dict | None:
    """The fuel measure that changed most from the first to the last week with a value.

    A change is compared as a share of its scale (``FUEL_SCALES``: 90 min of wake-time
    spread, 4 h of sleep, 7 days for day counts). Returns ``measure``, ``label``, ``unit``,
    ``first_week``, ``first``, ``first_days`` (days logged that week), ``last_week``,
    ``last``, ``last_days``, ``size`` (change / scale), or None when no measure has values
    in two different weeks.
    """
    best = None
    for column, (label, unit, scale) in FUEL_SCALES.items():
        if column not in weeks.columns:
            continue
        values = pd.to_numeric(weeks[column], errors="coerce").astype("float64")
        known = weeks[values.notna().to_numpy()]
        if len(known) < 2:
            continue
        first, last = values[known.index[0]], values[known.index[-1]]
        size = abs(last - first) / scale
        if best is None or size > best["size"]:
            best = {"measure": column, "label": label, "unit": unit,
                    "first_week": known["week_start"].iloc[0], "first": float(first),
                    "first_days": int(known["days_logged"].iloc[0]),
                    "last_week": known["week_start"].iloc[-1], "last": float(last),
                    "last_days": int(known["days_logged"].iloc[-1]), "size": float(size)}
    return best


def fuel(tables: Tables, client_id: str, start=None, end=None,
         settings: Settings = DEFAULTS) -> View:
    """Weekly fuel (metrics.fuel.weekly): wake-time spread, sleep, and days a week with
    alcohol, cannabis, late scrolling, recovery blocks, conflict and daylight walks."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "fuel")
    one = _one_client(tables, client_id)
    if not _carries(one)["fuel"]:
        return View("fuel", view_title, NO_FUEL, None)
    weeks = metrics.fuel.weekly(one, settings=settings, start=start, end=end)
    weeks = weeks[weeks["client_id"] == client_id].reset_index(drop=True)
    if weeks.empty or not weeks["days_logged"].sum():
        return View("fuel", view_title, f"No check-ins in {period_text(start, end)}: fuel is "
                    "unknown here.", None)
    around = event_fuel_text(one, client_id, start, end, settings)
    return View("fuel", view_title, _fuel_sentence(weeks, around),
                _fuel_figure(weeks, view_title))


FUEL_WINDOW_MEASURES = {"wake_time_sd_min": ("spread of wake times", "min"),
                        "sleep_hours": ("sleep", "h"),
                        "alcohol_days": ("alcohol days", "share"),
                        "cannabis_days": ("cannabis days", "share"),
                        "conflict_days": ("conflict days", "share")}
"""The fuel measures of ``metrics.windows.before_after``, in words, with their unit."""


def _window_value(value: float, unit: str) -> str:
    if unit == "min":
        return f"{value:.0f} min"
    if unit == "h":
        return f"{value:.1f} h"
    return f"{value:.0%} of days"


def event_fuel_text(tables: Tables, client_id: str, start, end,
                    settings: Settings = DEFAULTS) -> str:
    """What fuel changed clearly around the latest lever start or medication event in the
    chosen weeks that has at least a week of them on either side
    (``metrics.windows.before_after`` and its verdicts); "" when there is no such event."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    events = tables.events
    if events is None or events.empty or "date" not in events.columns:
        return ""
    events = events[(events["client_id"] == client_id)
                    & events["kind"].astype(str).str.match(r"lever_start|medication")]
    dates = pd.to_datetime(events["date"])
    week = pd.Timedelta(days=7)
    usable = events[(dates - week >= start) & (dates + week - pd.Timedelta(days=1) <= end)]
    if usable.empty:
        return ""
    event = usable.assign(_d=pd.to_datetime(usable["date"])).sort_values("_d").iloc[-1]
    day = pd.Timestamp(event["date"]).normalize()
    rows = metrics.windows.before_after(tables, settings=settings, start=day, end=day)
    rows = rows[(rows["client_id"] == client_id) & (rows["event_date"] == day)
                & rows["measure"].isin(list(FUEL_WINDOW_MEASURES))]
    kind = str(event["kind"]).replace("_", " ")
    detail = "" if pd.isna(event.get("detail")) else f" ({str(event['detail'])[:80]})"
    n = settings.event_window_days
    text = (f"Around the {kind}{detail} on {_long_day(day)}, the {n} days before against the "
            f"{n} days from it: ")
    if rows.empty or (rows["verdict"] == "not enough data yet").all():
        return text + "not enough days logged on both sides to compare fuel yet."
    clear = rows[rows["verdict"].isin(["higher after", "lower after"])]
    if clear.empty:
        return text + "no fuel measure changed clearly."
    parts = []
    for r in clear.itertuples():
        label, unit = FUEL_WINDOW_MEASURES[r.measure]
        parts.append(f"{label} {r.verdict} ({_window_value(r.before_mean, unit)} before, "
                     f"{_window_value(r.after_mean, unit)} after)")
    return text + "; ".join(parts) + ". Timing alone does not show a cause."


def _fuel_value(value: float, unit: str) -> str:
    if unit == " h":
        return f"{value:.1f} h"
    if unit == " min":
        return f"{value:.0f} min"
    return "1 day" if round(value) == 1 else f"{value:.0f} days"


def _fuel_sentence(weeks: pd.DataFrame, around: str = "") -> str:
    change = fuel_change(weeks)
    text = ("Look for the fuel that keeps numbness in place (irregular wake times, short "
            "sleep, alcohol or cannabis days, late scrolling, conflict without repair) and "
            "whether it eases after a lever start. ")
    if around:
        return text + around
    if change is None:
        return text + "Fewer than two weeks with fuel answers: nothing to compare yet."
    if change["size"] == 0:
        return text + ("No fuel measure changed between the first and last week shown (no "
                       "lever start or medication change with a week on either side here).")
    return text + (f"Changed most: {change['label']}, "
                   f"{_fuel_value(change['first'], change['unit'])} in the week of "
                   f"{short_day(change['first_week'])} "
                   f"({count(change['first_days'], 'day')} logged) against "
                   f"{_fuel_value(change['last'], change['unit'])} in the week of "
                   f"{short_day(change['last_week'])} "
                   f"({count(change['last_days'], 'day')} logged)"
                   + ("; a day counts only when answered" if change["unit"] == " days"
                      else "") + ". This compares the first and last week shown and may be "
                   "chance.")


def _fuel_figure(weeks: pd.DataFrame, view_title: str) -> go.Figure:
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09,
                           subplot_titles=("Spread of wake times (minutes)",
                                           "Sleep (hours, mean)",
                                           "Days in the week with ..."))
    _style(figure, view_title, 560)
    x = charts._dates(weeks["week_start"])
    logged = weeks["days_logged"].astype(int).tolist()
    figure.add_trace(go.Scatter(
        x=x, y=charts._values(weeks["wake_time_sd_min"]), mode="lines+markers",
        name="wake-time spread", line={"color": "#27548a"}, customdata=logged,
        hovertemplate="week of %{x}: %{y:.0f} min (%{customdata} days logged)<extra></extra>"),
        row=1, col=1)
    figure.add_trace(go.Scatter(
        x=x, y=charts._values(weeks["mean_sleep_hours"]), mode="lines+markers",
        name="sleep", line={"color": "#5b7db1"}, customdata=logged,
        hovertemplate="week of %{x}: %{y:.1f} h (%{customdata} days logged)<extra></extra>"),
        row=2, col=1)
    colours = ("#3b6e8f", "#6a3d9a", "#8a5300", "#1d6b3a", "#b08d2a", "#5aa469")  # no red
    for (column, label), colour in zip(FUEL_COUNTS.items(), colours, strict=True):
        if column not in weeks.columns or weeks[column].isna().all():
            continue
        values = [None if pd.isna(v) else int(v) for v in weeks[column]]
        figure.add_trace(go.Bar(
            x=x, y=values, name=label, marker_color=colour, customdata=logged,
            hovertemplate=(f"week of %{{x}}: {label} on %{{y}} days (%{{customdata}} days "
                           "logged)<extra></extra>")), row=3, col=1)
    figure.update_layout(barmode="group", legend={"y": -0.08, "yanchor": "top"})
    figure.update_yaxes(rangemode="tozero")
    figure.update_yaxes(range=[0, 7.3], dtick=1, row=3, col=1)
    figure.update_xaxes(tickformat="%d %b")
    return figure
