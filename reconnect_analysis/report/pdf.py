"""Print a report HTML file to PDF with the system Chromium (Playwright, headless, offline).

Every request that is not ``file:``, ``data:`` or ``about:`` is aborted and counted; the page
is printed only after the report's script says every chart has drawn. The PDF bytes come back
in memory (no temporary copy of the report is written anywhere), and the caller publishes them
atomically. When Chromium is missing the caller still has the HTML: :class:`PdfUnavailable`
says why the PDF was skipped.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from reconnect_analysis.errors import ReportError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAPERS = {"A4": "A4", "LETTER": "Letter"}
VIEWPORT = {"width": 760, "height": 1000}
"""About the printable width of A4/Letter at 96 dpi with 12 mm margins: charts drawn at this
width are not rescaled when printed."""


class PdfUnavailable(ReportError):
    """Chromium (or Playwright) is not installed: the PDF is skipped, the HTML still stands."""

    reason = "pdf_skipped"


class PdfFailed(ReportError):
    """Chromium ran but could not print the report."""

    reason = "pdf_failed"


@dataclass
class PdfResult:
    data: bytes
    blocked_requests: int
    console_errors: list[str]


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when there is none (env ``RECONNECT_CHROMIUM``
    overrides the default ``/usr/bin/chromium``)."""
    path = os.environ.get("RECONNECT_CHROMIUM", CHROMIUM)
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def header_footer(client_id: str, week: str) -> tuple[str, str]:
    """Chromium header/footer templates: pseudonym and week on top, page x of y below."""
    style = "font-size:8px;width:100%;margin:0 12mm;color:#555;font-family:sans-serif;"
    label = html.escape(f"{client_id} · {week}")
    header = (f'<div style="{style}display:flex;justify-content:space-between;">'
              f"<span>Weekly check-in report</span><span>{label}</span></div>")
    footer = (f'<div style="{style}text-align:center;">{label} · page '
              '<span class="pageNumber"></span> of <span class="totalPages"></span></div>')
    return header, footer


def html_to_pdf(html_path: str | Path, *, client_id: str, week: str, paper: str = "A4",
                timeout_s: float = 60) -> PdfResult:
    """Print ``html_path`` (a report file) to PDF bytes.

    Raises
    ------
    PdfUnavailable
        Chromium or Playwright is missing.
    PdfFailed
        Chromium could not load, draw or print the page within ``timeout_s``.
    """
    paper_format = PAPERS.get(str(paper).upper())
    if paper_format is None:
        raise ReportError(f"paper {paper!r} is not supported; use A4 or Letter")
    executable = chromium_path()
    if executable is None:
        raise PdfUnavailable(f"PDF skipped: Chromium not found at {CHROMIUM} "
                             "(install the Debian 'chromium' package; the HTML report is complete)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise PdfUnavailable("PDF skipped: the playwright package is not installed") from err
    url = Path(html_path).resolve().as_uri()
    header, footer = header_footer(client_id, week)
    blocked: list[str] = []
    errors: list[str] = []
    timeout_ms = timeout_s * 1000
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                                 timeout=timeout_ms)
            try:
                context = browser.new_context(viewport=VIEWPORT, java_script_enabled=True,
                                              offline=True)
                context.route("**/*", lambda route: _only_local(route, blocked))
                page = context.new_page()
                page.on("console", lambda msg: errors.append(msg.text)
                        if msg.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(url, wait_until="load", timeout=timeout_ms)
                page.wait_for_function("window.__reportReady === true || !!window.__reportError",
                                       timeout=timeout_ms)
                failure = page.evaluate("window.__reportError || null")
                if failure:
                    raise PdfFailed(f"PDF failed: a chart did not draw ({failure[:80]})")
                page.emulate_media(media="print")
                data = page.pdf(format=paper_format, print_background=True,
                                display_header_footer=True, header_template=header,
                                footer_template=footer, prefer_css_page_size=False,
                                margin={"top": "16mm", "bottom": "16mm",
                                        "left": "12mm", "right": "12mm"})
            finally:
                browser.close()
    except PlaywrightError as err:
        first = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
        raise PdfFailed(f"PDF failed: {first}") from err
    if not data.startswith(b"%PDF"):
        raise PdfFailed("PDF failed: Chromium returned something that is not a PDF")
    return PdfResult(data=data, blocked_requests=len(blocked), console_errors=errors)


def _only_local(route, blocked: list[str]) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
    else:
        blocked.append(url)
        route.abort()
