"""`reconnect pipeline`: the stages, the week it picks, what it prints, its exit code."""

from __future__ import annotations

import functools
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from reconnect_analysis.cli import cli
from reconnect_analysis.report import batch
from tests.batch.conftest import WEEK
from tests.batch.fake_tasks import fake_task


@pytest.fixture
def fake_batch(monkeypatch):
    """caseload with the fake per-client task (the CLI passes task=None)."""
    real = batch.caseload
    seen = {}

    def caseload(*args, task=None, **kwargs):
        seen.update(kwargs, task=task)
        kwargs.setdefault("fast_kernels", False)  # fake tasks start no kernels
        return real(*args, task=task or fake_task, **kwargs)

    monkeypatch.setattr(batch, "caseload", functools.wraps(real)(caseload))
    return seen


@pytest.fixture
def no_chromium(monkeypatch):
    # not via RECONNECT_CHROMIUM: a kernel template forked now would keep that setting
    from reconnect_analysis.report import pdf

    monkeypatch.setattr(pdf, "chromium_path", lambda: None)


def test_pipeline_on_a_validated_folder(validated, tmp_path, fake_batch, no_chromium):
    folder = validated(["ok01", "ok02"])
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["pipeline", str(folder), "--out", str(out),
                                      "--no-progress", "--workers", "1"])
    assert result.exit_code == 0, result.output
    # newest week with entries: 2026-11-18 is in W47
    assert f"Week: {WEEK}" in result.output
    assert f"Overview: {out.resolve() / WEEK / 'overview.html'}" in result.output
    assert result.output.strip().splitlines()[-1].startswith(
        f"{WEEK}: 2 clients, 2 reports ready (2 rendered, 0 unchanged), 0 failed in ")
    # default html,pdf; without Chromium the PDF is skipped in one line, not a failure
    assert fake_batch["formats"] == ("html",) and fake_batch["workers"] == 1
    assert "PDF skipped: Chromium not found at " in result.output
    again = CliRunner().invoke(cli, ["pipeline", str(folder), "--out", str(out),
                                     "--no-progress"])
    assert "2 reports ready (0 rendered, 2 unchanged)" in again.output


def test_pipeline_exit_code_and_names_the_failed(validated, tmp_path, fake_batch):
    folder = validated(["ok01", "boom02"], risks=[("boom02", "2026-11-17", "unsafe")])
    result = CliRunner().invoke(cli, ["pipeline", str(folder), "--out", str(tmp_path / "r"),
                                      "--no-progress", "--format", "html,pdf",
                                      "--week", WEEK])
    assert result.exit_code == 1
    assert "RISK PRESENT, REPORT MISSING: boom02" in result.output
    assert "1 failed in" in result.output and "(boom02: cell_error)" in result.output
    assert fake_batch["formats"] == ("html", "pdf")


def test_pipeline_says_which_stage_is_not_built(validated, tmp_path, monkeypatch):
    folder = validated(["ok01"])
    monkeypatch.setitem(sys.modules, "reconnect_analysis.report.build", None)
    result = CliRunner().invoke(cli, ["pipeline", str(folder), "--out", str(tmp_path / "r"),
                                      "--no-progress"])
    assert "Stage 'client reports' (reconnect_analysis.report.build) is not built yet" \
        in result.output
    assert (tmp_path / "r" / WEEK / "overview.html").exists()  # went as far as it could
    assert "(ok01: not_built)" in result.output and result.exit_code == 1


def test_report_all_uses_the_batch_and_its_exit_code(validated, tmp_path, fake_batch):
    folder = validated(["ok01", "boom02"])
    result = CliRunner().invoke(cli, ["report", str(folder), "--week", WEEK, "--all",
                                      "--format", "html", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert f"{WEEK}: 2 clients, 1 reports ready" in result.output
    assert "(boom02: cell_error)" in result.output


def test_pipeline_bad_week_is_one_line(validated, tmp_path):
    result = CliRunner().invoke(cli, ["pipeline", str(validated(["ok01"])), "--week", "W47"])
    assert result.exit_code == 1
    assert result.output == 'Error: week "W47" is not an ISO week; write it like 2026-W47\n'


def test_pipeline_no_entries(tmp_path):
    from reconnect_analysis import tables

    tables.save(tables.Tables(entries=pd.DataFrame({"client_id": pd.Series(dtype=str),
                                                    "date": pd.Series(dtype="datetime64[ns]"),
                                                    "numbness": pd.Series(dtype=float)})),
                tmp_path / "v")
    result = CliRunner().invoke(cli, ["pipeline", str(tmp_path / "v"), "--out",
                                      str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "no usable check-ins in this export" in result.output


@pytest.mark.slow
def test_demo_export_end_to_end(tmp_path):
    """What `make demo` does, on a small demo: validate, real reports, overview."""
    from reconnect_analysis.demo import generate

    generate(tmp_path / "demo", clients=3, weeks=3)
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["pipeline", str(tmp_path / "demo"), "--out", str(out),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Validated data:" in result.output
    week_dir = out / WEEK
    reports = sorted(p.parent.name for p in week_dir.glob("*/report.html"))
    assert reports == ["C01", "C02", "C03"]
    page = (week_dir / "overview.html").read_text()
    for client in reports:
        assert f'href="{client}/report.html"' in page


@pytest.mark.parametrize("argv", [["pipeline"], ["report", "--all", "--week", WEEK]])
def test_default_format_is_html_and_pdf_like_report(validated, tmp_path, fake_batch,
                                                    monkeypatch, argv):
    from reconnect_analysis.report import overview, pdf

    monkeypatch.setattr(pdf, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(overview, "write_pdf", lambda html_path, **_: html_path)
    folder = validated(["ok01"])
    result = CliRunner().invoke(cli, [argv[0], str(folder), *argv[1:], "--out",
                                      str(tmp_path / "r")]
                                + (["--no-progress"] if argv[0] == "pipeline" else []))
    assert result.exit_code == 0, result.output
    assert fake_batch["formats"] == ("html", "pdf")
    assert "PDF skipped" not in result.output


def test_report_all_without_chromium_skips_the_pdf_not_the_reports(validated, tmp_path,
                                                                   fake_batch, no_chromium):
    folder = validated(["ok01"])
    result = CliRunner().invoke(cli, ["report", str(folder), "--week", WEEK, "--all",
                                      "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert fake_batch["formats"] == ("html",)
    assert sum("PDF skipped" in line for line in result.output.splitlines()) == 1


def test_pdf_only_without_chromium_is_one_clear_error(validated, tmp_path, fake_batch,
                                                      no_chromium):
    folder = validated(["ok01"])
    result = CliRunner().invoke(cli, ["pipeline", str(folder), "--format", "pdf", "--out",
                                      str(tmp_path / "r"), "--no-progress"])
    assert result.exit_code != 0 and "cannot write PDF: Chromium not found" in result.output


@pytest.mark.parametrize("week", ["2024-W10", "2027-W30"])
@pytest.mark.parametrize("command", ["pipeline", "report"])
def test_a_week_with_nobody_in_it_is_one_line_and_exit_1(validated, tmp_path, fake_batch,
                                                         no_chromium, week, command):
    folder = validated(["ok01"])
    extra = ["--no-progress"] if command == "pipeline" else ["--all"]
    result = CliRunner().invoke(cli, [command, str(folder), "--week", week, "--out",
                                      str(tmp_path / "r"), *extra])
    assert result.exit_code == 1, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1
    assert f"no client has check-ins or risk answers in the safety window of {week}" in error[0]
    assert "the data's check-ins run from 2026-11-16 to 2026-11-18" in error[0]
    assert not fake_batch  # nothing rendered


def test_date_range_comes_from_the_validated_meta(tmp_path):
    from reconnect_analysis import tables
    from reconnect_analysis.cli.pipeline import data_range

    data = tables.Tables(entries=pd.DataFrame({"client_id": ["a"],
                                               "date": [pd.Timestamp("2024-01-02")]}),
                         meta={"date_min": "2023-12-01", "date_max": "2024-01-02"})
    assert data_range(data) == ("2023-12-01", "2024-01-02")


def test_an_unattributed_risk_alone_still_gets_its_alert(validated, tmp_path, fake_batch,
                                                          no_chromium):
    folder = validated(["ok01"], risks=[(None, "2027-07-20", "unsafe")])
    result = CliRunner().invoke(cli, ["pipeline", str(folder), "--week", "2027-W30",
                                      "--out", str(tmp_path / "r"), "--no-progress"])
    assert ("ALERT: 1 risk answer(s) without a usable client id (e.csv row 2); see the "
            f"validation quarantine {folder.resolve() / 'quarantine.parquet'}") in result.output


def test_report_client_for_a_week_after_the_export_warns_in_one_line(validated, tmp_path,
                                                                     monkeypatch):
    from reconnect_analysis.report import build

    calls = []

    def client_week(*args, **kwargs):
        calls.append(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr(build, "client_week", client_week)
    folder = validated(["ok01"])
    result = CliRunner().invoke(cli, ["report", str(folder), "--week", "2026-W49", "--client",
                                      "ok01", "--out", str(tmp_path / "r")])
    warning = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert warning == ["Warning: 2026-W49 starts after the export's last check-in "
                       "(2026-11-18); the data's check-ins run from 2026-11-16 to 2026-11-18"]
    assert calls
    quiet = CliRunner().invoke(cli, ["report", str(folder), "--week", "2026-W47", "--client",
                                     "ok01", "--out", str(tmp_path / "r")])
    assert "Warning:" not in quiet.output


def test_unattributed_alert_names_the_quarantine_file_and_rows(tmp_path, fake_batch,
                                                                no_chromium):
    export = tmp_path / "x"
    export.mkdir()
    (export / "entries.csv").write_text(
        "client_id,date,numbness,self_harm_thoughts\n"
        "C1,2026-11-20,5,false\n"
        ",2026-11-19,5,true\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["pipeline", str(export / "entries.csv"), "--out",
                                      str(out), "--week", WEEK, "--no-progress"])
    alert = [line for line in result.output.splitlines() if line.startswith("ALERT:")]
    assert alert == ["ALERT: 1 risk answer(s) without a usable client id (entries.csv row 3); "
                     f"see the validation quarantine {out.resolve() / 'validated'}"
                     "/quarantine.csv and the source file before anything else"]
