"""The one-client views of notebooks/explore_adherence.ipynb.

Each view builder is a pure function ``(tables, client_id, start, end, settings) -> View``:
``tables`` is the whole caseload or one client, ``start``/``end`` are the first and last day
shown (from :func:`reconnect_analysis.explore.data.period`). Numbers come from
:mod:`reconnect_analysis.metrics`; wording and the numbness chart are reused from
:mod:`reconnect_analysis.report`. :func:`client_views` returns every view in display order,
safety first.

A missing day is unknown, never "not done" or 0: the practice grid shows "not logged" and
"not answered" apart from "not done", and gaps in a line stay gaps.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore import data
from reconnect_analysis.explore.display import View
from reconnect_analysis.fields import CUES
from reconnect_analysis.report import charts, sections, wording
from reconnect_analysis.tables import Tables

__all__ = ["VIEW_KEYS", "client_views", "safety", "cue_days", "shifts_practice",
           "cue_response", "numbness", "fuel", "risk_table", "practice_states",
           "practice_shares", "link_phrase", "clearest_cue", "fuel_change", "title",
           "NO_RISK_QUESTIONS"]

VIEW_KEYS = ("safety", "cue_days", "shifts_practice", "cue_response", "numbness", "fuel")
"""Display order of :func:`client_views` (safety always first)."""

TITLES = {"safety": "Safety first: risk answers and red flags",
          "cue_days": "Practice by cue and day",
          "shifts_practice": "Micro-shifts and practice",
          "cue_response": "Which cue goes with micro-shifts",
          "numbness": "Numbness, episodes and events",
          "fuel": "Numbness fuel by week"}

NO_RISK_QUESTIONS = "This export asks no risk questions: risk cannot be ruled out from it."
NO_FUEL = ("This export carries no fuel questions (sleep, wake time, alcohol, cannabis, "
           "late scrolling, recovery, conflict, daylight walks), so fuel cannot be shown.")
LINK_DISCLAIMER = "This is a link in the log, not proof that one causes the other."

STATES = ("done", "not done", "not answered", "not logged")
"""Cell states of the practice grid, in colour-scale order (codes 0..3)."""
STATE_COLOURS = ("#1d6b3a", "#e8a33d", "#9fb3cf", "#f2f2f2")
"""done: green; not done: amber; not answered: blue-grey; not logged: near-white."""
CUE_ROWS = (*CUES, "any")
VERDICT_COLOURS = {"clear link": "#1d6b3a", "possible link": "#b36b00",
                   "no clear link": "#5b6475", "not enough data yet": "#b8c4d6"}
VERDICT_RANK = {"clear link": 0, "possible link": 1, "no clear link": 2,
                "not enough data yet": 3}
FUEL_FIELDS = ("sleep_hours", "wake_time", "alcohol_drinks", "cannabis", "late_scrolling",
               "recovery_block", "conflict", "daylight_walk")
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


# ------------------------------------------------------------------------- shared helpers

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


def _day_text(value) -> str:
    return "date unreadable" if pd.isna(value) else f"{pd.Timestamp(value):%a %d %b %Y}"


def _short_day(value) -> str:
    return f"{pd.Timestamp(value).day} {pd.Timestamp(value):%b}"


def _range_text(start, end) -> str:
    return f"{_short_day(start)} – {_short_day(end)} {pd.Timestamp(end):%Y}"


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def _plain_link(sentence: str) -> str:
    """A metrics link sentence with "rho" in words and without the causality disclaimer
    (added once per view instead)."""
    text = str(sentence).replace(" " + LINK_DISCLAIMER, "").replace(LINK_DISCLAIMER, "")
    return text.replace("(rho ", "(rank correlation ").strip()


# -------------------------------------------------------------------------------- safety

def risk_table(tables: Tables, client_id: str, start, end) -> pd.DataFrame:
    """Every risk answer and red flag of the client, newest first (undated rows first).

    Returns
    -------
    pandas.DataFrame
        ``date`` (NaT when unreadable), ``what`` (plain words), ``value_text``, ``status``
        (plain words: recovered from a set-aside row, answer unreadable), ``when``
        ("in the chosen weeks", "after the chosen weeks", "before the chosen weeks" or
        "date unreadable"). Nothing is filtered by the period: it only sets ``when``.
    """
    one = _one_client(tables, client_id)
    risks = metrics.safety.risks(one)
    columns = ["date", "what", "value_text", "status", "when"]
    if risks.empty:
        return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date"
                                          else object) for c in columns})
    # The weekly report's row builder, with a window that keeps every row.
    everything = SimpleNamespace(window_start=pd.Timestamp.min, monday=pd.Timestamp.min,
                                 sunday=pd.Timestamp.max)
    rows = sections.risk_rows(risks, everything)
    ordered = risks.sort_values("date", ascending=False, na_position="first", kind="stable")
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
    return pd.DataFrame({"date": dates, "what": rows["what"].to_numpy(),
                         "value_text": rows["value_text"].to_numpy(),
                         "status": status, "when": when})


def safety(tables: Tables, client_id: str, start=None, end=None,
           settings: Settings = DEFAULTS) -> View:
    """Risk answers and red flags first: all of the client's, newest first, the ones in the
    chosen weeks marked; an export without risk questions says risk cannot be ruled out."""
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
    sentence = (f"⚠ {_count(len(rows), 'risk answer or red flag', 'risk answers or red flags')}"
                f" logged by {client_id}, newest first: {n_in} in the chosen weeks "
                f"({_range_text(start, end)})")
    if n_after:
        sentence += f", {n_after} after them"
    if n_undated:
        sentence += f", {n_undated} with an unreadable date (listed first)"
    sentence += ". Review them before anything else." + _not_asked_text(asked, not_asked)
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
    return (f" {_count(n, 'risk answer')} in this export could not be tied to any client; "
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
            f"one was on {_day_text(row['last_logged'])} (the export runs to "
            f"{_day_text(row['as_of'])}). Silence can hide risk; consider reaching out.")


def _risk_figure(rows: pd.DataFrame, view_title: str) -> go.Figure:
    marked = rows["when"].isin(["in the chosen weeks", "date unreadable"]).to_numpy()
    fill = np.where(marked, "#fde2e1", "white").tolist()
    cells = [[_day_text(d) for d in rows["date"]],
             [html.escape(str(v)) for v in rows["what"]],
             [html.escape(str(v)) for v in rows["value_text"]],
             [html.escape(str(v)) for v in rows["when"]],
             [html.escape(str(v)) for v in rows["status"]]]
    figure = _figure(view_title, min(120 + 30 * len(rows), 520))
    figure.add_trace(go.Table(
        columnwidth=[1.2, 2.6, 0.8, 1.4, 1.8],
        header={"values": ["Date", "Answer or red flag", "Value", "Chosen weeks?", "Note"],
                "fill_color": "#a4001d", "font": {"color": "white"}, "align": "left"},
        cells={"values": cells, "fill_color": [fill] * len(cells), "align": "left",
               "height": 26}))
    figure.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return figure


# ------------------------------------------------------------------- practice by cue/day

def practice_states(tables: Tables, client_id: str, start, end) -> pd.DataFrame:
    """The state of each cue (and "any") on each day of the period.

    Returns
    -------
    pandas.DataFrame
        ``cue`` (body, sensory, connection, meaning, any; only the cues the export carries),
        ``date``, ``state``: "done", "not done", "not answered" (logged, no answer for that
        cue; for "any": no cue answered) or "not logged" (no check-in that day). Empty when
        the export carries no cue column.
    """
    one = _one_client(tables, client_id)
    cues = [c for c in CUES if f"cue_{c}" in one.entries.columns]
    columns = {"cue": object, "date": "datetime64[ns]", "state": object}
    if not cues:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    days = metrics.adherence.daily(one, start=start, end=end)
    days = days[days["client_id"] == client_id]
    if days.empty:  # no check-in at all: every day of the period is not logged
        dates = pd.date_range(start, end, freq="D")
        return pd.DataFrame({"cue": np.repeat([*cues, "any"], len(dates)),
                             "date": np.tile(dates.to_numpy(), len(cues) + 1),
                             "state": "not logged"})
    logged = days["logged"].to_numpy(dtype=bool)
    frames = []
    for cue in [*cues, "any"]:
        values = days["practised" if cue == "any" else f"cue_{cue}"]
        known = values.notna().to_numpy()
        done = values.fillna(False).to_numpy(dtype=bool)
        state = np.where(~logged, "not logged", np.where(
            ~known, "not answered", np.where(done, "done", "not done")))
        frames.append(pd.DataFrame({"cue": cue, "date": days["date"].to_numpy(),
                                    "state": state}))
    return pd.concat(frames, ignore_index=True)


def practice_shares(states: pd.DataFrame) -> pd.DataFrame:
    """Per cue: ``days_done``, ``days_answered`` (done + not done), ``days_not_logged``,
    ``share`` (done / answered; NaN when nothing was answered), in ``CUE_ROWS`` order."""
    rows = []
    for cue in [c for c in CUE_ROWS if c in set(states["cue"])]:
        s = states.loc[states["cue"] == cue, "state"]
        done, not_done = int((s == "done").sum()), int((s == "not done").sum())
        answered = done + not_done
        rows.append({"cue": cue, "days_done": done, "days_answered": answered,
                     "days_not_logged": int((s == "not logged").sum()),
                     "share": done / answered if answered else np.nan})
    return pd.DataFrame(rows, columns=["cue", "days_done", "days_answered",
                                       "days_not_logged", "share"])


def cue_days(tables: Tables, client_id: str, start=None, end=None,
             settings: Settings = DEFAULTS) -> View:
    """Cue-by-day practice: a grid of done / not done / not answered / not logged."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "cue_days")
    states = practice_states(tables, client_id, start, end)
    if states.empty:
        return View("cue_days", view_title, sections.NO_PRACTICE, None)
    shares = practice_shares(states)
    return View("cue_days", view_title, _cue_days_sentence(shares, start, end),
                _cue_days_figure(states, view_title))


def _cue_days_sentence(shares: pd.DataFrame, start, end) -> str:
    single = shares[shares["cue"] != "any"]
    total = int((pd.Timestamp(end) - pd.Timestamp(start)).days + 1)
    not_logged = int(shares["days_not_logged"].iloc[0]) if len(shares) else total
    if not int(shares["days_answered"].sum()):
        return (f"No practice answers in {_range_text(start, end)} ({not_logged} of {total} "
                "days not logged); nothing to count yet.")
    parts = [f"{wording.CUE_NAMES[r.cue]} {r.days_done} of {r.days_answered}"
             + (f" ({r.share:.0%})" if r.days_answered else "")
             for r in single.itertuples()]
    text = ("Look for the cue that keeps slipping. Share of answered days practised: "
            + "; ".join(parts))
    best = single[single["share"] == single["share"].max()] if single["share"].notna().any() \
        else single.iloc[0:0]
    if len(best):
        names = " and ".join(wording.CUE_NAMES[c] for c in best["cue"])
        text += f". Most kept: {names} ({best['share'].iloc[0]:.0%})"
    any_row = shares[shares["cue"] == "any"].iloc[0]
    if any_row["days_answered"]:
        text += (f". Any cue: {int(any_row['days_done'])} of {int(any_row['days_answered'])} "
                 f"answered days")
    text += (f". {not_logged} of {total} days not logged: shown apart, never counted as "
             "missed.")
    return text


def _cue_days_figure(states: pd.DataFrame, view_title: str) -> go.Figure:
    cues = [c for c in CUE_ROWS if c in set(states["cue"])]
    wide = states.pivot(index="cue", columns="date", values="state").reindex(cues)
    codes = wide.apply(lambda col: col.map({s: i for i, s in enumerate(STATES)}))
    scale = []
    for i, colour in enumerate(STATE_COLOURS):
        scale += [[i / len(STATES), colour], [(i + 1) / len(STATES), colour]]
    labels = [charts.CUE_LABELS[c] for c in cues]
    figure = _figure(view_title, 140 + 34 * len(cues))
    figure.add_trace(go.Heatmap(
        z=codes.to_numpy(dtype="float64").tolist(), x=charts._dates(wide.columns), y=labels,
        text=wide.to_numpy().tolist(), zmin=-0.5, zmax=len(STATES) - 0.5, colorscale=scale,
        xgap=2, ygap=2, hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
        colorbar={"tickvals": list(range(len(STATES))), "ticktext": list(STATES),
                  "title": {"text": ""}, "thickness": 14, "len": 1.0}))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickformat="%d %b")
    return figure


# ------------------------------------------------------------- micro-shifts and practice

def link_phrase(row) -> str:
    """One link row in short words for a chart label, e.g. "Next day: clear link (rank
    correlation +0.81, 95% interval +0.68 to +0.89, 51 days)"."""
    when = "Same day" if int(row["lag"]) == 0 else "Next day"
    if row["verdict"] == "not enough data yet" or pd.isna(row["rho"]):
        return f"{when}: not enough data yet ({int(row['n_days'])} days with both answers)"
    level = f"{100 * float(row['level']):.2f}".rstrip("0").rstrip(".")
    return (f"{when}: {row['verdict']} (rank correlation {row['rho']:+.2f}, {level}% interval "
            f"{row['ci_low']:+.2f} to {row['ci_high']:+.2f}, {int(row['n_days'])} days)")


def _carries(tables: Tables) -> dict:
    carries = sections.export_carries(tables)
    carries["fuel"] = any(f in tables.entries.columns for f in FUEL_FIELDS)
    return carries


def _link(one: Tables, client_id: str, start, end, settings: Settings) -> pd.DataFrame:
    rows = metrics.association.link(one, settings=settings, start=start, end=end)
    return rows[rows["client_id"] == client_id].reset_index(drop=True)


def shifts_practice(tables: Tables, client_id: str, start=None, end=None,
                    settings: Settings = DEFAULTS, *, link: pd.DataFrame | None = None) -> View:
    """The daily micro-shift score with practice days marked, and the same-day and next-day
    association (cue "any") in the sentence and on the chart."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "shifts_practice")
    one = _one_client(tables, client_id)
    carries = _carries(one)
    if not carries["shifts"]:
        text = sections.NO_SHIFTS
        if not carries["practice"]:
            text += " " + sections.NO_PRACTICE
        return View("shifts_practice", view_title, text, None)
    score = metrics.shifts.daily(one, settings=settings, start=start, end=end)
    score = score[score["client_id"] == client_id]
    if not carries["practice"]:
        figure = _shift_figure(score, None, [], view_title)
        return View("shifts_practice", view_title,
                    sections.NO_PRACTICE + " The chart shows the micro-shift score alone.",
                    figure)
    if link is None:
        link = _link(one, client_id, start, end, settings)
    rows = link[link["cue"] == "any"].sort_values("lag")
    states = practice_states(one, client_id, start, end)
    any_states = states[states["cue"] == "any"]
    phrases = [link_phrase(r) for _, r in rows.iterrows()]
    figure = _shift_figure(score, any_states, phrases, view_title)
    sentences = [_plain_link(s) for s in rows["sentence"]]
    text = ("Look at whether the micro-shift score (0-10) is higher on practice days (same "
            "day) or on the day after (next day). " + " ".join(sentences))
    if rows["verdict"].isin(["clear link", "possible link"]).any():
        text += " " + LINK_DISCLAIMER
    if not len(rows):
        text += "No days with both practice and micro-shift answers in these weeks."
    return View("shifts_practice", view_title, text, figure)


def _shift_figure(score: pd.DataFrame, states: pd.DataFrame | None, phrases: list[str],
                  view_title: str) -> go.Figure:
    with_practice = states is not None
    figure = (make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22],
                            vertical_spacing=0.05) if with_practice else go.Figure())
    _style(figure, view_title, 430 if with_practice else 330)
    where = {"row": 1, "col": 1} if with_practice else {}
    x = charts._dates(score["date"])
    figure.add_trace(go.Scatter(
        x=x, y=charts._values(score["shift_score"]), mode="lines", connectgaps=False,
        name="micro-shift score (0-10)", line={"color": charts.COLOURS["shift"], "width": 2},
        hovertemplate="%{x}: score %{y:.1f}<extra></extra>"), **where)
    if with_practice:
        state = states.set_index("date")["state"].reindex(pd.to_datetime(score["date"]))
        state = state.to_numpy()
        values = np.asarray(charts._values(score["shift_score"]), dtype=object)
        for name, pick, marker in (
                ("score on a practice day", state == "done",
                 {"color": STATE_COLOURS[0], "size": 9, "symbol": "circle"}),
                ("score on a day without practice", state == "not done",
                 {"color": "white", "size": 8, "symbol": "circle",
                  "line": {"color": STATE_COLOURS[1], "width": 2}})):
            figure.add_trace(go.Scatter(
                x=[d for d, p in zip(x, pick, strict=True) if p],
                y=[v for v, p in zip(values, pick, strict=True) if p], mode="markers",
                name=name, marker=marker, hovertemplate="%{x}: score %{y:.1f}<extra></extra>"),
                row=1, col=1)
        for i, name in enumerate(STATES):
            pick = state == name
            if not pick.any():
                continue
            figure.add_trace(go.Scatter(
                x=[d for d, p in zip(x, pick, strict=True) if p], y=["practice"] * int(pick.sum()),
                mode="markers", name=f"practice: {name}", showlegend=False,
                marker={"color": STATE_COLOURS[i], "size": 10, "symbol": "square",
                        "line": {"color": "#8a8f99", "width": 0.5}},
                hovertemplate=f"%{{x}}: {name}<extra></extra>"), row=2, col=1)
        figure.update_yaxes(range=[-0.3, 10.3], dtick=2, title_text="score", row=1, col=1)
        figure.update_yaxes(showgrid=False, ticktext=["practice<br>(any cue)"],
                            tickvals=["practice"], row=2, col=1)
        figure.update_xaxes(tickformat="%d %b", row=2, col=1)
    else:
        figure.update_yaxes(range=[-0.3, 10.3], dtick=2, title_text="score")
    if phrases:
        figure.add_annotation(text="<br>".join(html.escape(p) for p in phrases),
                              xref="paper", yref="paper", x=0, y=1.0, xanchor="left",
                              yanchor="bottom", showarrow=False, align="left",
                              font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")
        figure.update_layout(margin={"t": 120}, legend={"y": -0.12, "yanchor": "top"})
    return figure


# -------------------------------------------------------------------------- per-cue response

def clearest_cue(link: pd.DataFrame) -> dict | None:
    """The single-cue link row to name: strongest verdict (clear, then possible), then the
    largest rank correlation in size, then same day before next day; None when no single
    cue has a clear or possible link."""
    single = link[(link["cue"] != "any")
                  & link["verdict"].isin(["clear link", "possible link"])]
    if single.empty:
        return None
    ranked = single.assign(_rank=single["verdict"].map(VERDICT_RANK),
                           _size=-single["rho"].abs())
    return ranked.sort_values(["_rank", "_size", "lag"], kind="stable").iloc[0].to_dict()


def cue_response(tables: Tables, client_id: str, start=None, end=None,
                 settings: Settings = DEFAULTS, *, link: pd.DataFrame | None = None) -> View:
    """Per cue and lag: the rank correlation with its interval (forest plot by verdict)."""
    start, end = _period(tables, client_id, start, end)
    view_title = title(client_id, "cue_response")
    one = _one_client(tables, client_id)
    carries = _carries(one)
    missing = [text for key, text in (("practice", sections.NO_PRACTICE),
                                      ("shifts", sections.NO_SHIFTS)) if not carries[key]]
    if missing:
        return View("cue_response", view_title, " ".join(missing) + " Which cue goes with "
                    "micro-shifts cannot be looked at without both.", None)
    if link is None:
        link = _link(one, client_id, start, end, settings)
    if link.empty:
        return View("cue_response", view_title, "No days with both practice and micro-shift "
                    "answers in these weeks.", None)
    return View("cue_response", view_title, _cue_response_sentence(link),
                _forest(link, view_title))


def _cue_response_sentence(link: pd.DataFrame) -> str:
    intro = ("Each dot is the rank correlation (-1 to +1) between doing a cue and the "
             "micro-shift score, with its interval as a line; a line that crosses 0 means no "
             "clear link. ")
    best = clearest_cue(link)
    if best is not None:
        when = "same day" if int(best["lag"]) == 0 else "next day"
        return (intro + f"Clearest cue: {wording.CUE_NAMES[best['cue']]} ({when}). "
                + _plain_link(best["sentence"]) + " " + LINK_DISCLAIMER)
    any_rows = link[(link["cue"] == "any")
                    & link["verdict"].isin(["clear link", "possible link"])]
    if len(any_rows):
        row = any_rows.sort_values("lag").iloc[0]
        return (intro + "No single cue stands out (single-cue intervals are wider because "
                "four cues are looked at); for any cue: " + _plain_link(row["sentence"])
                + " " + LINK_DISCLAIMER)
    if (link["verdict"] == "not enough data yet").all():
        n = int(link["n_days"].max())
        return (intro + f"Not enough data yet to compare cues: at most {n} days with both "
                "answers (at least 14, with 3 days with and 3 without practice, are needed).")
    text = intro + "No cue shows a clear link with micro-shifts in these weeks"
    if (link["verdict"] == "not enough data yet").any():
        text += " (for some, too few days to say yet)"
    return text + "."


def _forest(link: pd.DataFrame, view_title: str) -> go.Figure:
    frame = link.sort_values(["lag"], kind="stable").reset_index(drop=True)
    labels = [f"{wording.CUE_NAMES[c]} · {'same day' if int(lag) == 0 else 'next day'}"
              for c, lag in zip(frame["cue"], frame["lag"], strict=True)]
    frame = frame.assign(label=labels)
    figure = _figure(view_title, 150 + 26 * len(frame))
    figure.add_vline(x=0, line_color="#8a8f99", line_width=1)
    for verdict, colour in VERDICT_COLOURS.items():
        rows = frame[(frame["verdict"] == verdict) & frame["rho"].notna()]
        if rows.empty:
            continue
        custom = np.column_stack([
            [f"{100 * lv:.2f}".rstrip("0").rstrip(".") for lv in rows["level"]],
            rows["n_days"].astype(int), rows["ci_low"].round(2), rows["ci_high"].round(2),
        ]).tolist()
        figure.add_trace(go.Scatter(
            x=rows["rho"].round(3).tolist(), y=rows["label"].tolist(), mode="markers",
            name=verdict, marker={"color": colour, "size": 10},
            error_x={"type": "data", "symmetric": False,
                     "array": (rows["ci_high"] - rows["rho"]).round(3).tolist(),
                     "arrayminus": (rows["rho"] - rows["ci_low"]).round(3).tolist(),
                     "color": colour, "thickness": 2, "width": 4},
            customdata=custom,
            hovertemplate=("%{y}: rank correlation %{x:+.2f}, %{customdata[0]}% interval "
                           "%{customdata[2]} to %{customdata[3]}, %{customdata[1]} days"
                           f"<extra>{verdict}</extra>")))
    empty = frame[frame["rho"].isna()]
    if len(empty):
        figure.add_trace(go.Scatter(
            x=[0.0] * len(empty), y=empty["label"].tolist(), mode="markers",
            name="not enough data yet (no value)",
            marker={"color": VERDICT_COLOURS["not enough data yet"], "symbol": "x", "size": 9},
            hovertemplate="%{y}: not enough data yet<extra></extra>"))
    figure.update_xaxes(range=[-1.05, 1.05], title_text="rank correlation of practice with "
                        "micro-shifts (-1 to +1)", zeroline=False)
    figure.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return figure


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
                    f"No check-ins in {_range_text(start, end)}: numbness is unknown here.",
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
    _style(figure, view_title, 360)
    figure.update_layout(hovermode="x unified")
    trend = wording.numbness_trend(slopes[slopes["client_id"] == client_id])
    duration = wording.numbness_duration(summary[summary["client_id"] == client_id])
    trend_text = trend.text[:-1].replace(" over the last ", " over these ")
    duration_text = (duration.text[:-1]
                     .replace("the last 14 days", f"the 14 days to {_short_day(end)}")
                     .replace("(1 days)", "(1 day)"))
    text = (f"Look at the shaded numb stretches and what happens around the marked events. "
            f"{trend_text} ({trend.certainty}). {duration_text}; {duration.certainty}.")
    text += _events_text(events, start, end)
    return View("numbness", view_title, text, figure)


def _widen_day_bands(figure: go.Figure) -> None:
    """Make each shaded episode cover its whole days (noon before its first day to noon
    after its last), so a one-day episode is a visible band instead of a zero-width one."""
    half = pd.Timedelta(hours=12)
    for shape in figure.layout.shapes:
        if shape.type == "rect":
            shape.x0 = f"{pd.Timestamp(shape.x0) - half:%Y-%m-%d %H:%M}"
            shape.x1 = f"{pd.Timestamp(shape.x1) + half:%Y-%m-%d %H:%M}"


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
        parts.append(f"{kind.replace('_', ' ')}{detail} on {_short_day(row.date)}")
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
        return View("fuel", view_title, f"No check-ins in {_range_text(start, end)}: fuel is "
                    "unknown here.", None)
    return View("fuel", view_title, _fuel_sentence(weeks), _fuel_figure(weeks, view_title))


def _fuel_value(value: float, unit: str) -> str:
    if unit == " h":
        return f"{value:.1f} h"
    if unit == " min":
        return f"{value:.0f} min"
    return "1 day" if round(value) == 1 else f"{value:.0f} days"


def _fuel_sentence(weeks: pd.DataFrame) -> str:
    change = fuel_change(weeks)
    text = ("Look for the fuel that keeps numbness in place (irregular wake times, short "
            "sleep, alcohol or cannabis days, late scrolling, conflict without repair) and "
            "whether it eases after a lever start. ")
    if change is None:
        return text + "Fewer than two weeks with fuel answers: nothing to compare yet."
    if change["size"] == 0:
        return text + "No fuel measure changed between the first and last week shown."
    return text + (f"Changed most: {change['label']}, "
                   f"{_fuel_value(change['first'], change['unit'])} in the week of "
                   f"{_short_day(change['first_week'])} "
                   f"({_count(change['first_days'], 'day')} logged) against "
                   f"{_fuel_value(change['last'], change['unit'])} in the week of "
                   f"{_short_day(change['last_week'])} "
                   f"({_count(change['last_days'], 'day')} logged)"
                   + ("; a day counts only when answered" if change["unit"] == " days"
                      else "") + ".")


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
    colours = ("#a4001d", "#6a3d9a", "#8a5300", "#1d6b3a", "#d1495b", "#5aa469")
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
