"""Mapping files: any export onto the canonical fields, written by a clinic without code.

A mapping file (YAML) says how to read the source file, which source column (or columns)
feeds each canonical field and how its values are turned into the canonical form: value maps
("ja" -> true), scale transforms (1-7 -> 0-10, reverse scoring, mean of several items), and
date and time parsing (formats, Unix seconds, time-zone offsets). The format is documented
with examples in ``docs/mapping.md``; :func:`load_mapping` checks a file against it and
raises :class:`SchemaFileError` naming the file and the key at fault.

A value a transform cannot read is handed on as its original text, annotated where the bare
text could pass as valid (a number outside the declared scale as ``"9 (outside scale 1-7)"``,
a date not in the declared format as ``"2026-11-20 (not %d/%m/%Y)"``), so the validation
pipeline quarantines it with a reason; nothing becomes NaN silently. An answer a value map
does not list stays as it is (for a risk answer: "possible positive", never "no"). All output
cells are text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.columns import BOOKKEEPING, canonical_columns, decimal_commas
from reconnect_analysis.io.mapping_file import Mapping, load_mapping
from reconnect_analysis.io.mapping_transforms import apply_field
from reconnect_analysis.io.raw import RawExport

__all__ = ["Mapping", "apply_mapping", "load_mapping", "read_mapped"]


def apply_mapping(frame: pd.DataFrame, mapping: Mapping, *, table: str = "entries",
                  name: str) -> tuple[pd.DataFrame, list[str]]:
    """Turn a source frame (text cells) into canonical fields by one table's rules.

    Parameters
    ----------
    frame
        Source rows with ``source_file``, ``source_row``, ``_reader_problem`` (not changed).
    mapping
        From :func:`load_mapping`.
    table
        Which of the mapping's tables to apply.
    name
        Source file name, for messages.

    Returns
    -------
    tuple
        ``(canonical frame, fixes)``. Only mapped fields plus the three bookkeeping columns;
        rows not selected by ``rows.where`` are left out and counted in ``fixes``.
    """
    rule = next(t for t in mapping.tables if t.table == table)
    fixes = []
    selected = frame
    for column, keep in rule.where.items():
        mask = selected[column].astype(str).str.strip().isin(keep)
        dropped = int((~mask).sum())
        if dropped:
            fixes.append(f"{name}: {dropped} row(s) left out of {table} by the mapping "
                         f"({column} not in {', '.join(keep)})")
        selected = selected[mask]
    out = pd.DataFrame(index=selected.index)
    for field_rule in rule.fields:
        out[field_rule.target] = apply_field(selected, field_rule, mapping.decimal)
    for column in BOOKKEEPING:
        if column in selected.columns:
            out[column] = selected[column]
    return out.reset_index(drop=True), fixes


def _source_format(path: Path, mapping: Mapping) -> str:
    if mapping.format is not None:
        return mapping.format
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        from reconnect_analysis.io.mpath import looks_like_mpath
        return "mpath" if looks_like_mpath(path) else "csv"
    if suffix in (".json", ".jsonl", ".xlsx"):
        return suffix.lstrip(".")
    if suffix == ".ndjson":
        return "jsonl"
    raise InputError(f"unknown format {suffix or '(no suffix)'!r}; set source.format in the "
                     f"mapping file {mapping.path.name}", file=path.name)


def _read_source(path: Path, mapping: Mapping) -> RawExport:
    """The source file as text cells, before the mapping."""
    from reconnect_analysis.io.native import read_bytes
    fmt = _source_format(path, mapping)
    name = path.name
    if fmt == "mpath":
        from reconnect_analysis.io.mpath import read_mpath
        client = next((r for r in mapping.tables[0].fields if r.target == "client_id"), None)
        id_column = mapping.id_column or (
            client.sources[0] if client is not None and len(client.sources) == 1
            else "connectionId")
        meta = (path.parent / mapping.meta_file) if mapping.meta_file else None
        return read_mpath(path, meta=meta, id_column=id_column,
                          prompt_questionnaires=(list(mapping.prompt_questionnaires)
                                                 if mapping.prompt_questionnaires else None))
    if fmt == "csv":
        from reconnect_analysis.io.csv_core import parse_csv
        parsed = parse_csv(read_bytes(path, name=name), name=name,
                           delimiter=mapping.delimiter, encoding=mapping.encoding)
        return RawExport(entries=parsed.frame, encoding=parsed.encoding, fixes=parsed.fixes,
                         warnings=parsed.warnings, input_files=[str(path)])
    if fmt in ("json", "jsonl"):
        from reconnect_analysis.io.json_export import read_json_tables
        tables = read_json_tables(read_bytes(path, name=name), name=name, lines=fmt == "jsonl")
    else:
        from reconnect_analysis.io.xlsx_export import read_xlsx_tables
        tables = read_xlsx_tables(path, name=name)
    frame, encoding, fixes, warnings = tables["entries"]
    return RawExport(entries=frame, encoding=encoding, fixes=fixes, warnings=warnings,
                     input_files=[str(path)])


def read_mapped(path: str | Path, mapping_path: str | Path) -> RawExport:
    """Read any export through a mapping file.

    Parameters
    ----------
    path
        The export file (CSV, m-Path data file, JSON, JSON Lines or xlsx), or a folder
        holding one m-Path data file and its meta-data file.
    mapping_path
        The YAML mapping file (see docs/mapping.md).

    Returns
    -------
    RawExport
        Canonical fields as text; ``aggregation`` from the mapping; ``prompts`` for m-Path;
        ``input_files`` lists the export, the m-Path meta-data file and the mapping file.

    Raises
    ------
    SchemaFileError
        The mapping file is malformed.
    InputError
        The export cannot be read, or lacks a column the mapping names.
    """
    path = Path(path)
    mapping = load_mapping(mapping_path)
    if path.is_dir():
        from reconnect_analysis.io.mpath import find_mpath_pair
        pair = find_mpath_pair(path)
        if pair is None:
            raise InputError(f"is a folder; a mapping file reads one export file, or a folder "
                             f"with one m-Path data file and its meta-data file (mapping "
                             f"{mapping.path.name})", file=path.name)
        path = pair[0]
    source = _read_source(path, mapping)
    frame = source.entries
    missing = sorted(c for c in mapping.columns_used() if c not in frame.columns)
    if missing:
        raise InputError(f"has no column {missing[0]!r}, which the mapping file "
                         f"{mapping.path.name} uses; fix the column name in the mapping",
                         file=path.name, column=missing[0])
    raw = RawExport(entries=pd.DataFrame(), prompts=source.prompts, encoding=source.encoding,
                    fixes=list(source.fixes), warnings=list(source.warnings),
                    aggregation=dict(mapping.aggregation),
                    input_files=[*source.input_files, str(mapping.path)],
                    format_name=f"mapped-{_source_format(path, mapping)}",
                    set_aside=dict(source.set_aside))
    used = mapping.columns_used()
    ignored = [c for c in frame.columns if c not in used and c not in BOOKKEEPING]
    if ignored:
        raw.warnings.append(f"{path.name}: {len(ignored)} source column(s) not used by the "
                            f"mapping {mapping.path.name}")
    rows_used: set = set()
    for table in mapping.tables:
        mapped, fixes = apply_mapping(frame, mapping, table=table.table, name=path.name)
        if "source_row" in mapped.columns:
            rows_used.update(mapped["source_row"].tolist())
        mapped, col_fixes, col_warnings = canonical_columns(mapped, table=table.table,
                                                            name=path.name)
        mapped, dec_fixes = decimal_commas(mapped, name=path.name)
        mapped.attrs["source_file"] = path.name
        setattr(raw, table.table, mapped)
        raw.fixes.extend(fixes + col_fixes + dec_fixes)
        raw.warnings.extend(col_warnings)
    if "source_row" in frame.columns:
        not_selected = int((~frame["source_row"].isin(rows_used)).sum())
        if not_selected:
            raw.set_aside["rows no table of the mapping selects"] = not_selected
    return raw
