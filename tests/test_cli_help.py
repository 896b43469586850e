"""Every command explains itself."""

from click.testing import CliRunner

from reconnect_analysis.cli import cli


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("demo", "validate", "report", "pipeline"):
        assert name in result.output


def test_every_subcommand_has_help_text():
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and "not built yet" not in command.help.lower(), name
