"""What every exploration view returns, and how a notebook shows it.

A view is a figure plus one sentence telling the therapist what to look at (days, periods and
counts in that sentence are written by the small helpers here, the same in every view). Figures are
shown with Plotly's mimetype renderer: JupyterLab draws them with the Plotly extension that
ships inside the ``plotly`` package, so no script is fetched from a CDN.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from reconnect_analysis.errors import ReconnectError

RENDERER = "plotly_mimetype"
TABLE_WIDTH_PX = 800
"""Width a table is laid out for (a JupyterLab notebook column); used to guess its height."""


@dataclass(frozen=True)
class View:
    """One exploration view.

    ``title`` starts with the client id for one-client views (``"C01 · Practice by cue and
    day"``) and is also the figure's title, so a reader (and the browser test) can tell
    whose data a chart shows. ``figure`` is None when there is nothing to draw; ``sentence``
    then says why (for example "This export has no practice questions").
    """

    key: str
    title: str
    sentence: str
    figure: go.Figure | None = None


def table_height(header: list[str], cells: list[list[str]], widths: list[float]) -> int:
    """Pixels a Plotly table (title above it) needs to show every row without scrolling.

    Plotly tables have a fixed height and scroll inside it, which would hide rows; long cells
    wrap at roughly 7.5 px a character in a :data:`TABLE_WIDTH_PX` column. ``cells`` is a list
    of columns, ``widths`` their relative widths.
    """
    chars = [int(max(6, TABLE_WIDTH_PX * w / sum(widths) / 7.5 - 2)) for w in widths]
    head = max(_lines(h, chars[k]) for k, h in enumerate(header))
    rows = len(cells[0]) if cells else 0
    per_row = [max(_lines(str(col[i]), chars[k]) for k, col in enumerate(cells))
               for i in range(rows)] or [1]
    return 120 + 20 * head + sum(6 + 19 * n for n in per_row)  # title, header, some spare


def _lines(text: str, chars: int) -> int:
    """Lines ``text`` takes in a column ``chars`` characters wide (at least 1)."""
    return max(1, -(-len(text) // chars))


def prepare_notebook() -> None:
    """What an exploration notebook calls first: offline Plotly, and one-line input errors."""
    use_offline_plotly()
    one_line_errors()


def one_line_errors() -> None:
    """Show the package's input errors (a wrong folder, client or week) as one red line
    ``Error: ...`` instead of a traceback; any other error keeps its traceback (it is a bug)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((ReconnectError,), error_line)


def error_line(shell, etype, value, _traceback, tb_offset=None) -> list[str]:
    """IPython's custom-exception handler: show this single line as the cell's error.

    IPython discards what a handler returns when the error comes from running a cell, so
    the handler shows the line itself (``_showtraceback`` is the hook the kernel overrides to
    send an error output)."""
    lines = [f"\x1b[0;31mError: {value}\x1b[0m"]
    if shell is not None:
        shell._showtraceback(etype, value, lines)
    return lines


def day_text(value, *, year: bool = False) -> str:
    """A day as ``Sun 22 Nov`` (``Sun 22 Nov 2026`` with ``year``); "date unreadable" when
    missing. No zero padding."""
    if value is None or pd.isna(value):
        return "date unreadable"
    day = pd.Timestamp(value)
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if year else "")


def short_day(value) -> str:
    """A day as ``22 Nov``."""
    day = pd.Timestamp(value)
    return f"{day.day} {day:%b}"


def period_text(start, end) -> str:
    """A period as ``28 Sep – 22 Nov 2026`` (both years when they differ)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first = short_day(start) + (f" {start.year}" if start.year != end.year else "")
    return f"{first} – {short_day(end)} {end.year}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 day``, ``3 days``; ``plural`` for nouns that do not just take an s."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def use_offline_plotly() -> None:
    """Draw figures with the locally installed JupyterLab extension (no CDN, no network)."""
    pio.renderers.default = RENDERER


def view_html(view: View) -> str:
    """The heading and sentence of a view as escaped HTML (client text never runs)."""
    return (f"<h3 style='margin:0.8em 0 0.2em'>{html.escape(view.title)}</h3>"
            f"<p style='margin:0 0 0.4em;max-width:60em'>{html.escape(view.sentence)}</p>")


def output_items(view: View) -> tuple[dict, ...]:
    """What a view's ``ipywidgets.Output`` shows: the escaped heading and sentence, then the
    figure as a Plotly mimetype bundle (drawn by JupyterLab's local Plotly extension).

    The explorers set ``output.outputs`` to this instead of capturing with ``with output:``:
    capturing flushes the kernel's output streams first, and on a busy machine a headless run
    twice spent exactly 60 s in one explorer cell (six views; ipykernel waits up to 10 s per
    flush), which looks like those flushes timing out. Setting the outputs needs no capture,
    and tests can read exactly what each widget shows.
    """
    items = [{"output_type": "display_data", "metadata": {},
              "data": {"text/html": view_html(view), "text/plain": view.title}}]
    if view.figure is not None:
        bundle = pio.renderers[RENDERER].to_mimebundle(view.figure.to_dict())
        items.append({"output_type": "display_data", "metadata": {}, "data": bundle})
    return tuple(items)
