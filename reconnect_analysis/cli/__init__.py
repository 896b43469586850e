"""The ``reconnect`` command. Each sub-command lives in its own module and calls one API."""

from __future__ import annotations

import click

from reconnect_analysis import __version__
from reconnect_analysis.errors import ReconnectError


class FriendlyGroup(click.Group):
    """Turns the package's input errors into one ``Error:`` line and exit code 1.

    Any other exception is a bug, and its traceback stays visible.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReconnectError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=FriendlyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconnect")
def cli() -> None:
    """Check-in analysis and weekly reports for therapists.

    \b
    Typical use:
      reconnect demo --out demo_data              make a demo caseload
      reconnect validate demo_data --out work     check an export, keep what is usable
      reconnect report demo_data --week 2026-W47 --client C01
      reconnect report demo_data --week 2026-W47 --all
      reconnect pipeline demo_data                all of the above for the newest week
      reconnect lab                               explore the demo caseload in JupyterLab

    Everything runs on this machine; nothing is sent anywhere.
    """


def _register() -> None:
    from reconnect_analysis.cli import demo, lab, pipeline, report, validate

    for module in (demo, validate, report, pipeline, lab):
        cli.add_command(module.command)


_register()
