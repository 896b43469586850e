"""`reconnect validate`: not built yet (see the open issues)."""

from __future__ import annotations

import click


@click.command(name="validate", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(args: tuple[str, ...]) -> None:
    """(Not built yet.)"""
    raise click.ClickException("'reconnect validate' is not built yet.")
