"""The one-client explorer: a client dropdown and a week-range slider over the views of
:mod:`reconnect_analysis.explore.client`, redrawn whenever either changes.

The notebook only does ``ClientExplorer(open_caseload(path)).widget``; everything else is
here and tested without a browser (changing ``.client.value`` redraws like a click does).
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import client as views_mod
from reconnect_analysis.explore import data
from reconnect_analysis.explore.client_common import too_few_days
from reconnect_analysis.explore.display import View, output_items, period_text
from reconnect_analysis.weeks import parse_week

__all__ = ["ClientExplorer", "week_options", "initial_weeks", "status_html"]


def week_options(tables, client_id: str) -> list[tuple[str, pd.Timestamp]]:
    """``(label, monday)`` for every week of the client's record (``data.client_weeks``).

    A client with risk answers but no check-in gets the week of their newest risk answer
    (or the current week), so the views can still open and show the risks first.
    """
    weeks = data.client_weeks(tables, client_id)
    if not weeks:
        risks = tables.risks
        dates = (pd.to_datetime(risks.loc[risks["client_id"] == client_id, "date"],
                                errors="coerce").dropna()
                 if "client_id" in risks.columns and "date" in risks.columns else [])
        day = pd.Timestamp(max(dates)) if len(dates) else pd.Timestamp.today()
        day = day.normalize()
        weeks = [day - pd.Timedelta(days=day.weekday())]
    return [(data.week_label(monday), monday) for monday in weeks]


def initial_weeks(options: list[tuple[str, pd.Timestamp]], first_week: str | None = None,
                  last_week: str | None = None) -> tuple[int, int]:
    """Slider positions for ``first_week``/``last_week`` (ISO weeks like ``2026-W40``),
    each clamped to the client's record; by default the last 8 weeks (``data.default_weeks``).

    Raises ReconnectError when a week is not written like 2026-W40.
    """
    mondays = [monday for _, monday in options]
    default = data.default_weeks(mondays)
    first, last = mondays.index(default[0]), mondays.index(default[1])
    if first_week:
        first = _position(mondays, parse_week(first_week)[0])
    if last_week:
        last = _position(mondays, parse_week(last_week)[0])
    if last < first:
        first, last = last, first
    return first, last


def _position(mondays: list[pd.Timestamp], monday: pd.Timestamp) -> int:
    """Index of ``monday`` in ``mondays``, clamped to the first or last week."""
    if monday <= mondays[0]:
        return 0
    if monday >= mondays[-1]:
        return len(mondays) - 1
    return sum(1 for m in mondays if m <= monday) - 1


class ClientExplorer:
    """A client dropdown, a week-range slider and one output per view.

    Attributes
    ----------
    client : ipywidgets.Dropdown
        ``description="Client"``, options ``caseload.client_ids``.
    weeks : ipywidgets.SelectionRangeSlider
        ``description="Weeks"``, labels like ``2026-W47 (16 Nov)``, values the Mondays.
    outputs : dict[str, ipywidgets.Output]
        One per view key, in display order (safety first).
    widget : ipywidgets.VBox
        What the notebook displays.
    views : list[View]
        The views drawn last (for tests and for reading the sentences).
    redraw_seconds : float
        How long the last redraw took.
    """

    def __init__(self, caseload: data.Caseload, client_id: str | None = None,
                 first_week: str | None = None, last_week: str | None = None, *,
                 settings: Settings = DEFAULTS) -> None:
        self.caseload = caseload
        self.settings = settings
        self.views: list[View] = []
        self.redraw_seconds = 0.0
        ids = caseload.client_ids
        if client_id is not None and str(client_id) not in ids:
            raise ReconnectError(
                f'client "{client_id}" is not in this caseload; pick one of: '
                + ", ".join(ids[:20]) + (" ..." if len(ids) > 20 else ""))
        self.client = widgets.Dropdown(description="Client", options=ids,
                                       value=str(client_id) if client_id is not None
                                       else (ids[0] if ids else None))
        first_options = (week_options(caseload.tables, self.client.value)
                         if self.client.value is not None else [("(no weeks)", None)])
        self.weeks = widgets.SelectionRangeSlider(
            description="Weeks", options=first_options, index=(0, 0),
            continuous_update=False, readout=False, layout=widgets.Layout(width="640px"),
            style={"description_width": "initial"})
        self.status = widgets.HTML()
        self.outputs = {key: widgets.Output() for key in views_mod.VIEW_KEYS}
        self.widget = widgets.VBox([widgets.HBox([self.client, self.weeks]), self.status,
                                    *self.outputs.values()])
        self._quiet = False
        self._reset_weeks(first_week, last_week)
        self.client.observe(self._on_client, names="value")
        self.weeks.observe(self._on_weeks, names="value")
        self.redraw()

    # ------------------------------------------------------------------ reacting
    def _reset_weeks(self, first_week: str | None = None,
                     last_week: str | None = None) -> None:
        if self.client.value is None:
            return
        options = week_options(self.caseload.tables, self.client.value)
        first, last = initial_weeks(options, first_week, last_week)
        self._quiet = True
        try:
            self.weeks.options = options
            self.weeks.index = (first, last)
        finally:
            self._quiet = False

    def _on_client(self, change) -> None:
        self._reset_weeks()
        self.redraw()

    def _on_weeks(self, change) -> None:
        if not self._quiet:
            self.redraw()

    # ------------------------------------------------------------------ drawing
    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of the chosen weeks (Monday .. Sunday).

        Read from the slider's index, not its value: when new options replace old ones and
        the index stays the same (two clients with as many weeks), ipywidgets keeps the old
        value.
        """
        first, last = self.weeks.index
        mondays = [monday for _, monday in self.weeks.options]
        return data.period(mondays[first], mondays[last])

    def redraw(self) -> list[View]:
        """Rebuild every view for the chosen client and weeks and show them."""
        client_id = self.client.value
        if client_id is None:
            self.views = []
            self.status.value = "<p>This caseload has no clients with check-ins.</p>"
            return self.views
        began = time.perf_counter()
        start, end = self.period
        self.views = views_mod.client_views(self.caseload.tables, client_id, start, end,
                                            self.settings)
        for view in self.views:
            self.outputs[view.key].outputs = output_items(view)
        self.redraw_seconds = time.perf_counter() - began
        self.status.value = status_html(self.caseload.tables, client_id, start, end,
                                        self.settings, self.redraw_seconds)
        return self.views


def status_html(tables, client_id: str, start, end, settings: Settings = DEFAULTS,
                seconds: float = 0.0) -> str:
    """The line above the views: a plain warning first when the chosen weeks hold too few
    logged days (:func:`~reconnect_analysis.explore.client_common.too_few_days`), then the
    client and the weeks in words (the slider's own readout is too narrow)."""
    weeks = ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) // 7
    text = ""
    warning = too_few_days(tables, client_id, start, end, settings)
    if warning:
        text += (f"<p style='margin:0.2em 0'><b>{html.escape(warning)}</b> Read the views "
                 "below as \"not enough data yet\".</p>")
    text += (f"<p style='color:#5b6475;margin:0.2em 0'><b>{html.escape(str(client_id))}, "
             f"{period_text(start, end)}</b> ({weeks} {'week' if weeks == 1 else 'weeks'}; "
             f"{seconds:.1f} s to draw). Risk answers and red flags come first.</p>")
    return text
