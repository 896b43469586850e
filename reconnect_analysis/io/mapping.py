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

import datetime as dt
import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from reconnect_analysis.errors import InputError, SchemaFileError
from reconnect_analysis.io.columns import BOOKKEEPING, canonical_columns, decimal_commas
from reconnect_analysis.io.fields import TABLES, field_info
from reconnect_analysis.io.raw import RawExport

FORMATS = ("csv", "mpath", "json", "jsonl", "xlsx")
COMBINE = ("mean", "sum", "min", "max", "first")
AGGREGATIONS = ("mean", "max", "min", "sum", "any", "all", "first", "last", "union", "join")
OUTPUTS = ("date", "timestamp", "time")
_TOP_KEYS = {"mapping_version", "name", "description", "source", "rows", "fields", "tables",
             "aggregation", "prompts"}
_SOURCE_KEYS = {"format", "delimiter", "encoding", "decimal", "meta_file", "id_column"}
_FIELD_KEYS = {"from", "combine", "min_items", "value", "values", "split", "scale", "reverse",
               "reverse_items", "rescale_to", "decimal", "round", "parse", "offset_column",
               "offset_unit", "offset", "timezone", "output"}
_TABLE_KEYS = {"rows", "fields"}
_DEFAULT_OUTPUT = {"date": "date", "week_start": "date", "submitted_at": "timestamp",
                   "wake_time": "time"}
_OFFSET_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600}
_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """YAML with the 1.2 rule for booleans: only true/false are booleans, so a clinic's
    ``yes``, ``no``, ``on``, ``off``, ``ja`` or ``nee`` stay the words they wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is made from the source (see docs/mapping.md)."""

    target: str
    sources: tuple[str, ...] = ()
    combine: str = "first"
    min_items: int = 1
    value: str | None = None
    values: dict[str, str] | None = None
    split: str | None = None
    scale: tuple[float, float] | None = None
    reverse: bool = False
    reverse_items: tuple[str, ...] = ()
    rescale_to: tuple[float, float] | None = None
    decimal: str = "."
    round: int | None = None
    parse: str | None = None
    offset_column: str | None = None
    offset_seconds: int = 1
    offset: dt.timezone | None = None
    timezone: str | None = None
    output: str | None = None

    @property
    def numeric(self) -> bool:
        return (self.scale is not None or self.round is not None
                or self.combine in ("mean", "sum", "min", "max"))


@dataclass(frozen=True)
class TableRule:
    table: str
    fields: tuple[FieldRule, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file."""

    path: Path
    name: str
    format: str | None
    delimiter: str | None
    encoding: str | None
    decimal: str
    meta_file: str | None
    id_column: str | None
    tables: tuple[TableRule, ...]
    aggregation: dict[str, str]
    prompt_questionnaires: tuple[str, ...] | None

    def columns_used(self) -> set[str]:
        used = set()
        for table in self.tables:
            used.update(table.where)
            for rule in table.fields:
                used.update(rule.sources)
                if rule.offset_column:
                    used.add(rule.offset_column)
        return used


class _Check:
    """Raises SchemaFileError naming the mapping file and the key path."""

    def __init__(self, path: Path) -> None:
        self.name = path.name

    def fail(self, key: str, message: str) -> SchemaFileError:
        return SchemaFileError(f"{self.name}: {key}: {message}")

    def keys(self, value: Any, key: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping of keys, found {type(value).__name__}")
        for k in value:
            if str(k) not in allowed:
                hint = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                raise self.fail(f"{key}.{k}" if key else str(k), "unknown key"
                                + (f"; did you mean {hint[0]!r}?" if hint else
                                   f"; allowed: {', '.join(sorted(allowed))}"))
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(key, "must be a non-empty text")
        return value

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v
                                                                for v in value):
            raise self.fail(key, "must be a column name or a list of column names")
        return tuple(value)

    def pair(self, value: Any, key: str) -> tuple[float, float]:
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value))
        if not ok or value[0] == value[1]:
            raise self.fail(key, "must be two different numbers [low, high], e.g. [1, 7]")
        return float(value[0]), float(value[1])


def _value_map(raw: Any, check: _Check, key: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise check.fail(key, "must map source values to canonical values, e.g. "
                              '{"ja": true, "nee": false}')
    out: dict[str, str] = {}
    for k, v in raw.items():
        if isinstance(v, (dict, list)):
            raise check.fail(f"{key}.{k}", "must be a single value")
        out[_to_cell(k).strip().casefold()] = _to_cell(v)
    return out


def _to_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)


def _parse_offset(text: Any, check: _Check, key: str) -> dt.timezone:
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", str(text).strip())
    if not match:
        raise check.fail(key, 'must be a UTC offset such as "+01:00" or "-0500"')
    sign = 1 if match.group(1) == "+" else -1
    delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return dt.timezone(sign * delta)


def _field_rule(target: str, spec: Any, check: _Check, key: str) -> FieldRule:
    if isinstance(spec, str):
        spec = {"from": spec}
    spec = check.keys(spec, key, _FIELD_KEYS)
    if ("from" in spec) == ("value" in spec):
        raise check.fail(key, "give exactly one of 'from' (source column or columns) or "
                              "'value' (a constant)")
    kwargs: dict[str, Any] = {"target": target}
    if "value" in spec:
        kwargs["value"] = _to_cell(spec["value"])
        extra = set(spec) - {"value"}
        if extra:
            raise check.fail(f"{key}.{sorted(extra)[0]}", "not allowed with 'value'")
        return FieldRule(**kwargs)
    sources = check.texts(spec["from"], f"{key}.from")
    kwargs["sources"] = sources
    if len(sources) > 1 and "combine" not in spec:
        raise check.fail(f"{key}.combine", f"needed with several source columns: one of "
                                           f"{', '.join(COMBINE)}")
    if "combine" in spec:
        if spec["combine"] not in COMBINE:
            raise check.fail(f"{key}.combine", f"must be one of {', '.join(COMBINE)}")
        kwargs["combine"] = spec["combine"]
    if "min_items" in spec:
        n = spec["min_items"]
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(sources):
            raise check.fail(f"{key}.min_items", f"must be a whole number from 1 to "
                                                 f"{len(sources)}")
        kwargs["min_items"] = n
    if "values" in spec:
        kwargs["values"] = _value_map(spec["values"], check, f"{key}.values")
    if "split" in spec:
        kwargs["split"] = check.text(spec["split"], f"{key}.split")
    if "scale" in spec:
        kwargs["scale"] = check.pair(spec["scale"], f"{key}.scale")
    for flag in ("reverse",):
        if flag in spec:
            if not isinstance(spec[flag], bool):
                raise check.fail(f"{key}.{flag}", "must be true or false")
            kwargs[flag] = spec[flag]
    if "reverse_items" in spec:
        items = check.texts(spec["reverse_items"], f"{key}.reverse_items")
        unknown = [i for i in items if i not in sources]
        if unknown:
            raise check.fail(f"{key}.reverse_items", f"{unknown[0]!r} is not one of the "
                                                     "'from' columns")
        kwargs["reverse_items"] = items
    if "rescale_to" in spec:
        kwargs["rescale_to"] = check.pair(spec["rescale_to"], f"{key}.rescale_to")
    if (kwargs.get("reverse") or kwargs.get("reverse_items") or kwargs.get("rescale_to")) \
            and "scale" not in kwargs:
        raise check.fail(f"{key}.scale", "needed for reverse, reverse_items and rescale_to: "
                                         "the source scale [low, high], e.g. [1, 7]")
    if "decimal" in spec:
        if spec["decimal"] not in (".", ","):
            raise check.fail(f"{key}.decimal", 'must be "." or ","')
        kwargs["decimal"] = spec["decimal"]
    if "round" in spec:
        if not isinstance(spec["round"], int) or isinstance(spec["round"], bool) \
                or not 0 <= spec["round"] <= 6:
            raise check.fail(f"{key}.round", "must be a whole number of decimals, 0 to 6")
        kwargs["round"] = spec["round"]
    time_keys = {"offset_column", "offset_unit", "offset", "timezone", "output"} & set(spec)
    if time_keys and "parse" not in spec:
        raise check.fail(f"{key}.{sorted(time_keys)[0]}", "needs 'parse' (unix_seconds, "
                                                          "unix_ms, iso or a format like "
                                                          "%d/%m/%Y)")
    if "parse" in spec:
        kwargs.update(_time_rule(target, spec, check, key))
    rule = FieldRule(**kwargs)
    if rule.numeric and (rule.parse or rule.split):
        raise check.fail(key, "a field is either numeric (scale, combine mean/sum/min/max, "
                              "round) or parsed as a date/time or split, not both")
    return rule


def _time_rule(target: str, spec: dict, check: _Check, key: str) -> dict:
    parse = check.text(spec["parse"], f"{key}.parse")
    if parse not in ("unix_seconds", "unix_ms", "iso") and "%" not in parse:
        raise check.fail(f"{key}.parse", "must be unix_seconds, unix_ms, iso or a date "
                                         "format such as %d/%m/%Y or %Y-%m-%d %H:%M")
    out: dict[str, Any] = {"parse": parse}
    if "%" in parse:
        try:
            dt.datetime.now().strftime(parse)
        except ValueError as err:
            raise check.fail(f"{key}.parse", f"not a valid date format ({err})") from err
    zones = [k for k in ("offset_column", "offset", "timezone") if k in spec]
    if len(zones) > 1:
        raise check.fail(f"{key}.{zones[1]}", f"give only one of offset_column, offset, "
                                              f"timezone (found {', '.join(zones)})")
    if "offset_column" in spec:
        out["offset_column"] = check.text(spec["offset_column"], f"{key}.offset_column")
        unit = spec.get("offset_unit", "seconds")
        if unit not in _OFFSET_UNITS:
            raise check.fail(f"{key}.offset_unit", "must be seconds, minutes or hours")
        out["offset_seconds"] = _OFFSET_UNITS[unit]
    elif "offset_unit" in spec:
        raise check.fail(f"{key}.offset_unit", "only with offset_column")
    if "offset" in spec:
        out["offset"] = _parse_offset(spec["offset"], check, f"{key}.offset")
    if "timezone" in spec:
        zone = check.text(spec["timezone"], f"{key}.timezone")
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
            raise check.fail(f"{key}.timezone", f"unknown time zone {zone!r} (use a name "
                                                "such as Europe/Brussels)") from err
        out["timezone"] = zone
    output = spec.get("output", _DEFAULT_OUTPUT.get(target))
    if output not in OUTPUTS:
        raise check.fail(f"{key}.output", f"must be one of {', '.join(OUTPUTS)}")
    out["output"] = output
    if parse.startswith("unix") and "offset_column" not in out and "offset" not in out \
            and "timezone" not in out and output != "timestamp":
        raise check.fail(f"{key}.parse", "Unix times are UTC: give offset_column, offset or "
                                         "timezone so the local date is right")
    return out


def _table_rule(table: str, spec: Any, check: _Check, key: str) -> TableRule:
    spec = check.keys(spec, key, _TABLE_KEYS)
    canonical = field_info().fields[table]
    fields_spec = spec.get("fields")
    if not isinstance(fields_spec, dict) or not fields_spec:
        raise check.fail(f"{key}.fields" if key else "fields",
                         "must map canonical field names to source columns")
    rules = []
    for target, rule in fields_spec.items():
        fkey = f"{key}.fields.{target}" if key else f"fields.{target}"
        if target not in canonical:
            hint = difflib.get_close_matches(str(target), canonical, n=1)
            raise check.fail(fkey, f"not a canonical {table} field"
                             + (f"; did you mean {hint[0]!r}?" if hint else ""))
        rules.append(_field_rule(str(target), rule, check, fkey))
    targets = {r.target for r in rules}
    for group in field_info().required.get(table, ()):
        if not targets & set(group):
            raise check.fail(f"{key}.fields" if key else "fields",
                             f"required field {' or '.join(group)} is not mapped")
    where: dict[str, tuple[str, ...]] = {}
    if "rows" in spec:
        rows = check.keys(spec["rows"], f"{key}.rows" if key else "rows", {"where"})
        wkey = f"{key}.rows.where" if key else "rows.where"
        cond = rows.get("where")
        if not isinstance(cond, dict) or not cond:
            raise check.fail(wkey, "must map a source column to the values to keep")
        for column, values in cond.items():
            values = values if isinstance(values, list) else [values]
            if not values or any(isinstance(v, (dict, list)) for v in values):
                raise check.fail(f"{wkey}.{column}", "must be a value or a list of values")
            where[str(column)] = tuple(_to_cell(v) for v in values)
    return TableRule(table=table, fields=tuple(rules), where=where)


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    SchemaFileError
        Not YAML, unknown key (with a suggestion), a target that is not a canonical field,
        a required field not mapped, a malformed transform; the message names the mapping
        file and the key path (``likert.yaml: fields.numbness.scale: ...``).
    """
    path = Path(path)
    check = _Check(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except FileNotFoundError as err:
        raise SchemaFileError(f"{path.name}: mapping file not found") from err
    except (OSError, UnicodeDecodeError) as err:
        raise SchemaFileError(f"{path.name}: mapping file cannot be read ({err})") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SchemaFileError(f"{path.name}: not valid YAML{where}; check the indentation "
                              "and quotes") from err
    doc = check.keys(doc, "", _TOP_KEYS)
    version = doc.get("mapping_version", 1)
    if version != 1:
        raise check.fail("mapping_version", "only version 1 is known")
    source = check.keys(doc.get("source") or {}, "source", _SOURCE_KEYS)
    fmt = source.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise check.fail("source.format", f"must be one of {', '.join(FORMATS)}")
    delimiter = source.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1
                                  or delimiter in '"\r\n'):
        raise check.fail("source.delimiter", 'must be one character, e.g. ";" or ","')
    encoding = source.get("encoding")
    if encoding is not None:
        try:
            "".encode(check.text(encoding, "source.encoding"))
        except LookupError as err:
            raise check.fail("source.encoding", f"unknown encoding {encoding!r}") from err
    decimal = source.get("decimal", ".")
    if decimal not in (".", ","):
        raise check.fail("source.decimal", 'must be "." or ","')
    if "fields" in doc and "tables" in doc:
        raise check.fail("tables", "give either 'fields' (entries only) or 'tables', not both")
    tables: list[TableRule] = []
    if "fields" in doc:
        tables.append(_table_rule("entries", {k: doc[k] for k in ("fields", "rows") if k in doc},
                                  check, ""))
    elif "tables" in doc:
        spec = check.keys(doc["tables"], "tables", set(TABLES))
        for table, tspec in spec.items():
            tables.append(_table_rule(table, tspec, check, f"tables.{table}"))
        if "entries" not in spec:
            raise check.fail("tables", "an entries table is required")
    else:
        raise check.fail("fields", "missing: map at least client_id, date and numbness")
    if "rows" in doc and "fields" not in doc:
        raise check.fail("rows", "put rows under tables.<table> when using tables")
    aggregation = {}
    for target, how in check.keys(doc.get("aggregation") or {}, "aggregation",
                                  set(field_info().fields["entries"])).items():
        if how not in AGGREGATIONS:
            raise check.fail(f"aggregation.{target}", f"must be one of {', '.join(AGGREGATIONS)}")
        aggregation[str(target)] = how
    prompts = doc.get("prompts")
    questionnaires = None
    if prompts is not None:
        prompts = check.keys(prompts, "prompts", {"questionnaires"})
        questionnaires = check.texts(prompts.get("questionnaires"), "prompts.questionnaires")
    return Mapping(path=path, name=str(doc.get("name") or path.stem), format=fmt,
                   delimiter=delimiter, encoding=encoding, decimal=decimal,
                   meta_file=source.get("meta_file"), id_column=source.get("id_column"),
                   tables=tuple(tables), aggregation=aggregation,
                   prompt_questionnaires=questionnaires)


# --- applying a mapping ----------------------------------------------------------------


def _fmt(value: float) -> str:
    return format(value, ".10g") if np.isfinite(value) else str(value)


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


def _apply_field(frame: pd.DataFrame, rule: FieldRule, decimal: str) -> pd.Series:
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
        out[field_rule.target] = _apply_field(selected, field_rule, mapping.decimal)
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
                    format_name=f"mapped-{_source_format(path, mapping)}")
    used = mapping.columns_used()
    ignored = [c for c in frame.columns if c not in used and c not in BOOKKEEPING]
    if ignored:
        raw.warnings.append(f"{path.name}: {len(ignored)} source column(s) not used by the "
                            f"mapping {mapping.path.name}")
    for table in mapping.tables:
        mapped, fixes = apply_mapping(frame, mapping, table=table.table, name=path.name)
        mapped, col_fixes, col_warnings = canonical_columns(mapped, table=table.table,
                                                            name=path.name)
        mapped, dec_fixes = decimal_commas(mapped, name=path.name)
        mapped.attrs["source_file"] = path.name
        setattr(raw, table.table, mapped)
        raw.fixes.extend(fixes + col_fixes + dec_fixes)
        raw.warnings.extend(col_warnings)
    return raw
