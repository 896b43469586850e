"""docs/schema.md, rendered from the schema file (a test keeps the two equal).

Regenerate with ``python -m reconnect_analysis.schema.docs``.
"""

from __future__ import annotations

from reconnect_analysis.paths import REPO_DIR
from reconnect_analysis.schema.contract import FieldSpec, Schema, load_schema

_AGGREGATE_WORDS = {
    "mean": "mean", "max": "largest", "min": "smallest (earliest)", "sum": "sum",
    "any": "yes if any entry says yes", "all": "yes if every entry says yes",
    "first": "first", "last": "last", "union": "union of the values",
    "join": "joined, one per line",
}


def render_markdown(schema: Schema | None = None) -> str:
    """The human page of the data contract for clinics that build exports."""
    schema = schema or load_schema()
    out = [
        f"# Check-in data contract, version {schema.version}",
        "",
        "<!-- Generated from data/schemas/v1/schema.yaml by reconnect_analysis.schema.docs;",
        "     do not edit by hand: python -m reconnect_analysis.schema.docs -->",
        "",
        "This page describes the files `reconnect validate` reads and what it does with every",
        "value. A native export is a folder holding `entries.csv` (required), `events.csv` and",
        "`weekly_screen.csv` (optional); a single entries file (`.csv`, `.json`, `.jsonl`,",
        "`.xlsx`) also works. Exports in other shapes are described by a mapping file",
        "(see `docs/mapping.md`).",
        "",
        "## Values",
        "",
        "- Column names as below (any order; unknown columns are reported and ignored).",
        "- Dates `YYYY-MM-DD`; times of submission ISO 8601 with offset "
        "(`2026-11-16T21:04:00+01:00`); wake time `HH:MM`; numbers with a `.` decimal point.",
        "- Yes/no: " + ", ".join(f"`{v}`" for v in schema.true_values) + " / "
        + ", ".join(f"`{v}`" for v in schema.false_values) + " (any letter case).",
        "- Missing: an empty cell, or one of " + ", ".join(
            f"`{v}`" for v in schema.missing_values if v) + " (any letter case) in number, "
        "yes/no, date, time and category fields. In text fields these words are kept as text.",
        f"- Dates before {schema.plausible_from} or after the day of the run (plus one day) "
        "are implausible.",
        "",
        "## What happens to each row",
        "",
        "Every row ends in exactly one outcome, and the summary prints "
        "`rows read N = kept K + merged M + quarantined Q`:",
        "",
        "- **kept**: the row is (the first row of) a client's day;",
        "- **merged**: another entry of the same client and day, merged into that day's value "
        "by the rule in the *several a day* column;",
        "- **quarantined**: set aside in `quarantine.csv` with reason codes (a row may have "
        "several). Exact duplicates are `duplicate` (the first copy is kept); entries of one "
        "client with the same `submitted_at` but different answers are all `conflict`.",
        "",
        "A bad value in a field marked *row* quarantines the whole row; in a field marked "
        "*blank* only that cell is set missing and the row is kept (the blanking is listed in "
        "`quarantine.csv` with action `blank`). Text longer than its limit is cut with a "
        "marker (action `fix`).",
        "",
        "**Risk answers are never lost.** Fields marked *risk* or *red flag* are read before "
        "validation. Every yes (or hopelessness at or above the alert level) becomes a risk "
        "record, also when its row is quarantined; an answer that cannot be read (`Y`, `1.0`, "
        "`yes `, `sí`) is a *possible positive* to review, never a no; a risk answer without a "
        "usable client id raises an alert for the whole run.",
        "",
        "Reason codes: " + ", ".join(f"`{code}`" for code in (
            "missing:<field>", "out_of_range:<field>", "not_a_number:<field>",
            "unknown_value:<field>", "bad_format:client_id", "bad_date", "ambiguous_date",
            "implausible_date", "bad_timestamp:submitted_at", "bad_time:wake_time",
            "not_monday:week_start", "truncated_text:<field>", "duplicate", "conflict",
            "field_count", "truncated", "duplicate_key")) + ".",
        "",
    ]
    for table in schema.tables.values():
        out += [f"## `{table.name}`", "", table.meaning, ""]
        if table.key:
            out += [f"One row per {' and '.join(f'`{k}`' for k in table.key)} after "
                    "validation.", ""]
        if table.required_one_of:
            out += ["A row needs " + " or ".join(f"`{k}`" for k in table.required_one_of)
                    + "; without `date` the date is the local date written in `submitted_at` "
                    "(no time-zone database is used, so daylight-saving changes and travel "
                    "never move an entry to another day; `submitted_at` is stored in UTC).",
                    ""]
        out += ["| field | type | unit | allowed | required | bad value | several a day | "
                "meaning |", "|---|---|---|---|---|---|---|---|"]
        out += [_row(spec, table.key) for spec in table.fields.values()]
        out.append("")
    risk = [f"`{name}`" for names in schema.risk_fields.values() for name in names]
    out += ["## Risk answers and red flags", "", ", ".join(risk) + ".", ""]
    return "\n".join(out)


def _row(spec: FieldSpec, key) -> str:
    allowed = ""
    if spec.min is not None or spec.max is not None:
        allowed = f"{_num(spec.min)} to {_num(spec.max)}"
    elif spec.values:
        allowed = ", ".join(f"`{v}`" for v in spec.values)
        if spec.type == "set":
            allowed += " (several, separated by `\\|`)"
    elif spec.pattern:
        allowed = "letters, digits, `-`, `_`; at most 64"
    elif spec.format:
        allowed = spec.format
    if spec.max_length:
        allowed = f"up to {spec.max_length} characters"
    if spec.monday:
        allowed = "a Monday, YYYY-MM-DD"
    kind = spec.type + (" (risk)" if spec.risk else "") + (" (red flag)" if spec.red_flag
                                                           else "")
    if spec.alert_at is not None:
        kind += "; risk at or above the alert level (default 2)"
    several = "key" if spec.name in key else _AGGREGATE_WORDS.get(spec.aggregate or "", "")
    bad = "row" if spec.quarantines_row else "blank"
    meaning = spec.meaning.replace("|", "\\|")
    return (f"| `{spec.name}` | {kind} | {spec.unit or ''} | {allowed} | "
            f"{'yes' if spec.required else ''} | {bad} | {several} | {meaning} |")


def _num(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def write_docs() -> str:
    path = REPO_DIR / "docs" / "schema.md"
    path.write_text(render_markdown(), encoding="utf-8")
    return str(path)


if __name__ == "__main__":
    print(write_docs())
