"""Turn an executed report notebook into one self-contained, offline, deterministic HTML file.

Layers, in order:

1. :func:`clean_outputs` keeps only what the report means to show: ``text/html`` outputs
   (built by :mod:`.sections` with every client value escaped at the source) and charts
   (``application/vnd.plotly.v1+json``). stdout/stderr streams are dropped after checking they
   carry no error; the completion marker and anything else are dropped too.
2. :func:`sanitize` passes every HTML output through an allowlist (bleach) as a second layer:
   our own tags and classes survive, anything else (``<script>``, ``onerror=``, links) shows as
   text or loses the attribute.
3. Charts become an empty ``<div>`` plus their figure JSON in a ``<script
   type="application/json">`` (``<``, ``>``, ``&`` escaped), drawn by the template's one
   script with plotly.js inlined once in the head: no CDN, no require.js, no MathJax.
4. nbconvert renders with ``exclude_input`` and no prompts, through ``templates/reconnect``.

Two renders of the same notebook give the same bytes apart from the generation time that
the notebook itself prints (cell ids, chart ids and JSON key order are fixed here).
"""

from __future__ import annotations

import copy
import html
import json
import re
from functools import lru_cache
from pathlib import Path

import nbformat

from reconnect_analysis.errors import ReportError

CHART_MIME = "application/vnd.plotly.v1+json"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

ALLOWED_TAGS = frozenset({
    "section", "header", "footer", "div", "span", "p", "br", "hr", "h1", "h2", "h3", "h4",
    "strong", "em", "b", "i", "small", "mark", "abbr", "time", "code", "blockquote", "q",
    "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {
    "*": ["class", "id", "title", "role", "aria-label", "lang"],
    "th": ["class", "scope", "colspan", "rowspan", "title"],
    "td": ["class", "colspan", "rowspan", "title"],
    "time": ["class", "datetime"],
    "div": ["class", "id", "role", "aria-label", "data-chart"],
}
_ERROR_HINT = re.compile(
    r"Traceback \(most recent call last\)|^\w*(?:Error|Exception)\b:|^(?:ERROR|CRITICAL)\b",
    re.MULTILINE)


def sanitize(fragment: str) -> str:
    """Allowlist pass over an HTML fragment: unknown tags are escaped, unknown attributes and
    every URL-bearing attribute removed, comments dropped.

    >>> sanitize('<p class="x" onclick="f()">a <script>b</script></p>')
    '<p class="x">a &lt;script&gt;b&lt;/script&gt;</p>'
    """
    return _cleaner().clean(fragment)


@lru_cache(maxsize=1)
def _cleaner():
    import bleach

    return bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=[],
                          strip=False, strip_comments=True)


def clean_outputs(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict]:
    """A copy of ``notebook`` holding only sanitised HTML and chart outputs.

    Returns the copy and counts of what was dropped (``stdout``, ``stderr``, ``other``).

    Raises
    ------
    ReportError
        (``reason="cell_error"``) when a cell holds an error output or a stderr stream that
        looks like a traceback or an error: those must never be silently removed.
    """
    from reconnect_analysis.report.execute import COMPLETION_MIME, ReportFailure

    notebook = copy.deepcopy(notebook)
    dropped = {"stdout": 0, "stderr": 0, "other": 0}
    kept_cells = []
    chart_number = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue  # the report shows outputs only; markdown is for people reading the .ipynb
        outputs = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise ReportFailure(f"notebook cell failed: {output.get('ename', 'error')}",
                                     reason="cell_error")
            if kind == "stream":
                text = output.get("text", "")
                if output.get("name") == "stderr" and _ERROR_HINT.search(text):
                    raise ReportFailure("the notebook wrote an error to stderr "
                                         f"({_first_error_line(text)})", reason="cell_error")
                dropped[output.get("name", "stdout")] = dropped.get(output.get("name"), 0) + 1
                continue
            data = output.get("data", {})
            if COMPLETION_MIME in data:
                continue
            if CHART_MIME in data:
                chart_number += 1
                caption = _text(data.get("text/plain", ""))
                outputs.append(_html_output(_chart_html(data[CHART_MIME], chart_number,
                                                        caption)))
            elif "text/html" in data:
                outputs.append(_html_output(sanitize(_text(data["text/html"]))))
            else:
                dropped["other"] += 1
        if outputs:
            cell.outputs = outputs
            cell.source = ""
            cell.metadata = {}
            cell.execution_count = None
            kept_cells.append(cell)
    for number, cell in enumerate(kept_cells):
        cell.id = f"out-{number:03d}"
    notebook.cells = kept_cells
    return notebook, dropped


def _first_error_line(text: str) -> str:
    for line in text.splitlines():
        match = re.match(r"^(\w*(?:Error|Exception))\b", line)
        if match:
            return match.group(1)
    return "traceback"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _html_output(fragment: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": fragment})


def _chart_html(figure: dict, number: int, caption: str = "") -> str:
    if isinstance(figure, str):
        figure = json.loads(figure)
    spec = {
        "data": figure.get("data", []),
        "layout": figure.get("layout", {}),
        "config": {"displaylogo": False, "responsive": True, "showLink": False,
                   "showSendToCloud": False, "showEditInChartStudio": False,
                   "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
                   **figure.get("config", {})},
    }
    target = f"rc-chart-{number:02d}"
    caption = html.escape(caption.strip().strip("'\""), quote=True)
    return (f'<figure class="rc-figure"><div class="rc-chart" id="{target}" '
            f'data-chart="{number}"></div><figcaption>{caption}</figcaption></figure>'
            f'<script type="application/json" class="rc-chart-data" data-target="{target}">'
            f"{script_json(spec)}</script>")


def script_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _static_resources() -> tuple[str, str]:
    import plotly.offline

    css = (TEMPLATES_DIR / "reconnect" / "report.css").read_text(encoding="utf-8")
    return css, plotly.offline.get_plotlyjs()


def to_html(notebook: nbformat.NotebookNode, *, title: str) -> tuple[str, dict]:
    """Render an executed report notebook to one self-contained HTML page.

    Parameters
    ----------
    notebook
        The executed notebook (not modified).
    title
        The page title (escaped by the template), e.g. ``"Weekly report C01 2026-W47"``.

    Returns
    -------
    (html, dropped)
        The page, and counts of stream/other outputs that were left out.
    """
    from nbconvert import HTMLExporter

    cleaned, dropped = clean_outputs(notebook)
    cleaned.metadata = {"title": title, "language_info": {"name": "python"}}
    css, plotly_js = _static_resources()
    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES_DIR)], template_name="reconnect",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        sanitize_html=False,  # done above with an allowlist that keeps our table markup
        anchor_link_text="", embed_images=True,
    )
    try:
        html, _ = exporter.from_notebook_node(
            cleaned, resources={"report_css": css, "plotly_js": plotly_js})
    except Exception as err:  # nbconvert/jinja failures are not the user's fault but a report
        raise ReportError(f"HTML rendering failed: {type(err).__name__}: {err}") from err
    html = _normalise(html)
    if html.count("<script") != 2 + html.count('class="rc-chart-data"'):
        raise ReportError("HTML rendering produced an unexpected <script> element")
    return html, dropped


def _normalise(html: str) -> str:
    """Remove what varies between two renders of the same notebook (nbconvert uuids)."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                  "00000000-0000-4000-8000-000000000000", html)
