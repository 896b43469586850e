"""The reports in a real headless Chromium (network blocked and counted) and real PDFs."""

from __future__ import annotations

import subprocess
import unicodedata

import numpy as np
import pandas as pd
import pytest

from reconnect_analysis import tables
from reconnect_analysis.report.pdf import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
WEEK = "2026-W47"


def open_in_chromium(path) -> dict:
    """Load a report file with every non-file request aborted; say what the page did."""
    from playwright.sync_api import sync_playwright

    blocked, errors = [], []

    def only_local(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", only_local)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_function("window.__reportReady === true || !!window.__reportError",
                                   timeout=30_000)
            facts = page.evaluate("""() => ({
                ready: window.__reportReady === true,
                pwned: typeof window.__pwned !== "undefined",
                charts: document.querySelectorAll(".rc-chart").length,
                drawn: [...document.querySelectorAll(".rc-chart")].filter(
                    c => c.querySelectorAll("svg.main-svg .trace").length > 0).length,
                firstSection: document.querySelector("section").id,
                firstHeading: document.querySelector("h2").innerText,
                safetyText: document.querySelector("#rc-safety").innerText,
                safetyRows: document.querySelectorAll("#rc-safety tbody tr").length,
                text: document.body.innerText,
                liveScripts: [...document.querySelectorAll("script")].filter(
                    s => !s.type || s.type === "text/javascript").length,
                images: document.querySelectorAll("img").length,
            })""")
        finally:
            browser.close()
    return facts | {"blocked": blocked, "errors": errors}


def test_handmade_report_is_offline_drawn_safety_first_and_injection_inert(handmade_report):
    facts = open_in_chromium(handmade_report.paths["html"])
    assert facts["blocked"] == []
    assert facts["errors"] == []
    assert facts["ready"] and facts["charts"] == 4 and facts["drawn"] == 4
    assert facts["firstSection"] == "rc-safety"
    assert facts["firstHeading"].startswith("1. Safety first")
    assert not facts["pwned"]
    assert '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">' in \
        facts["text"]
    assert facts["liveScripts"] == 2 and facts["images"] == 0


def test_demo_risk_client_shows_every_risk_answer_of_the_window_first(demo_dir, demo_reports):
    result = demo_reports["C06"]
    facts = open_in_chromium(result.paths["html"])
    assert facts["blocked"] == [] and facts["errors"] == []
    assert facts["charts"] == facts["drawn"] > 0
    # second implementation: the risk rows of the validated tables in the 8-week window
    risks = tables.load(demo_dir).risks
    risks = risks[risks["client_id"] == "C06"]
    dates = pd.to_datetime(risks["date"])
    in_window = dates.isna() | dates.between("2026-09-28", "2026-11-22")
    assert in_window.sum() > 0
    assert facts["safetyRows"] == int(in_window.sum())
    assert "NEW this week" in facts["safetyText"]
    assert "Thoughts of self-harm" in facts["safetyText"]
    assert facts["text"].index("1. Safety first") < facts["text"].index("2. Summary")


def pdf_text(path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return unicodedata.normalize("NFKC", text)  # "ﬁ" ligatures back to "fi"


def page_pixels(path, page: int) -> np.ndarray:
    """Page ``page`` of a PDF rendered by pdftoppm at 40 dpi, as a grey-level array."""
    raw = subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", str(page), "-l", str(page),
                          str(path)], capture_output=True, check=True).stdout
    # binary PGM: "P5\n<w> <h>\n255\n" then w*h bytes
    header = raw.split(b"\n", 3)
    width, height = map(int, header[1].split())
    return np.frombuffer(header[3], dtype=np.uint8)[: width * height].reshape(height, width)


@pytest.mark.parametrize("client_id", ["C01", "C06"])
def test_demo_pdfs_open_with_pages_text_and_ink(demo_reports, client_id):
    result = demo_reports[client_id]
    assert result.status == "ok", result.reason
    path = result.paths["pdf"]
    from pypdf import PdfReader

    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    text = pdf_text(path)
    assert client_id in text and WEEK in text and "Safety first" in text
    assert "page 1 of" in text  # running footer
    for page in (1, 2):
        pixels = page_pixels(path, page)
        ink = (pixels < 200).mean()
        assert 0.01 < ink < 0.6, f"page {page} looks blank or black ({ink:.3f})"
