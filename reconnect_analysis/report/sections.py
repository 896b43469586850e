"""What the report notebook displays: loading one client's tables and building each section.

Every function returns :class:`Html`, a ``str`` that Jupyter shows as HTML. Every value that
comes from the data (ids, notes, event details, field names, numbers) goes through
:func:`esc` here, at the source; the renderer sanitises again as a second layer. Tables are
built by hand with escaped cells (``DataFrame.to_html`` markup would be escaped by the
sanitiser, and Styler does not escape at all).
"""

from __future__ import annotations

import html
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
    import json

    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    tables = Tables(**frames, meta=meta)
    if tables.entries.empty and (tables.risks.empty or "client_id" not in tables.risks):
        raise ReportError(f"client {client_id!r} has no check-ins and no risk answers in "
                          f"{folder.name}")
    parameters = {"client_id": client_id, "week": week,
                  "settings_overrides": dict(settings_overrides or {})}
    return ReportContext(client_id=client_id, week=week, monday=monday, sunday=sunday,
                         settings=settings, tables=tables, validated_path=str(folder),
                         generated_at=generated_at, parameters=parameters)


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


def safety(risks: pd.DataFrame, *, ctx: ReportContext, last_checkin=None) -> Html:
    """Section 1: every risk answer and red flag of the safety window, newest first.

    Parameters
    ----------
    risks
        One row per risk answer / red flag with at least ``date``, ``field``, ``status``;
        optional ``value``, ``from_quarantine``, ``new_this_week`` (computed from ``date``
        when absent). Rows outside ``ctx.window_start .. ctx.sunday`` are left out; rows
        without a date are kept (a risk answer is never lost).
    last_checkin
        Date of the last logged day up to the report's Sunday, or None when none.
    """
    rows = _risk_rows(risks, ctx)
    parts = []
    gap = _checkin_gap(last_checkin, ctx)
    if rows.empty:
        parts.append('<p class="rc-clear-line"><strong>No risk answers or red flags reported'
                     f"</strong> in the last {ctx.settings.risk_window_weeks} weeks "
                     f"({day(ctx.window_start)} – {day(ctx.sunday)}).</p>")
    else:
        n_new = int(rows["new_this_week"].sum())
        parts.append(
            f'<p class="rc-alert">⚠ {len(rows)} risk answer(s) or red flag(s) in the last '
            f"{ctx.settings.risk_window_weeks} weeks"
            + (f", <strong>{n_new} new this week</strong>" if n_new else ", none new this week")
            + ". Review before the session.</p>")
        parts.append(table(
            rows, {"date": "Date", "what": "Answer", "value_text": "Value", "badge": "Status"},
            formats={"date": day}, raw=("badge",), css="rc-safety-table",
            caption="Newest first. 'NEW' = logged during this report's week. "
                    "Answers recovered from rows that failed validation are included."))
    if gap is not None:
        parts.append(f'<p class="rc-warning">⚠ {gap}</p>')
    clear = rows.empty
    return section("safety", "Safety first: risk answers and red flags", "".join(parts),
                   classes="rc-safety" + (" rc-clear" if clear else ""))


def _risk_rows(risks: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    if risks is None or risks.empty:
        return pd.DataFrame(columns=["date", "what", "value_text", "badge", "new_this_week"])
    frame = risks.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    in_window = frame["date"].isna() | frame["date"].between(ctx.window_start, ctx.sunday)
    frame = frame[in_window]
    if "new_this_week" not in frame:
        frame["new_this_week"] = frame["date"].between(ctx.monday, ctx.sunday)
    frame["new_this_week"] = frame["new_this_week"].fillna(False).astype(bool)
    frame = frame.sort_values("date", ascending=False, na_position="first", kind="stable")
    frame["what"] = [FIELD_LABELS.get(str(f), str(f)) for f in frame["field"]]
    values = frame["value"] if "value" in frame else pd.Series("", index=frame.index)
    frame["value_text"] = [_risk_value(f, v) for f, v in zip(frame["field"], values, strict=True)]
    quarantine = (frame["from_quarantine"].fillna(False).astype(bool)
                  if "from_quarantine" in frame else pd.Series(False, index=frame.index))
    status = frame["status"] if "status" in frame else pd.Series("positive", index=frame.index)
    frame["badge"] = [
        _badge(bool(new), str(st), bool(q))
        for new, st, q in zip(frame["new_this_week"], status, quarantine, strict=True)]
    return frame.reset_index(drop=True)


def _risk_value(field_name, value) -> str:
    if value is None or _is_missing(value) or value == "":
        return "yes"
    if str(field_name) == "hopelessness":
        try:
            return f"{float(value):g} of 3"
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, bool) or str(value).lower() in ("true", "1", "1.0"):
        return "yes"
    return str(value)


def _badge(new: bool, status: str, from_quarantine: bool) -> str:
    parts = []
    if new:
        parts.append('<span class="rc-badge rc-new">NEW this week</span>')
    if status == "possible_positive":
        parts.append('<span class="rc-badge rc-possible">possible yes: answer unreadable, '
                     "review</span>")
    if from_quarantine:
        parts.append('<span class="rc-badge">from a row that failed validation</span>')
    return " ".join(parts) or '<span class="rc-muted">earlier</span>'


def _checkin_gap(last_checkin, ctx: ReportContext) -> str | None:
    limit = ctx.settings.missing_checkin_alert_days
    if last_checkin is None or _is_missing(last_checkin):
        return "No check-in logged up to the end of this week."
    days = (ctx.sunday - pd.Timestamp(last_checkin).normalize()).days
    if days >= limit:
        return (f"No check-in for {days} days: the last one was on {day(last_checkin)}. "
                "Silence can hide risk; consider reaching out.")
    return None


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


def last_logged(ctx: ReportContext):
    """The last logged day up to the report's Sunday (None when there is none)."""
    entries = ctx.tables.entries
    if entries.empty or "date" not in entries:
        return None
    dates = pd.to_datetime(entries["date"])
    dates = dates[dates <= ctx.sunday]
    return None if dates.empty else dates.max()
