"""What every exploration view returns, and how a notebook shows it.

A view is a figure plus one sentence telling the therapist what to look at. Figures are
shown with Plotly's mimetype renderer: JupyterLab draws them with the Plotly extension that
ships inside the ``plotly`` package, so no script is fetched from a CDN.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

RENDERER = "plotly_mimetype"


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


def use_offline_plotly() -> None:
    """Draw figures with the locally installed JupyterLab extension (no CDN, no network)."""
    pio.renderers.default = RENDERER


def view_html(view: View) -> str:
    """The heading and sentence of a view as escaped HTML (client text never runs)."""
    return (f"<h3 style='margin:0.8em 0 0.2em'>{html.escape(view.title)}</h3>"
            f"<p style='margin:0 0 0.4em;max-width:60em'>{html.escape(view.sentence)}</p>")


def show(view: View) -> None:
    """Display a view in the current output: heading, sentence, then the figure if any."""
    from IPython.display import HTML, display

    display(HTML(view_html(view)))
    if view.figure is not None:
        display(view.figure)
