"""Finding and opening the caseload an exploration notebook works on."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import data


def test_open_caseload_from_the_environment_variable(demo_validated, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(demo_validated))
    caseload = data.open_caseload()
    assert caseload.folder == demo_validated
    assert caseload.client_ids == [f"C{i:02d}" for i in range(1, 9)]


def test_an_argument_wins_over_the_environment(demo_validated, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    assert data.open_caseload(demo_validated).folder == demo_validated


def test_no_caseload_given_is_one_clear_line(monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    with pytest.raises(ReconnectError, match="reconnect lab"):
        data.resolve_folder(None)


def test_a_raw_export_is_not_a_validated_folder(tmp_path):
    with pytest.raises(ReconnectError, match="not a validated folder"):
        data.resolve_folder(tmp_path)


def test_weeks_run_monday_to_monday_from_first_to_last_checkin(demo_validated):
    caseload = data.open_caseload(demo_validated)
    weeks = data.client_weeks(caseload.tables, "C01")
    assert weeks[-1] == pd.Timestamp("2026-11-16")
    assert all(day.weekday() == 0 for day in weeks)
    assert all(b - a == pd.Timedelta(days=7) for a, b in zip(weeks, weeks[1:], strict=False))
    assert data.week_label(weeks[-1]) == "2026-W47 (16 Nov)"
    first, last = data.default_weeks(weeks)
    assert (last - first).days == 7 * (data.DEFAULT_WEEKS_SHOWN - 1)
    assert data.period(first, last)[1] == pd.Timestamp("2026-11-22")


def test_a_client_who_went_quiet_keeps_the_weeks_to_the_end_of_the_export(mpath_validated):
    caseload = data.open_caseload(mpath_validated)
    entries = caseload.tables.entries
    last_week = data.client_weeks(caseload.tables)[-1]
    last_days = entries.groupby("client_id")["date"].max()
    quiet = last_days.idxmin()
    assert last_days[quiet] < last_week - pd.Timedelta(days=28)  # stopped weeks before the end
    weeks = data.client_weeks(caseload.tables, quiet)
    assert weeks[-1] == last_week
    assert weeks[0] <= last_days[quiet] - pd.Timedelta(days=last_days[quiet].weekday())


def test_unknown_client_has_no_weeks(demo_validated):
    caseload = data.open_caseload(demo_validated)
    assert data.client_weeks(caseload.tables, "nobody") == []
    assert data.default_weeks([]) is None


def test_a_client_with_only_a_risk_answer_is_listed(demo_validated):
    caseload = data.open_caseload(demo_validated)
    risks = caseload.tables.risks.head(1).assign(client_id="R-only")
    caseload.tables.risks = pd.concat([caseload.tables.risks, risks], ignore_index=True)
    assert "R-only" in caseload.client_ids


def test_the_mpath_sample_opens_with_its_clients(mpath_validated):
    caseload = data.open_caseload(mpath_validated)
    assert len(caseload.client_ids) >= 1
    assert set(caseload.client_ids) <= set(caseload.tables.entries["client_id"])
