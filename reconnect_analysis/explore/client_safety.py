"""The safety view of one client (always shown first): a headline saying what was logged and
when (self-harm and feeling unsafe first, then red flags, then hopelessness), then every risk
answer and red flag of the client, most severe first and newest first within each, the ones in
the chosen weeks marked; an export without risk questions says risk cannot be ruled out, and a
client silent for days is called out.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.client_common import (
    _figure,
    _one_client,
    _period,
    title,
)
from reconnect_analysis.explore.display import View, count, day_text, period_text, table_height
from reconnect_analysis.report import sections
from reconnect_analysis.tables import Tables

__all__ = ["risk_table", "risk_headline", "severity", "hopelessness_text", "safety",
           "NO_RISK_QUESTIONS", "SEVERITY_GROUPS", "SHORT_NAMES"]

NO_RISK_QUESTIONS = "This export asks no risk questions: risk cannot be ruled out from it."

SEVERITY_GROUPS = ("self-harm or feeling unsafe", "red flag", "hopelessness")
"""Severity order of the safety table and headline (most severe first)."""
_SEVERITY = {"self_harm_thoughts": 0, "unsafe": 0, "risk_self_harm": 0,
             "risk_dangerous_coping": 0, "hopelessness": 2, "risk_hopelessness": 2}
SHORT_NAMES = {"self_harm_thoughts": "thoughts of self-harm",
               "unsafe": "feeling unable to stay safe",
               "hopelessness": "hopelessness",
               "flag_dissociation": "severe dissociation",
               "flag_psychotic": "psychotic symptoms",
               "flag_cannot_self_care": "unable to care for self",
               "flag_head_injury": "numbness after head injury or new neurological symptoms",
               "risk_hopelessness": "hopelessness", "risk_self_harm": "self-harm",
               "risk_dangerous_coping": "dangerous coping"}
"""Short names for the headline (weekly-screen items are named after "weekly screen")."""


def severity(field) -> int:
    """0: self-harm or feeling unsafe (daily or weekly screen), 1: red flags (and any risk
    field not known here), 2: hopelessness."""
    return _SEVERITY.get(str(field), 1)


def hopelessness_text(value) -> str:
    """A hopelessness answer in words: "3 (highest on a 0–3 scale)", "2 (on a 0–3 scale)"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number >= 3:
        return f"{number:g} (highest on a 0–3 scale)"
    return f"{number:g} (on a 0–3 scale)"


# -------------------------------------------------------------------------------- safety

def risk_table(tables: Tables, client_id: str, start, end) -> pd.DataFrame:
    """Every risk answer and red flag of the client, most severe first (:func:`severity`:
    self-harm or feeling unsafe, then red flags, then hopelessness), newest first within each
    (undated rows first: they may be the newest).

    Returns
    -------
    pandas.DataFrame
        ``date`` (NaT when unreadable), ``field``, ``what`` (plain words), ``value_text``
        (hopelessness as "3 (highest on a 0–3 scale)"), ``status``
        (plain words: recovered from a set-aside row, answer unreadable), ``when``
        ("in the chosen weeks", "after the chosen weeks", "before the chosen weeks" or
        "date unreadable"). Nothing is filtered by the period: it only sets ``when``.
    """
    one = _one_client(tables, client_id)
    risks = metrics.safety.risks(one)
    columns = ["date", "field", "what", "value_text", "status", "when"]
    if risks.empty:
        return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date"
                                          else object) for c in columns})
    # The weekly report's row builder, with a window that keeps every row.
    everything = SimpleNamespace(window_start=pd.Timestamp.min, monday=pd.Timestamp.min,
                                 sunday=pd.Timestamp.max)
    rows = sections.risk_rows(risks, everything)
    ordered = risks.sort_values("date", ascending=False, na_position="first", kind="stable")
    ordered = ordered.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    rows["value_text"] = [hopelessness_text(v) if str(f) in ("hopelessness",) else text
                          for f, v, text in zip(ordered["field"], ordered["value"],
                                                rows["value_text"], strict=True)]
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    status = []
    for st, quarantined in zip(ordered["status"], ordered["from_quarantine"], strict=True):
        parts = []
        if str(st) == "possible_positive":
            parts.append("answer could not be read: treat as yes")
        if bool(quarantined):
            parts.append("from a row set aside by validation")
        status.append("; ".join(parts))
    dates = pd.to_datetime(rows["date"]).reset_index(drop=True)
    when = np.where(dates.isna(), "date unreadable",
                    np.where(dates > end, "after the chosen weeks",
                             np.where(dates < start, "before the chosen weeks",
                                      "in the chosen weeks")))
    table = pd.DataFrame({"date": dates, "field": ordered["field"].astype(str).to_numpy(),
                          "what": rows["what"].to_numpy(),
                          "value_text": rows["value_text"].to_numpy(),
                          "status": status, "when": when})
    table["_severity"] = [severity(f) for f in table["field"]]
    table = table.sort_values("_severity", kind="stable")  # newest-first kept within each
    return table.drop(columns="_severity").reset_index(drop=True)


def risk_headline(rows: pd.DataFrame) -> str:
    """What was logged and when, most severe first, e.g. "Thoughts of self-harm on Sun 22
    Nov; severe dissociation on Tue 17 Nov; hopelessness 2–3 on a 0–3 scale on 5 days from
    Mon 16 Nov to Fri 20 Nov; weekly screen Mon 16 Nov: self-harm, hopelessness".

    ``rows`` is :func:`risk_table` (already in severity order). Empty string when empty.
    """
    parts: list[str] = []
    daily = rows[~rows["field"].str.startswith("risk_")]
    for field in dict.fromkeys(daily["field"]):
        group = daily[daily["field"] == field]
        name = SHORT_NAMES.get(field) or str(group["what"].iloc[0]).lower()
        if field == "hopelessness":
            values = pd.to_numeric(group["value_text"].str.split(" ").str[0], errors="coerce")
            values = values.dropna()
            if len(values):
                low, high = values.min(), values.max()
                name += (f" {high:g} (highest on a 0–3 scale)" if low == high == 3 else
                         f" {high:g} on a 0–3 scale" if low == high else
                         f" {low:g}–{high:g} on a 0–3 scale")
        parts.append(name + _dates_phrase(group["date"]) + _unreadable(group))
    screen = rows[rows["field"].str.startswith("risk_")]
    for date in dict.fromkeys(screen["date"].sort_values(ascending=False, na_position="first")):
        group = screen[screen["date"].isna()] if pd.isna(date) else screen[
            screen["date"] == date]
        names = ", ".join(dict.fromkeys(SHORT_NAMES.get(f, str(w).lower())
                                        for f, w in zip(group["field"], group["what"],
                                                        strict=True)))
        when = "(date unreadable)" if pd.isna(date) else day_text(date)
        parts.append(f"weekly screen {when}: {names}" + _unreadable(group))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _dates_phrase(dates: pd.Series) -> str:
    undated = int(dates.isna().sum())
    known = dates.dropna().sort_values()
    parts = []
    if len(known) == 1:
        parts.append(f" on {day_text(known.iloc[0])}")
    elif len(known) == 2:
        parts.append(f" on {day_text(known.iloc[0])} and {day_text(known.iloc[1])}")
    elif len(known):
        parts.append(f" on {len(known)} days from {day_text(known.iloc[0])} to "
                     f"{day_text(known.iloc[-1])}")
    if undated and parts:
        parts.append(f" and {undated} more with an unreadable date")
    elif undated:
        parts.append(" (date unreadable)")
    return "".join(parts)


def _unreadable(group: pd.DataFrame) -> str:
    if group["status"].str.contains("could not be read").any():
        return " (an answer could not be read: treat as yes)"
    return ""


def safety(tables: Tables, client_id: str, start=None, end=None,
           settings: Settings = DEFAULTS) -> View:
    """Risk answers and red flags first: a headline saying what and when (most severe
    first), then all of the client's, most severe first and newest first within each, the
    ones in the chosen weeks marked; an export without risk questions says risk cannot be
    ruled out."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "safety")
    rows = risk_table(tables, client_id, start, end)
    asked, not_asked = sections.risk_questions(tables)
    # a question with answers in the export was asked, whatever the columns say
    answered = (set(tables.risks["field"].dropna().astype(str))
                if "field" in tables.risks.columns else set())
    asked = [*asked, *sorted(answered - set(asked))]
    not_asked = [f for f in not_asked if f not in answered]
    extra = _unattributed(tables) + _silence(tables, client_id, settings)
    if rows.empty:
        if not asked:
            sentence = NO_RISK_QUESTIONS + " Ask the client directly."
        else:
            sentence = (f"No risk answers or red flags logged by {client_id} in the whole "
                        "record")
            sentence += (" among the questions this export asks." if not_asked else ".")
        sentence += _not_asked_text(asked, not_asked) + extra
        return View("safety", view_title, sentence, None)
    counts = rows["when"].value_counts()
    n_in, n_after = int(counts.get("in the chosen weeks", 0)), int(
        counts.get("after the chosen weeks", 0))
    n_undated = int(counts.get("date unreadable", 0))
    sentence = (f"⚠ {risk_headline(rows)}. Review before anything else. "
                f"{count(len(rows), 'risk answer or red flag', 'risk answers or red flags')}"
                f" logged by {client_id} in the table, most serious first: {n_in} in the "
                f"chosen weeks ({period_text(start, end)})")
    if n_after:
        sentence += f", {n_after} after them"
    if n_undated:
        sentence += f", {n_undated} with an unreadable date"
    sentence += "." + _not_asked_text(asked, not_asked)
    sentence += extra
    return View("safety", view_title, sentence, _risk_figure(rows, view_title))


def _not_asked_text(asked: list[str], not_asked: list[str]) -> str:
    if not asked or not not_asked:
        return ""
    listed = "; ".join(sections.FIELD_LABELS.get(f, f) for f in not_asked)
    return f" Not asked in this export: {listed}. These cannot be ruled out from it."


def _unattributed(tables: Tables) -> str:
    risks = tables.risks
    if "client_id" not in risks.columns:
        return ""
    n = int(risks["client_id"].isna().sum())
    if not n:
        return ""
    return (f" {count(n, 'risk answer')} in this export could not be tied to any client; "
            "see the caseload overview.")


def _silence(tables: Tables, client_id: str, settings: Settings) -> str:
    """A warning when the client's last check-in is ``missing_checkin_alert_days`` (3) or
    more days before the export's last day (with one client's tables: their own last day)."""
    last = metrics.quality.last_checkin(tables, settings=settings)
    row = last[last["client_id"] == client_id]
    if row.empty or not bool(row["alert"].iloc[0]):
        return ""
    row = row.iloc[0]
    return (f" No check-in for the last {int(row['days_since'])} days of the export: the last "
            f"one was on {day_text(row['last_logged'], year=True)} (the export runs to "
            f"{day_text(row['as_of'], year=True)}). Silence can hide risk; consider reaching out.")


def _risk_figure(rows: pd.DataFrame, view_title: str) -> go.Figure:
    marked = rows["when"].isin(["in the chosen weeks", "date unreadable"]).to_numpy()
    fill = np.where(marked, "#fde2e1", "white").tolist()
    cells = [[day_text(d, year=True) for d in rows["date"]],
             [html.escape(str(v)) for v in rows["what"]],
             [html.escape(str(v)) for v in rows["value_text"]],
             [html.escape(str(v)) for v in rows["when"]],
             [html.escape(str(v)) for v in rows["status"]]]
    header = ["Date", "Answer or red flag", "Value", "Chosen weeks?", "Note"]
    widths = [1.2, 2.4, 1.4, 1.3, 1.7]
    # As tall as every row needs: a Plotly table scrolls inside its height, hiding rows.
    figure = _figure(view_title, table_height(header, cells, widths))
    figure.add_trace(go.Table(
        columnwidth=widths,
        header={"values": header,
                "fill_color": "#a4001d", "font": {"color": "white"}, "align": "left"},
        cells={"values": cells, "fill_color": [fill] * len(cells), "align": "left"}))
    figure.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return figure
