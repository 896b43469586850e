"""The stored great-expectations suites, the GX runner, and that nothing leaves the machine."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest

from reconnect_analysis.schema import gx, suites, validate_export
from reconnect_analysis.schema.contract import load_schema
from reconnect_analysis.schema.rules import check_with_pandas, rules_for
from tests.schema.conftest import TODAY


@pytest.mark.parametrize("table", ["entries", "events", "weekly_screen"])
def test_stored_suite_equals_the_generated_one(table):
    stored = (suites.suites_dir() / f"{table}.json").read_text(encoding="utf-8")
    assert stored == suites.suite_json(table), (
        "regenerate with: python -m reconnect_analysis.schema.suites")


def test_suite_covers_every_range_and_required_field():
    entries = suites.build_suite("entries")
    kinds = {(e["meta"]["kind"], e["kwargs"]["column"]) for e in entries["expectations"]}
    assert ("between", "numbness") in kinds and ("between", "interest_pct") in kinds
    assert ("not_null", "numbness") in kinds and ("not_null", "client_id") in kinds
    assert ("regex", "client_id") in kinds and ("date_between", "date") in kinds
    numbness = next(e for e in entries["expectations"]
                    if e["meta"]["kind"] == "between" and e["kwargs"]["column"] == "numbness")
    assert (numbness["kwargs"]["min_value"], numbness["kwargs"]["max_value"]) == (0, 10)


def test_analytics_off_in_code_whatever_the_environment(monkeypatch):
    assert gx.os.environ["GX_ANALYTICS_ENABLED"] == "false"
    assert gx.context().config.analytics_enabled is False
    assert gx.analytics_enabled() is False
    assert not gx.context().get_config().data_docs_sites


def test_analytics_stay_off_when_the_user_environment_turns_them_on():
    import os
    import subprocess
    import sys

    code = ("from reconnect_analysis.schema import gx; import os; "
            "print(gx.analytics_enabled(), os.environ['GX_ANALYTICS_ENABLED'], "
            "gx.context().config.analytics_enabled)")
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "true"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "false", "False"]


def test_validation_opens_no_network_connection(monkeypatch, export):
    def refuse(*args, **kwargs):
        raise AssertionError("network connection attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = export([{"client_id": "C1", "date": "2026-11-16", "numbness": "11"}])
    tables = validate_export(path, today=TODAY)
    assert tables.quarantine["reason"].tolist() == ["out_of_range:numbness"]


def test_gx_and_the_pandas_reference_agree_on_random_data():
    rng = np.random.default_rng(7)
    n = 500
    frame = pd.DataFrame({
        "client_id": rng.choice(np.array(["C1", "007", "../x", None, "a b"], dtype=object), n),
        "date": pd.to_datetime(rng.choice(["2026-01-05", "1999-01-01", "2031-01-01", None], n)),
        "numbness": rng.choice([0.0, 5.5, 10.0, 10.5, -0.5, np.nan], n),
        "arousal": rng.choice([-3.0, 3.0, 4.0, np.nan], n),
        "interest_pct": rng.choice([0.0, 100.0, 101.0, np.nan], n),
    })
    frame["date"] = frame["date"].astype("datetime64[ns]")
    schema = load_schema()
    rules = [r for r in rules_for(schema.tables["entries"], schema) if r.column in frame.columns]
    latest = pd.Timestamp("2026-11-27")
    by_gx = suites.check_with_gx(frame, rules, latest=latest, table_name="entries")
    by_pandas = check_with_pandas(frame, rules, latest=latest)
    assert sum(len(v) for v in by_pandas.values()) > 100  # the data really has failures
    for rule in rules:
        assert np.array_equal(np.sort(by_gx[rule]), np.sort(by_pandas[rule])), rule


def test_a_gx_error_aborts_instead_of_passing_rows():
    schema = load_schema()
    rules = [r for r in rules_for(schema.tables["entries"], schema)
             if r.column == "numbness" and r.kind == "between"]
    frame = pd.DataFrame({"numbness": pd.Series(["5", "eleven"], dtype=object)})
    with pytest.raises(suites.ValidationEngineError, match="numbness"):
        suites.check_with_gx(frame, rules, latest=pd.Timestamp("2026-11-27"))
