"""What the report notebook displays: loading one client's tables and building each section.

Every function returns :class:`Html`, a ``str`` that Jupyter shows as HTML. Every value that
comes from the data (ids, notes, event details, field names, numbers) goes through
:func:`esc` here, at the source; the renderer sanitises again as a second layer. Tables are
built by hand with escaped cells (``DataFrame.to_html`` markup would be escaped by the
sanitiser, and Styler does not escape at all).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReportError
from reconnect_analysis.tables import TABLE_NAMES, Tables
from reconnect_analysis.weeks import parse_week

COMPLETION_MIME = "application/vnd.reconnect.complete+json"
NOTE_LIMIT = 600
"""Characters of a client's note shown in the report; longer notes are cut with a marker."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

FIELD_LABELS = {
    "self_harm_thoughts": "Thoughts of self-harm",
    "unsafe": "Felt unable to stay safe",
    "hopelessness": "Hopelessness",
    "flag_dissociation": "Severe dissociation (losing time, feeling unreal)",
    "flag_psychotic": "Psychotic symptoms",
    "flag_cannot_self_care": "Unable to care for self",
    "flag_head_injury": "Numbness after head injury / new neurological symptoms",
    "risk_hopelessness": "Weekly screen: hopelessness",
    "risk_self_harm": "Weekly screen: self-harm",
    "risk_dangerous_coping": "Weekly screen: dangerous coping",
}


class Html(str):
    """An HTML fragment; Jupyter displays it as HTML, its plain repr stays short."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<report fragment, {len(self)} characters>"


# ---------------------------------------------------------------- escaping and small pieces

def esc(value, *, missing: str = "—") -> str:
    """Text of any value, safe inside HTML: control characters removed, ``<>&"'`` escaped.

    >>> esc('<img src=x onerror="a()">')
    '&lt;img src=x onerror=&quot;a()&quot;&gt;'
    >>> esc(None), esc(float("nan"))
    ('—', '—')
    """
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return missing
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    elif isinstance(value, float):
        value = f"{value:.10g}"
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def note_text(value, *, limit: int = NOTE_LIMIT) -> str:
    """A client's free text, escaped and cut to ``limit`` characters with a visible marker."""
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return ""
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > limit:
        text = text[:limit] + f" … [cut: {len(text) - limit} more characters]"
    return html.escape(text, quote=True)


def number(value, *, digits: int = 1, unit: str = "", missing: str = "—") -> str:
    """A number for display: rounded, with a unit; missing stays visibly missing."""
    if value is None or _is_missing(value):
        return missing
    try:
        shown = f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return esc(value)
    return esc(shown + unit)


def percent(value, *, missing: str = "—") -> str:
    """A share 0-1 as a whole percentage."""
    if value is None or _is_missing(value):
        return missing
    return esc(f"{float(value) * 100:.0f}%")


def day(value, *, missing: str = "—") -> str:
    """A date as ``Mon 16 Nov 2026``."""
    if value is None or _is_missing(value):
        return missing
    return esc(pd.Timestamp(value).strftime("%a %d %b %Y"))


def short_day(value, *, missing: str = "—") -> str:
    """A date as ``16 Nov`` (for narrow table columns)."""
    if value is None or _is_missing(value):
        return missing
    return esc(pd.Timestamp(value).strftime("%d %b"))


def section(key: str, title: str, body: str, *, classes: str = "") -> Html:
    """A report section: ``<section id="rc-<key>">`` with an ``<h2>`` (title escaped)."""
    css = f"rc-section rc-{key} {classes}".strip()
    return Html(f'<section id="rc-{esc(key)}" class="{esc(css)}"><h2>{esc(title)}</h2>'
                f"{body}</section>")


def table(frame: pd.DataFrame, columns: dict[str, str], *, caption: str = "",
          numeric: tuple[str, ...] = (), formats: dict | None = None,
          css: str = "", raw: tuple[str, ...] = ()) -> str:
    """An HTML table with escaped cells.

    Parameters
    ----------
    frame
        Rows to show (not modified).
    columns
        Column name -> header label, in display order.
    numeric
        Columns aligned right.
    formats
        Column name -> function returning already-escaped text (e.g. :func:`percent`).
    raw
        Columns whose values are already-built HTML from this module (never client text).
    """
    formats = formats or {}
    head = "".join(
        f'<th scope="col"{_num_class(name, numeric)}>{esc(label)}</th>'
        for name, label in columns.items())
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for name in columns:
            value = record.get(name)
            if name in raw:
                text = str(value)
            elif name in formats:
                text = formats[name](value)
            else:
                text = esc(value)
            cells.append(f"<td{_num_class(name, numeric)}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="rc-table {esc(css)}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _num_class(name: str, numeric: tuple[str, ...]) -> str:
    return ' class="rc-num"' if name in numeric else ""


# ---------------------------------------------------------------- loading

@dataclass(frozen=True)
class ReportContext:
    """One client's tables and the report's parameters, as the notebook uses them."""

    client_id: str
    week: str
    monday: pd.Timestamp
    sunday: pd.Timestamp
    settings: Settings
    tables: Tables
    validated_path: str
    generated_at: str = ""
    parameters: dict = field(default_factory=dict)
    analysis_start: pd.Timestamp | None = None
    """First day of the analysis period: ``settings.analysis_weeks`` whole weeks to Sunday,
    but not before the client's first logged day (days before it are not "missed")."""

    @property
    def last_14_start(self) -> pd.Timestamp:
        """First day of the 14 days that end on the report's Sunday."""
        return self.sunday - pd.Timedelta(days=13)

    @property
    def window_start(self) -> pd.Timestamp:
        """First day of the safety window (``risk_window_weeks`` whole weeks to Sunday)."""
        return self.monday - pd.Timedelta(weeks=self.settings.risk_window_weeks - 1)


def load(validated_path: str, *, client_id: str, week: str, settings_overrides: dict | None = None,
         generated_at: str = "") -> ReportContext:
    """Read only ``client_id``'s rows from a validated folder (``tables.save``).

    Parameters
    ----------
    settings_overrides
        ``config.Settings`` fields that differ from the defaults (unknown names refused).
    """
    folder = Path(validated_path)
    if not (folder / "entries.parquet").is_file():
        raise ReportError(f"{folder}: not a validated folder (run 'reconnect validate' first)")
    settings = make_settings(settings_overrides or {})
    monday, sunday = parse_week(week)
    frames = {}
    for name in TABLE_NAMES:
        path = folder / f"{name}.parquet"
        frames[name] = _read_client(path, client_id) if path.is_file() else pd.DataFrame()
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    tables = Tables(**frames, meta=meta)
    if tables.entries.empty and (tables.risks.empty or "client_id" not in tables.risks):
        raise ReportError(f"client {client_id!r} has no check-ins and no risk answers in "
                          f"{folder.name}")
    parameters = {"client_id": client_id, "week": week,
                  "settings_overrides": dict(settings_overrides or {})}
    start = monday - pd.Timedelta(weeks=getattr(settings, "analysis_weeks", 8) - 1)
    if not tables.entries.empty:
        first = pd.to_datetime(tables.entries["date"]).min()
        start = min(max(start, first), monday)
    return ReportContext(client_id=client_id, week=week, monday=monday, sunday=sunday,
                         settings=settings, tables=tables, validated_path=str(folder),
                         generated_at=generated_at, parameters=parameters,
                         analysis_start=start)


def _read_client(path: Path, client_id: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    if "client_id" not in names:
        return pd.read_parquet(path)
    return pd.read_parquet(path, filters=[("client_id", "==", client_id)])


def make_settings(overrides: dict) -> Settings:
    """``DEFAULTS`` with ``overrides`` applied; unknown names raise ReportError."""
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ReportError(f"unknown setting(s) {', '.join(unknown)}; see config.Settings")
    return replace(DEFAULTS, **overrides) if overrides else DEFAULTS


def settings_overrides(settings: Settings) -> dict:
    """The fields of ``settings`` that differ from ``DEFAULTS`` (for notebook parameters)."""
    return {f.name: getattr(settings, f.name) for f in fields(Settings)
            if getattr(settings, f.name) != getattr(DEFAULTS, f.name)}


# ---------------------------------------------------------------- header, safety, footer

def header(ctx: ReportContext) -> Html:
    """Title block: client pseudonym, ISO week and its dates."""
    return Html(
        '<header class="rc-header">'
        f"<h1>Weekly check-in report · {esc(ctx.client_id)}</h1>"
        f'<div class="rc-meta">Week <strong>{esc(ctx.week)}</strong> '
        f"({day(ctx.monday)} – {day(ctx.sunday)}) · prepared for the therapist's review; "
        "it summarises what the client logged and does not diagnose.</div></header>")


def safety(risks: pd.DataFrame, *, ctx: ReportContext,
           checkin: pd.DataFrame | None = None) -> Html:
    """Section 1: every risk answer and red flag of the safety window, newest first.

    Parameters
    ----------
    risks
        ``metrics.safety.risks`` rows: ``date``, ``field``, ``label``, ``value``, ``status``,
        ``from_quarantine``. Rows dated outside ``ctx.window_start .. ctx.sunday`` are left
        out; rows without a date are always kept (a risk answer is never lost).
    checkin
        ``metrics.quality.last_checkin`` at the report's Sunday (``last_logged``,
        ``days_since``, ``alert``); None or empty means nothing was logged.
    """
    rows = risk_rows(risks, ctx)
    parts = []
    window = (f"the last {ctx.settings.risk_window_weeks} weeks "
              f"({day(ctx.window_start)} – {day(ctx.sunday)})")
    asked, not_asked = risk_questions(ctx.tables)
    gap = checkin_warning(checkin, ctx)
    if rows.empty and not asked:
        parts.append('<p class="rc-warning"><strong>⚠ Risk not checked: this export carries no '
                     "risk questions</strong> (self-harm thoughts, feeling unable to stay safe, "
                     "hopelessness, red flags). No risk answers were found because none were "
                     "asked, so risk cannot be ruled out from this export; ask the client "
                     "directly.</p>")
    elif rows.empty:
        among = " among the questions this export asks" if not_asked else ""
        parts.append('<p class="rc-clear-line"><strong>None reported:</strong> no risk answers '
                     f"or red flags{among} in {window}.</p>")
    else:
        n_new = int(rows["new_this_week"].sum())
        many = "risk answers or red flags"
        parts.append(
            f'<p class="rc-alert">⚠ {_count(len(rows), "risk answer or red flag", many)}'
            f" in {window}"
            + (f": <strong>{n_new} new this week</strong>" if n_new else ", none new this week")
            + ". Review before the session.</p>")
        parts.append(table(
            rows, {"date": "Date", "what": "Answer", "value_text": "Value", "badge": "Status"},
            formats={"date": day}, raw=("badge",), css="rc-safety-table",
            caption="Newest first. NEW = logged during this report's week. Answers recovered "
                    "from rows that failed validation are included."))
    if asked and not_asked:
        listed = "; ".join(esc(FIELD_LABELS.get(f, f)) for f in not_asked)
        parts.append(f'<p class="rc-warning">⚠ Not asked in this export: {listed}. These cannot '
                     "be ruled out from it.</p>")
    if gap is not None:
        parts.append(f'<p class="rc-warning">⚠ {gap}</p>')
    if not rows.empty:
        classes = "rc-alerting"
    elif asked and not not_asked and gap is None:
        classes = "rc-clear"
    else:
        classes = "rc-unknown"
    return section("safety", "1. Safety first: risk answers and red flags", "".join(parts),
                   classes=classes)


DAILY_RISK_FIELDS = ("self_harm_thoughts", "unsafe", "hopelessness", "flag_dissociation",
                     "flag_psychotic", "flag_cannot_self_care", "flag_head_injury")
SCREEN_RISK_FIELDS = {"risk_self_harm": "self_harm_thoughts",
                      "risk_hopelessness": "hopelessness", "risk_dangerous_coping": None}
"""Weekly-screen risk columns and the daily question each one also covers (None: none)."""


def risk_questions(tables: Tables) -> tuple[list[str], list[str]]:
    """Which risk questions the export carries: ``(asked, not_asked)`` field names.

    A question is asked when its column is in ``tables.entries`` (daily) or, for the weekly
    screen's ``risk_*`` columns, in ``tables.weekly_screen``. ``not_asked`` lists the daily
    risk questions and red flags that neither table carries. Column presence is what counts:
    validation keeps only the columns an export has.
    """
    entry_cols = set(getattr(tables.entries, "columns", []))
    screen_cols = set(getattr(tables.weekly_screen, "columns", []))
    asked = [f for f in DAILY_RISK_FIELDS if f in entry_cols]
    asked += [f for f in SCREEN_RISK_FIELDS if f in screen_cols]
    covered = set(asked) | {SCREEN_RISK_FIELDS[f] for f in asked if f in SCREEN_RISK_FIELDS}
    not_asked = [f for f in DAILY_RISK_FIELDS if f not in covered]
    return asked, not_asked


def risk_rows(risks: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    """The risk rows shown in section 1: in the window (or undated), newest first, labelled.

    Returns ``date``, ``field``, ``what`` (plain label), ``value_text``, ``badge`` (HTML
    built here, no client text) and ``new_this_week`` (undated rows count as new).
    """
    columns = ["date", "field", "what", "value_text", "badge", "new_this_week"]
    if risks is None or risks.empty:
        return pd.DataFrame(columns=columns)
    frame = risks.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    in_window = frame["date"].isna() | frame["date"].between(ctx.window_start, ctx.sunday)
    frame = frame[in_window]
    frame["new_this_week"] = (frame["date"].isna()
                              | frame["date"].between(ctx.monday, ctx.sunday))
    frame = frame.sort_values("date", ascending=False, na_position="first", kind="stable")
    labels = frame["label"] if "label" in frame else pd.Series("", index=frame.index)
    frame["what"] = [lab if isinstance(lab, str) and lab else FIELD_LABELS.get(str(f), str(f))
                     for f, lab in zip(frame["field"], labels, strict=True)]
    values = frame["value"] if "value" in frame else pd.Series("", index=frame.index)
    frame["value_text"] = [_risk_value(f, v) for f, v in zip(frame["field"], values, strict=True)]
    quarantine = (frame["from_quarantine"].fillna(False).astype(bool)
                  if "from_quarantine" in frame else pd.Series(False, index=frame.index))
    status = frame["status"] if "status" in frame else pd.Series("positive", index=frame.index)
    frame["badge"] = [
        _badge(bool(new), str(st), bool(q), undated=pd.isna(when))
        for new, st, q, when in zip(frame["new_this_week"], status, quarantine, frame["date"],
                                    strict=True)]
    return frame.reset_index(drop=True)[columns]


def _risk_value(field_name, value) -> str:
    if value is None or _is_missing(value) or value == "":
        return "yes"
    if str(field_name) == "hopelessness":
        try:
            return f"{float(value):g} of 3"
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool) or str(value).strip().lower() in ("true", "1", "1.0", "yes"):
        return "yes"
    return str(value)


def _badge(new: bool, status: str, from_quarantine: bool, *, undated: bool = False) -> str:
    parts = []
    if undated:
        parts.append('<span class="rc-badge rc-new">date unreadable: review</span>')
    elif new:
        parts.append('<span class="rc-badge rc-new">NEW this week</span>')
    if status == "possible_positive":
        parts.append('<span class="rc-badge rc-possible">possible yes: answer unreadable, '
                     "review</span>")
    if from_quarantine:
        parts.append('<span class="rc-badge">from a row that failed validation</span>')
    return " ".join(parts) or '<span class="rc-muted">earlier</span>'


def checkin_warning(checkin: pd.DataFrame | None, ctx: ReportContext) -> str | None:
    """The missed-check-in warning (escaped text), or None when the client checked in."""
    row = None if checkin is None or checkin.empty else checkin.iloc[0]
    if row is None or _is_missing(row.get("last_logged")):
        return (f"No check-in logged up to {day(ctx.sunday)}. Silence can hide risk; "
                "consider reaching out.")
    if not bool(row.get("alert", False)):
        return None
    return (f"No check-in for {esc(row.get('days_since'))} days: the last one was on "
            f"{day(row['last_logged'])}. Silence can hide risk; consider reaching out.")


# ---------------------------------------------------------------- sections 2-10

def heading(key: str, title: str, intro: str = "") -> Html:
    """A section heading for sections whose body is a chart (escaped title and intro)."""
    body = f'<p class="rc-muted">{esc(intro)}</p>' if intro else ""
    return section(key, title, body)


def summary(statements) -> Html:
    """Section 2: the plain-language statements (``wording.summary``), each with certainty."""
    items = "".join(f"<li>{esc(s.text)} <span class=\"rc-certainty\">({esc(s.certainty)})"
                    "</span></li>" for s in statements)
    return section("summary", "2. Summary", f'<ul class="rc-summary">{items}</ul>')


CUE_COLUMNS = {"cue_body": "Body", "cue_sensory": "Sensory", "cue_connection": "Connection",
               "cue_meaning": "Meaning"}


def practice_grid(days: pd.DataFrame) -> str:
    """Cue-by-day grid (``metrics.adherence.daily`` rows): done / not done / not logged."""
    if days is None or days.empty:
        return '<p class="rc-muted">No days in the last 14 days.</p>'
    days = days.sort_values("date")
    head = "".join(f'<th scope="col">{esc(pd.Timestamp(d).strftime("%a"))}<br>'
                   f'{esc(pd.Timestamp(d).strftime("%d"))}</th>' for d in days["date"])
    rows = []
    for column, label in CUE_COLUMNS.items():
        cells = []
        for logged, value in zip(days["logged"], days.get(column, pd.Series(pd.NA,
                                 index=days.index)), strict=True):
            if not bool(logged):
                cells.append('<td class="rc-notlogged" title="not logged">·</td>')
            elif value is pd.NA or _is_missing(value):
                cells.append('<td class="rc-notlogged" title="no answer">?</td>')
            elif bool(value):
                cells.append('<td class="rc-done" title="done">✓</td>')
            else:
                cells.append('<td class="rc-notdone" title="not done">✗</td>')
        rows.append(f'<tr><th scope="row">{esc(label)}</th>{"".join(cells)}</tr>')
    return (f'<table class="rc-table rc-grid"><caption>✓ done · ✗ not done · ? logged without '
            f"an answer · (hatched) not logged. Last 14 days to the report's Sunday.</caption>"
            f'<thead><tr><th scope="col">Cue</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


NO_PRACTICE = ("This export carries no practice data (no answers about the four daily "
               "cues), so practice cannot be shown or counted.")
NO_SHIFTS = ("This export carries no micro-shift data (no answers about small signs of "
             "return), so micro-shifts cannot be shown or counted.")


def export_carries(tables: Tables) -> dict[str, bool]:
    """Whether the export has any practice (``cue_*``), micro-shift (``shift_*``,
    ``interest_pct``) and risk (:func:`risk_questions`) columns at all:
    ``{"practice": bool, "shifts": bool, "risk": bool}``.

    Validation keeps only the columns an export has, so a missing column means the question
    was never asked (not that the client skipped it).
    """
    columns = [str(c) for c in getattr(tables.entries, "columns", [])]
    return {"practice": any(c.startswith("cue_") for c in columns),
            "shifts": any(c.startswith("shift_") or c == "interest_pct" for c in columns),
            "risk": bool(risk_questions(tables)[0])}


def adherence(days: pd.DataFrame, block: pd.DataFrame, *, carried: bool = True) -> Html:
    """Section 4 (head): the 14-day grid and the current block's progress.

    ``carried=False`` (no cue columns in the export) says so instead of counting zeros.
    """
    if not carried:
        return section("adherence", "4. Practice adherence",
                       f'<p class="rc-muted">{esc(NO_PRACTICE)}</p>')
    line = ""
    row = None if block is None or block.empty else block.iloc[0]
    if row is not None:
        line = (f"<p>Day <strong>{esc(row.get('day_in_block'))} of 14</strong> in practice "
                f"block {esc(row.get('block_number'))} (started {day(row.get('block_start'))}): "
                f"practised on {esc(row.get('days_practised_in_block'))} of "
                f"{esc(row.get('days_logged_in_block'))} logged days; current streak "
                f"{_count(row.get('streak_days'), 'day')}, longest "
                f"{_count(row.get('longest_streak'), 'day')}; <strong>"
                f"{_count(row.get('restarts'), 'restart')}</strong> after a missed day "
                "(restarting is the plan working).</p>")
    return section("adherence", "4. Practice adherence", line + practice_grid(days))


LINK_COLUMNS = {"cue_text": "Cue", "lag_text": "When", "n_days": "Days",
                "rho": "Rank correlation (rho)", "interval": "Interval", "verdict": "Verdict"}


def association(link: pd.DataFrame, *, confidence: float,
                carries: dict | None = None) -> Html:
    """Section 5 (head): practice vs micro-shifts per cue, same day and next day.

    ``carries`` (:func:`export_carries`): when the export has no practice or no micro-shift
    data, the section says so instead of showing an empty comparison.
    """
    carries = carries or {"practice": True, "shifts": True}
    missing = [text for key, text in (("practice", NO_PRACTICE), ("shifts", NO_SHIFTS))
               if not carries.get(key, True)]
    if missing:
        body = "".join(f'<p class="rc-muted">{esc(t)}</p>' for t in missing)
        body += ('<p class="rc-muted">Whether practice goes with micro-shifts cannot be looked '
                 "at without both.</p>")
    elif link is None or link.empty:
        body = '<p class="rc-muted">No practice and micro-shift answers to compare yet.</p>'
    else:
        frame = link.copy()
        frame["cue_text"] = frame["cue"].map(lambda c: {"any": "any cue"}.get(c, c))
        frame["lag_text"] = frame["lag"].map(lambda lag: "same day" if int(lag) == 0
                                             else "next day")
        frame["interval"] = [
            f"{lo:+.2f} to {hi:+.2f}" if not (_is_missing(lo) or _is_missing(hi)) else "—"
            for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)]
        body = table(frame, LINK_COLUMNS, numeric=("n_days", "rho"),
                     formats={"rho": lambda v: number(v, digits=2)},
                     caption=f"Rank correlation (rho, Spearman) of practice (yes/no) with the "
                             "daily micro-shift score: it runs from -1 to +1; above 0 means "
                             "days with practice tend to have more micro-shifts, near 0 means "
                             f"no link. {confidence:.0%} interval by moving-block bootstrap "
                             "(it respects that one day resembles the next). A link is not "
                             "proof that practice causes shifts.")
        sentence = _first_sentence(link)
        if sentence:
            body = f"<p>{esc(sentence)}</p>" + body
    return section("link", "5. Practice and micro-shifts", body)


def _first_sentence(link: pd.DataFrame) -> str:
    """The sentence of the strongest finding (``wording.strongest_link``, as the summary)."""
    from reconnect_analysis.report import wording

    best = wording.strongest_link(link)
    if best is None or _is_missing(best.get("sentence")):
        return ""
    return str(best.get("sentence") or "")


FUEL_COLUMNS = {"week_start": "Week of", "days_logged": "Days logged",
                "mean_sleep_hours": "Sleep (h)", "wake_time_sd_min": "Wake spread (min)",
                "alcohol_days": "Alcohol days", "cannabis_days": "Cannabis days",
                "late_scrolling_days": "Late scrolling", "recovery_blocks": "Recovery blocks",
                "conflict_days": "Conflict days", "daylight_walk_days": "Daylight walks"}


def fuel(weeks: pd.DataFrame, windows: pd.DataFrame) -> Html:
    """Section 6 (head): fuel per week (last four) and the before/after window of events."""
    if weeks is None or weeks.empty:
        body = '<p class="rc-muted">No fuel answers logged.</p>'
    else:
        frame = weeks.sort_values("week_start").tail(4)
        shown = {k: v for k, v in FUEL_COLUMNS.items()
                 if k in frame and (k in ("week_start", "days_logged") or frame[k].notna().any())}
        body = table(frame, shown, numeric=tuple(k for k in shown if k != "week_start"),
                     formats={"week_start": short_day,
                              "mean_sleep_hours": lambda v: number(v, digits=1),
                              "wake_time_sd_min": lambda v: number(v, digits=0)},
                     caption="Day counts are days answered 'yes'; — means not answered that "
                             "week (never counted as 'no').")
    body += event_windows(windows)
    return section("fuel", "6. Fuel and arousal zones", body)


WINDOW_MEASURES = ("numbness", "shift_score", "adherence", "sleep_hours", "wake_time_sd_min",
                   "alcohol_days")


def event_windows(windows: pd.DataFrame) -> str:
    """Before/after comparison of the latest lever start and medication event."""
    if windows is None or windows.empty:
        return ('<p class="rc-muted">No lever start or medication event to compare before '
                "and after.</p>")
    parts = []
    latest = windows.sort_values("event_date").groupby("kind", sort=False).tail(1)
    for event in latest[["event_date", "kind", "detail"]].drop_duplicates().itertuples():
        rows = windows[(windows["event_date"] == event.event_date)
                       & (windows["kind"] == event.kind)
                       & windows["measure"].isin(WINDOW_MEASURES)]
        label = str(event.kind).replace("_", " ")
        detail = "" if _is_missing(event.detail) else f" ({note_text(event.detail, limit=80)})"
        sentences = "".join(f"<li>{esc(s)}</li>" for s in rows["sentence"] if str(s))
        parts.append(f'<div class="rc-keep"><h3>{esc(label.capitalize())} on '
                     f"{day(event.event_date)}{detail}: two weeks before against two weeks "
                     f"after</h3><ul>{sentences}</ul></div>")
    parts.append('<p class="rc-muted">These compare timing only; they do not show that the '
                 "event caused a change. Medication questions are for the prescriber.</p>")
    return "".join(parts)


WEEK_COLUMNS = {"label": "Measure", "last_text": "Last week", "this_text": "This week",
                "change_text": "Change", "days_text": "Days (this / last)"}


def week_over_week(frame: pd.DataFrame) -> Html:
    """Section 7: this week against last week, compact (``metrics.trends.week_over_week``)."""
    from reconnect_analysis.report import wording

    if frame is None or frame.empty:
        return section("week", "7. This week against last week",
                       '<p class="rc-muted">Nothing logged in these two weeks.</p>')
    rows = frame[frame["n_days_this"].fillna(0).astype(int)
                 + frame["n_days_last"].fillna(0).astype(int) > 0].copy()
    rows["label"] = [wording.MEASURES.get(m, (m,))[0].capitalize() for m in rows["measure"]]
    rows["last_text"] = [wording.format_value(m, v) for m, v in
                         zip(rows["measure"], rows["last_week"], strict=True)]
    rows["this_text"] = [wording.format_value(m, v) for m, v in
                         zip(rows["measure"], rows["this_week"], strict=True)]
    rows["change_text"] = [_change_text(m, v) for m, v in
                           zip(rows["measure"], rows["change"], strict=True)]
    rows["days_text"] = [f"{int(a)} / {int(b)}" for a, b in
                         zip(rows["n_days_this"].fillna(0), rows["n_days_last"].fillna(0),
                             strict=True)]
    body = table(rows, WEEK_COLUMNS, numeric=("last_text", "this_text", "change_text",
                                              "days_text"),
                 caption="Means of logged days (shares for numb days and practice); — means "
                         "no value that week.")
    return section("week", "7. This week against last week", body)


def _change_text(measure: str, change) -> str:
    from reconnect_analysis.report import wording

    value = wording.num(change)
    if value is None:
        return "—"
    if abs(value) < 1e-9:
        return "no change"
    if measure in ("numb_day", "adherence"):
        return f"{value * 100:+.0f} points"
    if measure.endswith("_days"):
        return f"{value:+.0f}"
    if measure in ("interest_pct", "wake_time_sd_min"):
        return f"{value:+.0f}"
    return f"{value:+.1f}"


def strengths(items: list[dict]) -> Html:
    """Section 8: the week's micro-shifts and the client's own words (escaped, quoted)."""
    if not items:
        body = ('<p class="rc-muted">No micro-shifts or notes about them logged this week. '
                "Asking about small moments can still open the session.</p>")
    else:
        quotes = []
        for item in items:
            signals = ", ".join(item.get("signals", []))
            note = note_text(item.get("note"))
            words = f"“{note}”" if note else ""
            who = f"{day(item['date'])}" + (f" · noticed: {esc(signals)}" if signals else "")
            quotes.append(f'<blockquote class="rc-quote">{words}'
                          f"<footer>{who}</footer></blockquote>")
        body = "".join(quotes)
    return section("strengths", "8. Strengths, in the client's own words", body)


def talking_points(points: list[str]) -> Html:
    """Section 9: three short points for the next session."""
    items = "".join(f"<li>{esc(p)}</li>" for p in points)
    return section("points", "9. Talking points for the next session",
                   f'<ol class="rc-points">{items}</ol>')


def data_quality(sufficiency: pd.DataFrame, *, ctx: ReportContext,
                 missingness: pd.DataFrame | None = None,
                 risks: pd.DataFrame | None = None) -> Html:
    """Section 10: days logged, entries quarantined and why, what the import fixed."""
    parts = []
    row = None if sufficiency is None or sufficiency.empty else sufficiency.iloc[0]
    if row is not None:
        parts.append(f"<p>Days logged: <strong>{esc(row.get('days_logged'))} of "
                     f"{esc(row.get('days_in_period'))}</strong> "
                     f"({percent(row.get('share_logged'))}) from "
                     f"{day(row.get('period_start'))} to {day(row.get('period_end'))}.")
        merged = row.get("entries_merged")
        if not _is_missing(merged) and int(merged):
            parts.append(f" {esc(merged)} extra entries on the same day were merged into daily "
                         "values.")
        if not _is_missing(row.get("share_answered")):
            parts.append(f" Prompts answered: {esc(row.get('prompts_answered'))} of "
                         f"{esc(row.get('prompts_sent'))}.")
        parts.append("</p>")
    parts.extend(_quarantine_lines(ctx))
    if risks is not None and not risks.empty and "from_quarantine" in risks:
        rescued = int(risks["from_quarantine"].fillna(False).astype(bool).sum())
        if rescued:
            parts.append(f"<p>{_count(rescued, 'risk answer')} came from set-aside rows and "
                         "are shown in section 1.</p>")
    fixes = (ctx.tables.meta or {}).get("fixes") or []
    if fixes:
        parts.append("<p>What the import fixed in the whole export file (all clients, not only "
                     "this one):</p><ul>"
                     + "".join(f"<li>{esc(plain_reasons(f))}</li>" for f in fixes[:12])
                     + "</ul>")
    if missingness is not None and not missingness.empty and "stated" in missingness:
        for sentence in missingness.loc[missingness["stated"].fillna(False).astype(bool),
                                        "sentence"]:
            parts.append(f'<p class="rc-warning">{esc(sentence)}</p>')
    return section("quality", "10. Data quality", "".join(parts))


REASON_WORDS = {
    "not_a_number": "was not a number",
    "out_of_range": "was out of range",
    "missing": "was missing",
    "bad_format": "was in an unreadable format",
    "bad_time": "was not a readable time",
    "bad_timestamp": "was not a readable date and time",
    "unknown_value": "had an unknown value",
    "not_monday": "was not a Monday",
    "truncated_text": "was cut short",
    "unreadable_boolean": "was not a readable yes/no",
}
REASON_PHRASES = {"duplicate": "duplicate entry", "conflict": "conflicting entries for one time"}
COLUMN_WORDS = {"interest_pct": "interest (%)", "submitted_at": "submission time",
                "client_id": "client id", "numbness_form": "form of numbness"}


def reason_text(reason, column=None) -> str:
    """A validation reason code in plain words (not escaped).

    >>> reason_text("not_a_number:numbness")
    'numbness was not a number'
    >>> reason_text("duplicate")
    'duplicate entry'
    """
    code, _, named = str(reason).partition(":")
    code = code.strip()
    where = (named or ("" if column is None or _is_missing(column) else str(column))).strip()
    where = COLUMN_WORDS.get(where, where)
    if code in REASON_PHRASES:
        return REASON_PHRASES[code]
    words = REASON_WORDS.get(code)
    if words is None:
        plain = code.replace("_", " ")
        return f"{where.replace('_', ' ')}: {plain}" if where else plain
    return f"{where.replace('_', ' ')} {words}" if where else f"a value {words}"


_REASON_CODE = re.compile(r"\b([a-z]+(?:_[a-z]+)*):([A-Za-z0-9_]+)\b")


def plain_reasons(text) -> str:
    """Reason codes inside a sentence (``out_of_range:interest_pct``) in plain words.

    >>> plain_reasons("1 cells blanked (out_of_range:interest_pct)")
    '1 cells blanked (interest (%) was out of range)'
    """
    def words(match: re.Match) -> str:
        if match.group(1) not in REASON_WORDS and match.group(1) not in REASON_PHRASES:
            return match.group(0)
        return reason_text(match.group(0))

    return _REASON_CODE.sub(words, str(text))


def _count(n, noun: str, plural: str | None = None) -> str:
    """``1 day``, ``2 days``; a missing count stays visibly missing (``— days``)."""
    if n is None or _is_missing(n):
        return f"— {plural or noun + 's'}"
    n = int(n)
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _quarantine_lines(ctx: ReportContext) -> list[str]:
    """Rows set aside, cells blanked and cells fixed, for this client (distinct rows)."""
    frame = ctx.tables.quarantine
    if frame is None or frame.empty or "reason" not in frame:
        return ["<p>Entries set aside by validation: none.</p>"]
    if "client_id" in frame:
        frame = frame[frame["client_id"].astype("string") == str(ctx.client_id)]
        scope = "for this client"
    else:
        scope = "in the whole export (rows cannot be linked to a client)"
    action = (frame["action"].astype("string").fillna("quarantine") if "action" in frame
              else pd.Series("quarantine", index=frame.index, dtype="string"))
    keys = [c for c in ("source_file", "source_row") if c in frame]
    column = frame["column"] if "column" in frame else pd.Series(None, index=frame.index)
    frame = frame.assign(_why=[reason_text(r, c) for r, c in
                               zip(frame["reason"], column, strict=True)])
    lines = []
    set_aside = frame[action == "quarantine"]
    n_rows = len(set_aside.drop_duplicates(keys)) if keys else len(set_aside)
    if n_rows:
        per_reason = (set_aside.drop_duplicates([*keys, "_why"]) if keys else set_aside)
        counts = per_reason["_why"].value_counts().sort_index()
        listed = "; ".join(f"{esc(why)}: {count}" for why, count in counts.items())
        lines.append(f"<p>Entries set aside by validation {scope}: <strong>"
                     f"{_count(n_rows, 'row')}</strong> (why, rows per reason: {listed}).</p>")
    else:
        lines.append(f"<p>Entries set aside by validation {scope}: none.</p>")
    for kind, words in (("blank", "left blank because the answer could not be read (the rest "
                                  "of the entry was kept)"),
                        ("fix", "corrected by the import")):
        cells = frame[action == kind]
        if len(cells):
            counts = cells["_why"].value_counts().sort_index()
            listed = "; ".join(f"{esc(why)}: {count}" for why, count in counts.items())
            lines.append(f"<p>{_count(len(cells), 'cell')} {scope} {words} ({listed}).</p>")
    return lines


def provenance(ctx: ReportContext, *, package_version: str) -> Html:
    """Section 11: where this report came from (hash, versions, parameters, time)."""
    meta = ctx.tables.meta or {}
    params = ", ".join(f"{k}={v!r}" for k, v in sorted(ctx.parameters.items()))
    items = [
        ("Input fingerprint (SHA-256)", meta.get("input_sha256", "unknown")),
        ("Input files", ", ".join(map(str, meta.get("input_files", []))) or "unknown"),
        ("Schema version", meta.get("schema_version", "unknown")),
        ("Validated by", meta.get("created_by", "unknown")),
        ("Report package version", package_version),
        ("Parameters", params),
        ("Generated (UTC)", ctx.generated_at or "unknown"),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return Html(f'<footer class="rc-provenance"><h3>Provenance</h3><dl>{body}</dl></footer>')


def finished(run_token: str) -> dict:
    """The completion marker; the notebook's last cell displays it (``raw=True``)."""
    return {COMPLETION_MIME: {"token": str(run_token)}, "text/plain": "report complete"}

