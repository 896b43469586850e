"""The validation pipeline: a raw export in, the validated :class:`~tables.Tables` out.

Every input row ends in exactly one outcome (kept, merged into a daily value, or quarantined
with reason codes) and ``rows_read = rows_kept + rows_merged + rows_quarantined`` is checked
with a real exception. Risk answers are read from the raw values first, so none is lost.

Beyond the columns ``tables.py`` lists, ``risks`` carries ``table`` (entries or
weekly_screen) and ``raw_date`` (the date as written, for rows whose date could not be
read), and ``quarantine`` carries ``action``: ``quarantine`` (the row was set aside),
``blank`` (only the cell was set missing; the row was kept) or ``fix`` (a note was cut).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from reconnect_analysis import __version__
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import InputError
from reconnect_analysis.io.raw import READER_PROBLEM, RawExport
from reconnect_analysis.schema.contract import Schema, load_schema
from reconnect_analysis.schema.quarantine import QUARANTINE_COLUMNS, write_quarantine_csv
from reconnect_analysis.schema.risks import RISK_COLUMNS, empty_risks
from reconnect_analysis.schema.table import (
    ReconciliationError,
    TableResult,
    validate_table,
)
from reconnect_analysis.tables import Tables, save

TABLES = ("entries", "events", "weekly_screen")
SOURCE = ("source_file", "source_row", READER_PROBLEM)


MAX_INPUT_BYTES = 1_000_000_000
"""Exports larger than this are refused before reading (1M entry rows are ~240 MB of CSV and
need ~1.8 GB of memory; 1 GB of CSV would need ~8 GB). Split such an export by date range."""


def validate_export(path: str | Path, *, mapping: str | Path | None = None,
                    settings: Settings = DEFAULTS, today: dt.date | None = None,
                    checker=None, max_input_bytes: int = MAX_INPUT_BYTES) -> Tables:
    """Read an export (folder or file) and validate it against the schema.

    Parameters
    ----------
    path
        A native export folder, a single entries file, or any export a mapping describes.
    mapping
        A YAML mapping file for exports in other shapes (see docs/mapping.md).
    settings
        Thresholds (``hopelessness_alert_level`` decides which hopelessness is a risk).
    today
        The run's date; dates after ``today`` + 1 day are implausible (default: today).
    max_input_bytes
        Larger exports are refused with an InputError before anything is read, instead of
        running out of memory half-way.

    Returns
    -------
    Tables
        As documented in ``reconnect_analysis/tables.py``; ``entries`` may be empty when every
        row was quarantined (``meta["usable"]`` is then False), but risks are always kept.

    Raises
    ------
    InputError
        When the export cannot be read, is empty, has no check-ins or lacks a required column.
    """
    _check_size(Path(path), max_input_bytes)
    raw = _read(path, mapping=mapping)
    return validate_raw(raw, settings=settings, today=today, checker=checker)


def validate_to_folder(path: str | Path, out_dir: str | Path, *,
                       mapping: str | Path | None = None, settings: Settings = DEFAULTS,
                       today: dt.date | None = None,
                       max_input_bytes: int = MAX_INPUT_BYTES) -> tuple[Tables, Path]:
    """:func:`validate_export`, then write the tables (Parquet) and ``quarantine.csv``.

    Returns
    -------
    (tables, folder written)
    """
    tables = validate_export(path, mapping=mapping, settings=settings, today=today,
                             max_input_bytes=max_input_bytes)
    folder = save(tables, out_dir)
    write_quarantine_csv(tables.quarantine, folder / "quarantine.csv")
    return tables, folder


def validate_raw(raw: RawExport, *, settings: Settings = DEFAULTS,
                 today: dt.date | None = None, checker=None,
                 schema: Schema | None = None) -> Tables:
    """Validate what a reader produced (see :func:`validate_export`)."""
    schema = schema or load_schema()
    name = _display_name(raw)
    _check_entries_usable(raw.entries, schema, name)
    today = today or dt.datetime.now(dt.UTC).date()
    latest = pd.Timestamp(today) + pd.Timedelta(days=1)

    results: dict[str, TableResult] = {}
    warnings = list(raw.warnings)
    for table_name in TABLES:
        frame = getattr(raw, table_name)
        if frame is None or frame.empty:
            continue
        frame = _with_sources(frame, table_name)
        table = schema.tables[table_name]
        if raw.aggregation and table_name == "entries":
            table = _with_overrides(table, raw.aggregation)
        extra = [c for c in frame.columns if c not in table.fields and c not in SOURCE]
        if extra:
            warnings.append(f"{table_name}: columns not in the schema were ignored: "
                            f"{', '.join(sorted(map(str, extra)))}")
        results[table_name] = validate_table(frame, table, schema, latest=latest,
                                             settings=settings, checker=checker)

    quarantine = _quarantine(results)
    risks = _risks(results)
    entries = results["entries"].clean
    meta = _meta(raw, results, quarantine, risks, entries, schema, warnings)
    return Tables(
        entries=entries,
        events=results["events"].clean if "events" in results else pd.DataFrame(),
        weekly_screen=(results["weekly_screen"].clean if "weekly_screen" in results
                       else pd.DataFrame()),
        risks=risks,
        quarantine=quarantine,
        prompts=raw.prompts if raw.prompts is not None else pd.DataFrame(),
        meta=meta,
    )


def _check_size(path: Path, limit: int) -> None:
    if path.is_dir():
        files = [f for f in path.iterdir() if f.is_file() and f.suffix.lower() in (
            ".csv", ".json", ".jsonl", ".xlsx")]
    elif path.is_file():
        files = [path]
    else:
        return                                   # the reader names the missing path
    size = sum(f.stat().st_size for f in files)
    if size > limit:
        raise InputError(
            f"the export is too large to validate in one run ({size / 1e6:.0f} MB, limit "
            f"{limit / 1e6:.0f} MB); split it by date range and validate the parts",
            file=path.name)


def _read(path: str | Path, *, mapping) -> RawExport:
    from reconnect_analysis.io import read_export

    return read_export(path, mapping=mapping)


def _display_name(raw: RawExport) -> str:
    if raw.input_files:
        return Path(raw.input_files[0]).name
    if "source_file" in raw.entries.columns and len(raw.entries):
        return str(raw.entries["source_file"].iloc[0])
    return "entries"


def _check_entries_usable(entries: pd.DataFrame, schema: Schema, name: str) -> None:
    if entries is None or (entries.empty and len(entries.columns) == 0):
        raise InputError("the file is empty; export the check-ins again", file=name)
    table = schema.tables["entries"]
    missing = [c for c in table.required if c not in entries.columns
               and not (c in table.required_one_of
                        and any(o in entries.columns for o in table.required_one_of))]
    if missing:
        raise InputError(
            f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found; "
            "name the columns as in docs/schema.md or pass a --mapping file",
            file=name, column=missing[0])
    if entries.empty:
        raise InputError("no check-ins in this file (only a header)", file=name)


def _with_sources(frame: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """Readers give ``source_file`` and ``source_row``; a hand-built frame may lack them."""
    if "source_file" in frame.columns and "source_row" in frame.columns:
        return frame
    frame = frame.copy()
    if "source_file" not in frame.columns:
        frame["source_file"] = f"{table_name}.csv"
    if "source_row" not in frame.columns:
        frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return frame


def _with_overrides(table, overrides: dict[str, str]):
    from dataclasses import replace

    fields = dict(table.fields)
    for name, rule in overrides.items():
        if name in fields:
            fields[name] = replace(fields[name], aggregate=rule)
    return replace(table, fields=fields)


def _quarantine(results: dict[str, TableResult]) -> pd.DataFrame:
    parts = []
    for name, result in results.items():
        found = result.problems
        if found.empty:
            continue
        raw_pos = found["_pos"].to_numpy(dtype=np.int64)
        source = result.sources
        ids = (result.client_ids if result.client_ids is not None
               else np.full(len(result.outcome), None, dtype=object))
        parts.append(pd.DataFrame({
            "source_file": source[0][raw_pos],
            "source_row": source[1][raw_pos],
            "client_id": ids[raw_pos],
            "table": name,
            "column": found["column"].to_numpy(dtype=object),
            "value": found["value"].to_numpy(dtype=object),
            "reason": found["reason"].to_numpy(dtype=object),
            "action": found["action"].to_numpy(dtype=object),
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c == "source_row" else object)
                             for c in QUARANTINE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["table", "source_file", "source_row"], kind="stable",
                           ignore_index=True)


def _risks(results: dict[str, TableResult]) -> pd.DataFrame:
    parts = [r.risks.drop(columns="_pos") for r in results.values() if not r.risks.empty]
    if not parts:
        return empty_risks()
    out = pd.concat(parts, ignore_index=True)[list(RISK_COLUMNS)]
    out["date"] = out["date"].astype("datetime64[ns]")
    out["from_quarantine"] = out["from_quarantine"].astype(bool)
    return out.sort_values(["table", "source_row", "field"], kind="stable", ignore_index=True)


def _meta(raw: RawExport, results, quarantine, risks, entries, schema, warnings) -> dict:
    totals = {key: sum(r.counts[key] for r in results.values())
              for key in ("rows_read", "rows_kept", "rows_merged", "rows_quarantined")}
    if totals["rows_read"] != (totals["rows_kept"] + totals["rows_merged"]
                               + totals["rows_quarantined"]):
        raise ReconciliationError(f"rows read {totals['rows_read']} != kept "
                                  f"{totals['rows_kept']} + merged {totals['rows_merged']} + "
                                  f"quarantined {totals['rows_quarantined']}")
    fixes = list(raw.fixes)
    for result in results.values():
        fixes.extend(result.notes)
    if not quarantine.empty:
        for (reason, action), count in (quarantine.groupby(["reason", "action"]).size()
                                        .items()):
            # blanked cells are counted from the quarantine table (meta cells_blanked, the
            # CLI summary, each client's report), so they are not repeated here
            if action == "fix":
                fixes.append(f"{count} cell{'s' if count != 1 else ''} repaired ({reason})")
    by_reason = {}
    if not quarantine.empty:
        rows = quarantine[quarantine["action"] == "quarantine"]
        by_reason = {str(k): int(v) for k, v in rows.groupby("reason").size().items()}
    unattributed = int(risks["client_id"].isna().sum()) if not risks.empty else 0
    if unattributed:
        warnings = [*warnings, f"{unattributed} risk answers have no usable client id"]
    dates = entries["date"] if "date" in entries.columns else pd.Series(dtype="datetime64[ns]")
    return {
        "schema_version": schema.version,
        "format": raw.format_name,
        "input_files": [Path(p).name for p in raw.input_files],
        "input_sha256": _sha256(raw.input_files),
        "encoding": raw.encoding,
        **totals,
        "rows_set_aside": {str(k): int(v) for k, v in raw.set_aside.items()},
        "rows_in_input": totals["rows_read"] + int(sum(raw.set_aside.values())),
        "rows_by_table": {name: dict(r.counts) for name, r in results.items()},
        "quarantine_by_reason": by_reason,
        "cells_blanked": int((quarantine["action"] == "blank").sum()) if len(quarantine) else 0,
        "risk_records": int(len(risks)),
        "risk_positive": int((risks["status"] == "positive").sum()) if len(risks) else 0,
        "risk_possible_positive": (int((risks["status"] == "possible_positive").sum())
                                   if len(risks) else 0),
        "risk_from_quarantine": int(risks["from_quarantine"].sum()) if len(risks) else 0,
        "unattributed_risks": unattributed,
        "clients": int(entries["client_id"].nunique()) if len(entries) else 0,
        "date_min": dates.min().strftime("%Y-%m-%d") if len(dates) else None,
        "date_max": dates.max().strftime("%Y-%m-%d") if len(dates) else None,
        "usable": bool(len(entries)),
        "fixes": fixes,
        "warnings": warnings,
        "created_by": f"reconnect_analysis {__version__}",
    }


def _sha256(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        file = Path(path)
        digest.update(file.name.encode("utf-8") + b"\0")
        if file.is_file():
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
