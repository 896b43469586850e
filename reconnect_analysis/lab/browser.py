"""Drive a notebook in JupyterLab with headless Chromium, as a therapist would.

Used by the real-browser test, the start-up benchmark and the screenshot script. Every
request that does not go to the local server is aborted and recorded in ``blocked``, so a
notebook that tries to reach a CDN is caught.
"""

from __future__ import annotations

import time
from pathlib import Path

from reconnect_analysis.lab.server import LabServer
from reconnect_analysis.report.pdf import CHROMIUM_ARGS, chromium_path

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the tab in front
CHART_TITLES_JS = f"""() => [...document.querySelectorAll('{NOTEBOOK} .js-plotly-plot')]
    .map(plot => (plot.querySelector('.gtitle') || {{}}).textContent || '')"""
# The input-area prompt, not any .jp-InputPrompt: a cell whose source is collapsed also shows
# a placeholder prompt that never gets an execution count.
ALL_CELLS_RUN_JS = f"""() => {{
    const prompts = [...document.querySelectorAll(
        '{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); }}"""


class LabPage:
    """One Chromium page on a running :class:`LabServer`; use as a context manager."""

    def __init__(self, lab: LabServer, *, width: int = 1300, height: int = 900) -> None:
        self.lab = lab
        self.size = {"width": width, "height": height}
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def __enter__(self) -> LabPage:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        if executable is None:
            raise RuntimeError("Chromium is not installed")
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=str(executable),
                                                        args=CHROMIUM_ARGS)
        self.page = self.browser.new_page(viewport=self.size)
        self.page.route("**/*", self._only_local)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return self

    def __exit__(self, *exc) -> None:
        self.browser.close()
        self._playwright.stop()

    def _only_local(self, route) -> None:
        url = route.request.url
        if url.startswith((self.lab.base_url, "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, notebook: str, *, timeout_s: float = 90) -> None:
        """Open ``notebook`` and wait until its kernel is started and idle."""
        self.page.goto(self.lab.notebook_url(notebook))
        self.page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=timeout_s * 1000)
        self.page.get_by_text("| Idle").first.wait_for(timeout=timeout_s * 1000)

    def run_all(self, *, timeout_s: float = 120) -> float:
        """Run > Run All Cells, wait until every code cell has run; return the seconds."""
        started = time.monotonic()
        self.page.keyboard.press("Escape")
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        # JupyterLab asks for a kernel when Run All comes before the kernel is attached:
        # accept its suggestion (the notebook's own Python 3 kernel) and keep waiting.
        while self.page.wait_for_function(
                f"""() => document.querySelector('.jp-Dialog') ? 'dialog'
                          : (({ALL_CELLS_RUN_JS})() ? 'done' : false)""",
                timeout=timeout_s * 1000).json_value() == "dialog":
            self.page.locator(".jp-Dialog").get_by_role("button", name="Select Kernel").click()
        return time.monotonic() - started

    def chart_titles(self) -> list[str]:
        """The titles of every Plotly chart drawn in the notebook, top to bottom."""
        return self.page.evaluate(CHART_TITLES_JS)

    def wait_for_charts(self, prefix: str, *, at_least: int = 1, timeout_s: float = 60) -> float:
        """Wait until ``at_least`` charts are drawn and every chart title starts with
        ``prefix``; return the seconds waited."""
        started = time.monotonic()
        self.page.wait_for_function(
            f"""() => {{ const titles = ({CHART_TITLES_JS})();
                return titles.length >= {at_least}
                    && titles.every(t => t.startsWith({prefix!r})); }}""",
            timeout=timeout_s * 1000)
        return time.monotonic() - started

    def chart_data(self) -> list[list]:
        """Each chart's traces as ``[name, x, y]`` lists, read from the drawn Plotly divs."""
        return self.page.evaluate(f"""() => [...document.querySelectorAll(
            '{NOTEBOOK} .js-plotly-plot')].map(plot => (plot.data || []).map(
            trace => [trace.name || '', Array.from(trace.x || []).map(String),
                      Array.from(trace.y || []).map(String)]))""")

    def table_column(self, title: str, column: int = 0) -> list[str]:
        """The cells of one column of the Plotly table in the chart titled ``title``."""
        return self.page.evaluate(f"""() => {{
            const plot = [...document.querySelectorAll('{NOTEBOOK} .js-plotly-plot')].find(
                p => ((p.querySelector('.gtitle') || {{}}).textContent || '') === {title!r});
            return plot ? Array.from(plot.data[0].cells.values[{column}]).map(String) : null;
            }}""")

    def select(self, label: str, value: str) -> None:
        """Choose ``value`` in the ipywidgets dropdown whose description is ``label``."""
        dropdown = self.page.locator(".widget-dropdown").filter(
            has=self.page.locator("label", has_text=label)).first
        dropdown.locator("select").select_option(label=value)

    def save(self) -> None:
        """Save the notebook (Ctrl+S) and wait until JupyterLab says it is saved."""
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=30_000)

    def screenshot(self, path: str | Path, *, tile_height: int | None = None) -> list[Path]:
        """Save the window as ``path``; with ``tile_height``, also as numbered slices of that
        height (``name-1.png`` ...), which are easier to read than one very tall picture."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
        saved = [path]
        for number, top in enumerate(range(0, self.size["height"], tile_height or 10**9), 1):
            if tile_height is None:
                break
            tile = path.with_name(f"{path.stem}-{number}{path.suffix}")
            height = min(tile_height, self.size["height"] - top)
            self.page.screenshot(path=str(tile), clip={"x": 0, "y": top, "height": height,
                                                       "width": self.size["width"]})
            saved.append(tile)
        return saved
