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


def duplicate_positions(frame: pd.DataFrame, columns: list[str], *,
                        mask: np.ndarray | None = None) -> np.ndarray:
    """Row positions (among ``mask``) repeating an earlier row in every one of ``columns``.

    Rows are hashed first; only rows whose hash repeats are compared value by value.
    """
    mask = np.ones(len(frame), dtype=bool) if mask is None else mask
    if not columns or not mask.any():
        return np.array([], dtype=np.int64)
    hashed = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    candidates = np.flatnonzero(mask)
    repeat = pd.Series(hashed[candidates]).duplicated(keep=False).to_numpy()
    if not repeat.any():
        return np.array([], dtype=np.int64)
    subset = frame[columns].take(candidates[repeat]).astype(object)
    dup = subset.duplicated(keep="first").to_numpy()
    return candidates[repeat][dup]


def conflict_positions(frame: pd.DataFrame, *, mask: np.ndarray | None = None) -> np.ndarray:
    """Row positions (among ``mask``) of entries sharing client and ``submitted_at``."""
    if "submitted_at" not in frame.columns:
        return np.array([], dtype=np.int64)
    mask = np.ones(len(frame), dtype=bool) if mask is None else mask
    rows = np.flatnonzero(mask & frame["submitted_at"].notna().to_numpy())
    if rows.size == 0:
        return np.array([], dtype=np.int64)
    timed = frame[["client_id", "submitted_at"]].take(rows)
    clash = timed.duplicated(keep=False).to_numpy()
    return rows[clash]


def merge_by_key(frame: pd.DataFrame, table: TableSpec, *,
                 keep: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per key, merged by the schema's rules.

    Parameters
    ----------
    frame
        Typed rows with ``_pos`` (input position), ``source_file`` and ``source_row``.
    keep
        Boolean mask of the rows taking part (default: all).

    Notes
    -----
    Within a key, entries are taken in ``submitted_at`` order (then input order), which is
    what ``first`` / ``last`` / ``join`` follow. The merged row's ``source_file`` and
    ``source_row`` are those of the key's first input row. Only keys with several rows are
    aggregated; the output is built by taking each key's first row once (no copy of the
    whole frame), which keeps the peak memory of a million rows low.

    Returns
    -------
    (merged frame sorted by key, with ``n_entries``; positions of the rows merged into another)
    """
    rows = np.flatnonzero(keep) if keep is not None else np.arange(len(frame))
    key = list(table.key)
    if not key or rows.size == 0:
        out = frame.take(rows).reset_index(drop=True)
        out["n_entries"] = np.int64(1)
        return out, np.array([], dtype=np.int64)
    keys = frame[key].take(rows)
    gid = keys.groupby(key, sort=True, observed=True, dropna=False).ngroup().to_numpy()
    del keys
    sizes = np.bincount(gid)
    _, first_index = np.unique(gid, return_index=True)   # rows ascend: first = smallest
    first_rows = rows[first_index]
    out = frame.take(first_rows).reset_index(drop=True)
    out["n_entries"] = sizes.astype(np.int64)
    in_multi = sizes[gid] > 1
    if not in_multi.any():
        return out, np.array([], dtype=np.int64)
    merged_away = rows[in_multi & (rows != first_rows[gid])]
    mrows, mgid = rows[in_multi], gid[in_multi]
    if "submitted_at" in frame.columns:
        stamp = frame["submitted_at"].array.take(mrows)
        stamp = np.where(stamp.isna(), np.iinfo(np.int64).max, stamp.asi8)
    else:
        stamp = np.zeros(mrows.size, dtype=np.int64)
    order = np.lexsort((mrows, stamp, mgid))
    mrows, mgid = mrows[order], mgid[order]
    targets = np.unique(mgid)                             # output rows of merged keys
    columns = [c for c in frame.columns
               if c not in key and c not in ("_pos", *SOURCE_COLUMNS)]
    multi = frame[columns].take(mrows).reset_index(drop=True)
    groups = multi.groupby(mgid, sort=True)
    for column in columns:
        spec = table.fields.get(column)
        rule = (spec.aggregate if spec is not None else None) or "first"
        merged = _aggregate(groups[column], multi, column, mgid, rule, spec)
        values = out[column].array.copy()
        values[targets] = merged.array
        out[column] = values
    return out, merged_away


def _aggregate(grouped, frame: pd.DataFrame, column: str, keys: np.ndarray, rule: str, spec):
    """One merged value per group (groups numbered by ``keys``), vectorised."""
    values = frame[column]
    if rule in ("any", "all"):
        as_float = values.astype("Float64").astype(float)
        regrouped = as_float.groupby(keys, sort=True)
        merged = regrouped.max() if rule == "any" else regrouped.min()
        return _to_boolean(merged)
    if rule == "sum":
        return grouped.sum(min_count=1)
    if rule in ("first", "last"):
        return getattr(grouped, rule)()
    if rule in ("mean", "max", "min"):
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            return _ordered_text(values, keys, rule)
        return getattr(grouped, rule)()
    if rule == "join":
        text = values.astype(object).where(values.notna())
        joined = (text + "\n").groupby(keys, sort=True).sum(min_count=1)
        return joined.map(lambda v: v[:-1] if isinstance(v, str) else None, na_action="ignore")
    if rule == "union":
        return _union(values, keys, spec)
    raise ValueError(f"unknown aggregate {rule}")


def _to_boolean(merged: pd.Series) -> pd.Series:
    """Floats 1/0/NaN per group back to nullable booleans (NaN stays missing)."""
    data = merged.to_numpy(dtype=float)
    return pd.Series(pd.arrays.BooleanArray(data > 0, np.isnan(data)), index=merged.index)


def _ordered_text(values: pd.Series, keys, rule: str) -> pd.Series:
    """min / max of text per group (e.g. the earliest HH:MM), through sorted codes."""
    codes, uniques = pd.factorize(values, sort=True)
    as_float = pd.Series(np.where(codes < 0, np.nan, codes), index=values.index)
    if rule == "mean":
        rule = "min"
    picked = getattr(as_float.groupby(keys, sort=True), rule)()
    out = np.full(len(picked), None, dtype=object)
    have = ~np.isnan(picked.to_numpy())
    out[have] = np.asarray(uniques, dtype=object)[picked.to_numpy()[have].astype(np.int64)]
    return pd.Series(out, index=picked.index, dtype=object)


def _union(values: pd.Series, keys, spec) -> pd.Series:
    """Union of '|'-separated sets per group, in the schema's order of values."""
    allowed = list(spec.values) if spec is not None else []
    codes, uniques = pd.factorize(values.astype(object).where(values.notna(), ""))
    parts = {}
    for value in allowed:
        member = np.array([value in str(u).split("|") for u in uniques], dtype=float)
        has = pd.Series(member[codes] if len(member) else np.zeros(len(values)),
                        index=values.index)
        parts[value] = has.groupby(keys, sort=True).max()
    if not parts:
        return values.groupby(keys, sort=True).first()
    index = next(iter(parts.values())).index
    out = pd.Series("", index=index, dtype=object)
    for value, present in parts.items():
        hit = present.to_numpy() > 0
        out[hit] = out[hit].where(out[hit] == "", out[hit] + "|") + value
    return out.where(out != "", None)
