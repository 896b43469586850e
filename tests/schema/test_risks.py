"""Risk rescue: no risk answer is lost, whatever happens to its row."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from click.testing import CliRunner

from reconnect_analysis.cli import cli
from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.schema import validate_export
from tests.schema.conftest import TODAY

OK = {"client_id": "C1", "date": "2026-11-16", "numbness": "5"}


def risks_of(tables) -> list[tuple]:
    return [(r.client_id, None if pd.isna(r.date) else r.date.strftime("%Y-%m-%d"), r.field,
             r.status, bool(r.from_quarantine), r.source_row)
            for r in tables.risks.itertuples()]


@pytest.mark.parametrize(("row", "reason"), [
    ({"date": "16/11/2026x"}, "bad_date"),
    ({"numbness": "12"}, "out_of_range:numbness"),
    ({"numbness": "lots"}, "not_a_number:numbness"),
    ({"date": "2031-01-01"}, "implausible_date"),
])
def test_self_harm_in_a_quarantined_row_still_gives_a_record(export, row, reason):
    path = export([OK, {**OK, "self_harm_thoughts": "true", **row}])
    tables = validate_export(path, today=TODAY)
    assert reason in tables.quarantine["reason"].tolist()
    (record,) = risks_of(tables)
    assert record[0] == "C1" and record[2:] == ("self_harm_thoughts", "positive", True, 3)


def test_bad_date_recovers_the_date_from_submitted_at(export):
    path = export([OK, {**OK, "date": "45352", "submitted_at": "2026-11-17T23:59:00-05:00",
                        "unsafe": "true"}])
    tables = validate_export(path, today=TODAY)
    # the local date written in the timestamp (17th), not the UTC date (18th)
    assert risks_of(tables) == [("C1", "2026-11-17", "unsafe", "positive", True, 3)]
    assert tables.risks.loc[0, "raw_date"] == "45352"


def test_risk_in_a_duplicate_and_in_a_conflict_is_kept(export):
    stamp = {"submitted_at": "2026-11-16T09:00:00+01:00"}
    path = export([{**OK, **stamp, "flag_dissociation": "true"},
                   {**OK, **stamp, "flag_dissociation": "true"},          # exact duplicate
                   {**OK, "submitted_at": "2026-11-16T10:00:00+01:00", "unsafe": "true"},
                   {**OK, "submitted_at": "2026-11-16T10:00:00+01:00", "unsafe": "false"}])
    tables = validate_export(path, today=TODAY)
    assert sorted(tables.quarantine["reason"]) == ["conflict", "conflict", "duplicate"]
    assert risks_of(tables) == [
        ("C1", "2026-11-16", "flag_dissociation", "positive", False, 2),
        ("C1", "2026-11-16", "flag_dissociation", "positive", True, 3),
        ("C1", "2026-11-16", "unsafe", "positive", True, 4),
    ]
    assert tables.meta["rows_kept"] == 1                 # only row 2 survives


@pytest.mark.parametrize("answer", ["Y", "1.0", "yes ", "sí", "maybe", "1", "TRUE!"])
def test_unreadable_answer_is_a_possible_positive_never_a_no(export, answer):
    path = export([{**OK, "self_harm_thoughts": answer}])
    tables = validate_export(path, today=TODAY)
    assert risks_of(tables) == [("C1", "2026-11-16", "self_harm_thoughts",
                                 "possible_positive", False, 2)]
    assert pd.isna(tables.entries.loc[0, "self_harm_thoughts"])   # unknown, not False


@pytest.mark.parametrize(("answer", "status"), [
    ("true", "positive"), ("TRUE", "positive"), (" True ", "positive"),
    ("false", None), ("", None), ("NA", None),
])
def test_clear_answers(export, answer, status):
    path = export([{**OK, "unsafe": answer}])
    tables = validate_export(path, today=TODAY)
    assert tables.risks["status"].tolist() == ([status] if status else [])


@pytest.mark.parametrize(("value", "status"), [
    ("1", None), ("2", "positive"), ("3", "positive"), ("2.0", "positive"),
    ("7", "positive"),          # out of range high still counts (and blanks the cell)
    ("high", "possible_positive"), ("", None),
])
def test_hopelessness_at_or_above_the_alert_level(export, value, status):
    path = export([{**OK, "hopelessness": value}])
    tables = validate_export(path, today=TODAY)
    assert tables.risks["status"].tolist() == ([status] if status else [])


def test_alert_level_comes_from_settings(export):
    path = export([{**OK, "hopelessness": "1"}])
    settings = dataclasses.replace(DEFAULTS, hopelessness_alert_level=1)
    tables = validate_export(path, today=TODAY, settings=settings)
    assert tables.risks["status"].tolist() == ["positive"]


def test_weekly_screen_risks_are_rescued(export):
    path = export([OK], weekly=[
        {"client_id": "C1", "week_start": "2026-11-16", "risk_self_harm": "true",
         "risk_dangerous_coping": "Y", "impair_work": "9"},
        {"client_id": "C1", "week_start": "2026-11-18", "risk_hopelessness": "true"},
    ])
    tables = validate_export(path, today=TODAY)
    got = tables.risks[["table", "field", "status", "from_quarantine"]].values.tolist()
    assert got == [["weekly_screen", "risk_dangerous_coping", "possible_positive", False],
                   ["weekly_screen", "risk_self_harm", "positive", False],
                   ["weekly_screen", "risk_hopelessness", "positive", True]]
    assert "not_monday:week_start" in tables.quarantine["reason"].tolist()


@pytest.mark.parametrize("client_id", ["", "../../x", "a\nb", "x" * 65])
def test_risk_without_a_usable_client_id_is_unattributed(export, client_id):
    path = export([OK, {**OK, "client_id": client_id, "self_harm_thoughts": "true"}])
    tables = validate_export(path, today=TODAY)
    assert tables.meta["unattributed_risks"] == 1
    assert tables.risks["client_id"].isna().tolist() == [True]
    assert tables.risks["from_quarantine"].tolist() == [True]


def test_cli_prints_the_unattributed_alert(export, tmp_path):
    path = export([OK, {**OK, "client_id": "", "unsafe": "true"}])
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "ALERT: 1 risk answer(s) without a usable client id (entries.csv row 3)" in (
        result.output)


def test_risk_count_reconciles_with_the_input(export):
    # every true/unreadable risk cell of the input appears once in risks
    rows = [{**OK, "date": f"2026-11-{day:02d}", "unsafe": u, "flag_psychotic": f}
            for day, (u, f) in enumerate([("true", ""), ("Y", "true"), ("false", "false"),
                                          ("true", "true")], start=10)]
    rows.append({**OK, "date": "bad", "unsafe": "true"})
    tables = validate_export(export(rows), today=TODAY)
    # positives: 2+1 (unsafe true) + 2 (psychotic true) = 5; possible: 1 (Y) -> 6 records
    assert len(tables.risks) == 6
    assert tables.meta["risk_possible_positive"] == 1
