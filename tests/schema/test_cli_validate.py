"""`reconnect validate`: summary, exit codes, one-line errors, default output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconnect_analysis.cli import cli
from reconnect_analysis.cli import validate as validate_cli

OK = {"client_id": "C1", "date": "2026-11-16", "numbness": "5"}


def test_summary_lists_counts_reasons_risks_and_files(export, tmp_path):
    path = export([OK, OK, {**OK, "date": "2026-11-17", "numbness": "12", "unsafe": "true"}])
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Export: entries.csv (format native, encoding utf-8)" in out
    assert "Rows read 3 = kept 1 + merged 0 + quarantined 2" in out
    assert "Clients: 1; dates 2026-11-16 to 2026-11-16" in out
    assert "  duplicate              1" in out and "  out_of_range:numbness  1" in out
    assert ("Risk records: 1 (positive 1, possible positive 0, from quarantined rows 1, "
            "unattributed 0)") in out
    assert f"Written to {tmp_path / 'o'}/" in out
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "entries.parquet", "events.parquet", "meta.json", "prompts.parquet", "quarantine.csv",
        "quarantine.parquet", "risks.parquet", "weekly_screen.parquet"]


def test_nothing_usable_exits_1_but_keeps_risks_and_quarantine(export, tmp_path):
    path = export([{**OK, "numbness": "99", "self_harm_thoughts": "true"}])
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: entries.csv: no usable check-ins remain: all 1 entry rows were quarantined; "
        f"see {tmp_path / 'o' / 'quarantine.csv'}")
    assert (tmp_path / "o" / "risks.parquet").exists()


def test_default_output_folder_is_validated_export_name(export, tmp_path, monkeypatch):
    path = export([OK])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "validated" / "export" / "entries.parquet").exists()


@pytest.mark.parametrize(("name", "message"), [
    ("missing", "Error: missing: file or folder not found; check the path"),
])
def test_unreadable_input_is_one_line(tmp_path, name, message):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / name), "--out",
                                      str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == message


def test_unwritable_output_folder_is_one_line(export, tmp_path):
    path = export([OK])
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(blocker / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {blocker / 'o'}: Not a directory; check the path and its permissions "
        "(or choose another --out folder)")


def test_cli_calls_the_api_with_the_same_arguments(monkeypatch, tmp_path):
    seen = {}

    def fake(path, out_dir, *, mapping=None):
        seen.update(path=path, out_dir=out_dir, mapping=mapping)
        raise validate_cli.InputError("stop here", file="x.csv")

    monkeypatch.setattr("reconnect_analysis.schema.validate_to_folder", fake)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "exp", "--mapping", str(mapping),
                                      "--out", "o"])
    assert result.output.strip() == "Error: x.csv: stop here"
    assert seen == {"path": Path("exp"), "out_dir": Path("o"), "mapping": mapping}
