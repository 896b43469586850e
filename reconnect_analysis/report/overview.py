"""The caseload overview: ``reports/<week>/overview.html`` (and its PDF).

One row per client in the order :func:`triage.order` gives, with the reasons in words, key
numbers with trend marks (text ▲▼▶, no charts, no JavaScript logic) and a relative link to
the client's report. Failed reports are listed with their reason code; "risk present, report
missing" comes first. The page is self-contained: inline CSS, no external resources, a
Content-Security-Policy that forbids loading anything and allows one inline script only (by
its hash; it tells the PDF printer the page is ready), and every value HTML-escaped.
"""

from __future__ import annotations

import html
import string
from pathlib import Path

import pandas as pd

from reconnect_analysis.paths import PACKAGE_DIR
from reconnect_analysis.report import triage
from reconnect_analysis.report.files import atomic_write_bytes, atomic_write_text
from reconnect_analysis.weeks import parse_week

TEMPLATE = PACKAGE_DIR / "report" / "templates" / "overview.html"
HTML_NAME = "overview.html"
PDF_NAME = "overview.pdf"


def render_html(rows: pd.DataFrame, *, week: str, outcomes: dict | None = None,
                unattributed_risks: int = 0,
                risk_questions: tuple[list[str], list[str]] | None = None) -> str:
    """The overview page as a string.

    Parameters
    ----------
    rows
        Output of :func:`triage.order` (already ordered).
    outcomes
        ``client_id -> ClientOutcome`` (or anything with ``status``, ``reason``, ``files``);
        ``None`` renders without report links or statuses.
    unattributed_risks
        Risk records without a client id in the safety window (a run-level alert).
    risk_questions
        ``(asked, not_asked)`` risk fields of the export (``sections.risk_questions``): an
        export that asks none, or only some, cannot rule risk out, and the page says so first.
    """
    monday, sunday = parse_week(week)
    outcomes = outcomes or {}
    alerts = []
    if unattributed_risks:
        alerts.append(f"{unattributed_risks} risk answer(s) in the export have no usable client "
                      "id: check the source export (see the validation quarantine).")
    asked, not_asked = risk_questions or ([], [])
    if risk_questions is not None and not asked:
        alerts.append("Risk not checked: this export asks no risk questions (self-harm "
                      "thoughts, feeling unsafe, hopelessness, red flags), so no client's risk "
                      "can be ruled out from it. Ask clients directly.")
    elif not_asked:
        alerts.append("Not asked in this export, so not ruled out: "
                      + ", ".join(f.replace("_", " ") for f in not_asked) + ".")
    missing = [r["client_id"] for r in rows.to_dict("records") if r["level"] == 0]
    if missing:
        alerts.append("Risk present, report missing: " + ", ".join(missing))
    body = []
    for position, record in enumerate(rows.to_dict("records"), start=1):
        body.append(_row(position, record, outcomes.get(record["client_id"])))
    failed = [(cid, o) for cid, o in outcomes.items() if getattr(o, "status", "") == "failed"]
    failures = ""
    if failed:
        risky = {r["client_id"] for r in rows.to_dict("records")
                 if r["risk_answers"] or r["red_flags"]}
        failed.sort(key=lambda item: (item[0] not in risky, item[0]))
        items = "".join(
            f"<li>{_e(cid)}: {_e(o.reason or 'failed')}"
            f"{' <strong>(risk present, report missing)</strong>' if cid in risky else ''}</li>"
            for cid, o in failed)
        failures = f"<h2>Reports that failed ({len(failed)})</h2><ul>{items}</ul>"
    template = string.Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        week=_e(week),
        period=_e(f"{monday:%Y-%m-%d} to {sunday:%Y-%m-%d}"),
        n_clients=len(rows),
        alerts="".join(f'<div class="alert">{_e(text)}</div>' for text in alerts),
        rows="\n".join(body) if body else '<tr><td colspan="8">No clients this week.</td></tr>',
        failures=failures,
    )


def write_html(week_dir: str | Path, rows: pd.DataFrame, *, week: str,
               outcomes: dict | None = None, unattributed_risks: int = 0,
               risk_questions: tuple[list[str], list[str]] | None = None) -> Path:
    """Write ``overview.html`` atomically (0600) into ``week_dir``."""
    text = render_html(rows, week=week, outcomes=outcomes, unattributed_risks=unattributed_risks,
                       risk_questions=risk_questions)
    return atomic_write_text(Path(week_dir) / HTML_NAME, text)


def write_pdf(html_path: str | Path, *, week: str, paper: str = "A4",
              timeout_s: float = 120) -> Path:
    """Print the overview to ``overview.pdf`` next to it with the report PDF printer
    (``report/pdf.py``: system Chromium, offline), published atomically."""
    from reconnect_analysis.report import pdf

    html_path = Path(html_path)
    result = pdf.html_to_pdf(html_path, client_id="Caseload overview", week=week, paper=paper,
                             timeout_s=timeout_s)
    return atomic_write_bytes(html_path.with_name(PDF_NAME), result.data)


# --------------------------------------------------------------------------------------------

def _row(position: int, record: dict, outcome) -> str:
    client = record["client_id"]
    status = getattr(outcome, "status", None)
    files = list(getattr(outcome, "files", []) or [])
    html_file = next((f for f in files if f.endswith(".html")), "report.html")
    if status in ("ok", "skipped"):
        link = f'<a href="{_e(client)}/{_e(html_file)}">{_e(client)}</a>'
        report = "ready"  # same words for rendered-now and unchanged: reruns give equal files
    elif status == "failed" and any(f.endswith(".html") for f in files):
        link = f'<a href="{_e(client)}/{_e(html_file)}">{_e(client)}</a>'
        report = f'<span class="failed">HTML only: {_e(outcome.reason or "failed")}</span>'
    elif status == "failed":
        link = _e(client)
        report = f'<span class="failed">missing: {_e(outcome.reason or "failed")}</span>'
    elif outcome is None and record.get("has_entries_in_week") is False:
        link, report = _e(client), '<span class="muted">none: no check-ins this week</span>'
    else:
        link, report = _e(client), '<span class="muted">not rendered</span>'
    reasons = record["reasons"] or ["No flags this week"]
    reasons_html = "".join(f"<li>{_e(text)}</li>" for text in reasons)
    numb_now, numb_before = record["numbness_mean_week"], record["numbness_mean_prev"]
    numb_mark = triage.trend_mark(numb_now, numb_before, tolerance=0.5)
    adh_now, adh_before = record["adherence_week"], record["adherence_prev"]
    adh_mark = triage.trend_mark(adh_now, adh_before, tolerance=0.1)
    numbness = f"{_num(numb_now)} {_mark(numb_mark, 'vs last week ' + _num(numb_before))}"
    practice = (f"{record['practised_days_week']}/{record['days_logged_week']} "
                f"{_mark(adh_mark, 'vs last week ' + _pct(adh_before))}"
                if not triage.is_missing(adh_now) else "–")
    last = record["last_checkin"] or "never"
    since = record["days_since_checkin"]
    last_text = last if triage.is_missing(since) else f"{last} ({since} d ago)"
    return (f'<tr class="level-{int(record["level"])}"><td>{position}</td><td>{link}</td>'
            f'<td class="why"><ul class="reasons">{reasons_html}</ul></td>'
            f'<td class="num">{numbness}</td><td class="num">{practice}</td>'
            f'<td class="num">{record["days_logged_week"]}/7</td>'
            f'<td class="num">{_e(last_text)}</td><td>{report}</td></tr>')


def _mark(mark: str, title: str) -> str:
    if not mark:
        return ""
    return f'<span class="mark" title="{_e(title)}">{mark}</span>'


def _num(value) -> str:
    return "–" if triage.is_missing(value) else f"{float(value):.1f}"


def _pct(value) -> str:
    return "–" if triage.is_missing(value) else f"{float(value) * 100:.0f}%"


def _e(value) -> str:
    return html.escape(str(value), quote=True)
