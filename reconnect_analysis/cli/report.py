"""`reconnect report`: one client's weekly report (or every client's), HTML and PDF."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from reconnect_analysis.errors import ReconnectError


def _formats(value: str) -> tuple[str, ...]:
    parts = tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    unknown = [p for p in parts if p not in ("html", "pdf")]
    if unknown or not parts:
        raise click.BadParameter(f"{value!r}: use html, pdf or html,pdf", param_hint="--format")
    return parts


@click.command(name="report")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@click.option("--week", required=True, metavar="YYYY-Www",
              help="ISO week of the report, e.g. 2026-W47.")
@click.option("--client", "client_id", metavar="ID", help="One client's pseudonym.")
@click.option("--all", "all_clients", is_flag=True, help="Every client in the export.")
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="What to write: html, pdf or html,pdf.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping file for an export that is not in the native format.")
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Root folder of the reports.")
@click.option("--paper", type=click.Choice(["A4", "Letter"], case_sensitive=False),
              default="A4", show_default=True, help="PDF paper size.")
def command(export: Path, week: str, client_id: str | None, all_clients: bool, formats: str,
            mapping: Path | None, out_dir: Path, paper: str) -> None:
    """Write the weekly report of one client (--client) or of every client (--all).

    EXPORT is a raw export (validated first, into OUT/.validated/<fingerprint>) or a folder
    written by 'reconnect validate'. Reports go to OUT/<week>/<client>/report.html,
    report.pdf and report.ipynb. Nothing is sent anywhere; without Chromium the PDF is
    skipped and the HTML is still written.
    """
    if bool(client_id) == all_clients:
        raise click.UsageError("give exactly one of --client ID or --all")
    wanted = _formats(formats)
    validated = _validated_folder(export, out_dir=out_dir, mapping=mapping)
    from reconnect_analysis import tables
    from reconnect_analysis.cli.pipeline import stop_if_nobody_in_week, warn_if_week_after_data
    from reconnect_analysis.weeks import parse_week

    parse_week(week)
    data = tables.load(validated)
    if all_clients:
        from reconnect_analysis.cli.pipeline import print_summary, usable_formats
        from reconnect_analysis.report.batch import caseload

        stop_if_nobody_in_week(data, week)

        result = caseload(validated, week=week, out_dir=out_dir, formats=usable_formats(wanted),
                          paper=paper)
        print_summary(result)
        if result.exit_code:
            raise SystemExit(result.exit_code)
        return
    from reconnect_analysis.report.build import client_week

    warn_if_week_after_data(data, week)

    result = client_week(validated, client_id=client_id, week=week, out_dir=out_dir,
                         formats=wanted, paper=paper)
    for kind in ("html", "pdf", "ipynb"):
        if kind in result.paths:
            click.echo(f"{kind:5}  {result.paths[kind]}")
    if result.status != "ok":
        click.echo(f"note   {result.reason}", err=True)
    click.echo(f"done   {result.client_id} {result.week} in {result.seconds:.1f} s")


def _validated_folder(export: Path, *, out_dir: Path, mapping: Path | None) -> Path:
    from reconnect_analysis.tables import is_validated_folder

    if is_validated_folder(export):
        if mapping is not None:
            raise click.UsageError("--mapping applies to raw exports only; EXPORT is already "
                                   "validated")
        return export
    try:
        from reconnect_analysis.schema import validate_to_folder
    except ImportError as err:  # pragma: no cover - validation ships with the package
        raise ReconnectError("validation is not available in this installation") from err
    from reconnect_analysis.report.files import private_dir

    kwargs = {"mapping": mapping} if mapping is not None else {}
    parent = private_dir(Path(out_dir) / ".validated")
    staging = Path(tempfile.mkdtemp(prefix="tmp-", dir=parent))
    try:
        tables, _folder = validate_to_folder(export, staging, **kwargs)
        fingerprint = str(tables.meta.get("input_sha256") or "")[:16] or staging.name
        final = parent / fingerprint
        if final.exists():  # same input validated before: replace it with this run's result
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final
