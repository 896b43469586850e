"""The caseload explorer's controls: Pattern only refilters, Weeks recomputes."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import caseload as cl
from reconnect_analysis.explore import caseload_explorer as ce
from reconnect_analysis.explore import caseload_patterns as cp
from reconnect_analysis.explore import data


@pytest.fixture
def explorer(demo_validated, monkeypatch):
    calls = []
    real = cl.client_summary

    def counting(*args, **kwargs):
        calls.append((kwargs["start"], kwargs["end"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(cl, "client_summary", counting)
    explorer = ce.CaseloadExplorer(data.open_caseload(demo_validated))
    explorer.calls = calls
    return explorer


def test_controls_and_default_weeks(explorer):
    assert explorer.weeks.description == "Weeks"
    assert explorer.pattern.description == "Pattern"
    assert explorer.pattern.options == (cp.ALL_CLIENTS, *cp.pattern_names())
    labels = [label for label, _ in explorer.weeks.options]
    assert labels[-1] == "16 Nov – 22 Nov 2026" and len(labels) == 8  # no ISO weeks
    assert explorer.period == (pd.Timestamp("2026-09-28"), pd.Timestamp("2026-11-22"))
    assert [v.key for v in explorer.views] == ["safety", "silence", "adherence_vs_numbness",
                                               "clients", "verdicts", "too_little", "patterns"]
    assert explorer.widget.children[0].children == (explorer.weeks, explorer.pattern)
    assert len(explorer.calls) == 1 and len(explorer.table) == 8
    assert explorer.status.value.startswith(
        "<p style='margin:0.3em 0'><b>28 Sep – 22 Nov 2026</b> · 8 clients")


def test_pattern_only_refilters(explorer):
    explorer.pattern.value = "logs too little to say"
    assert len(explorer.calls) == 1  # nothing recomputed
    assert list(explorer.table["client_id"]) == ["C05"]
    clients = next(v for v in explorer.views if v.key == "clients")
    assert clients.figure.data[0].cells.values[0] == ["C05"]
    assert "the 1 client of 8" in clients.sentence
    scatter = next(v for v in explorer.views if v.key == "adherence_vs_numbness")
    opacity = {t.name: t.marker.opacity for t in scatter.figure.data}
    assert opacity.pop("logs too little to say") == 0.9  # C05 picked out, in grey
    assert set(opacity.values()) == {0.25}
    assert explorer.views[0].key == "safety"  # still first
    explorer.pattern.value = cp.ALL_CLIENTS
    assert len(explorer.table) == 8 and len(explorer.calls) == 1
    assert "refilter" in explorer.seconds


def test_weeks_recompute(explorer):
    options = [monday for _, monday in explorer.weeks.options]
    explorer.pattern.value = "numbness rising"
    explorer.weeks.value = (options[0], options[3])
    assert explorer.calls[-1] == (pd.Timestamp("2026-09-28"), pd.Timestamp("2026-10-25"))
    assert len(explorer.calls) == 2
    assert (explorer.summary["days_in_period"] == 28).all()
    assert (explorer.table["pattern"] == "numbness rising").all()  # filter kept
    # C06's risk answers are all in W47, after these weeks: still shown first, marked so
    safety = explorer.views[0]
    assert safety.sentence.startswith("No risk answers or red flags in 28 Sep – 25 Oct 2026, "
                                      "but 11 after these weeks")
    assert "(C06)" in safety.sentence
    assert safety.figure.data[0].cells.values[1][0] == "Sun 22 Nov (after these weeks)"


def test_week_range():
    weeks = list(pd.date_range("2026-09-28", "2026-11-16", freq="7D"))
    assert ce.week_range(weeks) == (weeks[0], weeks[-1])
    assert ce.week_range(weeks, "2026-W41", "2026-w43") == (weeks[1], weeks[3])
    assert ce.week_range(weeks, "2026-10-07") == (weeks[1], weeks[-1])  # any day of the week
    assert ce.week_range(weeks, None, "2026-W42") == (weeks[0], weeks[2])
    long = list(pd.date_range("2026-01-05", periods=20, freq="7D"))
    assert ce.week_range(long, None, long[12]) == (long[5], long[12])  # 8 weeks to it
    with pytest.raises(ReconnectError, match=r"first_week 2026-W30 \(20 Jul\) is outside "
                                             r"this caseload \(weeks 2026-W40 \(28 Sep\) to "):
        ce.week_range(weeks, "2026-W30")
    with pytest.raises(ReconnectError, match="comes after last_week"):
        ce.week_range(weeks, "2026-W45", "2026-W41")
    with pytest.raises(ReconnectError, match="write it like 2026-W40"):
        ce.week_range(weeks, "2026-W99")
    with pytest.raises(ReconnectError, match="no weeks"):
        ce.week_range([])


def test_given_weeks_and_mpath(mpath_validated):
    explorer = ce.CaseloadExplorer(data.open_caseload(mpath_validated), "2024-W16",
                                   "2024-W17")
    assert explorer.period == (pd.Timestamp("2024-04-15"), pd.Timestamp("2024-04-28"))
    assert "Risk cannot be ruled out" in explorer.views[0].sentence
    assert set(explorer.summary["link_next_day"]) == {cl.NOT_IN_EXPORT}


def test_risk_answers_without_any_checkin_still_shown():
    from reconnect_analysis.tables import Tables
    from tests.explore.test_caseload import _risks
    from tests.metrics.conftest import make_entries

    entries = make_entries({"A": {"start": "2026-11-02", "numbness": "5"}}).iloc[0:0]
    explorer = ce.CaseloadExplorer(data.Caseload(Tables(entries=entries, risks=_risks()),
                                                 folder=None))
    assert [m for _, m in explorer.weeks.options][0] == pd.Timestamp("2026-09-28")
    assert list(explorer.summary["client_id"]) == ["J", "K", "P"]
    assert "(J, K, P)" in explorer.views[0].sentence
    # nobody has a check-in: every client is listed as silent, right below the risks
    silence = explorer.views[1]
    assert silence.key == "silence" and silence.figure.data[0].cells.values[0] == [
        "J", "K", "P"]
