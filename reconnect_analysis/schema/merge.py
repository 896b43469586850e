"""Exact duplicates, conflicting entries, and several entries of one day merged into one.

Rules (the aggregation of each field comes from the schema file):

- rows equal in every schema field are *exact duplicates*: the first is kept, the others are
  quarantined ``duplicate``;
- entries of one client with the same ``submitted_at`` but different answers are all
  quarantined ``conflict`` (nobody can tell which one is right);
- the remaining rows of one key (client and day, or client and week) are merged field by field
  with the schema's ``aggregate`` rule; missing values are skipped, so a field missing in every
  entry of the day stays missing (never 0 and never False).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.schema.contract import TableSpec

SOURCE_COLUMNS = ("source_file", "source_row")


def duplicate_positions(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Positions (``_pos``) of rows that repeat an earlier row in every one of ``columns``."""
    if frame.empty or not columns:
        return np.array([], dtype=np.int64)
    hashed = pd.util.hash_pandas_object(frame[columns].astype(object), index=False)
    maybe = hashed.duplicated(keep=False).to_numpy()
    if not maybe.any():
        return np.array([], dtype=np.int64)
    subset = frame.loc[maybe, columns + ["_pos"]]
    dup = subset.astype({c: object for c in columns}).duplicated(subset=columns, keep="first")
    return subset.loc[dup, "_pos"].to_numpy(dtype=np.int64)


def conflict_positions(frame: pd.DataFrame) -> np.ndarray:
    """Positions of entries sharing client and ``submitted_at`` (after duplicates are gone)."""
    if frame.empty or "submitted_at" not in frame.columns:
        return np.array([], dtype=np.int64)
    timed = frame[frame["submitted_at"].notna()]
    clash = timed.duplicated(subset=["client_id", "submitted_at"], keep=False)
    return timed.loc[clash, "_pos"].to_numpy(dtype=np.int64)


def merge_by_key(frame: pd.DataFrame, table: TableSpec) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per key, merged by the schema's rules.

    Returns
    -------
    (merged frame with ``n_entries``, positions of the rows merged into another row)
    """
    key = list(table.key)
    if not key or frame.empty:
        out = frame.copy()
        out["n_entries"] = np.int64(1)
        return out, np.array([], dtype=np.int64)
    order = key + (["submitted_at"] if "submitted_at" in frame.columns else []) + ["_pos"]
    frame = frame.sort_values(order, kind="stable", na_position="last")
    sizes = frame.groupby(key, sort=False, observed=True)["_pos"].transform("size")
    single = (sizes == 1).to_numpy()
    singles = frame[single].copy()
    singles["n_entries"] = np.int64(1)
    multi = frame[~single]
    if multi.empty:
        return singles.sort_values(key, kind="stable"), np.array([], dtype=np.int64)
    groups = multi.groupby(key, sort=False, observed=True)
    first_pos = groups["_pos"].transform("first").to_numpy()
    merged_away = multi["_pos"].to_numpy()[multi["_pos"].to_numpy() != first_pos]
    columns = {}
    for column in multi.columns:
        if column in key:
            continue
        if column in ("_pos", *SOURCE_COLUMNS):
            columns[column] = groups[column].first()
            continue
        spec = table.fields.get(column)
        rule = (spec.aggregate if spec is not None else None) or "first"
        columns[column] = _aggregate(groups[column], multi, column, key, rule, spec)
    merged = pd.DataFrame(columns).reset_index()
    merged["n_entries"] = groups.size().to_numpy().astype(np.int64)
    out = pd.concat([singles, merged[singles.columns]], ignore_index=True)
    for column in singles.columns:
        if out[column].dtype != singles[column].dtype:
            out[column] = out[column].astype(singles[column].dtype)
    return out.sort_values(key, kind="stable").reset_index(drop=True), merged_away


def _aggregate(grouped, frame: pd.DataFrame, column: str, key: list[str], rule: str, spec):
    if rule in ("any", "all"):
        as_float = frame[column].astype("Float64").astype(float)
        regrouped = as_float.groupby([frame[k] for k in key], sort=False)
        value = regrouped.max() if rule == "any" else regrouped.min()
        return value.map(lambda v: pd.NA if np.isnan(v) else bool(v)).astype("boolean")
    if rule == "sum":
        return grouped.sum(min_count=1)
    if rule in ("mean", "max", "min", "first", "last"):
        return getattr(grouped, rule)()
    if rule == "join":
        return grouped.agg(lambda s: "\n".join(s.dropna().astype(str)) or None)
    if rule == "union":
        order = {value: rank for rank, value in enumerate(spec.values)} if spec else {}

        def union(values: pd.Series):
            parts = {p for text in values.dropna() for p in str(text).split("|") if p}
            if not parts:
                return None
            return "|".join(sorted(parts, key=lambda p: order.get(p, len(order))))

        return grouped.agg(union)
    raise ValueError(f"unknown aggregate {rule}")
