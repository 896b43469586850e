"""The daily merge against a plain-Python second implementation on random data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.schema import merge
from reconnect_analysis.schema.contract import load_schema


def _naive(frame: pd.DataFrame, table) -> dict:
    """Group rows in Python and apply each rule by hand (slow, obviously right)."""
    out = {}
    for (client, day), rows in frame.groupby(["client_id", "date"], sort=True):
        stamp = rows["submitted_at"].fillna(pd.Timestamp.max.tz_localize("UTC"))
        rows = rows.assign(_stamp=stamp).sort_values(["_stamp", "_pos"])
        merged = {"n_entries": len(rows), "source_row": int(rows["source_row"].min())}
        for column, spec in table.fields.items():
            if column in ("client_id", "date") or column not in rows:
                continue
            present = [v for v in rows[column] if not pd.isna(v)]
            rule = spec.aggregate
            if not present:
                merged[column] = None
            elif rule == "mean":
                merged[column] = sum(present) / len(present)
            elif rule in ("max", "min"):
                merged[column] = max(present) if rule == "max" else min(present)
            elif rule == "sum":
                merged[column] = sum(present)
            elif rule == "any":
                merged[column] = any(present)
            elif rule == "join":
                merged[column] = "\n".join(present)
            elif rule == "union":
                parts = {p for v in present for p in v.split("|")}
                merged[column] = "|".join(v for v in spec.values if v in parts)
        out[(client, day)] = merged
    return out


def test_merge_matches_the_naive_implementation():
    rng = np.random.default_rng(11)
    n = 400
    table = load_schema().tables["entries"]
    stamps = pd.Timestamp("2026-11-16 08:00", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 6, n), unit="h")
    frame = pd.DataFrame({
        "client_id": rng.choice(["C1", "C2", "007"], n).astype(object),
        "date": pd.to_datetime(rng.choice(["2026-11-16", "2026-11-17", "2026-11-18"], n)
                               ).astype("datetime64[ns]"),
        "submitted_at": pd.Series(stamps).where(rng.random(n) > 0.3).astype(
            "datetime64[ns, UTC]"),
        "numbness": rng.choice([0.0, 3.0, 7.5, np.nan], n),
        "cue_body_minutes": rng.choice([5.0, 10.0, np.nan], n),
        "hopelessness": rng.choice([0.0, 2.0, np.nan], n),
        "cue_body": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        "note": rng.choice(["a", "b", None], n).astype(object),
        "wake_time": rng.choice(["06:30", "07:05", None], n).astype(object),
        "numbness_form": rng.choice(["blunted", "no_pleasure|disconnected", None], n
                                    ).astype(object),
    })
    frame["source_file"] = "entries.csv"
    frame["source_row"] = np.arange(2, n + 2)
    frame["_pos"] = np.arange(n)
    merged, away = merge.merge_by_key(frame, table)
    expected = _naive(frame, table)
    assert len(merged) == len(expected) == 9               # 3 clients x 3 days
    assert len(away) == n - 9
    for row in merged.itertuples():
        want = expected[(row.client_id, row.date)]
        for column, value in want.items():
            got = getattr(row, column)
            if value is None:
                assert pd.isna(got), (column, got)
            elif isinstance(value, float):
                assert np.isclose(got, value), (column, got, value)
            else:
                assert got == value, (column, got, value)
    assert list(merged["client_id"]) == sorted(merged["client_id"])   # sorted by key
    assert str(merged["cue_body"].dtype) == "boolean"
