"""The whole caseload at once: one summary row per client, archetype-like patterns, and the
views of ``notebooks/explore_caseload.ipynb``.

Everything here is a pure function of the validated tables and a period (``start``/``end``
days, as :func:`reconnect_analysis.explore.data.period` gives them). The engine views
(``metrics.adherence.daily``, ``trends.slopes``, ``association.link``, ``quality.sufficiency``,
``safety.risks``) are computed once for the whole caseload, never client by client.

Missing days are unknown: a share of practised days counts only days with a practice answer,
and a client without any practice answer has no share (never 0).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.explore.display import View
from reconnect_analysis.report import sections
from reconnect_analysis.report.charts import FONT
from reconnect_analysis.tables import Tables

__all__ = ["client_summary", "PATTERNS", "patterns_markdown", "Pattern", "NO_PATTERN",
           "pattern_names",
           "assign_patterns", "filter_by_pattern", "caseload_views", "safety",
           "adherence_vs_numbness", "verdicts", "too_little", "patterns",
           "SUMMARY_COLUMNS", "RISK_DAYS",
           "client_rows", "client_table", "CLIENT_COLUMNS", "ALL_CLIENTS",
           "attention_order", "risk_table"]

RISK_DAYS = 14
"""Risk answers dated in the last this-many days of the period count as recent."""
MIN_DAYS_PER_HALF = 3
"""Days with a practice answer needed in each half of the period before a share is given."""
MIN_SHARE_LOGGED = 0.5
"""Below this share of days logged (from the first to the last check-in in the period), a
client logs too little to say anything: the gaps could hide how the weeks went."""
PRACTICE_UP = 0.15
"""A rise in the share of practised days (second half minus first half) this large or larger
is "adherence up" (0.15 = about one more practised day a week)."""
PRACTICE_DROP = 0.25
"""A fall this large or larger is "plan not kept" (the same size the caseload overview
flags week to week)."""
PRACTICE_LOW = 0.3
"""A second-half share of practised days below this (about two days a week) is "plan not
kept"; at or above :data:`PRACTISING` the client is practising."""
PRACTISING = 0.5
NOT_IN_EXPORT = "not in this export"
"""Link (and micro-shift trend) verdict for an export that asks no practice or no
micro-shift questions: asking more days would not help."""
VERDICT_ORDER = (*metrics.association.VERDICTS, NOT_IN_EXPORT)

SUMMARY_COLUMNS = {
    "client_id": "str", "period_start": "datetime64[ns]", "period_end": "datetime64[ns]",
    "days_in_period": "int64", "days_logged": "int64", "share_logged": "float64",
    "first_logged": "datetime64[ns]", "last_logged": "datetime64[ns]",
    "practice_days_first": "int64", "practice_days_second": "int64",
    "share_practised_first": "float64", "share_practised_second": "float64",
    "practice_change": "float64",
    "numbness_slope": "float64", "numbness_low": "float64", "numbness_high": "float64",
    "numbness_days": "int64", "numbness_verdict": "str",
    "shift_slope": "float64", "shift_low": "float64", "shift_high": "float64",
    "shift_days": "int64", "shift_verdict": "str",
    "link_same_day": "str", "rho_same_day": "float64", "days_same_day": "int64",
    "link_next_day": "str", "rho_next_day": "float64", "days_next_day": "int64",
    "enough_data": "bool", "reason": "str", "risk_recent": "int64", "pattern": "str",
}
NOT_ENOUGH = "not enough data yet"


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def client_summary(tables: Tables, *, start, end, settings: Settings = DEFAULTS
                   ) -> pd.DataFrame:
    """One row per client of the caseload for the period ``start`` .. ``end`` (inclusive).

    Every client with a check-in (anywhere in the tables) or a risk answer gets a row; nobody
    is dropped, a client who logged nothing in the period included.

    Returns
    -------
    pandas.DataFrame
        Columns (see :data:`SUMMARY_COLUMNS`), sorted by ``client_id``:

        - ``period_start``, ``period_end``, ``days_in_period`` (calendar days),
          ``days_logged``, ``share_logged`` (``metrics.quality.sufficiency``),
          ``first_logged``, ``last_logged`` (first and last logged day in the period, NaT
          when none);
        - ``practice_days_first`` / ``_second``: days with a practice answer in the first
          and second half of the period (the first half is the first ``days // 2`` days);
          ``share_practised_first`` / ``_second``: practised / answered days of that half
          (``metrics.adherence.daily``), NaN with fewer than :data:`MIN_DAYS_PER_HALF`
          answered days; ``practice_change`` = second - first (0-1 scale);
        - ``numbness_slope``, ``numbness_low``, ``numbness_high`` (Theil-Sen points per week
          and its interval), ``numbness_days``, ``numbness_verdict``; the same for the
          micro-shift score as ``shift_*`` (``metrics.trends.slopes`` over the period;
          ``shift_verdict`` is :data:`NOT_IN_EXPORT` when the export asks no micro-shift
          questions);
        - ``link_same_day``, ``rho_same_day``, ``days_same_day`` and ``link_next_day``,
          ``rho_next_day``, ``days_next_day``: verdict, rank correlation and days of the
          association of any cue with the micro-shift score (``metrics.association.link``);
          the verdict is :data:`NOT_IN_EXPORT` when the export asks no practice or no
          micro-shift questions;
        - ``enough_data`` and ``reason`` (plain words why not, "" when enough), see Notes;
        - ``risk_recent``: risk answers and red flags dated in the last :data:`RISK_DAYS`
          days of the period, plus undated ones (``metrics.safety.risks``);
        - ``pattern``: the first rule of :data:`PATTERNS` that holds.

    Notes
    -----
    A client logs too little to say anything when, in the period, they logged nothing, fewer
    than ``settings.min_days_for_trend`` days (no trend can be given), or fewer than
    :data:`MIN_SHARE_LOGGED` of the days from their first to their last check-in in the
    period (gaps that large can hide how the weeks went). A client who started late or
    stopped early is therefore not called a sparse logger for the weeks they were not
    logging at all; a stop shows as missed check-ins in the weekly overview.
    """
    start, end = _day(start), _day(end)
    clients = _all_clients(tables)
    out = pd.DataFrame({"client_id": pd.Series(clients, dtype=object)})
    n_days = (end - start).days + 1
    out["period_start"], out["period_end"] = start, end
    out["days_in_period"] = n_days
    has_entries = len(tables.entries) > 0 and "client_id" in tables.entries.columns
    carries = sections.export_carries(tables)

    if has_entries:
        suff = metrics.quality.sufficiency(tables, settings=settings, start=start, end=end)
        practice = metrics.adherence.daily(tables, settings=settings, start=start, end=end)
        slopes = metrics.trends.slopes(tables, settings=settings, start=start, end=end)
        link = metrics.association.link(tables, settings=settings, start=start, end=end)
    else:
        suff = practice = slopes = link = None
    out = out.merge(_logging(suff, practice), on="client_id", how="left")
    out["days_logged"] = out["days_logged"].fillna(0).astype("int64")
    out["share_logged"] = out["days_logged"] / n_days
    out = out.merge(_halves(practice, start, n_days), on="client_id", how="left")
    out = out.merge(_slopes(slopes), on="client_id", how="left")
    out = out.merge(_links(link, carries), on="client_id", how="left")
    for column in ("practice_days_first", "practice_days_second", "numbness_days",
                   "shift_days", "days_same_day", "days_next_day"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("numbness_verdict", "shift_verdict"):
        out[column] = out[column].astype(object).fillna(NOT_ENOUGH)
    if not carries["shifts"]:
        out["shift_verdict"] = NOT_IN_EXPORT
    for column in ("link_same_day", "link_next_day"):
        fallback = NOT_ENOUGH if carries["practice"] and carries["shifts"] else NOT_IN_EXPORT
        out[column] = out[column].astype(object).fillna(fallback)
    out["reason"] = [_reason(r, settings) for r in out.itertuples(index=False)]
    out["enough_data"] = out["reason"] == ""
    out["risk_recent"] = _recent_risks(tables, out["client_id"], end, settings)
    out["pattern"] = assign_patterns(out)
    for column, dtype in SUMMARY_COLUMNS.items():
        if dtype != "str":
            out[column] = out[column].astype(dtype)
    return out[list(SUMMARY_COLUMNS)].sort_values("client_id").reset_index(drop=True)


def _all_clients(tables: Tables) -> list[str]:
    ids: set[str] = set()
    for frame in (tables.entries, tables.risks):
        if frame is not None and "client_id" in getattr(frame, "columns", []):
            ids |= {str(i) for i in frame["client_id"].dropna()}
    return sorted(ids)


def _logging(suff: pd.DataFrame | None, practice: pd.DataFrame | None) -> pd.DataFrame:
    if suff is None or suff.empty:
        return pd.DataFrame({"client_id": pd.Series(dtype=object),
                             "days_logged": pd.Series(dtype="int64"),
                             "first_logged": pd.Series(dtype="datetime64[ns]"),
                             "last_logged": pd.Series(dtype="datetime64[ns]")})
    logged = practice[practice["logged"]]
    spans = logged.groupby("client_id", sort=False)["date"].agg(["min", "max"])
    spans.index = spans.index.astype(str)
    frame = suff[["client_id", "days_logged"]].copy()
    frame["client_id"] = frame["client_id"].astype(str)
    frame["first_logged"] = frame["client_id"].map(spans["min"]).astype("datetime64[ns]")
    frame["last_logged"] = frame["client_id"].map(spans["max"]).astype("datetime64[ns]")
    return frame


def _halves(practice: pd.DataFrame | None, start: pd.Timestamp, n_days: int) -> pd.DataFrame:
    columns = ["client_id", "practice_days_first", "practice_days_second",
               "share_practised_first", "share_practised_second", "practice_change"]
    if practice is None or practice.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "client_id" else "float64")
                             for c in columns})
    done = practice["practised"]
    frame = pd.DataFrame({
        "client_id": practice["client_id"].astype(str),
        "second": (practice["date"] - start).dt.days >= n_days // 2,
        "answered": done.notna().to_numpy(),
        "practised": done.fillna(False).to_numpy(dtype=bool),
    })
    counts = frame.groupby(["client_id", "second"])[["answered", "practised"]].sum()
    counts = counts.unstack("second").reindex(columns=[False, True], level=1).fillna(0)
    answered_1, answered_2 = counts[("answered", False)], counts[("answered", True)]
    share_1 = np.where(answered_1 >= MIN_DAYS_PER_HALF,
                       counts[("practised", False)] / answered_1.clip(lower=1), np.nan)
    share_2 = np.where(answered_2 >= MIN_DAYS_PER_HALF,
                       counts[("practised", True)] / answered_2.clip(lower=1), np.nan)
    return pd.DataFrame({
        "client_id": counts.index.astype(str), "practice_days_first": answered_1.to_numpy(),
        "practice_days_second": answered_2.to_numpy(), "share_practised_first": share_1,
        "share_practised_second": share_2, "practice_change": share_2 - share_1})


def _slopes(slopes: pd.DataFrame | None) -> pd.DataFrame:
    parts = []
    for measure, prefix in (("numbness", "numbness"), ("shift_score", "shift")):
        names = {"slope_per_week": f"{prefix}_slope", "ci_low": f"{prefix}_low",
                 "ci_high": f"{prefix}_high", "n_days": f"{prefix}_days",
                 "verdict": f"{prefix}_verdict"}
        if slopes is None or slopes.empty:
            part = pd.DataFrame({c: pd.Series(dtype="float64") for c in names.values()})
            part.insert(0, "client_id", pd.Series(dtype=object))
        else:
            part = slopes[slopes["measure"] == measure][["client_id", *names]].rename(
                columns=names)
            part["client_id"] = part["client_id"].astype(str)
        parts.append(part.set_index("client_id"))
    return parts[0].join(parts[1], how="outer").reset_index()


def _links(link: pd.DataFrame | None, carries: dict) -> pd.DataFrame:
    parts = []
    for lag, suffix in ((0, "same_day"), (1, "next_day")):
        names = {"verdict": f"link_{suffix}", "rho": f"rho_{suffix}",
                 "n_days": f"days_{suffix}"}
        if link is None or link.empty:
            part = pd.DataFrame({c: pd.Series(dtype=object) for c in ["client_id", *names]})
            part = part.rename(columns=names)
        else:
            rows = link[(link["cue"] == "any") & (link["lag"] == lag)]
            part = rows[["client_id", *names]].rename(columns=names)
            part["client_id"] = part["client_id"].astype(str)
        if not (carries["practice"] and carries["shifts"]):
            part[f"link_{suffix}"] = NOT_IN_EXPORT
        parts.append(part.set_index("client_id"))
    return parts[0].join(parts[1], how="outer").reset_index()


def _reason(row, settings: Settings) -> str:
    logged = int(row.days_logged)
    if logged == 0:
        return "no check-in in this period"
    if logged < settings.min_days_for_trend:
        return (f"only {_days(logged)} logged in the period; a trend needs at least "
                f"{settings.min_days_for_trend}")
    span = (row.last_logged - row.first_logged).days + 1
    if logged / span < MIN_SHARE_LOGGED:
        return (f"logged {logged} of the {span} days from the first to the last check-in "
                f"in this period ({_short(row.first_logged)} – {_short(row.last_logged)}, "
                f"{logged / span:.0%}); with more than half the days missing, the gaps could "
                "hide how the weeks went")
    return ""


def _short(day) -> str:
    return f"{day.day} {day:%b}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _recent_risks(tables: Tables, client_ids: pd.Series, end: pd.Timestamp,
                  settings: Settings) -> np.ndarray:
    rows = metrics.safety.risks(tables, settings=settings,
                                start=end - pd.Timedelta(days=RISK_DAYS - 1), end=end)
    counts = rows.dropna(subset=["client_id"]).groupby(
        rows["client_id"].dropna().astype(str)).size()
    return client_ids.map(counts).fillna(0).to_numpy(dtype="int64")


# --------------------------------------------------------------------------------------------
# Patterns


@dataclass(frozen=True)
class Pattern:
    """A named archetype-like pattern: ``rule`` takes one summary row (a namedtuple)."""

    name: str
    description: str
    rule: Callable


def _up(row) -> bool:
    return bool(row.practice_change >= PRACTICE_UP - 1e-9)  # NaN compares False


def _points(share: float) -> str:
    return f"{share * 100:.0f} percentage points"


PATTERNS: tuple[Pattern, ...] = (
    Pattern("logs too little to say",
            "too few days logged to read any trend (the table of who logs too little says "
            "why).", lambda r: not r.enough_data),
    Pattern("numbness rising",
            "numbness is clearly going up over the weeks.",
            lambda r: r.numbness_verdict == "going up"),
    Pattern("plan not kept",
            f"practice on fewer than {PRACTICE_LOW:.0%} of the answered days in the second "
            f"half, or a fall of {_points(PRACTICE_DROP)} or more.",
            lambda r: bool(r.share_practised_second < PRACTICE_LOW
                           or r.practice_change <= -PRACTICE_DROP + 1e-9)),
    Pattern("adherence up and shifts up",
            f"practice rose by {_points(PRACTICE_UP)} or more (about one more practised day "
            "a week) and micro-shifts are clearly going up.",
            lambda r: _up(r) and r.shift_verdict == "going up"),
    Pattern("adherence up, numbness easing",
            f"practice rose by {_points(PRACTICE_UP)} or more and numbness is clearly going "
            "down; micro-shifts not (yet) clearly up.",
            lambda r: _up(r) and r.numbness_verdict == "going down"),
    Pattern("adherence up, shifts not yet",
            f"practice rose by {_points(PRACTICE_UP)} or more; neither micro-shifts nor "
            "numbness clearly changed yet.", _up),
    Pattern("practising, numbness easing",
            f"practice on at least {PRACTISING:.0%} of the answered days in the second half, "
            "and numbness is clearly going down.",
            lambda r: bool(r.share_practised_second >= PRACTISING)
            and r.numbness_verdict == "going down"),
    Pattern("numbness easing",
            "numbness is clearly going down; practice neither up nor steady (or not asked "
            "in this export).", lambda r: r.numbness_verdict == "going down"),
)
"""Archetype-like patterns, tried in this order; a client gets the FIRST that holds, or
:data:`NO_PATTERN`. The order puts what needs attention first: too little data (no other
rule can be trusted), rising numbness, a plan not kept; then the hopeful patterns from the
strongest (practice and micro-shifts both up) to the weakest. Every rule reads only the
summary columns, and a missing value (no practice data, too few days) never satisfies a
rule (NaN comparisons are False)."""

NO_PATTERN = "no clear pattern"


def patterns_markdown() -> str:
    """The pattern rules as a markdown list for the notebook (one source for both)."""
    items = [f"- *{p.name}*: {p.description}" for p in PATTERNS]
    items.append(f"- *{NO_PATTERN}*: none of these.")
    return "\n".join(items)


def pattern_names() -> list[str]:
    """Every pattern a client can get, in rule order, ending with :data:`NO_PATTERN`."""
    return [p.name for p in PATTERNS] + [NO_PATTERN]


def assign_patterns(summary: pd.DataFrame) -> list[str]:
    """The pattern of each summary row: the first rule of :data:`PATTERNS` that holds."""
    names = []
    for row in summary.itertuples(index=False):
        names.append(next((p.name for p in PATTERNS if p.rule(row)), NO_PATTERN))
    return names


def filter_by_pattern(summary: pd.DataFrame, name: str | None) -> pd.DataFrame:
    """The rows of ``summary`` with pattern ``name`` (None or "All clients": every row).

    Raises ValueError (ReconnectError) for a name that is not a pattern.
    """
    from reconnect_analysis.errors import ReconnectError

    if name in (None, "", ALL_CLIENTS):
        return summary.reset_index(drop=True)
    if name not in pattern_names():
        raise ReconnectError(f"unknown pattern {name!r}; choose one of: "
                             + ", ".join(pattern_names()))
    return summary[summary["pattern"] == name].reset_index(drop=True)


ALL_CLIENTS = "All clients"


# --------------------------------------------------------------------------------------------
# Views


def _period_words(start, end) -> str:
    return f"{sections.day(start)} – {sections.day(end)}"


TABLE_WIDTH_PX = 800
"""Width a table is laid out for (a JupyterLab notebook column); used to guess its height."""
MAX_TABLE_HEIGHT = 900


def _lines(text: str, chars: int) -> int:
    """Lines ``text`` takes in a column ``chars`` characters wide (at least 1)."""
    return max(1, -(-len(text) // chars))


def _table(header: list[str], columns: list[list], *, title: str,
           widths: list[float] | None = None) -> go.Figure:
    """A plotly table titled ``title``; every cell escaped (plotly draws a few HTML tags in
    text). ``widths``: relative column widths. The height fits the rows (long cells wrap),
    up to :data:`MAX_TABLE_HEIGHT`; longer tables scroll inside the chart."""
    cells = [[html.escape(str(v)) for v in col] for col in columns]
    widths = widths or [1.0] * len(header)
    chars = [int(max(6, TABLE_WIDTH_PX * w / sum(widths) / 7.5 - 2)) for w in widths]
    head = max(_lines(h, chars[k]) for k, h in enumerate(header))
    per_row = [max(_lines(col[i], chars[k]) for k, col in enumerate(cells))
               for i in range(len(cells[0]) if cells else 0)] or [1]
    figure = go.Figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{html.escape(h)}</b>" for h in header], "align": "left",
                "fill_color": "#eef1f6"},
        cells={"values": cells, "align": "left"}))
    height = 100 + 18 * head + sum(4 + 19 * n for n in per_row)  # a little spare
    figure.update_layout(height=min(MAX_TABLE_HEIGHT, height),
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
    period = _period_words(start, end)
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
    sentence = (f"{_count(n_in, 'risk answer or red flag', 'risk answers or red flags')}"
                f" in {period}") if n_in else f"No risk answers or red flags in {period}"
    if later.any():
        sentence += f"{' and' if n_in else ', but'} {int(later.sum())} after these weeks"
    sentence += (f", newest first, from {_count(len(clients), 'client', 'clients')}"
                 f" ({', '.join(clients)}): review them before anything else on this page.")
    if unattributed.any():
        sentence = (f"⚠ {_count(int(unattributed.sum()), 'risk answer', 'risk answers')} "
                    "could not be matched to a client (no client id): look up the source "
                    "file and row in the table and find out whose it is. " + sentence)
    if not_asked:
        sentence += " " + not_asked_text
    table = risk_table(rows, unattributed=unattributed, end=end)
    figure = _table(list(table.columns), [list(table[c]) for c in table.columns], title=title,
                    widths=[1.1, 1.9, 0.8, 4.2, 2.2])
    return View("safety", title, sentence, figure)


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
    from reconnect_analysis.report.triage import day_ranges

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
                  else sections.day(max(dated))
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
                    text += f" (highest {levels.max():g} of 3)"
            days = [f"{a.date:%Y-%m-%d}" for a in answers if not pd.isna(a.date)]
            when = day_ranges(days) if days else ""
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


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


PATTERN_COLOURS = {
    "logs too little to say": "#9aa0aa", "numbness rising": "#a4001d",
    "plan not kept": "#d1495b", "adherence up and shifts up": "#1d6b3a",
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
                    "line": {"color": np.where(risk, "#a4001d", "white").tolist(),
                             "width": np.where(risk, 3, 1).tolist()}},
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
                "deserves a look first. A red ring marks a recent risk answer (see Safety "
                "first). Hover a dot for its trends and links; these are links in the log, "
                "not proof that practice causes the change." + left_out)
    return View("adherence_vs_numbness", title, sentence, figure)


def _hover(row) -> list[str]:
    e = html.escape
    lines = [f"<b>{e(str(row.client_id))}</b>: {e(row.pattern)}",
             f"practised {_pct(row.share_practised_first)} → {_pct(row.share_practised_second)}"
             " of answered days (first → second half)",
             f"numbness {row.numbness_slope:+.2f} a week: {e(row.numbness_verdict)}",
             "micro-shifts " + (f"{row.shift_slope:+.2f} a week: " if pd.notna(row.shift_slope)
                                else "") + e(row.shift_verdict),
             f"practice and micro-shifts, same day: {e(row.link_same_day)}; next day: "
             f"{e(row.link_next_day)}",
             f"logged {row.days_logged} of {row.days_in_period} days"]
    if row.risk_recent:
        lines.append(f"⚠ {_count(int(row.risk_recent), 'risk answer', 'risk answers')} in the "
                     f"last {RISK_DAYS} days")
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
    linked = summary[summary["link_same_day"].isin(["clear link", "possible link"])
                     | summary["link_next_day"].isin(["clear link", "possible link"])]
    named = ", ".join(linked["client_id"]) if len(linked) else "nobody"
    sentence = ("Clients per verdict, for practice of any cue against the micro-shift score: "
                "on the same day, and practice on one day against micro-shifts on the next "
                "(reward often returns quietly and later). A clear or possible link on either "
                f"day: {named}. \"Not enough data yet\": {int(same.get(NOT_ENOUGH, 0))} same "
                f"day, {int(nxt.get(NOT_ENOUGH, 0))} next day. This is a link in the log, not "
                "proof that one causes the other; about one client in seven can show a "
                "\"possible link\" by chance.")
    return View("verdicts", title, sentence, figure)


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
    sentence = (f"{_count(len(rows), 'client logs', 'clients log')} too little in this period "
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
    "practised": "Practised (1st → 2nd half)", "numbness": "Numbness, a week",
    "shifts": "Micro-shifts, a week", "links": "Practice & micro-shifts: same day / next day",
    "risk": f"Risk (last {RISK_DAYS} days)",
}
LINK_WORDS = {"clear link": "clear", "possible link": "possible", "no clear link": "no clear",
              NOT_ENOUGH: "too few days", NOT_IN_EXPORT: "not asked"}
"""Short words for the link verdicts in the client table (the header says "link")."""


def client_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary in words, one row per client, columns named by :data:`CLIENT_COLUMNS`.

    Shares read "44% → 67%" (— when fewer than :data:`MIN_DAYS_PER_HALF` answered days,
    "no practice answers" when none), trends "-0.70, going down", links "no clear / clear"
    (:data:`LINK_WORDS`), risk counts "⚠ 11" (empty when none).
    """
    def trend(slope, verdict):
        return verdict if pd.isna(slope) else f"{slope:+.2f}, {verdict}"

    out = pd.DataFrame({
        "client_id": summary["client_id"].astype(str), "pattern": summary["pattern"],
        "logged": [f"{a} of {b}" for a, b in zip(summary["days_logged"],
                                                  summary["days_in_period"], strict=True)],
        "practised": ["no practice answers" if n1 + n2 == 0 else f"{_pct(a)} → {_pct(b)}"
                      for a, b, n1, n2 in zip(summary["share_practised_first"],
                                              summary["share_practised_second"],
                                              summary["practice_days_first"],
                                              summary["practice_days_second"], strict=True)],
        "numbness": [trend(s, v) for s, v in zip(summary["numbness_slope"],
                                                 summary["numbness_verdict"], strict=True)],
        "shifts": [trend(s, v) for s, v in zip(summary["shift_slope"],
                                               summary["shift_verdict"], strict=True)],
        "links": [f"{LINK_WORDS.get(a, a)} / {LINK_WORDS.get(b, b)}" for a, b in
                  zip(summary["link_same_day"], summary["link_next_day"], strict=True)],
        "risk": [f"⚠ {n}" if n else "" for n in summary["risk_recent"]],
    })
    return out.rename(columns=CLIENT_COLUMNS).reset_index(drop=True)


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
                    widths=[0.7, 2, 0.9, 1.3, 1.6, 1.6, 1.9, 0.9])
    which = (f"the {_count(len(table), 'client', 'clients')} of {total} with the pattern "
             f"\"{pattern}\"" if chosen else f"all {_count(total, 'client', 'clients')}")
    sentence = (f"One row per client ({which}), recent risk answers first, then by pattern "
                "as in the list above. Shares count only days with a practice answer; "
                "days not logged are unknown, never \"no practice\". Open a client in the "
                "client explorer to see the days behind a row.")
    return View("clients", title, sentence, figure)


def caseload_views(tables: Tables, summary: pd.DataFrame, *, start, end,
                   highlight: str | None = None, settings: Settings = DEFAULTS) -> list[View]:
    """Every caseload view in display order: safety FIRST, then the charts and tables."""
    return [safety(tables, start=start, end=end, settings=settings),
            adherence_vs_numbness(summary, highlight=highlight),
            verdicts(summary), too_little(summary), patterns(summary)]
