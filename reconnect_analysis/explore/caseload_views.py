"""The views of ``notebooks/explore_caseload.ipynb`` (safety always first): risk answers
and red flags of the whole caseload, practice change against numbness trend, association
verdicts, who logs too little, patterns, and the client table.

Each view reads the summary of :func:`reconnect_analysis.explore.caseload.client_summary`
(and, for safety, the tables); nothing is computed client by client.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.caseload import (
    NOT_ENOUGH,
    NOT_IN_EXPORT,
    RISK_DAYS,
    _day,
    silence_text,
)
from reconnect_analysis.explore.caseload_patterns import (
    ALL_CLIENTS,
    NO_PATTERN,
    RISK_PATTERN,
    STOPPED,
    pattern_names,
)
from reconnect_analysis.explore.display import (
    View,
    count,
    day_text,
    period_text,
    table_height,
)
from reconnect_analysis.report import sections
from reconnect_analysis.report.charts import FONT
from reconnect_analysis.tables import Tables

__all__ = ["caseload_views", "safety", "silence", "risk_table", "trend_text",
           "adherence_vs_numbness", "verdicts", "linked_clients", "too_little",
           "patterns", "client_rows", "attention_order", "client_table",
           "CLIENT_COLUMNS", "LINK_WORDS", "PATTERN_COLOURS", "RISK_ORDER", "VERDICT_ORDER"]

VERDICTS = metrics.association.VERDICTS
"""("not enough data yet", "no clear link", "possible link", "clear link")."""
LINKED = (VERDICTS[3], VERDICTS[2])
VERDICT_ORDER = (*VERDICTS, NOT_IN_EXPORT)


MAX_TABLE_HEIGHT = 900
"""Tallest a non-safety table is drawn; longer ones scroll inside the chart. Safety tables
are always drawn whole."""


def _table(header: list[str], columns: list[list], *, title: str,
           widths: list[float] | None = None,
           max_height: int | None = MAX_TABLE_HEIGHT) -> go.Figure:
    """A plotly table titled ``title``; every cell escaped (plotly draws a few HTML tags in
    text). ``widths``: relative column widths. The height fits the rows (long cells wrap),
    up to ``max_height`` (None: no limit, every row visible); longer tables scroll inside."""
    cells = [[html.escape(str(v)) for v in col] for col in columns]
    widths = widths or [1.0] * len(header)
    figure = go.Figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{html.escape(h)}</b>" for h in header], "align": "left",
                "fill_color": "#eef1f6"},
        cells={"values": cells, "align": "left"}))
    height = table_height(header, cells, widths)
    figure.update_layout(height=height if max_height is None else min(max_height, height),
                         title={"text": html.escape(title), "x": 0},
                         margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         font={"family": FONT, "size": 12, "color": "#1d2330"})
    return figure


def safety(tables: Tables, *, start, end, settings: Settings = DEFAULTS) -> View:
    """Risk answers and red flags of the chosen weeks, plus every later and every undated
    one (a risk is never hidden by choosing earlier weeks): one line per client, newest
    first, unattributed answers first (:func:`risk_table`).

    Unattributed rows (no client id) are called out; an export that asks no risk questions
    says risk cannot be ruled out. Always the first view.
    """
    title = "Caseload · Safety first: risk answers and red flags"
    rows = metrics.safety.risks(tables, settings=settings, start=start)
    end = _day(end)
    later = (rows["date"] > end).to_numpy()
    asked, not_asked = sections.risk_questions(tables)
    not_asked = [f for f in not_asked if f not in set(rows["field"].astype(str))]
    period = period_text(start, end)
    not_asked_text = ("Not asked in this export: "
                      + "; ".join(sections.FIELD_LABELS.get(f, f) for f in not_asked)
                      + ". These cannot be ruled out from it.") if not_asked else ""
    if rows.empty:
        if not asked:
            sentence = ("Risk not checked: this export asks no risk questions (self-harm "
                        "thoughts, feeling unable to stay safe, hopelessness, red flags), so "
                        "no answers were found because none were asked. Risk cannot be ruled "
                        "out from it: ask each client directly.")
        else:
            sentence = (f"No risk answers or red flags were logged in {period} or later; days "
                        "a client did not log are unknown. " + not_asked_text).strip()
        return View("safety", title, sentence)
    who = rows["client_id"]
    unattributed = (who.isna() | (who.astype(str).str.strip() == "")).to_numpy()
    clients = sorted({str(c) for c in who[~unattributed]})
    n_in = int((~later).sum())
    sentence = (f"{count(n_in, 'risk answer or red flag', 'risk answers or red flags')}"
                f" in {period}") if n_in else f"No risk answers or red flags in {period}"
    if later.any():
        sentence += f"{' and' if n_in else ', but'} {int(later.sum())} after these weeks"
    sentence += (f", newest first, from {count(len(clients), 'client', 'clients')}"
                 f" ({', '.join(clients)}): review them before anything else on this page.")
    if unattributed.any():
        sentence = (f"⚠ {count(int(unattributed.sum()), 'risk answer', 'risk answers')} "
                    "could not be matched to a client (no client id): look up the source "
                    "file and row in the table and find out whose it is. " + sentence)
    if not_asked:
        sentence += " " + not_asked_text
    table = risk_table(rows, unattributed=unattributed, end=end)
    figure = _table(list(table.columns), [list(table[c]) for c in table.columns], title=title,
                    widths=[1.1, 1.9, 0.8, 4.2, 2.2], max_height=None)  # never a hidden row
    return View("safety", title, sentence, figure)


MAX_SILENT_NAMED = 8
"""The silence sentence names this many clients (longest silence first); the table lists
every one."""


def silence(summary: pd.DataFrame) -> View:
    """Clients who went quiet: no check-in for ``settings.missing_checkin_alert_days`` (3) or
    more days before the end of the chosen weeks (or the export's last day, if earlier),
    the rule of the client explorer (``metrics.quality.last_checkin``, columns ``silent``,
    ``days_silent``, ``last_checkin`` of the summary). Longest silence first; a client with
    no check-in at all (only a risk answer) first of all. Shown right below Safety first.
    """
    title = "Caseload · Safety first: clients who went quiet"
    rows = summary[summary["silent"].astype(bool)].copy()
    if summary.empty:
        return View("silence", title, "No clients in this caseload.")
    as_of = day_text(summary["as_of"].iloc[0])
    if rows.empty:
        return View("silence", title, f"Every client checked in within the last few days "
                    f"before {as_of}.")
    rows["_order"] = rows["days_silent"].astype("Float64").fillna(np.inf)
    rows = rows.sort_values(["_order", "client_id"], ascending=[False, True], kind="stable")
    lines = [silence_text(r) for r in rows.itertuples(index=False)]
    risk = [f"⚠ {n}" if n else "" for n in rows["risk_recent"]]
    figure = _table(["Client", "Silence", f"Risk answers (last {RISK_DAYS} days)"],
                    [list(rows["client_id"]), lines, risk], title=title, widths=[1, 5, 1.6],
                    max_height=None)
    named = [f"{c}: {t[0].lower()}{t[1:]}" for c, t in
             zip(rows["client_id"], lines, strict=True)]
    more = (f"; and {len(named) - MAX_SILENT_NAMED} more, see the table"
            if len(named) > MAX_SILENT_NAMED else "")
    sentence = (f"{count(len(rows), 'client', 'clients')} sent no check-in in the days up to "
                f"{as_of} (the end of these weeks, or of the export if earlier): "
                + "; ".join(named[:MAX_SILENT_NAMED]) + more
                + ". Silence can hide risk; consider reaching out. Days without a check-in "
                "are unknown, not good or bad days.")
    return View("silence", title, sentence, figure)


RISK_ORDER = ("self_harm_thoughts", "unsafe", "risk_self_harm", "flag_dissociation",
              "flag_psychotic", "flag_cannot_self_care", "flag_head_injury",
              "risk_dangerous_coping", "hopelessness", "risk_hopelessness")
"""Order of the answers within a client's line: the most urgent first."""


def risk_table(rows: pd.DataFrame, *, unattributed: np.ndarray, end) -> pd.DataFrame:
    """``metrics.safety.risks`` rows as one line per client (each unattributed answer on its
    own line, first), then clients by their newest answer (undated first), newest first.

    Columns: ``Client``, ``Newest`` ("date unreadable" when any answer has no date; "(after
    these weeks)" when after ``end``), ``Answers`` (count), ``What and when`` (each answer's
    plain label with its dates as runs, most urgent first (:data:`RISK_ORDER`),
    hopelessness with its highest value), ``Notes``
    (unreadable answers, answers from rows that failed validation, and for an unattributed
    answer the file and row it came from). Every answer is counted; none is dropped.
    """
    groups: dict[str, list] = {}
    for i, (r, u) in enumerate(zip(rows.itertuples(index=False), unattributed, strict=True)):
        groups.setdefault(f"\0{i}" if u else str(r.client_id), []).append(r)
    order = sorted(groups, key=lambda k: not k.startswith("\0"))  # stable: newest first
    rank = {f: i for i, f in enumerate(RISK_ORDER)}
    lines = []
    for key in order:
        group = groups[key]
        dated = [r.date for r in group if not pd.isna(r.date)]
        newest = ("date unreadable" if len(dated) < len(group)
                  else day_text(max(dated))
                  + (" (after these weeks)" if max(dated) > end else ""))
        by_field: dict[str, list] = {}
        for r in group:
            by_field.setdefault(str(r.field), []).append(r)
        what = []
        for field in sorted(by_field, key=lambda f: rank.get(f, len(rank))):
            answers = by_field[field]
            text = str(answers[0].label)
            if field == "hopelessness":
                levels = pd.to_numeric(pd.Series([a.value for a in answers]),
                                       errors="coerce").dropna()
                if len(levels):
                    text += f" (up to {levels.max():g} on a 0–3 scale)"
            days = [a.date for a in answers if not pd.isna(a.date)]
            when = _day_runs(days) if days else ""
            if len(days) < len(answers):
                when = ", ".join(filter(None, ["date unreadable", when]))
            what.append(f"{text}: {when}")
        notes = []
        if any(r.status == "possible_positive" for r in group):
            notes.append("possible yes: answer unreadable, review")
        if any(bool(r.from_quarantine) for r in group):
            notes.append("from a row that failed validation")
        if key.startswith("\0"):
            r = group[0]
            notes.append(f"{r.source_file}, row {r.source_row}" if pd.notna(r.source_row)
                         else str(r.source_file))
        lines.append({"Client": "⚠ unknown client" if key.startswith("\0") else key,
                      "Newest": newest, "Answers": len(group), "What and when": "; ".join(what),
                      "Notes": "; ".join(notes)})
    return pd.DataFrame(lines, columns=["Client", "Newest", "Answers", "What and when",
                                        "Notes"])


def _day_runs(days: list) -> str:
    """Days as short runs: "Mon 16 Nov, Sat 21 Nov – Sun 22 Nov" (sorted, each day once)."""
    runs: list[list[pd.Timestamp]] = []
    for stamp in sorted({pd.Timestamp(d).normalize() for d in days}):
        if runs and (stamp - runs[-1][-1]).days == 1:
            runs[-1].append(stamp)
        else:
            runs.append([stamp])
    return ", ".join(day_text(run[0]) if len(run) == 1
                     else f"{day_text(run[0])} – {day_text(run[-1])}" for run in runs)


RISK_COLOUR = "#a4001d"
"""Red: risk only (the ring of a client with a recent risk answer); no pattern uses red."""
PATTERN_COLOURS = {
    RISK_PATTERN: "#1d2330", "logs too little to say": "#9aa0aa", STOPPED: "#8c6d46",
    "numbness rising": "#e08a00", "plan not kept": "#7b4fa0",
    "adherence up and shifts up": "#1d6b3a",
    "adherence up, numbness easing": "#3a9d5d", "adherence up, shifts not yet": "#8fbf5a",
    "practising, numbness easing": "#27548a", "numbness easing": "#5b7db1",
    NO_PATTERN: "#5b6475",
}


MAX_NAMED = 30
"""Dots carry their client's name up to this many clients (more would overlap)."""


def adherence_vs_numbness(summary: pd.DataFrame, *, highlight: str | None = None) -> View:
    """Scatter: change in share practised (x) against the numbness slope per week (y).

    One labelled point per client that has both numbers, coloured by pattern; ``highlight``
    (a pattern name) fades every other client. Clients with a recent risk answer get a red
    ring. Clients without both numbers are named in the sentence, never silently left out.
    """
    title = "Caseload · Practice change against numbness trend"
    plotted = summary[summary["practice_change"].notna() & summary["numbness_slope"].notna()]
    missing = summary[~summary.index.isin(plotted.index)]
    left_out = ""
    if len(missing):
        left_out = (f" Not shown ({len(missing)}): {', '.join(missing['client_id'])}: "
                    "no practice answers in both halves of the period or no numbness trend "
                    "(see the table).")
    if plotted.empty:
        return View("adherence_vs_numbness", title,
                    "Nobody has both a practice change and a numbness trend in this period, "
                    "so there is nothing to plot." + left_out)
    figure = go.Figure()
    chosen = highlight not in (None, "", ALL_CLIENTS)
    for name in pattern_names():
        group = plotted[plotted["pattern"] == name]
        if group.empty:
            continue
        faded = chosen and name != highlight
        risk = group["risk_recent"] > 0
        named = len(plotted) <= MAX_NAMED or (chosen and not faded and len(group) <= MAX_NAMED)
        figure.add_trace(go.Scatter(
            x=(group["practice_change"] * 100).round(1), y=group["numbness_slope"].round(2),
            mode="markers+text" if named else "markers", name=name,
            text=[html.escape(c) for c in group["client_id"]],
            textposition="top center",
            marker={"size": 14 if chosen and not faded else 11,
                    "color": PATTERN_COLOURS.get(name, "#5b6475"),
                    "opacity": 0.25 if faded else 0.9,
                    "line": {"color": np.where(risk, RISK_COLOUR, "white").tolist(),
                             "width": np.where(risk, 4, 1).tolist()}},
            textfont={"color": "#c5c9d1" if faded else "#1d2330"},
            customdata=np.stack([_hover(r) for r in group.itertuples(index=False)]),
            hovertemplate="%{customdata[0]}<extra></extra>"))
    figure.add_hline(y=0, line={"color": "#9aa0aa", "width": 1})
    figure.add_vline(x=0, line={"color": "#9aa0aa", "width": 1})
    figure.update_layout(
        template="plotly_white", height=460, title={"text": title, "x": 0},
        font={"family": FONT, "size": 12, "color": "#1d2330"},
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        xaxis={"title": "Change in share of practised days (second half − first half), "
                        "percentage points", "zeroline": False},
        yaxis={"title": "Numbness trend, points per week", "zeroline": False},
        legend={"title": {"text": "Pattern"}})
    if len(plotted) > MAX_NAMED:
        left_out = (f" With more than {MAX_NAMED} clients the dots are not named: hover "
                    "a dot, or pick a pattern to name its clients." + left_out)
    sentence = ("Each dot is a client: right of the middle line they practise more than in the "
                "first half of the period, below it their numbness is easing. Bottom right "
                "is what the plan hopes for; top left (practising less, numbness rising) "
                "deserves a look first. A thick red ring marks a recent risk answer (see "
                "Safety first); red is used for risk only. Hover a dot for its trends and "
                "links; these are links in the log, not proof that practice causes the "
                "change." + left_out)
    return View("adherence_vs_numbness", title, sentence, figure)


def _hover(row) -> list[str]:
    e = html.escape
    lines = [f"<b>{e(str(row.client_id))}</b>: {e(row.pattern)}",
             f"practised {_pct(row.share_practised_first)} → {_pct(row.share_practised_second)}"
             " of answered days (first → second half)",
             "numbness change per week: " + e(numbness_words(row)),
             "micro-shift change per week: " + e(shift_words(row)),
             f"practice and micro-shifts, same day: {e(row.link_same_day)}; next day: "
             f"{e(row.link_next_day)}",
             f"logged {row.days_logged} of {row.days_in_period} days"]
    if row.risk_recent:
        lines.append(f"⚠ {count(int(row.risk_recent), 'risk answer', 'risk answers')} in the "
                     f"last {RISK_DAYS} days")
    if row.silent:
        lines.append(e(silence_text(row)))
    return ["<br>".join(lines)]


def _pct(value) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def verdicts(summary: pd.DataFrame) -> View:
    """How many clients got each association verdict (any cue), same day and next day."""
    title = "Caseload · Does practice go with micro-shifts? Verdicts across the caseload"
    same = summary["link_same_day"].value_counts()
    nxt = summary["link_next_day"].value_counts()
    order = [v for v in VERDICT_ORDER if v != NOT_IN_EXPORT or v in same or v in nxt]
    if set(summary["link_same_day"]) | set(summary["link_next_day"]) <= {NOT_IN_EXPORT}:
        return View("verdicts", title,
                    "This export carries no practice or no micro-shift questions, so whether "
                    "practice goes with micro-shifts cannot be looked at.")
    figure = go.Figure()
    for label, counts, colour in (("same day", same, "#27548a"),
                                  ("next day", nxt, "#1d6b3a")):
        values = [int(counts.get(v, 0)) for v in order]
        figure.add_trace(go.Bar(x=order, y=values, name=label, marker_color=colour,
                                text=values, textposition="outside",
                                hovertemplate="%{x}, " + label + ": %{y} clients<extra></extra>"))
    figure.update_layout(
        template="plotly_white", height=340, barmode="group", title={"text": title, "x": 0},
        font={"family": FONT, "size": 12, "color": "#1d2330"},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        yaxis={"title": "clients", "rangemode": "tozero"})
    more, fewer = linked_clients(summary)
    sentence = ("Clients per verdict, for practice of any cue against the micro-shift score: "
                "on the same day, and practice on one day against micro-shifts on the next "
                "(reward often returns quietly and later). A clear or possible link, same or "
                f"next day: more micro-shifts with practice: {', '.join(more) or 'none'}; "
                f"fewer: {', '.join(fewer) or 'none'}. \"Not enough data yet\": "
                f"{int(same.get(NOT_ENOUGH, 0))} same day, {int(nxt.get(NOT_ENOUGH, 0))} next "
                "day. This is a link in the log, not proof that one causes the other; some "
                "clients show a \"possible link\" by chance (in simulations of clients whose "
                "practice and micro-shifts are unrelated, about 15% got a possible or clear "
                "link on one day: docs/metrics.md).")
    return View("verdicts", title, sentence, figure)


def linked_clients(summary: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Clients with a clear or possible link (same or next day) going with MORE micro-shifts
    (positive rank correlation) and with FEWER (negative); a client can be in both."""
    more, fewer = [], []
    for row in summary.itertuples(index=False):
        signs = {np.sign(rho) for verdict, rho in ((row.link_same_day, row.rho_same_day),
                                                   (row.link_next_day, row.rho_next_day))
                 if verdict in LINKED and pd.notna(rho)}
        if 1 in signs:
            more.append(str(row.client_id))
        if -1 in signs:
            fewer.append(str(row.client_id))
    return more, fewer


def too_little(summary: pd.DataFrame) -> View:
    """Who logs too little to say anything, and why (a table)."""
    title = "Caseload · Who logs too little to say anything"
    rows = summary[~summary["enough_data"]]
    if rows.empty:
        return View("too_little", title,
                    "Everyone logged enough days in this period for the trends to be read.")
    figure = _table(["Client", "Days logged", "Why"],
                    [list(rows["client_id"]),
                     [f"{a} of {b}" for a, b in zip(rows["days_logged"],
                                                     rows["days_in_period"], strict=True)],
                     list(rows["reason"])], title=title, widths=[1, 1, 6])
    sentence = (f"{count(len(rows), 'client logs', 'clients log')} too little in this period "
                "to say anything about their trends or links: talk about what makes logging "
                "hard before reading their charts. Missing days are unknown, not days without "
                "practice.")
    return View("too_little", title, sentence, figure)


def patterns(summary: pd.DataFrame) -> View:
    """How many clients fall in each pattern (every pattern listed, zeros included)."""
    title = "Caseload · Patterns across the caseload"
    names = pattern_names()
    counts = summary["pattern"].value_counts()
    values = [int(counts.get(n, 0)) for n in names]
    figure = go.Figure(go.Bar(
        y=names, x=values, orientation="h", text=values, textposition="outside",
        marker_color=[PATTERN_COLOURS.get(n, "#5b6475") for n in names],
        hovertemplate="%{y}: %{x} clients<extra></extra>"))
    figure.update_layout(
        template="plotly_white", height=60 + 32 * len(names), title={"text": title, "x": 0},
        font={"family": FONT, "size": 12, "color": "#1d2330"},
        margin={"l": 220, "r": 30, "t": 50, "b": 40},
        yaxis={"autorange": "reversed"}, xaxis={"title": "clients", "rangemode": "tozero"})
    sentence = ("How many clients fall in each pattern (a client gets the first that fits, "
                "top to bottom). Pick a pattern in the Pattern menu to list those clients and "
                "pick them out in the scatter above.")
    return View("patterns", title, sentence, figure)


CLIENT_COLUMNS = {
    "client_id": "Client", "pattern": "Pattern", "logged": "Days logged",
    "practised": "Practised (1st → 2nd half)", "numbness": "Numbness change per week",
    "shifts": "Micro-shift change per week",
    "links": "Practice & micro-shifts: same day / next day",
    "risk": f"Risk (last {RISK_DAYS} days) and silence",
}
LINK_WORDS = {VERDICTS[3]: "clear", VERDICTS[2]: "possible", VERDICTS[1]: "no clear",
              NOT_ENOUGH: "too few days", NOT_IN_EXPORT: "not asked"}
"""Short words for the link verdicts in the client table (the header says "link")."""


def client_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary in words, one row per client, columns named by :data:`CLIENT_COLUMNS`.

    A client who logs too little (``enough_data`` False) gets "not enough data yet" for
    both trends, never a slope the caseload just said cannot be read. Shares read "44% →
    67%" (— when fewer than
    :data:`.caseload.MIN_DAYS_PER_HALF` answered days,
    "no practice answers" when none), trends "-0.7 a week, going down" (:func:`trend_text`;
    numbness also "last week 7.4 vs 6.3 the week before", :func:`week_text`),
    links "no clear / clear" (:data:`LINK_WORDS`), risk counts and silence "⚠ 11; no
    check-in for 9 days" (empty when neither); the pattern "stopped logging" with the day
    of the last check-in.
    """
    trend, shift = numbness_words, shift_words

    def risk(row):
        parts = [f"⚠ {row.risk_recent}"] if row.risk_recent else []
        if row.silent:
            parts.append(silence_text(row).replace("No check-in", "no check-in")
                         .replace(" (last on", " (last"))
        return "; ".join(parts)

    def pattern(row):
        if row.pattern == STOPPED and pd.notna(row.last_checkin):
            return f"{STOPPED} (last check-in {day_text(row.last_checkin)})"
        return row.pattern

    rows = list(summary.itertuples(index=False))

    out = pd.DataFrame({
        "client_id": summary["client_id"].astype(str), "pattern": [pattern(r) for r in rows],
        "logged": [f"{a} of {b}" for a, b in zip(summary["days_logged"],
                                                  summary["days_in_period"], strict=True)],
        "practised": ["no practice answers" if n1 + n2 == 0 else f"{_pct(a)} → {_pct(b)}"
                      for a, b, n1, n2 in zip(summary["share_practised_first"],
                                              summary["share_practised_second"],
                                              summary["practice_days_first"],
                                              summary["practice_days_second"], strict=True)],
        "numbness": [trend(r) for r in rows], "shifts": [shift(r) for r in rows],
        "links": [f"{LINK_WORDS.get(a, a)} / {LINK_WORDS.get(b, b)}" for a, b in
                  zip(summary["link_same_day"], summary["link_next_day"], strict=True)],
        "risk": [risk(r) for r in rows],
    })
    return out.rename(columns=CLIENT_COLUMNS).reset_index(drop=True)


def trend_text(slope, low, high, verdict) -> str:
    """A trend in words: "no change" when the slope and its interval are exactly 0 (scores
    that did not move); otherwise one decimal and the verdict, "-0.6 a week, going down",
    with a slope that rounds to zero written "0 a week" (never "+0.00"). Without a slope:
    the verdict alone ("not enough data yet")."""
    if pd.isna(slope) or verdict == NOT_ENOUGH:
        return str(verdict)
    if slope == 0 and low == 0 and high == 0:
        return "no change"
    value = round(float(slope), 1)
    number = "0" if value == 0 else f"{value:+.1f}"
    return f"{number} a week, {verdict}"


def numbness_words(row) -> str:
    """The numbness cell of a summary row: :func:`trend_text` ("not enough data yet" for a
    client who logs too little), then :func:`week_text`."""
    text = (trend_text(row.numbness_slope, row.numbness_low, row.numbness_high,
                       row.numbness_verdict) if row.enough_data else NOT_ENOUGH)
    weeks = week_text(row)
    if not weeks:
        return text
    return ("no change over the weeks" if text == "no change" else text) + f"; {weeks}"


def shift_words(row) -> str:
    """The micro-shift cell of a summary row (:func:`trend_text`; "not enough data yet" for a
    client who logs too little)."""
    if not row.enough_data and row.shift_verdict != NOT_IN_EXPORT:
        return NOT_ENOUGH
    return trend_text(row.shift_slope, row.shift_low, row.shift_high, row.shift_verdict)


def week_text(row) -> str:
    """The period's last week against the week before, "last week 7.4 vs 6.3 the week
    before" (a mean from fewer than 4 logged days says how many); "" when neither week has
    a numbness answer."""
    def mean(value, days):
        if pd.isna(value):
            return "not logged"
        return f"{value:.1f}" + (f" ({count(int(days), 'day', 'days')})" if days < 4 else "")

    if pd.isna(row.numbness_week) and pd.isna(row.numbness_week_before):
        return ""
    return (f"last week {mean(row.numbness_week, row.days_week)} vs "
            f"{mean(row.numbness_week_before, row.days_week_before)} the week before")


def attention_order(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with recent risk answers first, then by pattern (rule order), then id."""
    rank = {name: i for i, name in enumerate(pattern_names())}
    key = pd.DataFrame({"risk": -summary["risk_recent"].to_numpy(),
                        "pattern": summary["pattern"].map(rank).to_numpy(),
                        "client_id": summary["client_id"].astype(str).to_numpy()})
    order = key.sort_values(["risk", "pattern", "client_id"], kind="stable").index
    return summary.iloc[order].reset_index(drop=True)


def client_table(table: pd.DataFrame, *, pattern: str | None = None,
                 total: int | None = None) -> View:
    """The (filtered) client table as a view: one row per client, in words."""
    title = "Caseload · Clients"
    total = len(table) if total is None else total
    chosen = pattern not in (None, "", ALL_CLIENTS)
    if table.empty:
        return View("clients", title, f"No client has the pattern \"{pattern}\" in these "
                    "weeks." if chosen else "No clients in this caseload.")
    rows = client_rows(attention_order(table))
    figure = _table(list(rows.columns), [list(rows[c]) for c in rows.columns], title=title,
                    widths=[0.7, 2, 0.9, 1.3, 1.6, 1.6, 1.9, 1.6])
    which = (f"the {count(len(table), 'client', 'clients')} of {total} with the pattern "
             f"\"{pattern}\"" if chosen else f"all {count(total, 'client', 'clients')}")
    sentence = (f"One row per client ({which}), recent risk answers first, then by pattern "
                "as in the list above. Shares count only days with a practice answer; "
                "days not logged are unknown, never \"no practice\". Open a client in the "
                "client explorer to see the days behind a row.")
    return View("clients", title, sentence, figure)


def caseload_views(tables: Tables, summary: pd.DataFrame, *, start, end,
                   highlight: str | None = None, settings: Settings = DEFAULTS) -> list[View]:
    """Every caseload view in display order: safety FIRST, then the charts and tables."""
    return [safety(tables, start=start, end=end, settings=settings), silence(summary),
            adherence_vs_numbness(summary, highlight=highlight),
            verdicts(summary), too_little(summary), patterns(summary)]
