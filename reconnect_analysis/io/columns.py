"""Shared clean-up of a table read as text: column names, extra columns, decimal commas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.csv_core import SOURCE_FILE, SOURCE_ROW
from reconnect_analysis.io.fields import field_info
from reconnect_analysis.io.raw import READER_PROBLEM

BOOKKEEPING = (SOURCE_FILE, SOURCE_ROW, READER_PROBLEM)
_DECIMAL_COMMA = r"\s*[+-]?\d+,\d+\s*"


def fold(name: str) -> str:
    """A column name folded for matching: trimmed, lower case, spaces and dashes as ``_``.

    Examples
    --------
    >>> fold(" Sleep Hours "), fold("CUE-BODY")
    ('sleep_hours', 'cue_body')
    """
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").casefold())


def canonical_columns(frame: pd.DataFrame, *, table: str, name: str,
                      check_required: bool = True) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Rename near-miss column names to canonical ones, report extras, check required ones.

    Parameters
    ----------
    frame
        Cells as read (not changed).
    table
        ``entries``, ``events`` or ``weekly_screen``.
    name
        File name for messages.
    check_required
        Raise when a required column is missing.

    Returns
    -------
    tuple
        ``(frame, fixes, warnings)``. A column whose name differs from a canonical one only
        in case, surrounding spaces or ``-``/space instead of ``_`` is renamed when no other
        column claims the same name (reported in ``fixes``). Columns that are still not
        canonical stay in the frame, untouched, and are listed in ``warnings``; nothing is
        ever matched by position. An unnamed column with no values (a trailing delimiter) is
        removed and reported in ``fixes``.

    Raises
    ------
    InputError
        A required column is missing (named), or two columns fold to the same canonical name.
    """
    info = field_info()
    canonical = info.fields.get(table, ())
    by_fold = {fold(c): c for c in canonical}
    fixes: list[str] = []
    warnings: list[str] = []
    renames: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for col in frame.columns:
        if col in BOOKKEEPING:
            continue
        target = col if col in canonical else by_fold.get(fold(col))
        if target is None:
            continue
        if target in claimed:
            raise InputError(f"columns {claimed[target]!r} and {col!r} both mean {target!r}; "
                             "keep one", file=name, column=target)
        claimed[target] = col
        if target != col:
            renames[col] = target
    out = frame.rename(columns=renames) if renames else frame
    if renames:
        fixes.append("column names matched ignoring case and spaces: "
                     + ", ".join(f"{k!r} -> {v}" for k, v in renames.items()))
    empty_unnamed = [c for c in out.columns
                     if c.startswith("unnamed_") and (out[c] == "").all()]
    if empty_unnamed:
        out = out.drop(columns=empty_unnamed)
        fixes.append(f"{len(empty_unnamed)} empty unnamed column(s) removed (trailing "
                     "delimiter)")
    extras = [c for c in out.columns if c not in canonical and c not in BOOKKEEPING]
    if extras:
        shown = ", ".join(extras[:10]) + (f" and {len(extras) - 10} more" if len(extras) > 10
                                          else "")
        warnings.append(f"{name}: {len(extras)} column(s) not in the {table} schema, ignored: "
                        f"{shown}")
    if check_required:
        for group in info.required.get(table, ()):
            if not any(c in out.columns for c in group):
                found = ", ".join(c for c in out.columns if c not in BOOKKEEPING)[:200]
                raise InputError(f"required column {' or '.join(group)} is missing (columns "
                                 f"found: {found or 'none'}); rename the column or use a "
                                 "mapping file (--mapping)", file=name, column=group[0])
    return out, fixes, warnings


def decimal_commas(frame: pd.DataFrame, *, columns: list[str] | None = None,
                   name: str) -> tuple[pd.DataFrame, list[str]]:
    """Turn ``7,5`` into ``7.5`` in numeric fields (never in text such as notes).

    Parameters
    ----------
    frame
        Cells as text (not changed).
    columns
        The columns to look at; default: the numeric canonical fields present.
    name
        File name for the ``fixes`` line.

    Returns
    -------
    tuple
        ``(frame, fixes)``; only cells that are exactly digits, one comma, digits are changed.
    """
    if columns is None:
        numeric = field_info().numeric
        columns = [c for c in frame.columns if c in numeric]
    changed = {}
    pattern = re.compile(_DECIMAL_COMMA)
    for col in columns:
        series = frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            series = series.astype(str)
            if not series.str.contains(",", regex=False).any():
                continue
            # each distinct value is looked at once (ratings repeat a handful of values)
            codes, uniques = pd.factorize(series, use_na_sentinel=False)
            fixed = np.array([u.replace(",", ".") if pattern.fullmatch(u) else u
                              for u in uniques], dtype=object)
            hit = np.array([bool(pattern.fullmatch(u)) for u in uniques], dtype=bool)[codes]
            if hit.any():
                changed[col] = (pd.Series(fixed[codes], index=series.index, dtype=object)
                                .astype(series.dtype), int(hit.sum()))
    if not changed:
        return frame, []
    out = frame.copy()
    for col, (values, _) in changed.items():
        out[col] = values
    total = sum(n for _, n in changed.values())
    return out, [f"{name}: decimal commas read as points in {total} cell(s) of "
                 + ", ".join(changed)]
