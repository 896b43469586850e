"""Validation of one raw table: parse, check, set aside, merge; every row gets one outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.io.raw import READER_PROBLEM
from reconnect_analysis.schema import coerce, merge, risks
from reconnect_analysis.schema.contract import Schema, TableSpec
from reconnect_analysis.schema.problems import Problems
from reconnect_analysis.schema.rules import Rule, check_with_pandas, rules_for

KEPT, MERGED, QUARANTINED = "kept", "merged", "quarantined"


@dataclass
class TableResult:
    """What became of one raw table."""

    name: str
    clean: pd.DataFrame
    problems: pd.DataFrame
    """Columns ``_pos, column, value, reason, action``."""
    risks: pd.DataFrame
    outcome: np.ndarray
    """Per input row: kept, merged or quarantined."""
    counts: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: tuple = ()
    """``(source_file, source_row)`` arrays by input row position."""
    client_ids: np.ndarray | None = None
    """The row's client id by input row position, None where it is missing or unusable."""


def validate_table(raw: pd.DataFrame, table: TableSpec, schema: Schema, *,
                   latest: pd.Timestamp, settings: Settings = DEFAULTS,
                   checker=None) -> TableResult:
    """Validate one raw table.

    Parameters
    ----------
    raw
        Canonical columns as the reader gave them, plus ``source_file`` and ``source_row``
        (and optionally ``_reader_problem``).
    latest
        The latest plausible date (the run's date plus one day).
    checker
        ``checker(typed_frame, rules, latest=...) -> {rule: failing positions}``; the
        great-expectations runner by default, the pandas reference checker in some tests.
    """
    if checker is None:
        from reconnect_analysis.schema.suites import check_with_gx as checker
    n = len(raw)
    raw = raw.reset_index(drop=True)
    problems = Problems()
    notes: list[str] = []
    row_bad = np.zeros(n, dtype=bool)

    reader_rows = np.array([], dtype=np.int64)
    if READER_PROBLEM in raw.columns:
        flagged = raw[READER_PROBLEM]
        hit = np.flatnonzero((flagged.notna() & (flagged.astype("str") != "")).to_numpy())
        reader = np.full(n, "", dtype=object)
        reader[hit] = flagged.iloc[hit].astype(str).to_numpy(dtype=object)
        for code in pd.unique(reader[hit]):
            where = hit[reader[hit] == code]
            for part in str(code).split(";"):
                problems.add(where, column="", reason=part.strip(), action="quarantine")
        row_bad[hit] = True
        reader_rows = hit

    frame = pd.DataFrame(index=pd.RangeIndex(n))
    local_dates = None
    for spec in table.fields.values():
        if spec.name not in raw.columns:
            continue
        parsed = coerce.PARSERS[spec.type](raw[spec.name], spec, schema)
        frame[spec.name] = parsed.values
        if parsed.local_dates is not None:
            local_dates = parsed.local_dates
        _record(problems, raw[spec.name], parsed.failures, spec, row_bad)

    if "date" in table.fields and local_dates is not None:
        if "date" not in frame.columns:
            frame["date"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        fill = frame["date"].isna().to_numpy().copy()
        fill[_failed_positions(problems, "date")] = False
        usable = fill & ~np.isnat(local_dates)
        if usable.any():
            dates = frame["date"].to_numpy(dtype="datetime64[ns]").copy()
            dates[usable] = local_dates[usable]
            frame["date"] = dates
            notes.append(f"{table.name}: date taken from submitted_at in {int(usable.sum())} "
                         "rows without a date")
    recovered = _best_dates(frame, n)
    if local_dates is not None:
        recovered = np.where(np.isnat(recovered), local_dates, recovered)

    for spec in table.fields.values():
        if spec.monday and spec.name in frame.columns:
            dates = frame[spec.name]
            bad = np.flatnonzero(dates.notna().to_numpy() & (dates.dt.day_of_week != 0).to_numpy())
            problems.add(bad, column=spec.name, reason=f"not_monday:{spec.name}",
                         action="quarantine" if spec.quarantines_row else "blank",
                         values=dates.iloc[bad].dt.strftime("%Y-%m-%d"))
            _apply(frame, spec.name, bad, spec.quarantines_row, row_bad)

    rules = [rule for rule in rules_for(table, schema)
             if rule.column in frame.columns or rule.kind == "not_null"]
    for rule in rules:
        if rule.column not in frame.columns:
            # a required column absent from the whole table: every row misses it
            problems.add(np.arange(n), column=rule.column, reason=rule.reason,
                         action="quarantine")
            row_bad[:] = True
    present_rules = [rule for rule in rules if rule.column in frame.columns]
    failures = checker(frame, present_rules, latest=latest, table_name=table.name)
    for rule in present_rules:
        bad = np.asarray(failures.get(rule, []), dtype=np.int64)
        if rule.kind == "not_null":
            bad = np.setdiff1d(bad, _failed_positions(problems, rule.column))
        values = None
        if rule.kind != "not_null":
            values = _shown(frame[rule.column].iloc[bad], table.fields[rule.column].type)
            if rule.column in raw.columns and table.fields[rule.column].type != "text":
                written = raw[rule.column].iloc[bad].map(coerce.as_text).to_numpy(dtype=object)
                values = np.where(written != "", written, values)
        problems.add(bad, column=rule.column, reason=rule.reason,
                     action="quarantine" if rule.quarantines_row else "blank", values=values)
        _apply(frame, rule.column, bad, rule.quarantines_row, row_bad)

    frame["source_file"] = raw["source_file"].array
    frame["source_row"] = raw["source_row"].to_numpy(dtype=np.int64)
    frame["_pos"] = np.arange(n, dtype=np.int64)

    outcome = np.full(n, KEPT, dtype=object)
    outcome[row_bad] = QUARANTINED
    keep = ~row_bad
    schema_columns = [c for c in table.fields if c in frame.columns]
    dups = merge.duplicate_positions(frame, schema_columns, mask=keep)
    problems.add(dups, column="", reason="duplicate", action="quarantine")
    keep[dups] = False
    conflicts = np.array([], dtype=np.int64)
    if table.name == "entries":
        conflicts = merge.conflict_positions(frame, mask=keep)
        stamps = frame["submitted_at"].iloc[conflicts] if conflicts.size else None
        problems.add(conflicts, column="submitted_at", reason="conflict", action="quarantine",
                     values=None if stamps is None else stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        keep[conflicts] = False
    outcome[dups] = QUARANTINED
    outcome[conflicts] = QUARANTINED
    usable_ids = _usable_ids(frame, table, problems, n)
    rescued = risks.rescue(raw, table, schema,
                           client_ids=usable_ids,
                           dates=recovered, settings=settings)
    clean, merged_away = merge.merge_by_key(frame, table, keep=keep)
    del frame
    outcome[merged_away] = MERGED
    rescued["from_quarantine"] = outcome[rescued["_pos"].to_numpy(dtype=np.int64)] == QUARANTINED

    counts = {
        "rows_read": n,
        "rows_kept": int((outcome == KEPT).sum()),
        "rows_merged": int((outcome == MERGED).sum()),
        "rows_quarantined": int((outcome == QUARANTINED).sum()),
    }
    found = problems.frame()
    in_quarantined_row = (found["action"] == "blank").to_numpy() & (
        outcome[found["_pos"].to_numpy(dtype=np.int64)] == QUARANTINED)
    found.loc[in_quarantined_row, "action"] = "quarantine"   # the whole row went, not a cell
    check_reconciliation(table.name, counts, n_output=len(clean),
                         quarantined_rows=np.flatnonzero(outcome == QUARANTINED),
                         rows_with_reasons=found.loc[found["action"] == "quarantine", "_pos"])
    clean = clean.drop(columns=["_pos"]).reset_index(drop=True)
    if table.key and "n_entries" not in clean.columns:
        clean["n_entries"] = np.int64(1)
    if not table.key:
        clean = clean.drop(columns=["n_entries"], errors="ignore")
    if reader_rows.size:
        # a row the reader could not read faithfully (shifted, cut) is quarantined for that
        # reason alone: the cell-level complaints about its misplaced values are noise
        found = found[~(found["_pos"].isin(reader_rows) & (found["column"] != ""))]
    return TableResult(name=table.name, clean=clean, problems=found.reset_index(drop=True),
                       risks=rescued, outcome=outcome, counts=counts, notes=notes,
                       client_ids=usable_ids,
                       sources=(raw["source_file"].to_numpy(dtype=object),
                                raw["source_row"].to_numpy(dtype=np.int64)))


class ReconciliationError(RuntimeError):
    """An input row without exactly one outcome: a bug, never the user's mistake."""


def check_reconciliation(name: str, counts: dict, *, n_output: int,
                         quarantined_rows: np.ndarray, rows_with_reasons) -> None:
    """Raise :class:`ReconciliationError` unless every row is accounted for.

    Checks rows read = kept + merged + quarantined, one output row per kept row, and that
    the quarantined rows are exactly the rows with a quarantine reason.
    """
    read, kept = counts["rows_read"], counts["rows_kept"]
    merged, quarantined = counts["rows_merged"], counts["rows_quarantined"]
    if read != kept + merged + quarantined:
        raise ReconciliationError(f"{name}: rows read {read} != kept {kept} + merged {merged} "
                                  f"+ quarantined {quarantined}")
    if kept != n_output:
        raise ReconciliationError(f"{name}: {kept} kept rows but {n_output} output rows")
    with_reasons = np.unique(np.asarray(rows_with_reasons, dtype=np.int64))
    if not np.array_equal(np.sort(quarantined_rows), with_reasons):
        raise ReconciliationError(f"{name}: {quarantined_rows.size} quarantined rows but "
                                  f"{with_reasons.size} rows with a quarantine reason")


def _record(problems: Problems, raw_column: pd.Series, failures: dict, spec,
            row_bad: np.ndarray) -> None:
    for reason, where in failures.items():
        if reason.startswith("truncated_text"):
            problems.add(where, column=spec.name, reason=reason, action="fix")
            continue
        values = None if spec.type == "text" else raw_column.iloc[where].to_numpy(dtype=object)
        action = "quarantine" if spec.quarantines_row else "blank"
        problems.add(where, column=spec.name, reason=reason, action=action, values=values)
        if spec.quarantines_row:
            row_bad[where] = True


def _apply(frame: pd.DataFrame, column: str, bad: np.ndarray, quarantines_row: bool,
           row_bad: np.ndarray) -> None:
    if bad.size == 0:
        return
    if quarantines_row:
        row_bad[bad] = True
    else:
        frame.loc[frame.index[bad], column] = None


def _failed_positions(problems: Problems, column: str) -> np.ndarray:
    found = problems.frame()
    return found.loc[found["column"] == column, "_pos"].to_numpy(dtype=np.int64)


def _shown(values: pd.Series, kind: str):
    if kind == "date":
        return values.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    if kind == "text":
        return None
    return values.to_numpy(dtype=object)


def _usable_ids(frame: pd.DataFrame, table: TableSpec, problems: Problems, n: int) -> np.ndarray:
    if "client_id" not in frame.columns:
        return np.full(n, None, dtype=object)
    ids = frame["client_id"].to_numpy(dtype=object).copy()
    bad = _failed_positions(problems, "client_id")
    ids[bad] = None
    return ids


def _best_dates(frame: pd.DataFrame, n: int) -> np.ndarray:
    for column in ("date", "week_start"):
        if column in frame.columns:
            return frame[column].to_numpy(dtype="datetime64[ns]")
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")


__all__ = ["Rule", "TableResult", "check_with_pandas", "validate_table"]
