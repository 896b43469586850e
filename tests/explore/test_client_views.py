"""The one-client views: numbers and sentences on hand-made tiny tables, then the demo
archetypes (C01 next-day link, C06 risks first, C05 sparse logging) and the m-Path export
(no practice, risk or fuel questions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis import metrics
from reconnect_analysis import tables as tables_mod
from reconnect_analysis.explore import client, data
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
    assert client.title("C03", "shifts_practice") == "C03 · Micro-shifts and practice"


def test_every_view_and_figure_title_starts_with_the_client_id():
    views = client.client_views(tiny(), "T1", START, END)
    assert [v.key for v in views] == list(client.VIEW_KEYS)
    for view in views:
        assert view.title.startswith("T1 · ")
        if view.figure is not None:
            assert view.figure.layout.title.text == view.title


# ----------------------------------------------------------------------------- safety

def _risks() -> pd.DataFrame:
    return pd.DataFrame({
        "client_id": ["T1", "T1", "T1", "T1", "T2", None],
        "date": pd.to_datetime(["2026-11-10", "2026-11-18", "2026-11-25", None,
                                "2026-11-18", "2026-11-18"]),
        "field": ["self_harm_thoughts", "flag_dissociation", "hopelessness", "unsafe",
                  "unsafe", "unsafe"],
        "value": ["true", "true", "3", "<script>alert(1)</script>", "true", "true"],
        "status": ["positive", "positive", "positive", "possible_positive", "positive",
                   "positive"],
        "from_quarantine": [False, False, False, True, False, False],
        "source_file": ["e.csv"] * 6, "source_row": [2, 5, 9, 11, 3, 4],
    })


def test_risk_table_keeps_every_row_newest_first_and_marks_the_chosen_weeks():
    tables = Tables(entries=tiny().entries, risks=_risks())
    rows = client.risk_table(tables, "T1", START, END)
    # undated first, then 25 Nov (after), 18 Nov (in), 10 Nov (before); T2 and the
    # unattributed row are not T1's
    assert rows["when"].tolist() == ["date unreadable", "after the chosen weeks",
                                     "in the chosen weeks", "before the chosen weeks"]
    assert rows["what"].tolist() == ["Feeling unable to stay safe", "Hopelessness",
                                     "Severe dissociation (losing time, feeling unreal)",
                                     "Thoughts of self-harm"]
    assert rows["value_text"].tolist()[1:] == ["3 of 3", "yes", "yes"]
    assert rows["status"].iloc[0] == ("answer could not be read: treat as yes; "
                                      "from a row set aside by validation")


def test_safety_view_counts_rows_by_period_and_escapes_client_text():
    tables = Tables(entries=tiny().entries, risks=_risks())
    view = client.safety(tables, "T1", START, END)
    assert view.sentence.startswith(
        "⚠ 4 risk answers or red flags logged by T1, newest first: 1 in the chosen weeks "
        "(16 Nov – 22 Nov 2026), 1 after them, 1 with an unreadable date (listed first). "
        "Review them before anything else.")
    assert "1 risk answer in this export could not be tied to any client" in view.sentence
    # no risk columns in the entries, but answered questions were asked: only the others
    # are named as not asked
    assert (" Not asked in this export: Psychotic symptoms; Unable to care for self; "
            "Numbness after head injury / new neurological symptoms. These cannot be ruled "
            "out from it.") in view.sentence
    cells = view.figure.data[0].cells.values
    assert len(cells[0]) == 4
    assert "<script>" not in str(cells) and "&lt;script&gt;" in str(cells)
    # the chosen-weeks row and the undated row are highlighted
    assert view.figure.data[0].cells.fill.color[0] == ["#fde2e1", "white", "#fde2e1", "white"]


def test_safety_warns_when_the_client_went_quiet_before_the_export_ends():
    entries = pd.concat([tiny().entries.iloc[:3],  # T1's last check-in: Thu 19 Nov
                         tiny().entries.iloc[[4]].assign(client_id="T2")])  # export: Sun 22
    view = client.safety(Tables(entries=entries), "T1", START, END)
    # 22 - 19 = 3 days >= missing_checkin_alert_days (3)
    assert view.sentence.endswith(
        " No check-in for the last 3 days of the export: the last one was on Thu 19 Nov 2026 "
        "(the export runs to Sun 22 Nov 2026). Silence can hide risk; consider reaching out.")
    quiet = client.safety(Tables(entries=tiny().entries), "T1", START, END)
    assert "Silence" not in quiet.sentence


def test_safety_without_risk_questions_says_risk_cannot_be_ruled_out():
    view = client.safety(tiny(), "T1", START, END)
    assert view.sentence.startswith(
        "This export asks no risk questions: risk cannot be ruled out from it.")
    assert view.figure is None


def test_safety_with_some_questions_and_no_answers_names_the_ones_not_asked():
    tables = tiny(self_harm_thoughts=_bool([False] * 5))
    view = client.safety(tables, "T1", START, END)
    assert view.sentence.startswith("No risk answers or red flags logged by T1 in the whole "
                                    "record among the questions this export asks.")
    assert "Not asked in this export:" in view.sentence
    assert "cannot be ruled out" in view.sentence


# ------------------------------------------------------------------------ cue by day

def test_practice_states_keep_not_logged_and_not_answered_apart():
    states = client.practice_states(tiny(), "T1", START, END)
    grid = states.pivot(index="cue", columns="date", values="state")
    assert grid.loc["body"].tolist() == ["done", "not done", "not logged", "not answered",
                                         "done", "not logged", "not answered"]
    assert grid.loc["any"].tolist() == ["done", "not done", "not logged", "not answered",
                                        "done", "not logged", "done"]


def test_practice_shares_by_hand_and_against_adherence_weekly():
    shares = client.practice_shares(client.practice_states(tiny(), "T1", START, END))
    shares = shares.set_index("cue")
    # body 2 of 3 answered, sensory 1 of 4, connection 2 of 3, meaning 0 of 3, any 3 of 4
    assert shares["days_done"].tolist() == [2, 1, 2, 0, 3]
    assert shares["days_answered"].tolist() == [3, 4, 3, 3, 4]
    assert shares["days_not_logged"].tolist() == [2] * 5
    weekly = metrics.adherence.weekly(tiny(), start=START, end=END).set_index("cue")
    assert weekly.loc[shares.index, "days_practised"].tolist() == shares["days_done"].tolist()
    assert weekly.loc[shares.index, "days_answered"].tolist() == \
        shares["days_answered"].tolist()


def test_cue_days_sentence_and_four_distinct_cell_colours():
    view = client.cue_days(tiny(), "T1", START, END)
    assert view.sentence == (
        "Look for the cue that keeps slipping. Share of answered days practised: "
        "body (movement) 2 of 3 (67%); sensory 1 of 4 (25%); connection 2 of 3 (67%); "
        "meaning 0 of 3 (0%). Most kept: body (movement) and connection (67%). Any cue: 3 of "
        "4 answered days. 2 of 7 days not logged: shown apart, never counted as missed.")
    heat = view.figure.data[0]
    assert list(heat.y) == ["body", "sensory", "connection", "meaning", "any cue"]
    assert heat.z[0] == [0, 1, 3, 2, 0, 3, 2]  # done, not done, not logged, not answered
    assert list(heat.colorbar.ticktext) == list(client.STATES)
    assert len(set(client.STATE_COLOURS)) == 4


def test_cue_views_without_practice_questions_have_no_figure():
    entries = tiny().entries.drop(columns=[c for c in tiny().entries if c.startswith("cue_")])
    tables = Tables(entries=entries)
    for view in (client.cue_days(tables, "T1", START, END),
                 client.cue_response(tables, "T1", START, END)):
        assert view.figure is None
        assert sections.NO_PRACTICE in view.sentence


# ------------------------------------------------------------ micro-shifts and practice

LINK_ROW = {"lag": 1, "verdict": "clear link", "rho": 0.8056, "level": 0.95,
            "ci_low": 0.6768, "ci_high": 0.8866, "n_days": 51}


def test_link_phrase_in_words():
    assert client.link_phrase(LINK_ROW) == (
        "Next day: clear link (rank correlation +0.81, 95% interval +0.68 to +0.89, 51 days)")
    assert client.link_phrase({**LINK_ROW, "lag": 0, "verdict": "not enough data yet",
                               "rho": np.nan, "n_days": 9}) == (
        "Same day: not enough data yet (9 days with both answers)")


def test_shifts_practice_marks_practice_days_and_names_both_lags():
    view = client.shifts_practice(tiny(), "T1", START, END)
    names = [t.name for t in view.figure.data]
    practice = view.figure.data[names.index("score on a practice day")]
    # practice (any cue) on Mon, Fri, Sun; shift scores 10*1/2, 10*1/2, 0
    assert list(practice.x) == ["2026-11-16", "2026-11-20", "2026-11-22"]
    assert list(practice.y) == [5.0, 5.0, 0.0]
    without = view.figure.data[names.index("score on a day without practice")]
    assert list(without.x) == ["2026-11-17"]
    note = view.figure.layout.annotations[0].text
    assert "Same day: not enough data yet" in note and "Next day: not enough data yet" in note
    assert ("Not enough data yet to say whether any cue practice goes with micro-shifts on "
            "the same day") in view.sentence
    assert "rho" not in view.sentence


# ------------------------------------------------------------------- per-cue response

def _link_frame() -> pd.DataFrame:
    rows = []
    for lag in (0, 1):
        for cue, verdict, rho in (("any", "no clear link", 0.1), ("body", "possible link", 0.3),
                                  ("sensory", "clear link", 0.45 if lag else 0.2),
                                  ("connection", "clear link", -0.5 if lag else 0.0),
                                  ("meaning", "not enough data yet", np.nan)):
            rows.append({"client_id": "T1", "cue": cue, "lag": lag, "n_days": 30,
                         "rho": rho, "ci_low": rho - 0.2, "ci_high": rho + 0.2,
                         "level": 0.95 if cue == "any" else 0.9875, "verdict": verdict,
                         "sentence": f"sentence {cue} {lag} (rho {rho:+.2f}, ...)."})
    return pd.DataFrame(rows)


def test_clearest_cue_prefers_clear_then_largest_size():
    best = client.clearest_cue(_link_frame())
    # clear links: sensory 0.2 (same day), connection 0.0 (same day), sensory 0.45,
    # connection -0.5 (next day): the largest size is connection next day
    assert (best["cue"], best["lag"]) == ("connection", 1)
    assert client.clearest_cue(_link_frame().assign(verdict="no clear link")) is None


def test_cue_response_forest_shows_each_interval_coloured_by_verdict():
    link = _link_frame()
    view = client.cue_response(tiny(), "T1", START, END, link=link)
    assert "Clearest cue: connection (next day). sentence connection 1 (rank correlation " \
        "-0.50, ...)." in view.sentence
    traces = {t.name: t for t in view.figure.data}
    clear = traces["clear link"]
    assert list(clear.x) == [0.2, 0.0, 0.45, -0.5]
    assert list(clear.error_x.array) == pytest.approx([0.2] * 4)
    assert list(clear.error_x.arrayminus) == pytest.approx([0.2] * 4)
    assert clear.marker.color == client.VERDICT_COLOURS["clear link"]
    assert len(traces["not enough data yet (no value)"].y) == 2
    none = client.cue_response(tiny(), "T1", START, END, link=link.assign(
        verdict=np.where(link["cue"] == "meaning", "not enough data yet", "no clear link")))
    assert none.sentence.endswith("No cue shows a clear link with micro-shifts in these weeks "
                                  "(for some, too few days to say yet).")
    settled = client.cue_response(tiny(), "T1", START, END, link=link.assign(
        verdict="no clear link", rho=0.1))
    assert settled.sentence.endswith("No cue shows a clear link with micro-shifts in these "
                                     "weeks.")


# ----------------------------------------------------------------------------- numbness

def test_numbness_episodes_threshold_events_and_sentence():
    events = pd.DataFrame({"client_id": ["T1", "T1"],
                           "date": pd.to_datetime(["2026-11-18", "2026-10-01"]),
                           "kind": ["medication_dose_change", "lever_start"],
                           "detail": ["<b>50 mg to 100 mg</b>", "walk"]})
    tables = Tables(entries=tiny().entries, events=events)
    view = client.numbness(tables, "T1", START, END)
    # numb days (>= 5): Mon 6, Thu 5, Fri 7; Tue 4 ends the first episode, Sun 3 the second
    rects = [s for s in view.figure.layout.shapes if s.type == "rect"]
    # each band covers whole days (noon to noon), so the one-day episode is visible
    assert [(r.x0, r.x1) for r in rects] == [("2026-11-15 12:00", "2026-11-16 12:00"),
                                            ("2026-11-18 12:00", "2026-11-20 12:00")]
    lines = [s for s in view.figure.layout.shapes if s.type == "line"]
    assert any(s.y0 == 5 and s.y1 == 5 for s in lines)  # the threshold
    assert sum(s.x0 == "2026-11-18" for s in lines) == 1  # the event inside the weeks only
    assert ("Numb on 3 of 5 days logged in the 14 days to 22 Nov; too few days to say "
            "whether numbness is persistent") in view.sentence
    assert "Marked: medication dose change (<b>50 mg to 100 mg</b>) on 18 Nov." in \
        view.sentence
    assert "prescriber" in view.sentence
    hover = [t for t in view.figure.data if t.name == "events"][0].text
    assert "&lt;b&gt;" in hover[0]


# --------------------------------------------------------------------------------- fuel

def _fuel_tables() -> Tables:
    days = pd.to_datetime(["2026-11-09", "2026-11-10", "2026-11-11",
                           "2026-11-16", "2026-11-17", "2026-11-18"])
    return Tables(entries=pd.DataFrame({
        "client_id": ["T1"] * 6, "date": days, "numbness": [5.0] * 6,
        "wake_time": ["07:00", "08:00", "09:00", "07:00", "07:00", "07:30"],
        "alcohol_drinks": [2.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    }))


def test_fuel_change_by_hand():
    weeks = metrics.fuel.weekly(_fuel_tables())
    change = client.fuel_change(weeks)
    # wake spread: SD(420, 480, 540) = 60 min, SD(420, 420, 450) = 17.3 min -> 42.7 / 90
    # = 0.47; alcohol days 2 -> 0 -> 2 / 7 = 0.29: wake spread changed most
    assert change["measure"] == "wake_time_sd_min"
    assert change["first"] == pytest.approx(60.0)
    assert change["last"] == pytest.approx(np.std([420, 420, 450], ddof=1))
    assert change["size"] == pytest.approx((60 - np.std([420, 420, 450], ddof=1)) / 90)


def test_fuel_view_sentence_and_bars():
    view = client.fuel(_fuel_tables(), "T1", pd.Timestamp("2026-11-09"), END)
    assert view.sentence.endswith("Changed most: spread of wake times, 60 min in the week of "
                                  "9 Nov (3 days logged) against 17 min in the week of 16 Nov "
                                  "(3 days logged).")
    bars = [t for t in view.figure.data if t.name == "alcohol"]
    assert list(bars[0].y) == [2, 0]
    # fields the export does not carry are not drawn as zero bars
    assert not [t for t in view.figure.data if t.name == "cannabis"]


def test_fuel_without_fuel_fields():
    view = client.fuel(tiny(), "T1", START, END)
    assert view.figure is None and view.sentence == client.NO_FUEL


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
    assert "tend to be followed by more micro-shifts the next day" in view.sentence
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
    assert "Clearest cue:" in views["cue_response"].sentence
    assert "(next day)" in views["cue_response"].sentence


def test_demo_c06_risks_come_first_even_when_the_weeks_are_earlier(demo):
    weeks = data.client_weeks(demo.tables, "C06")
    start, end = data.period(weeks[0], weeks[1])
    views = client.client_views(demo.tables, "C06", start, end)
    first = views[0]
    assert first.key == "safety" and first.figure is not None
    n = len(metrics.safety.risks(demo.tables.for_client("C06")))
    assert n == 11
    assert len(first.figure.data[0].cells.values[0]) == n
    assert f"⚠ {n} risk answers or red flags logged by C06" in first.sentence
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
    assert "too few days to say whether numbness is persistent" in views["numbness"].sentence
    assert "Silence can hide risk" in views["safety"].sentence  # never logs the last days


def test_mpath_export_without_cue_risk_or_fuel_data(mpath_validated):
    caseload = data.open_caseload(mpath_validated)
    client_id = caseload.client_ids[0]
    views = {v.key: v for v in client.client_views(caseload.tables, client_id)}
    assert views["safety"].sentence.startswith(client.NO_RISK_QUESTIONS)
    for key in ("cue_days", "shifts_practice", "cue_response", "fuel"):
        assert views[key].figure is None, key
    assert sections.NO_PRACTICE in views["cue_days"].sentence
    assert views["fuel"].sentence == client.NO_FUEL
    assert views["numbness"].figure is not None
    assert views["numbness"].figure.layout.title.text.startswith(f"{client_id} · ")


def test_views_accept_one_client_or_the_whole_caseload(demo):
    start, end = _default_period(demo.tables, "C03")
    whole = client.client_views(demo.tables, "C03", start, end)
    one = client.client_views(demo.tables.for_client("C03"), "C03", start, end)
    assert [v.sentence for v in whole] == [v.sentence for v in one]


def test_tables_round_trip_keeps_views(tmp_path):
    folder = tables_mod.save(tiny(), tmp_path / "validated")
    again = tables_mod.load(folder)
    assert (client.cue_days(again, "T1", START, END).sentence
            == client.cue_days(tiny(), "T1", START, END).sentence)
