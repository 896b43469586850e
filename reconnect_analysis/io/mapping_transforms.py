"""Mapping transforms: one canonical column from source columns by a :class:`FieldRule`.

Value maps, numbers (decimal commas, scale check, reverse scoring, combining items,
rescaling, rounding) and dates and times (formats, Unix times, offsets, time zones). Every
distinct source value is transformed once, so a million rows cost about as much as their
distinct values. A value that cannot be read is returned as its original text (annotated
where the bare text could pass as valid), never as NaN.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd

from reconnect_analysis.io.mapping_file import _NUMBER, FieldRule, _fmt

_DECIMAL_COMMA = re.compile(r"([+-]?\d+),(\d+)")


def _one_number(cell: str, decimal: str) -> tuple[float, bool]:
    """(value, unreadable) of one cell; an empty cell is (NaN, False)."""
    text = cell.strip()
    if text == "":
        return np.nan, False
    if decimal == ",":
        text = _DECIMAL_COMMA.sub(r"\1.\2", text) if _DECIMAL_COMMA.fullmatch(text) else text
    if _NUMBER.fullmatch(text):
        return float(text), False
    return np.nan, True


def _numbers(texts: pd.Series, *, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse text to float: returns (values with NaN for missing or bad, bad mask).

    Each distinct cell is parsed once (ratings repeat a handful of values), so a million
    rows cost about as much as their distinct values."""
    codes, uniques = pd.factorize(texts.astype(str), use_na_sentinel=False)
    parsed = [_one_number(str(u), decimal) for u in uniques]
    values = np.array([v for v, _ in parsed], dtype=float)
    bad = np.array([b for _, b in parsed], dtype=bool)
    return values[codes], bad[codes]


def _format_numbers(values: np.ndarray) -> np.ndarray:
    """Numbers as text ("" for NaN), each distinct value formatted once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([_fmt(float(u)) for u in uniques] + [""], dtype=object)
    return texts[codes]  # code -1 (NaN) picks the trailing ""


def _map_values(texts: pd.Series, mapping: dict[str, str] | None,
                split: str | None) -> pd.Series:
    """Apply a value map (case and surrounding spaces ignored; unmapped values stay)."""
    if mapping is None and split is None:
        return texts

    def one(cell: str) -> str:
        key = cell.strip().casefold()
        return mapping.get(key, cell) if mapping is not None else cell.strip()

    uniques = {}
    for cell in texts.unique():
        if split is not None:
            parts = [p for p in str(cell).split(split) if p.strip()]
            uniques[cell] = "|".join(one(p) for p in parts)
        else:
            uniques[cell] = one(str(cell))
    return texts.map(uniques).astype(str)


def _numeric_field(frame: pd.DataFrame, rule: FieldRule, decimal: str) -> pd.Series:
    decimal = rule.decimal if rule.decimal != "." else decimal
    n = len(frame)
    values = np.full((n, len(rule.sources)), np.nan)
    bad_text = pd.Series("", index=frame.index, dtype=object)
    for j, column in enumerate(rule.sources):
        texts = _map_values(frame[column].astype(str), rule.values, None)
        numbers, bad = _numbers(texts, decimal=decimal)
        if rule.scale is not None:
            low, high = min(rule.scale), max(rule.scale)
            outside = (numbers < low) | (numbers > high)
            if outside.any():
                labelled = texts.str.strip() + f" (outside scale {_fmt(low)}-{_fmt(high)})"
                fresh = outside & (bad_text == "").to_numpy()
                bad_text[fresh] = labelled[fresh]
                numbers = np.where(outside, np.nan, numbers)
            if column in rule.reverse_items:
                numbers = low + high - numbers
        fresh_bad = bad & (bad_text == "").to_numpy()
        bad_text[fresh_bad] = texts[fresh_bad]
        values[:, j] = numbers
    count = (~np.isnan(values)).sum(axis=1)
    with np.errstate(all="ignore"):
        if rule.combine == "mean":
            result = np.where(count > 0, np.nansum(values, axis=1) / np.maximum(count, 1),
                              np.nan)
        elif rule.combine == "sum":
            result = np.where(count > 0, np.nansum(values, axis=1), np.nan)
        elif rule.combine == "min":
            result = np.where(count > 0, np.nanmin(np.where(np.isnan(values), np.inf, values),
                                                   axis=1), np.nan)
        elif rule.combine == "max":
            result = np.where(count > 0, np.nanmax(np.where(np.isnan(values), -np.inf,
                                                            values), axis=1), np.nan)
        else:  # first non-missing
            first = np.argmax(~np.isnan(values), axis=1)
            result = values[np.arange(n), first]
    result = np.where(count >= rule.min_items, result, np.nan)
    if rule.scale is not None:
        low, high = min(rule.scale), max(rule.scale)
        if rule.reverse:
            result = low + high - result
        if rule.rescale_to is not None:
            s_from, s_to = rule.scale
            t_from, t_to = rule.rescale_to
            result = t_from + (result - s_from) * (t_to - t_from) / (s_to - s_from)
    if rule.round is not None:
        result = np.round(result, rule.round)
    out = pd.Series(_format_numbers(result), index=frame.index, dtype=object)
    has_bad = (bad_text != "").to_numpy()
    out[has_bad] = bad_text[has_bad]
    return out.astype(str)


def _unix_with_offsets(frame: pd.DataFrame, rule: FieldRule) -> pd.Series | None:
    """Vectorised Unix time plus offset column (the experience-sampling case, often large).
    Returns None when some cell needs the row-by-row path (annotated failures)."""
    texts = frame[rule.sources[0]].astype(str).str.strip()
    offsets = frame[rule.offset_column].astype(str).str.strip()
    integer = r"[+-]?\d+"
    ok = (texts.str.fullmatch(integer) & offsets.str.fullmatch(integer)) | (texts == "")
    if not ok.all():
        return None
    filled = texts != ""
    out = pd.Series("", index=frame.index, dtype=object)
    if not filled.any():
        return out.astype(str)
    seconds = texts[filled].astype("int64")
    shift = offsets[filled].astype("int64") * rule.offset_seconds
    if (shift % 60 != 0).any():
        return None  # offsets with seconds: the row-by-row path formats them exactly
    local = pd.to_datetime(seconds + shift, unit="s")
    if rule.output == "date":
        out[filled] = local.dt.strftime("%Y-%m-%d")
    elif rule.output == "time":
        out[filled] = local.dt.strftime("%H:%M")
    else:
        signs = np.where(shift < 0, "-", "+")
        minutes = np.abs(shift.to_numpy()) // 60
        suffix = [f"{sg}{m // 60:02d}:{m % 60:02d}" for sg, m in zip(signs, minutes,
                                                                      strict=True)]
        out[filled] = local.dt.strftime("%Y-%m-%dT%H:%M:%S") + pd.Series(suffix,
                                                                         index=local.index)
    return out.astype(str)


def _time_field(frame: pd.DataFrame, rule: FieldRule) -> pd.Series:
    if rule.parse == "unix_seconds" and rule.offset_column is not None:
        fast = _unix_with_offsets(frame, rule)
        if fast is not None:
            return fast
    texts = frame[rule.sources[0]].astype(str)
    zone = zoneinfo.ZoneInfo(rule.timezone) if rule.timezone else None
    # Each distinct (cell, offset) pair is parsed once; dates repeat a lot.
    if rule.offset_column:
        offsets = frame[rule.offset_column].astype(str)
        pairs = pd.MultiIndex.from_arrays([texts, offsets])
        codes, uniques = pd.factorize(pairs)
        parsed = [_one_time(str(cell), str(off), rule, zone) for cell, off in uniques]
    else:
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        parsed = [_one_time(str(cell), "", rule, zone) for cell in uniques]
    return pd.Series(np.array(parsed, dtype=object)[codes], index=frame.index,
                     dtype=object).astype(str)


def _one_time(cell: str, offset_text: str, rule: FieldRule, zone: Any) -> str:
    """One date/time cell in canonical form, or the original text when it cannot be read."""
    text = cell.strip()
    if text == "":
        return ""
    try:
        if rule.parse in ("unix_seconds", "unix_ms"):
            number = float(text)
            if rule.parse == "unix_ms":
                number /= 1000.0
            moment = dt.datetime.fromtimestamp(number, tz=dt.UTC)
        elif rule.parse == "iso":
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = dt.datetime.strptime(text, rule.parse)
    except (ValueError, OverflowError, OSError):
        # Annotated so that it can never pass as a valid canonical value by accident
        # (e.g. "2026-11-20" in a %d/%m/%Y column is ambiguous input, not a date).
        return f"{cell} (not {rule.parse})"
    if rule.offset_column is not None:
        if not re.fullmatch(r"\s*[+-]?\d+(\.\d+)?\s*", offset_text):
            return f"{cell} (offset {offset_text.strip() or 'missing'})"
        tz = dt.timezone(dt.timedelta(seconds=float(offset_text) * rule.offset_seconds))
        moment = moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)
    elif rule.offset is not None:
        moment = (moment.astimezone(rule.offset) if moment.tzinfo
                  else moment.replace(tzinfo=rule.offset))
    elif zone is not None:
        moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    if rule.output == "date":
        return moment.date().isoformat()
    if rule.output == "time":
        return moment.strftime("%H:%M")
    return moment.isoformat()


def apply_field(frame: pd.DataFrame, rule: FieldRule, decimal: str) -> pd.Series:
    """One canonical column (text) from ``frame`` by ``rule``; ``decimal`` is the source's
    decimal mark (a rule's own ``decimal`` wins)."""
    if rule.value is not None:
        return pd.Series(rule.value, index=frame.index, dtype=object).astype(str)
    if rule.numeric:
        return _numeric_field(frame, rule, decimal)
    if rule.parse is not None:
        return _time_field(frame, rule)
    if len(rule.sources) == 1:
        return _map_values(frame[rule.sources[0]].astype(str), rule.values, rule.split)
    # several text columns, combine "first": the first non-empty
    parts = [_map_values(frame[c].astype(str), rule.values, rule.split) for c in rule.sources]
    out = parts[0].copy()
    for part in parts[1:]:
        out = out.where(out.str.strip() != "", part)
    return out
