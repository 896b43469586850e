"""The caseload explorer of ``notebooks/explore_caseload.ipynb``: two controls and the views.

``Weeks`` (a range slider over every week of the caseload) recomputes the summary and every
view; ``Pattern`` only refilters the client table and picks the chosen clients out in the
scatter (nothing is recomputed). All numbers come from :mod:`.caseload`;
the patterns from :mod:`.caseload_patterns`, the views from :mod:`.caseload_views`.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import caseload as cl
from reconnect_analysis.explore import caseload_patterns as cp
from reconnect_analysis.explore import caseload_views as cv
from reconnect_analysis.explore import data
from reconnect_analysis.explore.display import View, output_items, period_text
from reconnect_analysis.weeks import parse_week

__all__ = ["CaseloadExplorer", "week_range", "caseload_weeks"]


def caseload_weeks(tables) -> list[pd.Timestamp]:
    """Mondays of every week of the caseload (:func:`data.client_weeks`); when nobody has a
    check-in, the weeks of the dated risk answers instead, so those are still shown."""
    weeks = data.client_weeks(tables)
    risks = tables.risks
    if weeks or risks is None or "date" not in getattr(risks, "columns", []):
        return weeks
    dates = pd.to_datetime(risks["date"], errors="coerce").dropna()
    if dates.empty:
        return []
    first, last = (d.normalize() - pd.Timedelta(days=d.weekday())
                   for d in (dates.min(), dates.max()))
    return list(pd.date_range(first, last, freq="7D"))


def _monday(value, *, name: str) -> pd.Timestamp:
    if isinstance(value, str) and "W" in value.upper():
        try:
            return pd.Timestamp(parse_week(value.upper())[0])
        except (ValueError, ReconnectError) as err:
            raise ReconnectError(f"{name} {value!r} is not a week; write it like 2026-W40"
                                 ) from err
    try:
        day = pd.Timestamp(value).normalize()
    except (ValueError, TypeError) as err:
        raise ReconnectError(f"{name} {value!r} is not a week; write it like 2026-W40"
                             ) from err
    return day - pd.Timedelta(days=day.weekday())


def week_range(weeks: list[pd.Timestamp], first_week=None, last_week=None
               ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last Monday to show: the given weeks (``"2026-W40"`` or any day in the week),
    else the last eight weeks of the caseload (:func:`data.default_weeks`). Only a first
    week: from it to the last week; only a last week: the eight weeks ending with it.

    Raises ReconnectError (one line, with the weeks available) when a week is outside the
    caseload or the first comes after the last.
    """
    if not weeks:
        raise ReconnectError("this caseload has no check-ins, so there are no weeks to show")
    default = data.default_weeks(weeks)
    first = default[0] if first_week is None else _monday(first_week, name="first_week")
    last = default[1] if last_week is None else _monday(last_week, name="last_week")
    if first_week is not None and last_week is None:
        last = weeks[-1]
    if last_week is not None and first_week is None and last in weeks:
        first = weeks[max(0, weeks.index(last) - data.DEFAULT_WEEKS_SHOWN + 1)]
    available = f"{data.week_label(weeks[0])} to {data.week_label(weeks[-1])}"
    for name, monday in (("first_week", first), ("last_week", last)):
        if monday not in weeks:
            raise ReconnectError(f"{name} {data.week_label(monday)} is outside this caseload "
                                 f"(weeks {available})")
    if first > last:
        raise ReconnectError(f"first_week {data.week_label(first)} comes after last_week "
                             f"{data.week_label(last)}")
    return first, last


class CaseloadExplorer:
    """Controls and views for the whole caseload.

    Attributes
    ----------
    weeks : ipywidgets.SelectionRangeSlider
        "Weeks": the period, over every week of the caseload (:func:`caseload_weeks`).
    pattern : ipywidgets.Dropdown
        "Pattern": "All clients" or one of :func:`caseload_patterns.pattern_names`.
    widget : ipywidgets.VBox
        The controls, then one output per view: Safety first (risk answers, then clients
        who went quiet), the scatter, the client table, verdicts, who logs too little,
        patterns.
    summary : pandas.DataFrame
        :func:`caseload.client_summary` for the chosen weeks.
    table : pandas.DataFrame
        ``summary`` filtered by the chosen pattern.
    views : list[View]
        The views last drawn, in display order (safety first).
    seconds : dict
        Wall time of the last ``recompute`` and ``refilter`` (in seconds).
    """

    def __init__(self, caseload: data.Caseload, first_week=None, last_week=None, *,
                 settings: Settings = DEFAULTS) -> None:
        self.caseload = caseload
        self.tables = caseload.tables
        self.settings = settings
        all_weeks = caseload_weeks(self.tables)
        first, last = week_range(all_weeks, first_week, last_week)
        self.weeks = widgets.SelectionRangeSlider(
            options=[(period_text(*data.period(w, w)), w) for w in all_weeks],
            index=(all_weeks.index(first), all_weeks.index(last)), description="Weeks",
            continuous_update=False, readout=False,
            layout=widgets.Layout(width="min(100%, 40em)"),
            style={"description_width": "4em"})
        self.pattern = widgets.Dropdown(
            options=[cp.ALL_CLIENTS, *cp.pattern_names()], value=cp.ALL_CLIENTS,
            description="Pattern", layout=widgets.Layout(width="min(100%, 30em)"),
            style={"description_width": "4em"})
        self.status = widgets.HTML()
        self._outputs = {key: widgets.Output() for key in
                         ("safety", "silence", "adherence_vs_numbness", "clients", "verdicts",
                          "too_little", "patterns")}
        self.widget = widgets.VBox([widgets.HBox([self.weeks, self.pattern]), self.status,
                                    *self._outputs.values()])
        self.seconds: dict[str, float] = {}
        self.views: list[View] = []
        self.recompute()
        self.weeks.observe(lambda _change: self.recompute(), names="value")
        self.pattern.observe(lambda _change: self.refilter(), names="value")

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First day (Monday) and last day (Sunday) of the chosen weeks."""
        return data.period(*self.weeks.value)

    def recompute(self) -> None:
        """Recompute the summary and every view for the chosen weeks, then draw them."""
        began = time.perf_counter()
        start, end = self.period
        self.summary = cl.client_summary(self.tables, start=start, end=end,
                                         settings=self.settings)
        self.table = cp.filter_by_pattern(self.summary, self.pattern.value)
        self.views = [*cv.caseload_views(self.tables, self.summary, start=start, end=end,
                                         highlight=self.pattern.value,
                                         settings=self.settings)]
        after = next(i for i, v in enumerate(self.views) if v.key == "adherence_vs_numbness")
        self.views.insert(after + 1, cv.client_table(self.table, pattern=self.pattern.value,
                                             total=len(self.summary)))
        self.seconds["recompute"] = time.perf_counter() - began
        self._draw(self.views)

    def refilter(self) -> None:
        """Filter the client table by the chosen pattern and redraw the scatter (no
        recomputation)."""
        began = time.perf_counter()
        self.table = cp.filter_by_pattern(self.summary, self.pattern.value)
        changed = [cv.adherence_vs_numbness(self.summary, highlight=self.pattern.value),
                   cv.client_table(self.table, pattern=self.pattern.value,
                                   total=len(self.summary))]
        by_key = {v.key: v for v in changed}
        self.views = [by_key.get(v.key, v) for v in self.views]
        self.seconds["refilter"] = time.perf_counter() - began
        self._draw(changed)

    def _draw(self, views: list[View]) -> None:
        self.status.value = self._status_text()
        for view in views:
            self._outputs[view.key].outputs = output_items(view)

    def _status_text(self) -> str:
        """The chosen weeks in words, "28 Sep – 22 Nov 2026" (the slider's own readout is
        too narrow for them)."""
        start, end = self.period
        return (f"<p style='margin:0.3em 0'><b>{period_text(start, end)}</b> · "
                f"{len(self.summary)} clients · computed in "
                f"{self.seconds.get('recompute', 0):.1f} s</p>")
