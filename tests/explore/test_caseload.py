"""The caseload summary, its patterns and views: numbers on a hand-made caseload, then the
demo caseload (planted archetypes) and the m-Path export (no cues, risks or fuel)."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis import metrics
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import caseload as cl
from reconnect_analysis.explore import data
from tests.metrics.conftest import make_tables

START, END = pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-29")  # 4 weeks, 28 days
N = 28  # halves: days 0-13 (2-15 Nov) and 14-27 (16-29 Nov)


def _tokens(values) -> str:
    return " ".join(str(v) for v in values)


def _practice(first: int, second: int) -> str:
    """``first`` practised days of 14 in the first half, ``second`` in the second (answered
    every day)."""
    return _tokens([1] * first + [0] * (14 - first) + [1] * second + [0] * (14 - second))


FLAT = _tokens([5] * N)
FALLING = _tokens([8 - 0.25 * i for i in range(N)])   # -0.25 a day = -1.75 a week
RISING = _tokens([2 + 0.25 * i for i in range(N)])    # +1.75 a week
NO_SHIFT = _tokens([0] * N)
SHIFT_UP = [_tokens([int(week > k) for week in range(4) for _ in range(7)]) for k in range(3)]
"""Three signals: none noticed in week 1, one in week 2, two in week 3, all three in week 4
(score 0, 3.3, 6.7, 10)."""
START_DAY = "2026-11-02"


def _client(numbness, cue, shift=(NO_SHIFT, NO_SHIFT, NO_SHIFT)):
    return {"start": START_DAY, "numbness": numbness, "cue_body": cue,
            "shift_social": shift[0], "shift_preference": shift[1],
            "shift_time_faster": shift[2]}


def _risks() -> pd.DataFrame:
    rows = [
        # client, date, field, value, source_row
        ("K", "2026-11-20", "self_harm_thoughts", "true", 7),      # risk-only client
        ("J", "2026-11-10", "hopelessness", "2", 8),               # in period, not recent
        (None, "2026-11-25", "unsafe", "true", 9),                 # unattributed
        ("J", "2026-10-01", "hopelessness", "3", 10),              # before the period
    ]
    frame = pd.DataFrame(rows, columns=["client_id", "date", "field", "value", "source_row"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["status"] = "positive"
    frame["from_quarantine"] = False
    frame["source_file"] = "<b>entries</b>.csv"
    frame["table"] = "entries"
    return frame


# Expected pattern of each hand-made client, one client per rule (and the rule order).
EXPECTED = {
    "A": "adherence up and shifts up",       # 2 -> 12 of 14, shifts 0 -> 1
    "B": "adherence up, numbness easing",    # 2 -> 12, numbness falling
    "C": "adherence up, shifts not yet",     # 2 -> 12, nothing else moves
    "D": "numbness rising",                  # 2 -> 12 but numbness rising: rising comes first
    "E": "plan not kept",                    # 10 -> 2
    "F": "practising, numbness easing",      # 10 -> 10 (71%), numbness falling
    "G": "numbness easing",                  # 5 -> 5 (36%), numbness falling
    "H": "logs too little to say",           # 8 logged days
    "I": "logs too little to say",           # 12 of 28 days
    "J": cl.NO_PATTERN,                      # 7 -> 7, flat
    "K": "logs too little to say",           # risk answer only, no check-in
    "L": cl.NO_PATTERN,                      # logged but practice never answered in half 1
}


@pytest.fixture(scope="module")
def tiny():
    spec = {
        "A": _client(FLAT, _practice(2, 12), SHIFT_UP),
        "B": _client(FALLING, _practice(2, 12)),
        "C": _client(FLAT, _practice(2, 12)),
        "D": _client(RISING, _practice(2, 12)),
        "E": _client(FLAT, _practice(10, 2)),
        "F": _client(FALLING, _practice(10, 10)),
        "G": _client(FALLING, _practice(5, 5)),
        # H: logged on 8 days only (every other day from day 0, then nothing)
        "H": _client(_tokens(["5" if i < 16 and i % 2 == 0 else "." for i in range(N)]),
                     _practice(7, 7)),
        # I: logged every other day from day 0 to day 22, except day 10 (11 days)
        "I": _client(_tokens(["5" if i % 2 == 0 and i <= 22 and i != 10 else "."
                              for i in range(N)]), _practice(7, 7)),
        "J": _client(FLAT, _practice(7, 7)),
        "L": _client(FLAT, _tokens(["."] * 14 + ["1", "0"] * 7)),
    }
    return make_tables(spec, risks=_risks())


@pytest.fixture(scope="module")
def summary(tiny):
    return cl.client_summary(tiny, start=START, end=END)


def _row(summary, client):
    return summary.set_index("client_id").loc[client]


def test_nobody_dropped_and_risk_only_client_listed(summary):
    assert list(summary["client_id"]) == sorted(EXPECTED)
    k = _row(summary, "K")
    assert k["days_logged"] == 0 and k["reason"] == "no check-in in this period"
    assert k["risk_recent"] == 1
    assert list(summary.columns) == list(cl.SUMMARY_COLUMNS)


def test_every_pattern_rule_is_hit(summary):
    assert dict(zip(summary["client_id"], summary["pattern"], strict=True)) == EXPECTED
    hit = set(summary["pattern"])
    assert hit == set(cl.pattern_names())  # each rule (and "no clear pattern") by one client


def test_hand_computed_numbers(summary):
    a = _row(summary, "A")
    assert (a["days_in_period"], a["days_logged"], a["share_logged"]) == (28, 28, 1.0)
    assert (a["practice_days_first"], a["practice_days_second"]) == (14, 14)
    assert a["share_practised_first"] == pytest.approx(2 / 14)
    assert a["share_practised_second"] == pytest.approx(12 / 14)
    assert a["practice_change"] == pytest.approx(10 / 14)          # 0.714
    assert a["shift_verdict"] == "going up" and a["numbness_slope"] == 0
    b = _row(summary, "B")
    assert b["numbness_slope"] == pytest.approx(-1.75)               # -0.25 a day x 7
    assert b["numbness_verdict"] == "going down"
    assert _row(summary, "D")["numbness_slope"] == pytest.approx(1.75)
    e = _row(summary, "E")
    assert e["practice_change"] == pytest.approx((2 - 10) / 14)      # -0.571
    # H: 8 logged days (days 0, 2, ..., 14) < 10 needed for a trend
    h = _row(summary, "H")
    assert h["days_logged"] == 8
    assert h["reason"] == "only 8 days logged in the period; a trend needs at least 10"
    # I: days 0, 2, 4, 6, 8, 12, ..., 22 = 11 logged days; 11 >= 10, but the span from the
    # first (2 Nov) to the last (24 Nov) check-in is 23 days: 11 / 23 = 48% < 50%
    i = _row(summary, "I")
    assert i["days_logged"] == 11
    assert i["reason"].startswith("logged 11 of the 23 days from the first to the last "
                                  "check-in in this period (2 Nov – 24 Nov, 48%)")
    assert not i["enough_data"] and _row(summary, "J")["enough_data"]


def test_missing_practice_answers_are_unknown_not_zero(summary):
    low = _row(summary, "L")  # logged every day, no practice answer in the first half
    assert low["practice_days_first"] == 0
    assert pd.isna(low["share_practised_first"]) and pd.isna(low["practice_change"])
    assert low["share_practised_second"] == pytest.approx(7 / 14)


def test_links_and_slopes_equal_the_engine_per_client(tiny, summary):
    # computed once for the caseload; checked against the engine run on each client alone
    for client in ("A", "B", "E", "J"):
        one = tiny.for_client(client)
        link = metrics.association.link(one, start=START, end=END)
        link = link[link["cue"] == "any"].set_index("lag")
        row = _row(summary, client)
        assert row["link_same_day"] == link.loc[0, "verdict"]
        assert row["link_next_day"] == link.loc[1, "verdict"]
        assert row["rho_next_day"] == pytest.approx(link.loc[1, "rho"], nan_ok=True)
        slope = metrics.trends.slopes(one, start=START, end=END).set_index("measure")
        assert row["shift_slope"] == pytest.approx(slope.loc["shift_score", "slope_per_week"])


def test_recent_risks_count_only_the_last_14_days(summary):
    # J's risk of 10 Nov is in the period but not in its last 14 days (16-29 Nov)
    assert _row(summary, "J")["risk_recent"] == 0
    assert summary["risk_recent"].sum() == 1  # K; the unattributed one belongs to nobody


def test_filter_by_pattern(summary):
    assert list(cl.filter_by_pattern(summary, "logs too little to say")["client_id"]) == [
        "H", "I", "K"]
    assert len(cl.filter_by_pattern(summary, cl.ALL_CLIENTS)) == len(summary)
    assert len(cl.filter_by_pattern(summary, None)) == len(summary)
    with pytest.raises(ReconnectError, match="unknown pattern 'adherence up'"):
        cl.filter_by_pattern(summary, "adherence up")


def test_safety_view_first_with_unattributed_and_escaped(tiny, summary):
    views = cl.caseload_views(tiny, summary, start=START, end=END)
    assert [v.key for v in views][0] == "safety"
    assert all(v.title.startswith("Caseload · ") for v in views)
    assert all(v.figure.layout.title.text == v.title for v in views)  # the browser reads it
    safety = views[0]
    assert safety.sentence.startswith("⚠ 1 risk answer could not be matched to a client")
    assert "3 risk answers or red flags in Mon 02 Nov 2026 – Sun 29 Nov 2026" in safety.sentence
    assert "(J, K)" in safety.sentence
    # the tiny entries carry no risk columns: named as not asked, except those answered
    assert safety.sentence.endswith(". These cannot be ruled out from it.")
    assert "Not asked in this export: Severe dissociation" in safety.sentence
    not_asked = safety.sentence.split("Not asked")[1]
    assert not any(word in not_asked for word in ("self-harm", "Hopelessness", "safe"))
    client, day, _answer, _value, where = safety.figure.data[0].cells.values
    assert client == ["⚠ unknown client", "K", "J"]  # newest first
    assert day == ["Wed 25 Nov 2026", "Fri 20 Nov 2026", "Tue 10 Nov 2026"]
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
    table = cl.risk_table(rows, unattributed=rows["client_id"].isna().to_numpy(),
                          end=pd.Timestamp("2026-11-21"))
    assert list(table["Client"]) == ["⚠ unknown client", "B", "C"]
    assert list(table["Newest"]) == ["date unreadable", "Sun 22 Nov 2026 (after these weeks)",
                                     "Tue 10 Nov 2026"]
    assert list(table["Answers"]) == [1, 4, 1]  # every answer counted
    assert table.loc[1, "What and when"] == (
        "Thoughts of self-harm: 2026-11-20; Hopelessness (highest 3 of 3): 2026-11-16, "
        "2026-11-21 to 2026-11-22")
    assert table.loc[0, "What and when"] == "Feeling unable to stay safe: date unreadable"
    assert table.loc[0, "Notes"] == ("possible yes: answer unreadable, review; from a row "
                                      "that failed validation; entries.csv, row 9")
    assert table.loc[1, "Notes"] == ""


def test_scatter_one_point_per_client_with_both_numbers(summary):
    view = cl.adherence_vs_numbness(summary)
    points = {t: (x, y) for trace in view.figure.data
              for t, x, y in zip(trace.text, trace.x, trace.y, strict=True)}
    assert set(points) == {"A", "B", "C", "D", "E", "F", "G", "I", "J"}
    assert points["B"] == (pytest.approx(71.4), pytest.approx(-1.75))
    # H: one practice answer in the second half (< 3); K: no check-in; L: none in half 1
    assert "Not shown (3): H, K, L" in view.sentence
    assert "not proof" in view.sentence
    hover = {t: h[0] for trace in view.figure.data
             for t, h in zip(trace.text, trace.customdata, strict=True)}
    assert hover["B"].split("<br>") == [
        "<b>B</b>: adherence up, numbness easing",
        "practised 14% → 86% of answered days (first → second half)",
        "numbness -1.75 a week: going down",
        "micro-shifts +0.00 a week: no clear change",
        f"practice and micro-shifts, same day: {_row(summary, 'B')['link_same_day']}; "
        f"next day: {_row(summary, 'B')['link_next_day']}",
        "logged 28 of 28 days"]
    assert {trace.mode for trace in view.figure.data} == {"markers+text"}
    faded = cl.adherence_vs_numbness(summary, highlight="plan not kept")
    opacity = {trace.name: trace.marker.opacity for trace in faded.figure.data}
    assert opacity["plan not kept"] == 0.9 and opacity["numbness rising"] == 0.25


def test_scatter_names_dots_only_when_few(summary, monkeypatch):
    monkeypatch.setattr(cl, "MAX_NAMED", 3)
    view = cl.adherence_vs_numbness(summary)
    assert {trace.mode for trace in view.figure.data} == {"markers"}
    assert "With more than 3 clients the dots are not named" in view.sentence
    picked = cl.adherence_vs_numbness(summary, highlight="logs too little to say")  # I only
    modes = {trace.name: trace.mode for trace in picked.figure.data}
    assert modes.pop("logs too little to say") == "markers+text"
    assert set(modes.values()) == {"markers"}


def test_verdicts_too_little_and_patterns_counts(summary):
    verdicts = cl.verdicts(summary)
    for trace, column in zip(verdicts.figure.data, ("link_same_day", "link_next_day"),
                             strict=True):
        counts = summary[column].value_counts()
        assert dict(zip(trace.x, trace.y, strict=True)) == {
            v: int(counts.get(v, 0)) for v in trace.x}
        assert sum(trace.y) == len(summary)
    assert "not enough data yet" in verdicts.figure.data[0].x
    little = cl.too_little(summary)
    assert little.figure.data[0].cells.values[0] == ["H", "I", "K"]
    assert little.sentence.startswith("3 clients log too little")
    pats = cl.patterns(summary)
    assert list(pats.figure.data[0].y) == cl.pattern_names()
    assert sum(pats.figure.data[0].x) == len(summary)


def test_client_rows_in_words(summary):
    rows = cl.client_rows(summary).set_index("Client")
    assert rows.loc["A", "Practised (1st → 2nd half)"] == "14% → 86%"
    assert rows.loc["B", "Numbness, a week"] == "-1.75, going down"
    assert rows.loc["L", "Practised (1st → 2nd half)"] == "— → 50%"
    assert rows.loc["K", "Practised (1st → 2nd half)"] == "no practice answers"
    assert rows.loc["K", "Practice & micro-shifts: same day / next day"] == (
        "too few days / too few days")
    assert rows.loc["K", "Risk (last 14 days)"] == "⚠ 1"
    assert rows.loc["A", "Risk (last 14 days)"] == ""


def test_client_table_puts_risk_first_then_pattern_order(summary):
    view = cl.client_table(summary)
    assert view.figure.data[0].cells.values[0] == [
        "K", "H", "I", "D", "E", "A", "B", "C", "F", "G", "J", "L"]
    assert "all 12 clients" in view.sentence


def test_export_without_risk_questions_says_risk_cannot_be_ruled_out(tiny):
    from reconnect_analysis.tables import Tables

    quiet = Tables(entries=tiny.entries)
    view = cl.safety(quiet, start=START, end=END)
    assert view.figure is None and "Risk cannot be ruled out" in view.sentence


# ---------------------------------------------------------------------------- real caseloads


def _default_period(tables):
    return data.period(*data.default_weeks(data.client_weeks(tables)))


@pytest.fixture(scope="module")
def demo(demo_validated):
    tables = data.open_caseload(demo_validated).tables
    start, end = _default_period(tables)
    return tables, start, end, cl.client_summary(tables, start=start, end=end)


def test_demo_archetypes(demo):
    _tables, _start, _end, summary = demo
    c01, c05 = _row(summary, "C01"), _row(summary, "C05")
    assert c01["pattern"].startswith("adherence up")
    assert c01["numbness_verdict"] == "going down" and c01["link_next_day"] == "clear link"
    assert c05["pattern"] == "logs too little to say" and c05["reason"]
    assert _row(summary, "C03")["pattern"] == "numbness rising"  # medication blunting


def test_demo_risk_comes_first(demo):
    tables, start, end, summary = demo
    assert _row(summary, "C06")["risk_recent"] == 11
    views = cl.caseload_views(tables, summary, start=start, end=end)
    assert views[0].key == "safety" and "(C06)" in views[0].sentence
    assert views[0].figure.data[0].cells.values[1][0] == "Sun 22 Nov 2026"  # newest first


def test_mpath_export_without_cues_or_risks(mpath_validated):
    tables = data.open_caseload(mpath_validated).tables
    start, end = _default_period(tables)
    summary = cl.client_summary(tables, start=start, end=end)
    assert len(summary) == len(data.open_caseload(mpath_validated).client_ids)
    assert set(summary["link_same_day"]) == {cl.NOT_IN_EXPORT}
    assert set(summary["shift_verdict"]) == {cl.NOT_IN_EXPORT}
    assert set(cl.client_rows(summary)["Practised (1st → 2nd half)"]) == {
        "no practice answers"}
    assert summary["share_practised_first"].isna().all()
    assert not summary["pattern"].str.contains("adherence|practising|plan").any()
    views = cl.caseload_views(tables, summary, start=start, end=end)
    assert "Risk cannot be ruled out" in views[0].sentence
    assert views[2].figure is None and "no practice" in views[2].sentence
