"""The one-client views: numbers and sentences on hand-made tiny tables, then the demo
archetypes (C01 next-day link, C06 risks first, C05 sparse logging) and the m-Path export
(no practice, risk or fuel questions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis import metrics
from reconnect_analysis.explore import client, client_common, client_numbness, client_safety, data
from reconnect_analysis.report import sections
from reconnect_analysis.tables import Tables

WEEK = pd.date_range("2026-11-16", "2026-11-22")  # Mon .. Sun
START, END = WEEK[0], WEEK[-1]
NA = pd.NA


def _bool(values):
    return pd.array(values, dtype="boolean")


def tiny(**extra) -> Tables:
    """Client T1, one week: Wed 18 and Sat 21 not logged; Thu 19 logged without cue answers.

    day      body  sensory connection meaning | numbness shoulders social
    Mon 16   yes   no      -          no      | 6        yes        no
    Tue 17   no    no      no         no      | 4        no         no
    Thu 19   -     -       -          -       | 5        yes        yes
    Fri 20   yes   yes     yes        -       | 7        no         yes
    Sun 22   -     no      yes        no      | 3        no         no
    """
    days = pd.to_datetime(["2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20",
                           "2026-11-22"])
    entries = pd.DataFrame({
        "client_id": ["T1"] * 5, "date": days,
        "numbness": [6.0, 4.0, 5.0, 7.0, 3.0],
        "cue_body": _bool([True, False, NA, True, NA]),
        "cue_sensory": _bool([False, False, NA, True, False]),
        "cue_connection": _bool([NA, False, NA, True, True]),
        "cue_meaning": _bool([False, False, NA, NA, False]),
        "shift_shoulders_dropped": _bool([True, False, True, False, False]),
        "shift_social": _bool([False, False, True, True, False]),
    })
    for column, values in extra.items():
        entries[column] = values
    return Tables(entries=entries)


# ----------------------------------------------------------------------------- titles

def test_title_starts_with_the_client_id():
    assert client_common.title("C03", "shifts_practice") == "C03 · Micro-shifts and practice"


def test_every_view_and_figure_title_starts_with_the_client_id():
    views = client.client_views(tiny(), "T1", START, END)
    assert [v.key for v in views] == list(client.VIEW_KEYS)
    for view in views:
        assert view.title.startswith("T1 · ")
        if view.figure is not None:
            assert view.figure.layout.title.text == view.title


# ------------------------------------------------------------------------- demo clients

@pytest.fixture(scope="module")
def demo(demo_validated) -> data.Caseload:
    return data.open_caseload(demo_validated)


def _default_period(tables, client_id):
    return data.period(*data.default_weeks(data.client_weeks(tables, client_id)))


def test_demo_c01_shows_the_next_day_link(demo):
    start, end = _default_period(demo.tables, "C01")
    views = {v.key: v for v in client.client_views(demo.tables, "C01", start, end)}
    view = views["shifts_practice"]
    assert ("Days with practice were usually followed by more micro-shifts the next day (a "
            "clear link in the log, 51 days). This is a link in the log, not proof that one "
            "causes the other.") in view.sentence
    assert "%" not in view.sentence and "rank correlation" not in view.sentence
    assert "Next day: clear link" in view.figure.layout.annotations[0].text
    # second implementation: scipy's Spearman of practice(t) against the score on t+1
    one = demo.tables.for_client("C01")
    practice = metrics.adherence.daily(one, start=start, end=end)["practised"]
    score = metrics.shifts.daily(one, start=start, end=end)["shift_score"]
    x = practice.astype("Float64").to_numpy(dtype=float, na_value=np.nan)[:-1]
    y = score.to_numpy(dtype=float)[1:]
    keep = ~np.isnan(x) & ~np.isnan(y)
    rho = stats.spearmanr(x[keep], y[keep]).statistic
    assert f"rank correlation {rho:+.2f}" in view.figure.layout.annotations[0].text
    # the four cues are practised on nearly the same days: no cue is singled out, practice
    # in general goes with more micro-shifts the next day
    cue_text = views["cue_response"].sentence
    assert "Clearest cue" not in cue_text and "98.75%" not in cue_text
    assert "the log cannot tell which one matters" in cue_text
    assert "Practice in general goes with more micro-shifts: days with practice were usually " \
        "followed by more micro-shifts the next day" in cue_text


def test_demo_c06_risks_come_first_even_when_the_weeks_are_earlier(demo):
    weeks = data.client_weeks(demo.tables, "C06")
    start, end = data.period(weeks[0], weeks[1])
    views = client.client_views(demo.tables, "C06", start, end)
    first = views[0]
    assert first.key == "safety" and first.figure is not None
    n = len(metrics.safety.risks(demo.tables.for_client("C06")))
    assert n == 11
    assert len(first.figure.data[0].cells.values[0]) == n
    assert first.sentence.startswith("⚠ Thoughts of self-harm on Sun 22 Nov; severe "
                                     "dissociation on Tue 17 Nov; hopelessness")
    assert f"{n} risk answers or red flags logged by C06" in first.sentence
    # most serious first: self-harm, then the weekly screen's self-harm, then the red flag
    assert first.figure.data[0].cells.values[1][:3] == [
        "Thoughts of self-harm", "Self-harm (weekly screen)",
        "Severe dissociation (losing time, feeling unreal)"]
    assert f"0 in the chosen weeks ({start.day} {start:%b} – {end.day} {end:%b} " \
        f"{end:%Y}), {n} after them" in first.sentence


def test_demo_c05_sparse_logging_is_shown_as_not_logged(demo):
    start, end = _default_period(demo.tables, "C05")
    views = {v.key: v for v in client.client_views(demo.tables, "C05", start, end)}
    grid = metrics.daily.grid(demo.tables.for_client("C05"), start=start, end=end)
    not_logged = int((~grid["logged"]).sum())
    total = len(grid)
    assert not_logged > total / 2
    assert f"{not_logged} of {total} days not logged" in views["cue_days"].sentence
    heat = views["cue_days"].figure.data[0]
    assert sum(v == "not logged" for v in heat.text[-1]) == not_logged
    assert "Not enough data yet" in views["shifts_practice"].sentence
    assert "too few days logged to say whether numbness is persistent" in views["numbness"].sentence
    assert "Silence can hide risk" in views["safety"].sentence  # never logs the last days


def test_mpath_export_without_cue_risk_or_fuel_data(mpath_validated):
    caseload = data.open_caseload(mpath_validated)
    client_id = caseload.client_ids[0]
    views = {v.key: v for v in client.client_views(caseload.tables, client_id)}
    assert views["safety"].sentence.startswith(client_safety.NO_RISK_QUESTIONS)
    for key in ("cue_days", "shifts_practice", "cue_response", "fuel"):
        assert views[key].figure is None, key
    assert sections.NO_PRACTICE in views["cue_days"].sentence
    assert views["fuel"].sentence == client_numbness.NO_FUEL
    assert views["numbness"].figure is not None
    assert views["numbness"].figure.layout.title.text.startswith(f"{client_id} · ")


def test_views_accept_one_client_or_the_whole_caseload(demo):
    start, end = _default_period(demo.tables, "C03")
    whole = client.client_views(demo.tables, "C03", start, end)
    one = client.client_views(demo.tables.for_client("C03"), "C03", start, end)
    assert [v.sentence for v in whole] == [v.sentence for v in one]
