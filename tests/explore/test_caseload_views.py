"""The caseload views: safety first, the scatter, verdicts, who logs too little, patterns and
the client table, on the hand-made caseload and the demo caseload."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.explore import caseload_patterns as cp
from reconnect_analysis.explore import caseload_views as cv
from tests.explore import test_caseload as base
from tests.explore.test_caseload import END, START, _row

demo, summary, tiny = base.demo, base.summary, base.tiny  # fixtures of test_caseload.py


def test_safety_view_first_with_unattributed_and_escaped(tiny, summary):
    views = cv.caseload_views(tiny, summary, start=START, end=END)
    assert [v.key for v in views][0] == "safety"
    assert all(v.title.startswith("Caseload · ") for v in views)
    assert all(v.figure.layout.title.text == v.title for v in views)  # the browser reads it
    safety = views[0]
    assert safety.sentence.startswith("⚠ 1 risk answer could not be matched to a client")
    assert "4 risk answers or red flags in 2 Nov – 29 Nov 2026" in safety.sentence
    assert "(J, K, P)" in safety.sentence
    # the tiny entries carry no risk columns: named as not asked, except those answered
    assert safety.sentence.endswith(". These cannot be ruled out from it.")
    assert "Not asked in this export: Severe dissociation" in safety.sentence
    not_asked = safety.sentence.split("Not asked")[1]
    assert not any(word in not_asked for word in ("self-harm", "Hopelessness", "safe"))
    client, day, _answer, _value, where = safety.figure.data[0].cells.values
    assert client == ["⚠ unknown client", "P", "K", "J"]  # newest first
    assert day == ["Wed 25 Nov", "Fri 27 Nov", "Fri 20 Nov", "Tue 10 Nov"]
    assert where[0] == "&lt;b&gt;entries&lt;/b&gt;.csv, row 9"


def test_risk_table_one_line_per_client_most_urgent_first():
    rows = pd.DataFrame({
        "client_id": ["B", "B", "B", "B", None, "C"],
        "date": pd.to_datetime(["2026-11-22", "2026-11-21", "2026-11-20", "2026-11-16", None,
                                "2026-11-10"]),
        "field": ["hopelessness", "hopelessness", "self_harm_thoughts", "hopelessness",
                  "unsafe", "flag_dissociation"],
        "label": ["Hopelessness", "Hopelessness", "Thoughts of self-harm", "Hopelessness",
                  "Feeling unable to stay safe", "Severe dissociation"],
        "value": ["2", "3", "true", "2", "?", "true"],
        "status": ["positive"] * 4 + ["possible_positive", "positive"],
        "from_quarantine": [False, False, False, False, True, False],
        "source_file": "entries.csv", "source_row": [5, 4, 3, 1, 9, 2]})
    table = cv.risk_table(rows, unattributed=rows["client_id"].isna().to_numpy(),
                          end=pd.Timestamp("2026-11-21"))
    assert list(table["Client"]) == ["⚠ unknown client", "B", "C"]
    assert list(table["Newest"]) == ["date unreadable", "Sun 22 Nov (after these weeks)",
                                     "Tue 10 Nov"]
    assert list(table["Answers"]) == [1, 4, 1]  # every answer counted
    assert table.loc[1, "What and when"] == (
        "Thoughts of self-harm: Fri 20 Nov; Hopelessness (up to 3 on a 0–3 scale): Mon 16 Nov, "
        "Sat 21 Nov – Sun 22 Nov")
    assert table.loc[0, "What and when"] == "Feeling unable to stay safe: date unreadable"
    assert table.loc[0, "Notes"] == ("possible yes: answer unreadable, review; from a row "
                                      "that failed validation; entries.csv, row 9")
    assert table.loc[1, "Notes"] == ""


def test_scatter_one_point_per_client_with_both_numbers(summary):
    view = cv.adherence_vs_numbness(summary)
    points = {t: (x, y) for trace in view.figure.data
              for t, x, y in zip(trace.text, trace.x, trace.y, strict=True)}
    assert set(points) == {"A", "B", "C", "D", "E", "F", "G", "I", "J", "P"}
    assert points["B"] == (pytest.approx(71.4), pytest.approx(-1.75))
    # H: one practice answer in the second half (< 3); K: no check-in; L: none in half 1
    # M: no practice answer in the second half (silent)
    assert "Not shown (4): H, K, L, M" in view.sentence
    ring = {t: w for trace in view.figure.data
            for t, w in zip(trace.text, trace.marker.line.width, strict=True)}
    assert ring["P"] == 4 and ring["A"] == 1  # the risk ring: thick, red (risk only)
    assert "red is used for risk only" in view.sentence
    assert "not proof" in view.sentence
    hover = {t: h[0] for trace in view.figure.data
             for t, h in zip(trace.text, trace.customdata, strict=True)}
    assert hover["B"].split("<br>") == [
        "<b>B</b>: adherence up, numbness easing",
        "practised 14% → 86% of answered days (first → second half)",
        "numbness change per week: -1.8 a week, going down; last week 2.0 vs 3.8 the week "
        "before",
        "micro-shift change per week: no change",
        f"practice and micro-shifts, same day: {_row(summary, 'B')['link_same_day']}; "
        f"next day: {_row(summary, 'B')['link_next_day']}",
        "logged 28 of 28 days"]
    assert {trace.mode for trace in view.figure.data} == {"markers+text"}
    faded = cv.adherence_vs_numbness(summary, highlight="plan not kept")
    opacity = {trace.name: trace.marker.opacity for trace in faded.figure.data}
    assert opacity["plan not kept"] == 0.9 and opacity["numbness rising"] == 0.25


def test_scatter_names_dots_only_when_few(summary, monkeypatch):
    monkeypatch.setattr(cv, "MAX_NAMED", 3)
    view = cv.adherence_vs_numbness(summary)
    assert {trace.mode for trace in view.figure.data} == {"markers"}
    assert "With more than 3 clients the dots are not named" in view.sentence
    picked = cv.adherence_vs_numbness(summary, highlight="logs too little to say")  # I only
    modes = {trace.name: trace.mode for trace in picked.figure.data}
    assert modes.pop("logs too little to say") == "markers+text"
    assert set(modes.values()) == {"markers"}


def test_verdicts_too_little_and_patterns_counts(summary):
    verdicts = cv.verdicts(summary)
    for trace, column in zip(verdicts.figure.data, ("link_same_day", "link_next_day"),
                             strict=True):
        counts = summary[column].value_counts()
        assert dict(zip(trace.x, trace.y, strict=True)) == {
            v: int(counts.get(v, 0)) for v in trace.x}
        assert sum(trace.y) == len(summary)
    assert "not enough data yet" in verdicts.figure.data[0].x
    little = cv.too_little(summary)
    # K (risk answer only) logs too little too, though its pattern is the risk one
    assert little.figure.data[0].cells.values[0] == ["H", "I", "K"]
    assert little.sentence.startswith("3 clients log too little")
    pats = cv.patterns(summary)
    assert list(pats.figure.data[0].y) == cp.pattern_names()
    assert sum(pats.figure.data[0].x) == len(summary)


def test_client_rows_in_words(summary):
    rows = cv.client_rows(summary).set_index("Client")
    assert rows.loc["A", "Practised (1st → 2nd half)"] == "14% → 86%"
    # B: 8 - 0.25 a day; last week (days 21-27) mean 2.0, the week before (14-20) 3.75
    assert rows.loc["B", "Numbness change per week"] == (
        "-1.8 a week, going down; last week 2.0 vs 3.8 the week before")
    assert rows.loc["A", "Numbness change per week"] == (  # slope 0, interval 0 to 0
        "no change over the weeks; last week 5.0 vs 5.0 the week before")
    assert rows.loc["H", "Numbness change per week"] == (  # only day 14 (16 Nov) logged
        "not enough data yet; last week not logged vs 5.0 (1 day) the week before")
    assert rows.loc["K", "Numbness change per week"] == "not enough data yet"
    # I logs too little (11 of the 23 days it spans): no slope shown, though the engine has one
    assert _row(summary, "I")["numbness_verdict"] == "no clear change"
    assert rows.loc["I", "Numbness change per week"].startswith("not enough data yet; ")
    assert rows.loc["I", "Micro-shift change per week"] == "not enough data yet"
    assert cv.trend_text(0.0, 0.0, 0.0, "not enough data yet") == "not enough data yet"
    assert rows.loc["A", "Micro-shift change per week"].endswith(" a week, going up")
    assert rows.loc["M", "Pattern"] == "stopped logging (last check-in Sat 14 Nov)"
    assert rows.loc["M", "Risk (last 14 days) and silence"] == (
        "no check-in for 15 days (last Sat 14 Nov)")
    assert rows.loc["K", "Risk (last 14 days) and silence"] == (
        "⚠ 1; no check-in in this export up to Sun 29 Nov")
    assert rows.loc["L", "Practised (1st → 2nd half)"] == "— → 50%"
    assert rows.loc["K", "Practised (1st → 2nd half)"] == "no practice answers"
    assert rows.loc["K", "Practice & micro-shifts: same day / next day"] == (
        "too few days / too few days")
    assert rows.loc["P", "Risk (last 14 days) and silence"] == "⚠ 1"
    assert rows.loc["A", "Risk (last 14 days) and silence"] == ""
    assert "+0.00" not in rows.to_string()


def test_client_table_puts_risk_first_then_pattern_order(summary):
    view = cv.client_table(summary)
    assert view.figure.data[0].cells.values[0] == [
        "K", "P", "H", "I", "M", "D", "E", "A", "B", "C", "F", "G", "J", "L"]
    assert "all 14 clients" in view.sentence


def test_export_without_risk_questions_says_risk_cannot_be_ruled_out(tiny):
    from reconnect_analysis.tables import Tables

    quiet = Tables(entries=tiny.entries)
    view = cv.safety(quiet, start=START, end=END)
    assert view.figure is None and "Risk cannot be ruled out" in view.sentence


def test_demo_risk_comes_first(demo):
    tables, start, end, summary = demo
    assert _row(summary, "C06")["risk_recent"] == 11
    views = cv.caseload_views(tables, summary, start=start, end=end)
    assert views[0].key == "safety" and "(C06)" in views[0].sentence
    assert views[0].figure.data[0].cells.values[1][0] == "Sun 22 Nov"  # newest first
    assert views[1].key == "silence" and "C05: no check-in for" in views[1].sentence
    assert views[1].figure.data[0].cells.values[0] == ["C05"]
    # C01's micro-shifts rise with practice: never written "+0.00" (review 8)
    rows = cv.client_rows(summary).set_index("Client")
    assert "+0.00" not in rows.loc["C01", "Micro-shift change per week"]


def test_silence_view_right_after_safety(tiny, summary, monkeypatch):
    views = cv.caseload_views(tiny, summary, start=START, end=END)
    assert [v.key for v in views][:3] == ["safety", "silence", "adherence_vs_numbness"]
    view = views[1]
    assert view.title == "Caseload · Safety first: clients who went quiet"
    client, line, risk = view.figure.data[0].cells.values
    # no check-in at all first, then the longest silence first; I (5 days) included
    assert client == ["K", "M", "H", "I"]
    assert line == ["No check-in in this export up to Sun 29 Nov",
                    "No check-in for 15 days (last on Sat 14 Nov)",
                    "No check-in for 13 days (last on Mon 16 Nov)",
                    "No check-in for 5 days (last on Tue 24 Nov)"]
    assert risk == ["⚠ 1", "", "", ""]
    assert view.sentence.startswith("4 clients sent no check-in in the days up to Sun 29 Nov")
    assert "M: no check-in for 15 days (last on Sat 14 Nov)" in view.sentence
    calm = cv.silence(summary[~summary["silent"]])
    monkeypatch.setattr(cv, "MAX_SILENT_NAMED", 2)
    short = cv.silence(summary)
    assert "M: no check-in for 15 days (last on Sat 14 Nov); and 2 more, see the table." in (
        short.sentence) and len(short.figure.data[0].cells.values[0]) == 4
    assert calm.figure is None and calm.sentence.startswith("Every client checked in")


def test_trend_text():
    assert cv.trend_text(0.0, 0.0, 0.0, "no clear change") == "no change"
    assert cv.trend_text(-0.63, -1.0, -0.2, "going down") == "-0.6 a week, going down"
    assert cv.trend_text(0.0, -0.2, 0.0, "no clear change") == "0 a week, no clear change"
    assert cv.trend_text(-0.04, -0.2, 0.1, "no clear change") == "0 a week, no clear change"
    assert cv.trend_text(float("nan"), None, None, "not enough data yet") == (
        "not enough data yet")


def test_patterns_never_red():
    import colorsys

    for name, colour in cv.PATTERN_COLOURS.items():
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        hue, _light, sat = colorsys.rgb_to_hls(r, g, b)
        assert sat < 0.25 or 0.06 < hue < 0.9, name  # red: hue within ~20 degrees of 0
    assert cv.RISK_COLOUR not in cv.PATTERN_COLOURS.values()


def test_verdicts_list_more_and_fewer_separately():
    frame = pd.DataFrame({
        "client_id": ["U", "V", "W", "X"],
        "link_same_day": ["clear link", "no clear link", "possible link", "clear link"],
        "rho_same_day": [0.5, 0.6, -0.3, 0.4],
        "link_next_day": ["no clear link", "possible link", "not enough data yet",
                          "clear link"],
        "rho_next_day": [0.1, 0.3, float("nan"), -0.4]})
    assert cv.linked_clients(frame) == (["U", "V", "X"], ["W", "X"])
    view = cv.verdicts(frame)
    assert "more micro-shifts with practice: U, V, X; fewer: W, X." in view.sentence
    assert "docs/metrics.md" in view.sentence and "one client in seven" not in view.sentence
