"""The toolkit's own export: a folder of CSV files, or one entries file (CSV/JSON/JSONL/xlsx)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.columns import BOOKKEEPING, canonical_columns, decimal_commas
from reconnect_analysis.io.csv_core import parse_csv
from reconnect_analysis.io.raw import RawExport

TABLE_FILES = ("entries", "events", "weekly_screen")

MAX_FILE_BYTES = 1 << 30
"""Largest export file read (1 GiB). Reading holds the file and its parsed cells in memory
(about 5 times the file size at the peak: 1.3 GB for a 240 MB file of 1.1 million rows),
so a larger file is refused up front instead of running out of memory half-way."""


def read_bytes(path: Path, *, name: str) -> bytes:
    """A file's bytes, or an :class:`InputError` saying why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"is {size / 2**30:.1f} GiB, more than the "
                             f"{MAX_FILE_BYTES / 2**30:.0f} GiB one export file may hold; "
                             "export shorter periods (e.g. one file per quarter)", file=name)
        return path.read_bytes()
    except FileNotFoundError as err:
        raise InputError("file not found; check the path", file=name) from err
    except IsADirectoryError as err:
        raise InputError("is a folder, expected a file", file=name) from err
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror}); check permissions", file=name) from err


def read_tables(path: Path) -> dict[str, tuple[pd.DataFrame, str, list[str], list[str]]]:
    """Read one file into ``{table: (frame, encoding, fixes, warnings)}`` by its suffix."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        parsed = parse_csv(read_bytes(path, name=name), name=name)
        return {"entries": (parsed.frame, parsed.encoding, parsed.fixes, parsed.warnings)}
    if suffix in (".json", ".jsonl", ".ndjson"):
        from reconnect_analysis.io.json_export import read_json_tables
        return read_json_tables(read_bytes(path, name=name), name=name,
                                lines=suffix != ".json")
    if suffix == ".xlsx":
        from reconnect_analysis.io.xlsx_export import read_xlsx_tables
        return read_xlsx_tables(path, name=name)
    raise InputError(f"unknown format {suffix or '(no suffix)'!r}; expected a native export "
                     "folder, .csv, .json, .jsonl or .xlsx, or give a mapping file (--mapping)",
                     file=name)


def _finish(tables: dict, *, required: dict[str, bool]) -> RawExport:
    """Canonical column names, decimal commas, and the RawExport around the frames."""
    raw = RawExport(entries=pd.DataFrame())
    encodings = []
    for table, (frame, encoding, fixes, warnings) in tables.items():
        name = str(frame.attrs.get("source_file", table))
        # An empty JSON list has no columns at all: nothing to check.
        no_columns = len(frame) == 0 and set(frame.columns) <= set(BOOKKEEPING)
        frame, col_fixes, col_warnings = canonical_columns(
            frame, table=table, name=name,
            check_required=required.get(table, False) and not no_columns)
        frame, dec_fixes = decimal_commas(frame, name=name)
        setattr(raw, table, frame)
        raw.fixes.extend(fixes + col_fixes + dec_fixes)
        raw.warnings.extend(warnings + col_warnings)
        encodings.append(encoding)
    distinct = sorted(set(encodings), key=encodings.index)
    raw.encoding = distinct[0] if len(distinct) == 1 else ", ".join(distinct)
    return raw


def read_native_file(path: Path) -> RawExport:
    """One export file: CSV (entries), JSON / JSON Lines or xlsx (entries and optional
    events / weekly_screen)."""
    tables = read_tables(path)
    for frame, *_ in tables.values():
        frame.attrs.setdefault("source_file", path.name)
    raw = _finish(tables, required={"entries": True})
    raw.input_files = [str(path)]
    raw.format_name = f"native-{path.suffix.lower().lstrip('.')}"
    return raw


def read_native_folder(path: Path) -> RawExport:
    """A native export folder: ``entries.csv`` (required), ``events.csv``,
    ``weekly_screen.csv`` (optional). Other files in the folder are ignored."""
    entries = path / "entries.csv"
    if not entries.is_file():
        raise InputError("no entries.csv in this folder; a native export folder holds "
                         "entries.csv (and optionally events.csv, weekly_screen.csv)",
                         file=path.name)
    tables = {}
    files = []
    for table in TABLE_FILES:
        file = path / f"{table}.csv"
        if not file.is_file():
            continue
        parsed = parse_csv(read_bytes(file, name=file.name), name=file.name)
        parsed.frame.attrs["source_file"] = file.name
        tables[table] = (parsed.frame, parsed.encoding, parsed.fixes, parsed.warnings)
        files.append(str(file))
    raw = _finish(tables, required={"entries": True})
    raw.input_files = files
    raw.format_name = "native"
    return raw
