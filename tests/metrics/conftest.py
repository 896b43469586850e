"""Build small validated ``Tables`` by hand from a compact spec.

Spec: ``{client_id: {"start": "2026-11-02", "numbness": "5 6 . 7", "cue_body": "1 0 . 1"}}``.
Each string holds one token per calendar day from ``start``. In ``numbness`` a ``.`` means
no entry that day (the day is not logged); in other columns ``.`` is a missing value. Yes/no
columns (``cue_*``, ``shift_*``, ``flag_*``, fuel yes/no fields, ``self_harm_thoughts``,
``unsafe``) read ``1``/``0``; ``wake_time`` reads ``HH:MM``; everything else is a number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.tables import Tables

BOOL_PREFIXES = ("cue_body", "cue_sensory", "cue_connection", "cue_meaning", "shift_",
                 "flag_", "cannabis", "late_scrolling", "recovery_block", "conflict",
                 "daylight_walk", "self_harm_thoughts", "unsafe")


def _is_bool(column: str) -> bool:
    return column.startswith(BOOL_PREFIXES) and not column.endswith("_minutes")


def make_entries(spec: dict) -> pd.DataFrame:
    rows = []
    columns: list[str] = []
    for client, fields in spec.items():
        start = pd.Timestamp(fields["start"])
        days = fields["numbness"].split()
        other = {k: v.split() for k, v in fields.items() if k not in ("start", "numbness")}
        for column, tokens in other.items():
            if len(tokens) != len(days):
                raise ValueError(f"{client}.{column} has {len(tokens)} tokens, want {len(days)}")
            if column not in columns:
                columns.append(column)
        for i, token in enumerate(days):
            if token == ".":
                continue
            row = {"client_id": client, "date": start + pd.Timedelta(days=i),
                   "numbness": float(token)}
            for column, tokens in other.items():
                row[column] = tokens[i]
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["client_id", "date", "numbness", *columns])
    frame["client_id"] = frame["client_id"].astype(str)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["numbness"] = frame["numbness"].astype("float64")
    for column in columns:
        raw = frame[column].fillna(".")
        if _is_bool(column):
            frame[column] = pd.array(
                [None if t == "." else t == "1" for t in raw], dtype="boolean")
        elif column == "wake_time":
            frame[column] = pd.Series([None if t == "." else t for t in raw], dtype=object)
        else:
            frame[column] = pd.Series([float("nan") if t == "." else float(t) for t in raw],
                                      dtype="float64")
    return frame.sort_values(["client_id", "date"]).reset_index(drop=True)


def make_tables(spec: dict, *, events=None, risks=None, prompts=None,
                quarantine=None) -> Tables:
    tables = Tables(entries=make_entries(spec))
    if events is not None:
        ev = pd.DataFrame(events, columns=["client_id", "date", "kind", "detail"])
        ev["date"] = pd.to_datetime(ev["date"]).astype("datetime64[ns]")
        tables.events = ev
    if risks is not None:
        tables.risks = risks
    if prompts is not None:
        tables.prompts = prompts
    if quarantine is not None:
        tables.quarantine = quarantine
    return tables


@pytest.fixture
def build():
    return make_tables
