"""The checks run on a typed table, derived from the schema file.

One list of :class:`Rule` feeds both the great-expectations suites (``suites.py``) and the
plain-pandas reference checker below, which the tests use as a second implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconnect_analysis.schema.contract import Schema, TableSpec

LATEST_DATE_PARAMETER = "latest_plausible_date"
"""Suite parameter filled in at run time: the run's date plus one day."""


@dataclass(frozen=True)
class Rule:
    """One check on one column; ``reason`` is the quarantine reason code of a failing row."""

    kind: str  # not_null | between | regex | date_between
    column: str
    reason: str
    min: float | str | None = None
    max: float | str | None = None
    pattern: str | None = None
    quarantines_row: bool = True


def rules_for(table: TableSpec, schema: Schema) -> list[Rule]:
    """All checks of ``table`` in schema order."""
    rules: list[Rule] = []
    for spec in table.fields.values():
        row = spec.quarantines_row
        if spec.required:
            rules.append(Rule("not_null", spec.name, f"missing:{spec.name}"))
        if spec.type == "number" and (spec.min is not None or spec.max is not None):
            rules.append(Rule("between", spec.name, f"out_of_range:{spec.name}",
                              min=spec.min, max=spec.max, quarantines_row=row))
        if spec.type == "id" and spec.pattern:
            rules.append(Rule("regex", spec.name, f"bad_format:{spec.name}",
                              pattern=spec.pattern, quarantines_row=row))
        if spec.type == "date":
            rules.append(Rule("date_between", spec.name, "implausible_date",
                              min=schema.plausible_from, max=LATEST_DATE_PARAMETER,
                              quarantines_row=row))
    return rules


def check_with_pandas(frame: pd.DataFrame, rules: list[Rule], *, latest: pd.Timestamp,
                      table_name: str = "", schema: Schema | None = None
                      ) -> dict[Rule, np.ndarray]:
    """Reference checker: failing row positions per rule (nulls pass all but not_null).

    A second implementation of the great-expectations suites, used by the tests.
    """
    failures = {}
    for rule in rules:
        if rule.column not in frame.columns:
            continue
        column = frame[rule.column]
        present = column.notna().to_numpy()
        if rule.kind == "not_null":
            bad = ~present
        elif rule.kind == "between":
            values = column.astype(float)
            bad = present & ~((values >= rule.min) & (values <= rule.max)).to_numpy()
        elif rule.kind == "regex":
            matched = column.astype(object).where(column.notna(), "").astype(str).str.fullmatch(
                rule.pattern)
            bad = present & ~matched.to_numpy(dtype=bool)
        elif rule.kind == "date_between":
            low = pd.Timestamp(rule.min)
            bad = present & ~((column >= low) & (column <= latest)).to_numpy()
        else:
            raise ValueError(f"unknown rule kind {rule.kind}")
        failures[rule] = np.flatnonzero(bad)
    return failures
