"""The ClientExplorer widgets: a client change or a weeks change redraws every view."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest

from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import client, client_common, client_safety, data
from reconnect_analysis.explore.client_explorer import (
    ClientExplorer,
    initial_weeks,
    status_html,
)
from reconnect_analysis.tables import Tables


@pytest.fixture(scope="module")
def demo(demo_validated) -> data.Caseload:
    return data.open_caseload(demo_validated)


def _titles(explorer) -> list[str]:
    return [v.title for v in explorer.views]


def test_controls_are_a_client_dropdown_and_a_weeks_slider(demo):
    explorer = ClientExplorer(demo, "C01")
    assert isinstance(explorer.client, widgets.Dropdown)
    assert explorer.client.description == "Client"
    assert list(explorer.client.options) == demo.client_ids
    assert isinstance(explorer.weeks, widgets.SelectionRangeSlider)
    assert explorer.weeks.description == "Weeks"
    labels = [label for label, _ in explorer.weeks.options]
    assert labels[-1] == "2026-W47 (16 Nov)"
    # default: the last 8 weeks of the client's record
    assert explorer.weeks.value == tuple(data.default_weeks(
        data.client_weeks(demo.tables, "C01")))
    assert isinstance(explorer.widget, widgets.VBox)
    assert list(explorer.outputs) == list(client.VIEW_KEYS)
    assert [v.key for v in explorer.views] == list(client.VIEW_KEYS)
    assert explorer.redraw_seconds > 0


def test_changing_the_client_redraws_every_view_for_the_new_client(demo):
    explorer = ClientExplorer(demo, "C01")
    before = [v.sentence for v in explorer.views]
    explorer.weeks.index = (0, 1)
    explorer.client.value = "C06"
    assert all(t.startswith("C06 · ") for t in _titles(explorer))
    for view in explorer.views:
        if view.figure is not None:
            assert view.figure.layout.title.text.startswith("C06 · ")
    assert all(a != b for a, b in zip(before, [v.sentence for v in explorer.views],
                                      strict=True))
    assert explorer.views[0].key == "safety" and explorer.views[0].figure is not None
    # the week range is reset to the new client's default
    assert explorer.weeks.value == tuple(data.default_weeks(
        data.client_weeks(demo.tables, "C06")))


def test_changing_the_weeks_narrows_the_days(demo):
    explorer = ClientExplorer(demo, "C02")
    wide = explorer.views[1].figure.data[0].x
    assert len(wide) == 56
    last = len(explorer.weeks.options) - 1
    explorer.weeks.index = (last - 1, last)
    start, end = explorer.period
    assert (start, end) == (pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-22"))
    narrow = explorer.views[1].figure.data[0].x
    assert list(narrow) == list(pd.date_range(start, end).strftime("%Y-%m-%d"))
    numb = [t for t in explorer.views[4].figure.data if t.name == "numbness (0-10)"][0]
    assert min(numb.x) == "2026-11-09" and max(numb.x) == "2026-11-22"


def test_first_and_last_week_parameters(demo):
    explorer = ClientExplorer(demo, "C03", first_week="2026-W44", last_week="2026-W45")
    assert explorer.period == (pd.Timestamp("2026-10-26"), pd.Timestamp("2026-11-08"))
    assert all(t.startswith("C03 · ") for t in _titles(explorer))


def test_weeks_outside_the_record_are_clamped_and_bad_weeks_refused():
    mondays = list(pd.date_range("2026-10-05", periods=4, freq="7D"))
    options = [(data.week_label(m), m) for m in mondays]
    assert initial_weeks(options) == (0, 3)
    assert initial_weeks(options, "2026-W01", "2027-W10") == (0, 3)
    assert initial_weeks(options, "2026-W42", "2026-W42") == (1, 1)
    assert initial_weeks(options, "2026-W43", "2026-W41") == (0, 2)  # swapped
    with pytest.raises(ReconnectError, match="write it like 2026-W47"):
        initial_weeks(options, "2026-42")


def test_unknown_client_is_refused(demo):
    with pytest.raises(ReconnectError, match='client "C99" is not in this caseload'):
        ClientExplorer(demo, "C99")


def test_mpath_explorer_follows_clients_who_started_at_other_dates(mpath_validated):
    caseload = data.open_caseload(mpath_validated)
    explorer = ClientExplorer(caseload)
    assert explorer.client.value == caseload.client_ids[0]
    assert explorer.views[0].sentence.startswith(client_safety.NO_RISK_QUESTIONS)
    first = explorer.period
    weeks = {cid: data.client_weeks(caseload.tables, cid) for cid in caseload.client_ids}
    other = next(cid for cid in caseload.client_ids[1:]
                 if weeks[cid][0] != weeks[caseload.client_ids[0]][0] and len(weeks[cid]) < 8)
    explorer.client.value = other
    assert explorer.period != first
    assert explorer.period == data.period(*data.default_weeks(weeks[other]))
    assert explorer.period[1] == data.period(weeks[other][-1], weeks[other][-1])[1]
    numb = explorer.views[4].figure.data
    days = [x for t in numb if t.name == "numbness (0-10)" for x in t.x]
    assert min(days) == f"{explorer.period[0]:%Y-%m-%d}"


def test_each_output_widget_shows_its_view_safety_first(demo):
    explorer = ClientExplorer(demo, "C06")
    boxes = [w for w in explorer.widget.children if isinstance(w, widgets.Output)]
    assert boxes == list(explorer.outputs.values())
    first = boxes[0].outputs
    assert "C06 · Safety first" in first[0]["data"]["text/html"]
    assert "⚠ Thoughts of self-harm on Sun 22 Nov" in first[0]["data"]["text/html"]
    for box, view in zip(boxes, explorer.views, strict=True):
        bundles = [item["data"] for item in box.outputs]
        assert view.title in bundles[0]["text/html"]
        if view.figure is not None:
            figure = bundles[1]["application/vnd.plotly.v1+json"]
            assert figure["layout"]["title"]["text"] == view.title
        assert not any("cdn" in str(b).lower() for b in bundles)


def test_client_text_in_a_heading_is_escaped():
    from reconnect_analysis.explore.display import View, output_items

    items = output_items(View("safety", "X · <img src=x onerror=alert(1)>", "<b>note</b>"))
    html_text = items[0]["data"]["text/html"]
    assert "<img" not in html_text and "&lt;img" in html_text and "&lt;b&gt;" in html_text
    assert len(items) == 1


def test_a_client_who_stopped_earlier_is_shown_to_the_end_of_the_export():
    # T2's last check-in is a week before the export ends: the quiet week stays in view
    from reconnect_analysis.tables import Tables

    entries = pd.DataFrame({
        "client_id": ["T1", "T2"], "date": pd.to_datetime(["2026-11-18", "2026-11-11"]),
        "numbness": [6.0, 4.0]})
    caseload = data.Caseload(tables=Tables(entries=entries), folder=None)
    explorer = ClientExplorer(caseload, "T1")
    assert explorer.period == (pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-22"))
    explorer.client.value = "T2"
    assert explorer.period == (pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-22"))
    numb = [t for t in explorer.views[4].figure.data if t.name == "numbness (0-10)"][0]
    assert numb.x[0] == "2026-11-09" and "2026-11-11" in list(numb.x)


def test_a_client_with_risk_answers_but_no_check_in_opens_on_the_week_of_the_risk():
    from reconnect_analysis.tables import Tables

    entries = pd.DataFrame({"client_id": ["T1"], "date": pd.to_datetime(["2026-11-18"]),
                            "numbness": [6.0]})
    risks = pd.DataFrame({"client_id": ["T9"], "date": pd.to_datetime(["2026-11-04"]),
                          "field": ["self_harm_thoughts"], "value": ["true"],
                          "status": ["positive"], "from_quarantine": [False],
                          "source_file": ["e.csv"], "source_row": [7]})
    caseload = data.Caseload(tables=Tables(entries=entries, risks=risks), folder=None)
    explorer = ClientExplorer(caseload, "T9")
    assert explorer.period == (pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-08"))
    assert explorer.views[0].sentence.startswith("⚠ Thoughts of self-harm on Wed 4 Nov.")
    assert "1 risk answer or red flag logged by T9" in explorer.views[0].sentence


# ------------------------------------------------------------- too few days logged

def _logged_days(n_logged: int, n_days: int = 14) -> Tables:
    days = pd.date_range("2026-11-09", periods=n_days)[:n_logged]
    return Tables(entries=pd.DataFrame({"client_id": ["T1"] * n_logged, "date": days,
                                        "numbness": [5.0] * n_logged}))


def test_status_line_says_first_when_the_weeks_hold_too_few_logged_days():
    start, end = pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-22")
    # 9 of 14: fewer than min_days_for_trend (10)
    assert client_common.too_few_days(_logged_days(9), "T1", start, end, DEFAULTS) == (
        "T1 logged 9 of 14 days in these weeks: too few to read trends or links.")
    assert client_common.too_few_days(_logged_days(10), "T1", start, end, DEFAULTS) == ""
    # 12 logged, but of 28 days: less than half the period (a burst, then silence)
    early = pd.Timestamp("2026-10-26")
    assert client_common.too_few_days(_logged_days(12), "T1", early, end, DEFAULTS) == (
        "T1 logged 12 of 28 days in these weeks: too few to read trends or links.")
    status = status_html(_logged_days(9), "T1", start, end, DEFAULTS)
    assert status.index("too few to read trends") < status.index("T1, 9 Nov – 22 Nov 2026")
    assert "too few" not in status_html(_logged_days(14), "T1", start, end, DEFAULTS)


def test_c05_explorer_opens_with_the_too_few_days_warning(demo):
    explorer = ClientExplorer(demo, "C05")
    assert explorer.status.value.startswith("<p style='margin:0.2em 0'><b>C05 logged ")
    assert "too few to read trends or links" in explorer.status.value
    assert "2026-W" not in explorer.status.value  # dates in words, not ISO weeks
