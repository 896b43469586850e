"""Section HTML (escaping at the source) and the renderer's second layer (allowlist)."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from handmade import INJECTED, make_tables

from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import render, sections

WEEK_MON, WEEK_SUN = pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-22")


def ctx(**settings):
    return sections.ReportContext(
        client_id="R-7", week="2026-W47", monday=WEEK_MON, sunday=WEEK_SUN,
        settings=sections.make_settings(settings), tables=make_tables().for_client("R-7"),
        validated_path="x")


def test_esc_and_note_text_make_markup_inert():
    assert sections.esc(INJECTED) == (
        "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x "
        "onerror=&quot;window.__pwned=1&quot;&gt; &amp; &quot;ok&quot;")
    assert sections.esc("a\x1b[31mred\x00") == "a[31mred"  # control characters removed
    long = sections.note_text("x" * 700)
    assert long == "x" * 600 + " … [cut: 100 more characters]"
    assert sections.note_text(None) == ""


def test_table_escapes_every_cell_and_header():
    frame = pd.DataFrame({"a": ["<b>x</b>"], "n": [1.5]})
    html = sections.table(frame, {"a": "A<", "n": "N"}, numeric=("n",), caption="c&")
    assert html == ('<table class="rc-table "><caption>c&amp;</caption><thead><tr>'
                    '<th scope="col">A&lt;</th><th scope="col" class="rc-num">N</th></tr>'
                    '</thead><tbody><tr><td>&lt;b&gt;x&lt;/b&gt;</td>'
                    '<td class="rc-num">1.5</td></tr></tbody></table>')


def test_risk_rows_window_order_new_flag_and_quarantine_badge():
    risks = pd.DataFrame({
        "date": pd.to_datetime(["2026-09-01", "2026-11-05", "2026-11-17", None, "2026-11-16"]),
        "field": ["unsafe", "hopelessness", "self_harm_thoughts", "flag_psychotic", "unsafe"],
        "value": ["true", "3", "true", "true", "Y?"],
        "status": ["positive", "positive", "positive", "positive", "possible_positive"],
        "from_quarantine": [False, False, False, True, True]})
    rows = sections.risk_rows(risks, ctx())
    # window = 8 weeks to Sunday 22 Nov: from Monday 28 Sep; 1 Sep is outside
    assert rows["field"].tolist() == ["flag_psychotic", "self_harm_thoughts", "unsafe",
                                      "hopelessness"]  # undated first, then newest first
    assert rows["new_this_week"].tolist() == [True, True, True, False]
    assert rows["value_text"].tolist() == ["yes", "yes", "Y?", "3 of 3"]
    assert "date unreadable" in rows["badge"][0] and "failed validation" in rows["badge"][0]
    assert "possible yes" in rows["badge"][2]
    assert rows["badge"][3] == '<span class="rc-muted">earlier</span>'
    # a shorter window (2 weeks: from 9 Nov) drops 5 Nov
    assert len(sections.risk_rows(risks, ctx(risk_window_weeks=2))) == 3


def _ctx_with(entries_columns, screen_columns=()):
    base = ctx()
    entries = pd.DataFrame(columns=["client_id", "date", "numbness", *entries_columns])
    screen = pd.DataFrame(columns=list(screen_columns))
    tables = sections.Tables(entries=entries, weekly_screen=screen)
    return sections.replace(base, tables=tables)


ALL_RISK = list(sections.DAILY_RISK_FIELDS)
GREEN = 'class="rc-section rc-safety rc-clear"'


def test_safety_section_says_none_reported_and_warns_about_silence():
    quiet = pd.DataFrame([{"last_logged": WEEK_SUN, "days_since": 0, "alert": False}])
    html = sections.safety(pd.DataFrame(), ctx=_ctx_with(ALL_RISK), checkin=quiet)
    assert html.startswith('<section id="rc-safety"')
    assert "None reported:" in html and GREEN in html and "rc-warning" not in html
    # a check-in gap: the warning shows and the box is no longer green
    checkin = pd.DataFrame([{"last_logged": pd.Timestamp("2026-11-18"), "days_since": 4,
                             "alert": True}])
    html = sections.safety(pd.DataFrame(), ctx=_ctx_with(ALL_RISK), checkin=checkin)
    assert "No check-in for 4 days: the last one was on Wed 18 Nov 2026" in html
    assert GREEN not in html and "rc-unknown" in html
    assert "No check-in logged up to" in sections.safety(pd.DataFrame(), ctx=ctx(),
                                                         checkin=None)


def test_safety_section_never_green_when_the_export_asks_no_risk_questions():
    quiet = pd.DataFrame([{"last_logged": WEEK_SUN, "days_since": 0, "alert": False}])
    html = sections.safety(pd.DataFrame(), ctx=_ctx_with([]), checkin=quiet)
    assert GREEN not in html and "None reported" not in html
    assert "this export carries no risk questions" in html
    assert "risk cannot be ruled out" in html and "rc-warning" in html
    # some asked: says which are not, and stays amber
    html = sections.safety(pd.DataFrame(), ctx=_ctx_with(["self_harm_thoughts", "hopelessness"]),
                           checkin=quiet)
    assert "among the questions this export asks" in html and GREEN not in html
    assert "Not asked in this export: Felt unable to stay safe; Severe dissociation" in html
    assert "Thoughts of self-harm;" not in html
    # the weekly screen's risk columns count as asked (and cover their daily question)
    asked, not_asked = sections.risk_questions(sections.Tables(
        entries=pd.DataFrame(columns=["client_id"]),
        weekly_screen=pd.DataFrame(columns=["risk_self_harm"])))
    assert asked == ["risk_self_harm"] and "self_harm_thoughts" not in not_asked
    assert len(not_asked) == 6


def test_settings_overrides_round_trip_and_unknown_names_are_refused():
    assert sections.settings_overrides(DEFAULTS) == {}
    custom = sections.make_settings({"numb_threshold": 6.0})
    assert sections.settings_overrides(custom) == {"numb_threshold": 6.0}
    with pytest.raises(ReportError, match="unknown setting"):
        sections.make_settings({"rm_rf": 1})


def test_sanitize_keeps_our_markup_and_neutralises_anything_else():
    ours = ('<section id="rc-x" class="rc-section"><table class="rc-table"><tbody><tr>'
            '<td class="rc-num">1</td></tr></tbody></table></section>')
    assert render.sanitize(ours) == ours
    hostile = ('<p onclick="x()">a</p><script>window.__pwned=1</script>'
               '<img src=x onerror="window.__pwned=1"><a href="javascript:x()">l</a>')
    cleaned = render.sanitize(hostile)
    assert "<script" not in cleaned and "<img" not in cleaned and "<a " not in cleaned
    assert "onclick" not in cleaned and "&lt;script&gt;" in cleaned


def test_script_json_cannot_close_its_script_element():
    text = render.script_json({"t": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def _notebook(*outputs):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = list(outputs)
    notebook.cells = [cell]
    return notebook


def test_clean_outputs_drops_streams_and_marker_and_converts_charts():
    notebook = _notebook(
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: x is deprecated"),
        nbformat.v4.new_output("stream", name="stdout", text="log line"),
        nbformat.v4.new_output("display_data", data={"text/html": "<p onclick='x'>hi</p>"}),
        nbformat.v4.new_output("display_data", data={
            render.CHART_MIME: {"data": [{"y": [1]}], "layout": {}},
            "text/plain": "A caption <b>."}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.reconnect.complete+json": {"token": "t"}, "text/plain": "done"}),
    )
    cleaned, dropped = render.clean_outputs(notebook)
    html = [o["data"]["text/html"] for o in cleaned.cells[0].outputs]
    assert dropped == {"stdout": 1, "stderr": 1, "other": 0}
    assert html[0] == "<p>hi</p>"
    assert html[1].startswith('<figure class="rc-figure"><div class="rc-chart" id="rc-chart-01"')
    assert "<figcaption>A caption &lt;b&gt;.</figcaption>" in html[1]
    assert len(html) == 2
    assert notebook.cells[0].outputs[0]["name"] == "stderr"  # input not modified


@pytest.mark.parametrize("text", ["Traceback (most recent call last):\n  ...",
                                  "ValueError: bad", "note\nERROR root: lost a row"])
def test_an_error_on_stderr_is_never_silently_dropped(text):
    notebook = _notebook(nbformat.v4.new_output("stream", name="stderr", text=text))
    with pytest.raises(ReportError) as info:
        render.clean_outputs(notebook)
    assert info.value.reason == "cell_error"


def test_data_quality_counts_distinct_set_aside_rows_of_this_client():
    quarantine = pd.DataFrame({
        "source_file": ["e.csv"] * 6,
        "source_row": [5, 5, 8, 9, 9, 12],
        "client_id": ["R-7", "R-7", "R-7", "R-7", "R-7", "C01"],
        "table": ["entries"] * 6,
        "column": ["numbness", "arousal", "date", "sleep_hours", "wake_time", "numbness"],
        "value": ["x", "y", "z", "?", "25:00", "q"],
        "reason": ["not_a_number:numbness", "out_of_range:arousal", "duplicate",
                   "not_a_number:sleep_hours", "bad_time:wake_time", "not_a_number:numbness"],
        "action": ["quarantine", "quarantine", "quarantine", "blank", "blank", "quarantine"]})
    base = ctx()
    tables = sections.replace(base.tables, quarantine=quarantine,
                              meta={"fixes": ["e.csv: trimmed spaces in 40 cells"]})
    html = sections.data_quality(pd.DataFrame(), ctx=sections.replace(base, tables=tables))
    assert "for this client: <strong>2 rows</strong>" in html  # rows 5 and 8, not 3 problems
    assert "numbness was not a number: 1; arousal was out of range: 1" not in html  # sorted
    assert "arousal was out of range: 1; duplicate entry: 1; numbness was not a number: 1" in html
    assert "2 cells for this client left blank" in html
    assert "sleep hours was not a number: 1" in html and "wake time was not a readable time" in html
    assert "not_a_number" not in html
    assert "whole export file (all clients, not only this one)" in html
    assert sections.reason_text("mystery_code") == "mystery code"


def test_sections_4_and_5_say_when_the_export_carries_no_practice_data():
    from reconnect_analysis.report import charts

    tables = sections.Tables(entries=pd.DataFrame(columns=["client_id", "date", "numbness"]))
    carries = sections.export_carries(tables)
    assert carries == {"practice": False, "shifts": False, "risk": False}
    assert sections.export_carries(make_tables()) == {"practice": True, "shifts": True,
                                                      "risk": True}
    block = pd.DataFrame([{"day_in_block": 2, "block_number": 2, "restarts": 0}])
    html = sections.adherence(pd.DataFrame(), block, carried=False)
    assert "carries no practice data" in html
    assert "Day <strong>" not in html and "restarting" not in html
    html = sections.association(pd.DataFrame(), confidence=0.95, carries=carries)
    assert "carries no practice data" in html and "carries no micro-shift data" in html
    assert "nothing to chart" in charts.adherence_weekly(pd.DataFrame(), carried=False).caption
    assert "nothing to chart" in charts.shifts(pd.DataFrame(), carried=False).caption


def test_section_5_leads_with_the_strongest_finding_like_the_summary():
    from reconnect_analysis.report import wording

    link = pd.DataFrame({
        "cue": ["any", "any"], "lag": [0, 1], "n_days": [30, 29], "rho": [0.05, 0.41],
        "ci_low": [-0.2, 0.15], "ci_high": [0.3, 0.6],
        "verdict": ["no clear link", "clear link"],
        "sentence": ["SAME: no clear link.", "NEXT: clear link on the next day."]})
    html = sections.association(link, confidence=0.95)
    assert html.index("NEXT: clear link") < html.index("<table")
    assert "SAME: no clear link" not in html
    assert "on the next day" in wording.link(link).text


def test_plain_words_plurals_and_the_arousal_caption_only_blames_shut_down_days():
    from reconnect_analysis.report import charts

    block = pd.DataFrame([{"day_in_block": 3, "block_number": 1, "streak_days": 1,
                           "longest_streak": 2, "restarts": 1, "days_practised_in_block": 2,
                           "days_logged_in_block": 3, "block_start": WEEK_MON}])
    html = sections.adherence(pd.DataFrame(), block)
    assert "current streak 1 day, longest 2 days" in html and "1 restart</strong>" in html
    assert "(s)" not in html
    link = pd.DataFrame({"cue": ["any"], "lag": [0], "n_days": [20], "rho": [0.1],
                         "ci_low": [-0.2], "ci_high": [0.4], "verdict": ["no clear link"],
                         "sentence": ["No clear link."]})
    html = sections.association(link, confidence=0.95)
    assert "Rank correlation (rho)" in html and "Rank corr." not in html
    assert "runs from -1 to +1" in html
    zones = pd.DataFrame({"zone": ["hypoarousal", "window", "hyperarousal"],
                          "days": [0, 7, 2], "days_with_arousal": [9, 9, 9]})
    caption = charts.arousal_zones(zones, period_text="in the last 14 days").caption
    assert "shut-down" not in caption and caption.endswith("window of tolerance.")
    zones["days"] = [3, 4, 2]
    caption = charts.arousal_zones(zones, period_text="in the last 14 days").caption
    assert "3 shut down; long runs in the shut-down zone keep numbness in place." in caption
    one = pd.DataFrame({"date": [pd.NaT], "field": ["unsafe"], "value": ["true"],
                        "status": ["positive"], "from_quarantine": [False]})
    assert "1 risk answer or red flag in" in sections.safety(one, ctx=ctx())


def test_import_fix_lines_show_reason_codes_in_plain_words():
    assert sections.plain_reasons("e.csv: 2 cells blanked (not_a_number:numbness, "
                                  "bad_time:wake_time)") == (
        "e.csv: 2 cells blanked (numbness was not a number, wake time was not a readable time)")
    assert sections.plain_reasons("time 12:30 kept; see: notes") == "time 12:30 kept; see: notes"
    base = ctx()
    tables = sections.replace(base.tables, meta={"fixes": ["1 cells blanked "
                                                           "(out_of_range:interest_pct)"]})
    html = sections.data_quality(pd.DataFrame(), ctx=sections.replace(base, tables=tables))
    assert "interest (%) was out of range" in html and "out_of_range" not in html
