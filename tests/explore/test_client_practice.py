"""The one-client practice views: practice by cue and day, micro-shifts and practice,
which cue goes with micro-shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reconnect_analysis import metrics
from reconnect_analysis import tables as tables_mod
from reconnect_analysis.explore import client_practice
from reconnect_analysis.report import sections
from reconnect_analysis.tables import Tables
from tests.explore.test_client_views import END, START, tiny

# ------------------------------------------------------------------------ cue by day

def test_practice_states_keep_not_logged_and_not_answered_apart():
    states = client_practice.practice_states(tiny(), "T1", START, END)
    grid = states.pivot(index="cue", columns="date", values="state")
    assert grid.loc["body"].tolist() == ["done", "not done", "not logged", "not answered",
                                         "done", "not logged", "not answered"]
    assert grid.loc["any"].tolist() == ["done", "not done", "not logged", "not answered",
                                        "done", "not logged", "done"]


def test_practice_shares_by_hand_and_against_adherence_weekly():
    shares = client_practice.practice_shares(
        client_practice.practice_states(tiny(), "T1", START, END))
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
    view = client_practice.cue_days(tiny(), "T1", START, END)
    assert view.sentence == (
        "Look for the cue that keeps slipping. Share of answered days practised: "
        "body (movement) 2 of 3 (67%); sensory 1 of 4 (25%); connection 2 of 3 (67%); "
        "meaning 0 of 3 (0%). Most kept: body (movement) and connection (67%). Any cue: 3 of "
        "4 answered days. 2 of 7 days not logged: shown apart, never counted as missed.")
    heat = view.figure.data[0]
    assert list(heat.y) == ["body", "sensory", "connection", "meaning", "any cue"]
    assert heat.z[0] == [0, 1, 3, 2, 0, 3, 2]  # done, not done, not logged, not answered
    assert list(heat.colorbar.ticktext) == list(client_practice.STATES)
    assert len(set(client_practice.STATE_COLOURS)) == 4


def test_cue_views_without_practice_questions_have_no_figure():
    entries = tiny().entries.drop(columns=[c for c in tiny().entries if c.startswith("cue_")])
    tables = Tables(entries=entries)
    for view in (client_practice.cue_days(tables, "T1", START, END),
                 client_practice.cue_response(tables, "T1", START, END)):
        assert view.figure is None
        assert sections.NO_PRACTICE in view.sentence


# ------------------------------------------------------------ micro-shifts and practice

LINK_ROW = {"lag": 1, "verdict": "clear link", "rho": 0.8056, "level": 0.95,
            "ci_low": 0.6768, "ci_high": 0.8866, "n_days": 51}


def test_link_phrase_in_words():
    assert client_practice.link_phrase(LINK_ROW) == (
        "Next day: clear link (rank correlation +0.81, 95% interval +0.68 to +0.89, 51 days)")
    assert client_practice.link_phrase({**LINK_ROW, "lag": 0, "verdict": "not enough data yet",
                               "rho": np.nan, "n_days": 9}) == (
        "Same day: not enough data yet (9 days with both answers)")


def test_shifts_practice_marks_practice_days_and_names_both_lags():
    view = client_practice.shifts_practice(tiny(), "T1", START, END)
    names = [t.name for t in view.figure.data]
    practice = view.figure.data[names.index("score on a practice day")]
    # practice (any cue) on Mon, Fri, Sun; shift scores 10*1/2, 10*1/2, 0
    assert list(practice.x) == ["2026-11-16", "2026-11-20", "2026-11-22"]
    assert list(practice.y) == [5.0, 5.0, 0.0]
    without = view.figure.data[names.index("score on a day without practice")]
    assert list(without.x) == ["2026-11-17"]
    note = view.figure.layout.annotations[0].text
    assert "Same day: not enough data yet" in note and "Next day: not enough data yet" in note
    assert ("Not enough data yet to say whether days with practice go with micro-shifts the "
            "same day (4 days with both answers).") in view.sentence
    # by hand: practice answered and a score on Mon, Tue, Fri, Sun; next day only Mon -> Tue
    assert "micro-shifts the next day (1 day with both answers)." in view.sentence
    assert "share of the micro-shift signs the client ticked that day, 0 = none, 10 = all" \
        in view.sentence
    assert "share of signs ticked" in view.figure.layout.yaxis.title.text
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


def test_clearest_cue_only_when_it_stands_apart_from_every_other_cue():
    # two clear links on each day (sensory and connection): no cue stands apart, however
    # much larger one correlation is
    assert client_practice.clearest_cue(_link_frame()) is None
    assert client_practice.clearest_cue(_link_frame().assign(verdict="no clear link")) is None
    # next day: connection drops to possible, so sensory is the only clear link there
    link = _link_frame()
    link.loc[(link["cue"] == "connection") & (link["lag"] == 1), "verdict"] = "possible link"
    best = client_practice.clearest_cue(link)
    assert (best["cue"], best["lag"]) == ("sensory", 1)
    # the only possible link among "no clear link" cues stands apart too; "any" does not count
    only = _link_frame().assign(verdict="no clear link")
    only.loc[(only["cue"] == "body") & (only["lag"] == 0), "verdict"] = "possible link"
    only.loc[only["cue"] == "any", "verdict"] = "clear link"
    best = client_practice.clearest_cue(only)
    assert (best["cue"], best["lag"]) == ("body", 0)


def test_plain_link_leads_with_words_and_leaves_numbers_out():
    row = {**LINK_ROW, "cue": "any", "level": 0.9875}
    assert client_practice.plain_link(row) == (
        "Days with practice were usually followed by more micro-shifts the next day (a clear "
        "link in the log, 51 days).")
    assert client_practice.plain_link({**row, "cue": "body", "lag": 0, "rho": -0.4,
                                       "verdict": "possible link", "n_days": 30}) == (
        "Days with body (movement) practice often came with fewer micro-shifts the same day "
        "(a possible link in the log, not a clear one; 30 days).")
    assert client_practice.plain_link({**row, "verdict": "no clear link", "rho": 0.05}) == (
        "Days with practice were followed by neither clearly more nor clearly fewer "
        "micro-shifts the next day (no clear link in the log, 51 days).")
    assert client_practice.plain_link({**row, "verdict": "not enough data yet",
                                       "rho": np.nan, "n_days": 9}) == (
        "Not enough data yet to say whether days with practice go with micro-shifts the next "
        "day (9 days with both answers).")
    for verdict in ("clear link", "possible link", "no clear link"):
        text = client_practice.plain_link({**row, "verdict": verdict})
        assert "%" not in text and "0.8" not in text and "rank correlation" not in text


def test_cue_response_forest_shows_each_interval_coloured_by_verdict():
    link = _link_frame()
    view = client_practice.cue_response(tiny(), "T1", START, END, link=link)
    # two clear links on each day: the log cannot tell which cue matters; "any" has no link
    assert "No single cue stands apart from the others, so the log cannot tell which one " \
        "matters (cues done on the same days cannot be told apart). This is a link" \
        in view.sentence
    assert "Clearest cue" not in view.sentence and "%" not in view.sentence
    # "any" with a clear next-day link: practice in general goes with more micro-shifts
    general = client_practice.cue_response(tiny(), "T1", START, END, link=link.assign(
        verdict=np.where(link["cue"] == "any", "clear link", link["verdict"]),
        rho=np.where(link["cue"] == "any", 0.8, link["rho"])))
    assert ("cannot be told apart). Practice in general goes with more "
            "micro-shifts: days with practice were usually followed by more micro-shifts the "
            "next day (a clear link in the log, 30 days).") in general.sentence
    # one cue apart: named, in plain words
    apart = link.copy()
    apart.loc[(apart["cue"] == "connection") & (apart["lag"] == 1), "verdict"] = "possible link"
    named = client_practice.cue_response(tiny(), "T1", START, END, link=apart)
    assert ("Clearest cue: sensory (next day), the only cue with a link this clear. Days with "
            "sensory practice were usually followed by more micro-shifts the next day (a clear "
            "link in the log, 30 days).") in named.sentence
    traces = {t.name: t for t in view.figure.data}
    clear = traces["clear link"]
    assert list(clear.x) == [0.2, 0.0, 0.45, -0.5]
    assert list(clear.error_x.array) == pytest.approx([0.2] * 4)
    assert list(clear.error_x.arrayminus) == pytest.approx([0.2] * 4)
    assert clear.marker.color == client_practice.VERDICT_COLOURS["clear link"]
    assert len(traces["not enough data yet (no value)"].y) == 2
    none = client_practice.cue_response(tiny(), "T1", START, END, link=link.assign(
        verdict=np.where(link["cue"] == "meaning", "not enough data yet", "no clear link")))
    assert none.sentence.endswith("No cue shows a clear link with micro-shifts in these weeks "
                                  "(for some, too few days to say yet).")
    settled = client_practice.cue_response(tiny(), "T1", START, END, link=link.assign(
        verdict="no clear link", rho=0.1))
    assert settled.sentence.endswith("No cue shows a clear link with micro-shifts in these "
                                     "weeks.")


# --------------------------------------------------------------------- saved tables

def test_tables_round_trip_keeps_views(tmp_path):
    folder = tables_mod.save(tiny(), tmp_path / "validated")
    again = tables_mod.load(folder)
    assert (client_practice.cue_days(again, "T1", START, END).sentence
            == client_practice.cue_days(tiny(), "T1", START, END).sentence)


def test_links_start_with_the_too_few_days_warning():
    # tiny(): T1 logged 5 of 7 days, fewer than the 10 a trend or link needs
    for view in (client_practice.shifts_practice(tiny(), "T1", START, END),
                 client_practice.cue_response(tiny(), "T1", START, END, link=_link_frame())):
        assert view.sentence.startswith(
            "T1 logged 5 of 7 days in these weeks: too few to read trends or links; any link "
            "below is not enough data yet. ")
