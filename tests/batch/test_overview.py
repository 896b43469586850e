"""The overview page: order, links, failures, escaping, nothing loaded from anywhere."""

from __future__ import annotations

import re
import stat

import pandas as pd
import pytest

from reconnect_analysis.report import overview, triage
from reconnect_analysis.report.batch import ClientOutcome
from tests.batch.test_triage import hand_row

WEEK = "2026-W47"


def rows():
    return triage.order(pd.DataFrame([
        hand_row("C01"),
        hand_row("C02", risk_answers=[("2026-11-18", "unsafe", "positive")]),
        hand_row("<b>C03&", numbness_mean_week=6.0),
        hand_row("C04", persistent=True, numb_days_14d=10),
    ]), report_status={"C01": "ok", "C02": "failed", "<b>C03&": "ok", "C04": "ok"})


def outcomes():
    return {"C01": ClientOutcome("C01", "ok", files=["report.html", "report.ipynb"]),
            "C02": ClientOutcome("C02", "failed", "kernel_died", risk_present=True),
            "<b>C03&": ClientOutcome("<b>C03&", "skipped", files=["report.html"]),
            "C04": ClientOutcome("C04", "failed", "pdf_failed", files=["report.html"])}


def test_order_links_and_failures():
    page = overview.render_html(rows(), week=WEEK, outcomes=outcomes(), unattributed_risks=2)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    order = [body.index(name) for name in ("C02", "C04", "&lt;b&gt;C03&amp;", "C01")]
    assert order == sorted(order)
    assert '<a href="C01/report.html">C01</a>' in body
    assert 'href="C02/' not in page  # failed without HTML: no link
    assert '<a href="C04/report.html">C04</a>' in body  # PDF failed, HTML there
    assert "HTML only: pdf_failed" in body
    assert "missing: kernel_died" in body
    assert "Risk present, report missing: C02" in page
    assert "2 risk answer(s) in the export have no usable client id" in page
    failures = page[page.index("Reports that failed"):]
    assert failures.index("C02") < failures.index("C04")  # risk present first
    assert "(risk present, report missing)" in failures


def test_every_value_is_escaped_and_nothing_is_loaded():
    page = overview.render_html(rows(), week=WEEK, outcomes=outcomes())
    assert "<b>C03&" not in page and "&lt;b&gt;C03&amp;" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "default-src 'none'" in page
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)
    assert scripts == ["window.__reportReady = true;"]  # the hash in the CSP allows only it


def test_written_private_and_atomic(tmp_path):
    path = overview.write_html(tmp_path, rows(), week=WEEK, outcomes=outcomes())
    assert path.name == "overview.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["overview.html"]


def test_csp_hash_matches_the_script():
    import base64
    import hashlib

    page = overview.render_html(rows(), week=WEEK)
    digest = base64.b64encode(hashlib.sha256(b"window.__reportReady = true;").digest()).decode()
    assert f"'sha256-{digest}'" in page


def test_no_clients():
    empty = triage.order(pd.DataFrame(columns=list(triage.FACT_COLUMNS)))
    assert "No clients this week." in overview.render_html(empty, week=WEEK)


def test_client_without_check_ins_this_week_has_no_report_and_says_so():
    rows = triage.order(pd.DataFrame([hand_row("C09", has_entries_in_week=False,
                                                days_logged_week=0, days_since_checkin=12,
                                                last_checkin="2026-11-10")]),
                        report_status={"C09": "none"})
    page = overview.render_html(rows, week=WEEK, outcomes={})
    assert "none: no check-ins this week" in page
    assert "No check-in for 12 days (last on 2026-11-10)" in page
    assert 'href="C09/' not in page


@pytest.mark.browser
def test_overview_pdf(tmp_path):
    """The overview prints to PDF with the report printer (system Chromium, offline)."""
    from reconnect_analysis.report import pdf

    if pdf.chromium_path() is None:
        pytest.skip("Chromium is not installed")
    from pypdf import PdfReader

    html_path = overview.write_html(tmp_path, rows(), week=WEEK, outcomes=outcomes())
    path = overview.write_pdf(html_path, week=WEEK)
    assert path.name == "overview.pdf" and stat.S_IMODE(path.stat().st_mode) == 0o600
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert text.index("C02") < text.index("C01")
    assert "Risk present, report missing" in text


def test_an_export_without_risk_questions_says_risk_is_not_ruled_out():
    page = overview.render_html(rows(), week=WEEK, risk_questions=([], ["self_harm_thoughts"]))
    assert "Risk not checked: this export asks no risk questions" in page
    some = overview.render_html(rows(), week=WEEK,
                                risk_questions=(["self_harm_thoughts"], ["flag_psychotic"]))
    assert "Not asked in this export, so not ruled out: flag psychotic." in some
    everything = overview.render_html(rows(), week=WEEK, risk_questions=(["unsafe"], []))
    assert "not ruled out" not in everything and "Risk not checked" not in everything
