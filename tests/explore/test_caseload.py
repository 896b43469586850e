"""The caseload summary: numbers on a hand-made caseload (also used by the patterns and
views tests), then the demo caseload (planted archetypes) and the m-Path export (no
cues, risks or fuel)."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis import metrics
from reconnect_analysis.explore import caseload as cl
from reconnect_analysis.explore import caseload_patterns as cp
from reconnect_analysis.explore import caseload_views as cv
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
        ("P", "2026-11-27", "hopelessness", "3", 11),              # plan not kept + risk
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
    "P": "risk answers: review first",       # 10 -> 2 (plan not kept) but a recent risk
    "M": "stopped logging",                  # 13 of 28 days, then 15 days of silence
    "A": "adherence up and shifts up",       # 2 -> 12 of 14, shifts 0 -> 1
    "B": "adherence up, numbness easing",    # 2 -> 12, numbness falling
    "C": "adherence up, shifts not yet",     # 2 -> 12, nothing else moves
    "D": "numbness rising",                  # 2 -> 12 but numbness rising: rising comes first
    "E": "plan not kept",                    # 10 -> 2
    "F": "practising, numbness easing",      # 10 -> 10 (71%), numbness falling
    "G": "numbness easing",                  # 5 -> 5 (36%), numbness falling
    "H": "logs too little to say",           # 8 logged days
    "I": "logs too little to say",           # 12 of 28 days
    "J": cp.NO_PATTERN,                      # 7 -> 7, flat
    "K": "risk answers: review first",       # risk answer only, no check-in
    "L": cp.NO_PATTERN,                      # logged but practice never answered in half 1
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
        # M: logged every day 2-14 Nov (13 days, enough for a trend), then silent
        "M": _client(_tokens(["5"] * 13 + ["."] * 15), _practice(7, 7)),
        "P": _client(FLAT, _practice(10, 2)),
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
    # this week against last week (the period's last two weeks): 8 - 0.25 x day
    assert b["numbness_week"] == pytest.approx(8 - 0.25 * 24)          # days 21-27: 2.0
    assert b["numbness_week_before"] == pytest.approx(8 - 0.25 * 17)   # days 14-20: 3.75
    assert (b["days_week"], b["days_week_before"]) == (7, 7)
    e = _row(summary, "E")
    assert e["practice_change"] == pytest.approx((2 - 10) / 14)      # -0.571
    # H: 8 logged days (days 0, 2, ..., 14) < 10 needed for a trend
    h = _row(summary, "H")
    assert h["days_logged"] == 8
    assert h["reason"] == ("only 8 days logged in the period; a trend needs at least 10; "
                           "no check-in for 13 days (last on Mon 16 Nov)")
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
    assert summary["risk_recent"].sum() == 2  # K, P; the unattributed one belongs to nobody


def test_silence_uses_the_client_explorer_rule(tiny, summary):
    # the export's last day is 29 Nov (= END): as_of; alert at 3 days or more
    assert (summary["as_of"] == END).all()
    h, i, m = (_row(summary, c) for c in "HIM")
    assert (h["last_checkin"], h["days_silent"], h["silent"]) == (
        pd.Timestamp("2026-11-16"), 13, True)
    assert (i["last_checkin"], i["days_silent"]) == (pd.Timestamp("2026-11-24"), 5)
    assert m["days_silent"] == 15 and m["silent"]
    assert not _row(summary, "A")["silent"] and _row(summary, "A")["days_silent"] == 0
    k = _row(summary, "K")  # risk answer only: no check-in at all, still listed as silent
    assert k["silent"] and pd.isna(k["last_checkin"])
    assert cl.silence_text(summary.set_index("client_id").loc[["M"]].reset_index()
                           .iloc[0]) == "No check-in for 15 days (last on Sat 14 Nov)"
    # the same numbers as the engine
    last = metrics.quality.last_checkin(tiny, as_of=END).set_index("client_id")
    assert int(last.loc["H", "days_since"]) == 13
    # weeks ending before the export's last day: silence counted up to their end
    early = cl.client_summary(tiny, start=START, end=pd.Timestamp("2026-11-15"))
    assert _row(early, "M")["days_silent"] == 1 and not _row(early, "M")["silent"]


def test_enough_data_counts_the_whole_period(tiny):
    # the same tables over 56 days (5 Oct - 29 Nov): M's 13 logged days are 23% of the period
    # (< a third), so M logs too little, and the reason says since when M is silent
    longer = cl.client_summary(tiny, start=pd.Timestamp("2026-10-05"), end=END)
    m = _row(longer, "M")
    assert not m["enough_data"] and m["pattern"] == "logs too little to say"
    assert m["reason"] == ("logged only 13 of the 56 days of this period (23%, fewer than a "
                           "third); a short stretch of logging says nothing about the rest of "
                           "the period; no check-in for 15 days (last on Sat 14 Nov)")
    assert _row(longer, "A")["enough_data"]  # 28 of 56: half the period


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
    assert c05["silent"] and c05["days_silent"] >= 3  # went quiet: named in Safety first
    assert _row(summary, "C06")["pattern"] == "risk answers: review first"
    assert _row(summary, "C03")["pattern"] == "numbness rising"  # medication blunting


def test_mpath_export_without_cues_or_risks(mpath_validated):
    tables = data.open_caseload(mpath_validated).tables
    start, end = _default_period(tables)
    summary = cl.client_summary(tables, start=start, end=end)
    assert len(summary) == len(data.open_caseload(mpath_validated).client_ids)
    assert set(summary["link_same_day"]) == {cl.NOT_IN_EXPORT}
    assert set(summary["shift_verdict"]) == {cl.NOT_IN_EXPORT}
    assert set(cv.client_rows(summary)["Practised (1st → 2nd half)"]) == {
        "no practice answers"}
    assert summary["share_practised_first"].isna().all()
    assert not summary["pattern"].str.contains("adherence|practising|plan").any()
    # a burst of 10-11 days, then weeks of silence, is not enough to read a trend (review 6)
    assert not summary["enough_data"].any()
    assert summary["silent"].sum() >= 16
    views = cv.caseload_views(tables, summary, start=start, end=end)
    assert "Risk cannot be ruled out" in views[0].sentence
    assert views[1].key == "silence" and views[1].figure is not None
    assert views[3].key == "verdicts" and "no practice" in views[3].sentence
