"""Mapping files: load and check the YAML a clinic writes (format in docs/mapping.md).

:func:`load_mapping` reads a mapping file into a :class:`Mapping` and raises
:class:`SchemaFileError` naming the file and the key at fault; nothing is read from the
export here. Applying a mapping is in :mod:`reconnect_analysis.io.mapping_transforms`, reading
an export through one in :mod:`reconnect_analysis.io.mapping`.
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
import yaml

from reconnect_analysis.errors import SchemaFileError
from reconnect_analysis.io.fields import TABLES, field_info

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


def _fmt(value: float) -> str:
    return format(value, ".10g") if np.isfinite(value) else str(value)
