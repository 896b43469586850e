"""`reconnect demo` passes its options to demo.generate and reports in one line on errors."""

from __future__ import annotations

from click.testing import CliRunner

from reconnect_analysis.cli import cli
from reconnect_analysis.demo import generate

FILES = ("entries.csv", "events.csv", "weekly_screen.csv", "demo_truth.json")


def test_cli_writes_the_same_files_as_the_api(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--seed", "7", "--clients", "3", "--weeks", "2",
                                      "--end-week", "2026-W10", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    generate(tmp_path / "api", seed=7, clients=3, weeks=2, end_week="2026-W10")
    for name in FILES:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()
    # 2 weeks ending with 2026-W10 (Mon 2 Mar - Sun 8 Mar): 2026-02-23 .. 2026-03-08
    assert result.output.startswith(
        "Demo caseload: 3 clients, 14 days (2026-02-23 to 2026-03-08), ")
    assert f"Written to {tmp_path / 'cli'}/" in result.output


def test_cli_defaults_are_twelve_clients_over_ten_weeks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "12 clients, 70 days (2026-09-14 to 2026-11-22)" in result.output
    assert "Written to demo_data/" in result.output
    assert (tmp_path / "demo_data" / "entries.csv").is_file()


def test_cli_bad_options_give_one_line_errors(tmp_path):
    for args, message in (
        (["--clients", "0"],
         "Error: clients must be between 1 and 100000 (got 0); use --clients 1 or more\n"),
        (["--weeks", "0"],
         "Error: weeks must be between 1 and 520 (got 0); use --weeks 1 or more\n"),
        (["--end-week", "W47"],
         'Error: week "W47" is not an ISO week; write it like 2026-W47\n'),
    ):
        result = CliRunner().invoke(cli, ["demo", *args, "--out", str(tmp_path)])
        assert result.exit_code == 1, args
        assert result.output == message, args


def test_cli_help_explains_every_option():
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--seed", "--clients", "--weeks", "--end-week", "--out"):
        assert option in result.output
    assert "demo_truth.json" in result.output
