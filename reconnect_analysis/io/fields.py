"""What the readers need to know about the canonical fields (names, which are numeric, risk).

The schema file (``data/schemas/v1/schema.yaml``, owned by the validation part) is the single
source of truth for types and ranges. Readers only need a thin slice of it: the canonical
column names per table (to recognise near-miss spellings and report extra columns), which
fields hold numbers (to turn decimal commas into points), which are required (to refuse a
file without them) and which are risk answers (so a duplicated JSON key never hides a
positive answer). This module reads that slice from the schema file when it can and falls back
to the field list of DOMAIN.md otherwise, so the readers work before and after the schema file
exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from reconnect_analysis import paths

TABLES = ("entries", "events", "weekly_screen")

_ENTRY_BOOLEANS = (
    "cue_body", "cue_sensory", "cue_connection", "cue_meaning",
    "shift_shoulders_dropped", "shift_time_faster", "shift_body_sensation",
    "shift_emotion_wave", "shift_sadness_or_annoyance", "shift_preference", "shift_social",
    "cannabis", "late_scrolling", "recovery_block", "conflict", "daylight_walk",
    "self_harm_thoughts", "unsafe",
    "flag_dissociation", "flag_psychotic", "flag_cannot_self_care", "flag_head_injury",
)
_ENTRY_NUMBERS = (
    "numbness", "arousal", "interest_pct", "sleep_hours", "alcohol_drinks", "hopelessness",
    "cue_body_minutes", "cue_sensory_minutes", "cue_connection_minutes", "cue_meaning_minutes",
)
_ENTRY_TEXT = ("client_id", "date", "submitted_at", "numbness_form", "note", "wake_time", "lever")
_SCREEN_NUMBERS = ("impair_work", "impair_relationships", "impair_parenting",
                   "impair_self_care", "impair_functioning")
_SCREEN_BOOLEANS = ("duration_two_weeks", "risk_hopelessness", "risk_self_harm",
                    "risk_dangerous_coping")

_FALLBACK_FIELDS = {
    "entries": _ENTRY_TEXT + _ENTRY_NUMBERS + _ENTRY_BOOLEANS,
    "events": ("client_id", "date", "kind", "detail"),
    "weekly_screen": ("client_id", "week_start") + _SCREEN_BOOLEANS + _SCREEN_NUMBERS,
}
_FALLBACK_NUMERIC = frozenset(_ENTRY_NUMBERS + _SCREEN_NUMBERS)
_FALLBACK_REQUIRED = {
    # Each inner tuple: at least one of these columns must be present.
    "entries": (("client_id",), ("date", "submitted_at"), ("numbness",)),
    "events": (("client_id",), ("date",), ("kind",)),
    "weekly_screen": (("client_id",), ("week_start",)),
}
_FALLBACK_RISK = frozenset({
    "self_harm_thoughts", "unsafe", "hopelessness", "flag_dissociation", "flag_psychotic",
    "flag_cannot_self_care", "flag_head_injury", "risk_hopelessness", "risk_self_harm",
    "risk_dangerous_coping",
})
_NUMERIC_TYPES = {"number", "float", "integer", "int", "numeric", "double", "minutes", "count"}


@dataclass(frozen=True)
class FieldInfo:
    """The readers' slice of the schema."""

    fields: dict[str, tuple[str, ...]]
    """Canonical column names per table, in schema order."""
    numeric: frozenset[str]
    """Fields that hold numbers (decimal commas are turned into points only there)."""
    required: dict[str, tuple[tuple[str, ...], ...]]
    """Per table, groups of columns of which at least one must be present."""
    risk: frozenset[str]
    """Risk answers and red flags (a duplicated JSON key keeps the positive value)."""


def _schema_required(doc: dict, parsed: dict[str, dict[str, dict]]) -> dict:
    """Per table, groups of columns of which one must be present (``required: true`` fields,
    with the table's ``required_one_of`` list as one group)."""
    out = dict(_FALLBACK_REQUIRED)
    for table, specs in parsed.items():
        one_of = tuple(doc["tables"][table].get("required_one_of") or ())
        groups = [(name,) for name, spec in specs.items()
                  if spec.get("required") is True and name not in one_of]
        out[table] = tuple(groups + ([one_of] if one_of else []))
    return out


def _schema_fields(doc: dict) -> dict[str, dict[str, dict]] | None:
    """Pull ``{table: {field: spec}}`` out of the schema file, tolerating dict or list form."""
    tables = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(tables, dict):
        return None
    out: dict[str, dict[str, dict]] = {}
    for table in TABLES:
        spec = tables.get(table)
        if isinstance(spec, dict) and "fields" in spec:
            spec = spec["fields"]
        if isinstance(spec, dict):
            out[table] = {str(k): (v if isinstance(v, dict) else {}) for k, v in spec.items()}
        elif isinstance(spec, list):
            out[table] = {str(item["name"]): item for item in spec
                          if isinstance(item, dict) and "name" in item}
    return out or None


@lru_cache(maxsize=1)
def field_info() -> FieldInfo:
    """The canonical fields, read from the schema file when present (cached).

    Returns
    -------
    FieldInfo
        Falls back to the DOMAIN.md field list when the schema file is absent or has a shape
        this reader does not understand (the validation part reports schema-file errors).
    """
    fallback = FieldInfo(fields=dict(_FALLBACK_FIELDS), numeric=_FALLBACK_NUMERIC,
                         required=dict(_FALLBACK_REQUIRED), risk=_FALLBACK_RISK)
    try:
        path = paths.schemas_dir() / "v1" / "schema.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return fallback
    parsed = _schema_fields(doc)
    if not parsed or "entries" not in parsed:
        return fallback
    fields = dict(_FALLBACK_FIELDS)
    numeric = set(_FALLBACK_NUMERIC)
    risk = set(_FALLBACK_RISK)
    for table, specs in parsed.items():
        fields[table] = tuple(specs)
        for name, spec in specs.items():
            kind = str(spec.get("type", "")).lower()
            if kind in _NUMERIC_TYPES:
                numeric.add(name)
            elif kind:
                numeric.discard(name)
            if spec.get("risk") or spec.get("red_flag"):
                risk.add(name)
    try:
        required = _schema_required(doc, parsed)
    except (AttributeError, KeyError, TypeError):
        required = dict(_FALLBACK_REQUIRED)
    return FieldInfo(fields=fields, numeric=frozenset(numeric), required=required,
                     risk=frozenset(risk))


def table_for_name(stem: str) -> str | None:
    """The canonical table a file stem names (``entries``, ``events``, ``weekly_screen``)."""
    stem = stem.strip().lower().replace("-", "_").replace(" ", "_")
    return stem if stem in TABLES else None
