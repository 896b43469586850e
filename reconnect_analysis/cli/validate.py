"""`reconnect validate`: check an export, keep what is usable (calls schema.validate_to_folder)."""

from __future__ import annotations

from pathlib import Path

import click

from reconnect_analysis.errors import InputError, ReconnectError


@click.command(name="validate")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="YAML mapping file for exports whose columns or scales differ "
                   "(see docs/mapping.md).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Folder for the validated tables "
                                 "[default: validated/<export name>].")
def command(export: Path, mapping: Path | None, out_dir: Path | None) -> None:
    """Check an export against the data contract and keep every usable row.

    EXPORT is a native export folder (entries.csv, optional events.csv and
    weekly_screen.csv), a single entries file (.csv, .json, .jsonl, .xlsx) or, with
    --mapping, any other export. Every row ends up kept, merged into a daily value, or
    quarantined with a reason; risk answers are always kept. Writes Parquet tables,
    meta.json and quarantine.csv (safe to open in a spreadsheet) into the output folder.

    Exit code 0 when usable check-ins remain, 1 when nothing usable remains.

    \b
    Example:
      reconnect validate demo_data --out validated/demo
    """
    from reconnect_analysis.schema import validate_to_folder

    out_dir = out_dir or Path("validated") / (export.stem or export.name or "export")
    try:
        tables, folder = validate_to_folder(export, out_dir, mapping=mapping)
    except ReconnectError as err:
        raise click.ClickException(str(err)) from err
    except UnicodeError as err:
        raise click.ClickException(str(InputError(
            "the text encoding could not be read; save the file as UTF-8", file=export.name))
        ) from err
    except OSError as err:
        where = err.filename or export
        raise click.ClickException(
            f"{where}: {err.strerror or 'cannot be read or written'}; check the path and its "
            "permissions (or choose another --out folder)") from err
    alert = unattributed_alert(tables.risks)
    if alert:
        click.echo(alert, err=True)
    for line in summary_lines(tables.meta, tables.quarantine, tables.risks, folder):
        click.echo(line)
    if not tables.meta.get("usable", True):
        name = (tables.meta.get("input_files") or [export.name])[0]
        read = tables.meta["rows_by_table"]["entries"]["rows_read"]
        raise click.ClickException(
            f"{name}: no usable check-ins remain: all {read} entry rows were quarantined; "
            f"see {folder / 'quarantine.csv'}")


def summary_lines(meta: dict, quarantine, risks, folder: Path) -> list[str]:
    """The readable summary printed by the command (counts and codes only, no client text)."""
    files = ", ".join(meta.get("input_files") or []) or "-"
    lines = [
        f"Export: {files} (format {meta.get('format')}, encoding {meta.get('encoding')})",
        f"Rows read {meta['rows_read']} = kept {meta['rows_kept']} + merged "
        f"{meta['rows_merged']} + quarantined {meta['rows_quarantined']}",
    ]
    set_aside = meta.get("rows_set_aside") or {}
    if set_aside:
        lines.insert(1, f"Records in the input {meta['rows_in_input']} = rows read "
                     f"{meta['rows_read']} + set aside by the reader "
                     f"{sum(set_aside.values())} ("
                     + ", ".join(f"{reason} {count}" for reason, count in set_aside.items())
                     + ")")
    for table, counts in meta.get("rows_by_table", {}).items():
        lines.append(f"  {table}: read {counts['rows_read']}, kept {counts['rows_kept']}, "
                     f"merged {counts['rows_merged']}, quarantined {counts['rows_quarantined']}")
    if meta.get("date_min"):
        lines.append(f"Clients: {meta['clients']}; dates {meta['date_min']} to "
                     f"{meta['date_max']}")
    else:
        lines.append("Clients: 0; no usable check-in dates")
    by_reason = meta.get("quarantine_by_reason") or {}
    if by_reason:
        lines.append("Quarantined rows by reason (a row may have several):")
        width = max(len(reason) for reason in by_reason)
        lines.extend(f"  {reason:<{width}}  {count}" for reason, count in
                     sorted(by_reason.items(), key=lambda item: (-item[1], item[0])))
    blanked = quarantine[quarantine["action"] == "blank"] if len(quarantine) else quarantine
    if len(blanked):
        counts = blanked.groupby("reason").size().sort_values(ascending=False)
        lines.append(f"Cells blanked, row kept: {len(blanked)} ("
                     + ", ".join(f"{reason} {count}" for reason, count in counts.items()) + ")")
    lines.append(
        f"Risk records: {meta.get('risk_records', 0)} (positive {meta.get('risk_positive', 0)}, "
        f"possible positive {meta.get('risk_possible_positive', 0)}, from quarantined rows "
        f"{meta.get('risk_from_quarantine', 0)}, unattributed "
        f"{meta.get('unattributed_risks', 0)})")
    for warning in meta.get("warnings") or []:
        lines.append(f"Warning: {warning}")
    for fix in meta.get("fixes") or []:
        lines.append(f"Fixed: {fix}")
    lines.append(f"Written to {folder}/ (Parquet tables, meta.json, quarantine.csv)")
    return lines


def unattributed_alert(risks) -> str | None:
    """The run-level alert for risk answers without a usable client id, or None."""
    if risks is None or not len(risks):
        return None
    lost = risks[risks["client_id"].isna()]
    if lost.empty:
        return None
    where = ", ".join(f"{row.source_file} row {row.source_row}"
                      for row in lost.head(10).itertuples())
    more = f" and {len(lost) - 10} more" if len(lost) > 10 else ""
    return (f"ALERT: {len(lost)} risk answer(s) without a usable client id ({where}{more}); "
            "review them in risks.parquet and the source file before anything else")
