"""The data contract: ``data/schemas/v1/schema.yaml`` read into small typed objects.

Nothing about fields, ranges or aggregation rules is written in Python: every other module of
``schema/`` asks the objects built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from reconnect_analysis.errors import SchemaFileError
from reconnect_analysis.paths import schemas_dir

SCHEMA_VERSION = 1
TYPES = ("id", "date", "timestamp", "time", "number", "boolean", "category", "set", "text")
AGGREGATES = ("mean", "max", "min", "sum", "any", "all", "first", "last", "union", "join")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a table as the schema file describes it."""

    name: str
    type: str
    meaning: str = ""
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] = ()
    pattern: str | None = None
    max_length: int | None = None
    required: bool = False
    on_invalid: str = "row"
    aggregate: str | None = None
    risk: bool = False
    red_flag: bool = False
    alert_at: str | float | None = None
    monday: bool = False
    format: str | None = None

    @property
    def quarantines_row(self) -> bool:
        """True when a bad value in this field quarantines the whole row."""
        return self.required or self.on_invalid == "row"

    @property
    def is_risk(self) -> bool:
        return self.risk or self.red_flag


@dataclass(frozen=True)
class TableSpec:
    """One table: its fields in schema order, its daily key and its documentation."""

    name: str
    fields: dict[str, FieldSpec]
    key: tuple[str, ...] = ()
    required_one_of: tuple[str, ...] = ()
    meaning: str = ""

    def of_type(self, *types: str) -> list[FieldSpec]:
        return [spec for spec in self.fields.values() if spec.type in types]

    @property
    def risk_fields(self) -> list[FieldSpec]:
        return [spec for spec in self.fields.values() if spec.is_risk]

    @property
    def required(self) -> list[str]:
        return [spec.name for spec in self.fields.values() if spec.required]


@dataclass(frozen=True)
class Schema:
    """The whole contract."""

    version: int
    tables: dict[str, TableSpec]
    missing_values: tuple[str, ...]
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    plausible_from: str
    path: Path = field(default=Path())

    @property
    def risk_fields(self) -> dict[str, list[str]]:
        """Risk answers and red flags per table (``{"entries": [...], ...}``)."""
        return {name: [spec.name for spec in table.risk_fields]
                for name, table in self.tables.items()}


def schema_path(version: int = SCHEMA_VERSION) -> Path:
    """Where the schema file of ``version`` lives."""
    return schemas_dir() / f"v{version}" / "schema.yaml"


@lru_cache(maxsize=4)
def load_schema(path: str | Path | None = None) -> Schema:
    """Read and check the schema file (the shipped v1 when ``path`` is None).

    Raises
    ------
    SchemaFileError
        When the file is missing, is not YAML, or describes a field inconsistently.
    """
    path = Path(path) if path is not None else schema_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise SchemaFileError(f"{path.name}: cannot read the schema file ({err})") from err
    if not isinstance(raw, dict) or "tables" not in raw:
        raise SchemaFileError(f"{path.name}: the schema file has no 'tables' section")
    tables = {name: _table(name, body, path) for name, body in raw["tables"].items()}
    return Schema(
        version=int(raw.get("version", SCHEMA_VERSION)),
        tables=tables,
        missing_values=tuple(str(v).lower() for v in raw.get("missing_values", [""])),
        true_values=tuple(str(v).lower() for v in raw.get("true_values", ["true"])),
        false_values=tuple(str(v).lower() for v in raw.get("false_values", ["false"])),
        plausible_from=str(raw.get("plausible_from", "2000-01-01")),
        path=path,
    )


def _table(name: str, body: dict, path: Path) -> TableSpec:
    fields = {}
    for field_name, spec in (body.get("fields") or {}).items():
        spec = dict(spec or {})
        kind = spec.pop("type", None)
        if kind not in TYPES:
            raise SchemaFileError(
                f"{path.name}: table {name}, field {field_name}: unknown type {kind!r}; "
                f"use one of {', '.join(TYPES)}")
        aggregate = spec.get("aggregate")
        if aggregate is not None and aggregate not in AGGREGATES:
            raise SchemaFileError(
                f"{path.name}: table {name}, field {field_name}: unknown aggregate "
                f"{aggregate!r}; use one of {', '.join(AGGREGATES)}")
        on_invalid = spec.get("on_invalid", "row")
        if on_invalid not in ("row", "blank"):
            raise SchemaFileError(
                f"{path.name}: table {name}, field {field_name}: on_invalid must be row or blank")
        unknown = set(spec) - set(FieldSpec.__dataclass_fields__)
        if unknown:
            raise SchemaFileError(
                f"{path.name}: table {name}, field {field_name}: unknown keys "
                f"{', '.join(sorted(unknown))}")
        if "values" in spec:
            spec["values"] = tuple(str(v) for v in spec["values"])
        fields[field_name] = FieldSpec(name=field_name, type=kind, **spec)
    return TableSpec(
        name=name,
        fields=fields,
        key=tuple(body.get("key") or ()),
        required_one_of=tuple(body.get("required_one_of") or ()),
        meaning=str(body.get("meaning", "")),
    )
