"""`reconnect pipeline`: validate an export, render every report of a week and the overview.

What ``make demo`` runs. Each stage is one API call (``schema.validate_to_folder``,
``report.batch.caseload``); a stage whose module is not installed yet is named and skipped,
and the command goes as far as it can.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click
import pandas as pd

from reconnect_analysis import tables as tables_mod
from reconnect_analysis.errors import ReportError
from reconnect_analysis.report.files import private_dir
from reconnect_analysis.weeks import parse_week, week_of


@click.command(name="pipeline")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(path_type=Path), help="Folder for the reports (created 0700).")
@click.option("--week", default=None, help="ISO week like 2026-W47 (default: the newest week "
              "with check-ins).")
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Report formats, comma-separated: html, pdf or html,pdf (without "
              "Chromium the PDF is skipped and the HTML is still written).")
@click.option("--mapping", type=click.Path(exists=True, path_type=Path), default=None,
              help="YAML mapping file for exports in another shape.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Reports rendered at once (default: one per CPU core).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=300,
              show_default=True, help="Time limit per client report, in seconds.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Show a progress bar.")
def command(export: Path, out_dir: Path, week: str | None, formats: str,
            mapping: Path | None, workers: int | None, timeout_s: float,
            progress: bool) -> None:
    """Validate EXPORT, render every client's report for one week and the caseload overview.

    \b
    EXPORT is a native export folder, a single entries file, or an already validated folder.
    Reports go to OUT/<week>/<client>/, the overview to OUT/<week>/overview.html and the
    run summary to OUT/<week>/run_summary.json. Re-running skips reports whose data and
    settings did not change. Exit code 1 when any report failed.
    """
    from reconnect_analysis.cli.report import _formats

    formats_tuple = usable_formats(_formats(formats))
    if week is not None:
        parse_week(week)
    validated_dir = _validate(export, out_dir, mapping=mapping)
    data = tables_mod.load(validated_dir)
    week = week or _newest_week(data)
    click.echo(f"Week: {week}")
    stop_if_nobody_in_week(data, week)
    try:
        from reconnect_analysis.report import batch
    except ImportError as err:
        raise click.ClickException(f"stage 'caseload batch' is not built yet ({err.name})") \
            from err
    task = None
    try:
        importlib.import_module("reconnect_analysis.report.build")  # is the stage there?
    except ImportError:
        click.echo("Stage 'client reports' (reconnect_analysis.report.build) is not built yet: "
                   "writing the caseload overview only.", err=True)
        task = batch.no_report_task
    result = batch.caseload(validated_dir, week=week, out_dir=out_dir, formats=formats_tuple,
                            workers=workers, timeout_s=timeout_s, progress=progress,
                            task=task)
    print_summary(result)
    if result.exit_code:
        sys.exit(result.exit_code)


def usable_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """``formats`` without ``pdf`` when no PDF can be printed here (no Chromium or no
    Playwright), saying so in one line; PDF alone without Chromium is an error."""
    if "pdf" not in formats:
        return formats
    import importlib.util
    import os

    from reconnect_analysis.report import pdf

    if pdf.chromium_path() is None:
        where = os.environ.get("RECONNECT_CHROMIUM", pdf.CHROMIUM)
        reason = (f"PDF skipped: Chromium not found at {where} (install the Debian 'chromium' "
                  "package; the HTML reports are complete)")
    elif importlib.util.find_spec("playwright") is None:
        reason = "PDF skipped: the playwright package is not installed"
    else:
        return formats
    rest = tuple(f for f in formats if f != "pdf")
    if not rest:
        raise click.ClickException(reason.replace("PDF skipped", "cannot write PDF", 1)
                                   + "; use --format html")
    click.echo(reason, err=True)
    return rest


def _validate(export: Path, out_dir: Path, *, mapping: Path | None) -> Path:
    """The validated folder for ``export`` (validating it into OUT/validated when needed)."""
    if tables_mod.is_validated_folder(export):
        click.echo(f"Validated data: {export} (already validated)")
        return export
    try:
        from reconnect_analysis.schema import validate_to_folder
    except ImportError as err:
        raise click.ClickException(
            f"stage 'validation' (reconnect_analysis.schema) is not built yet ({err.name}); "
            "pass an already validated folder instead") from err
    private_dir(out_dir)
    folder = out_dir / "validated"
    tables, folder = validate_to_folder(export, folder, mapping=mapping)
    meta = tables.meta
    click.echo(f"Validated data: {folder} ({meta.get('rows_read', '?')} rows read, "
               f"{meta.get('rows_quarantined', 0)} quarantined, {len(tables.risks)} risk "
               "answers kept)")
    return Path(folder)


def data_range(data: tables_mod.Tables) -> tuple[str | None, str | None]:
    """First and last check-in date of the validated data (meta ``date_min``/``date_max``,
    else the entries themselves), ``YYYY-MM-DD`` or None."""
    first, last = data.meta.get("date_min"), data.meta.get("date_max")
    entries = data.entries
    if (not first or not last) and len(entries) and "date" in entries.columns:
        days = pd.to_datetime(entries["date"]).dropna()
        if len(days):
            first, last = f"{days.min():%Y-%m-%d}", f"{days.max():%Y-%m-%d}"
    return first, last


def _range_text(data: tables_mod.Tables) -> str:
    first, last = data_range(data)
    return (f"the data's check-ins run from {first} to {last}" if first and last
            else "the data has no dated check-ins")


def stop_if_nobody_in_week(data: tables_mod.Tables, week: str) -> None:
    """Exit 1 with one line when no client has a check-in or a risk answer in the safety
    window of ``week`` (and no unattributed risk answer is there to alert on): nothing to
    report, most likely a wrong --week."""
    from reconnect_analysis.report import triage

    if triage.clients_for_week(data, week=week) or triage.unattributed_risks(data, week=week):
        return
    start, sunday = triage.safety_window(week)
    raise click.ClickException(
        f"no client has check-ins or risk answers in the safety window of {week} "
        f"({start:%Y-%m-%d} to {sunday:%Y-%m-%d}); {_range_text(data)}")


def warn_if_week_after_data(data: tables_mod.Tables, week: str) -> None:
    """One line on stderr when ``week`` starts after the export's last check-in."""
    _, last = data_range(data)
    monday, _ = parse_week(week)
    if last and monday > pd.Timestamp(last):
        click.echo(f"Warning: {week} starts after the export's last check-in ({last}); "
                   f"{_range_text(data)}", err=True)


def _newest_week(data: tables_mod.Tables) -> str:
    entries = data.entries
    if not len(entries) or "date" not in entries.columns or entries["date"].isna().all():
        raise ReportError("no usable check-ins in this export, so there is no week to report; "
                          "pass --week to render the risk overview of a given week")
    return week_of(entries["date"].max())


def unattributed_alert(result) -> str:
    """The run-level alert for risk answers without a usable client id: how many, where in
    the source (file and row) and the quarantine file to review. No client text."""
    count = result.unattributed_risks
    places = list(getattr(result, "unattributed_sources", []) or [])
    where = ""
    if places:
        more = f" and {count - len(places)} more" if count > len(places) else ""
        where = f" ({', '.join(places)}{more})"
    quarantine = getattr(result, "quarantine_path", None)
    see = f"see the validation quarantine {quarantine}" if quarantine else \
        "see the validation quarantine"
    return (f"ALERT: {count} risk answer(s) without a usable client id{where}; {see} and the "
            "source file before anything else")


def print_summary(result) -> None:
    """Where the overview and reports are, alerts, and a one-line summary of a BatchResult."""
    from reconnect_analysis.report import batch

    counts = result.counts()
    for path in result.overview_paths:
        click.echo(f"Overview: {path}")
    for problem in result.overview_problems:
        click.echo(f"Note: {problem}", err=True)
    click.echo(f"Reports: {result.week_dir}/<client>/")
    click.echo(f"Run summary: {result.summary_path}")
    failed = result.failed
    line = (f"{result.week}: {counts['clients']} clients, "
            f"{counts['ok'] + counts['skipped']} reports ready "
            f"({counts['ok']} rendered, {counts['skipped']} unchanged), {counts['failed']} failed"
            f" in {result.seconds:.1f} s")
    if failed:
        shown = ", ".join(f"{o.client_id}: {o.reason}" for o in failed[:5])
        line += f" ({shown}{', ...' if len(failed) > 5 else ''})"
    missing = [o.client_id for o in failed if o.risk_present and not batch.has_report(o)]
    if missing:
        click.echo(f"RISK PRESENT, REPORT MISSING: {', '.join(missing)}", err=True)
    if result.unattributed_risks:
        click.echo(unattributed_alert(result), err=True)
    click.echo(line)

