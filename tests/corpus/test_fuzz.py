"""Random messy exports: never a crash, every row accounted for, every risk answer kept."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from reconnect_analysis.schema import validate_export
from tests.schema.conftest import TODAY

POOL = {
    "client_id": ["C1", "C2", "007", "", "../x", "a b", "C\n1", "=cmd", "C3"],
    "date": ["2026-11-16", "2026-11-17", "", "bad", "01/02/2026", "2031-01-01", "45352",
             "2026-02-30", "2026-11-18"],
    "submitted_at": ["", "2026-11-16T09:00:00+01:00", "2026-11-16T23:59:00-05:00", "nope",
                     "2026-11-17T00:01:00+09:00", "2026-11-16T09:00:00Z"],
    "numbness": ["0", "5", "10", "7.5", "", "11", "-1", "five", "7 ", "NA", "1e5", "nan"],
    "arousal": ["-3", "0", "3", "4", "", "x"],
    "cue_body": ["true", "false", "", "TRUE", "yes", "1"],
    "cue_body_minutes": ["5", "", "-1", "2000", "ten"],
    "wake_time": ["07:30", "7:05", "", "25:00", "noon"],
    "numbness_form": ["blunted", "blunted|no_pleasure", "", "numb", "disconnected|x"],
    "self_harm_thoughts": ["false", "", "true", "Y", "1.0", "yes ", "sí", "maybe"],
    "unsafe": ["false", "", "true", "no"],
    "hopelessness": ["0", "1", "2", "3", "", "7", "high"],
    "flag_psychotic": ["false", "", "true"],
    "note": ["", "ok", "NA", "<script>x</script>", "=1+1", "line\nbreak", 'q"uote'],
}
RISKY = ("self_harm_thoughts", "unsafe", "hopelessness", "flag_psychotic")


def expected_risk_records(rows: list[dict]) -> int:
    """Second implementation of the risk rule: count positive or unreadable risk cells."""
    count = 0
    for row in rows:
        for field in RISKY:
            text = row[field].strip().lower()
            if text in ("", "false", "na", "n/a", "none", "null", "nan", "-"):
                continue
            if field == "hopelessness":
                try:
                    count += float(text) >= 2        # at or above the default alert level
                except ValueError:
                    count += 1                       # unreadable: possible positive
            else:
                count += 1                           # "true" or anything unreadable
    return count


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_messy_export(tmp_path, seed):
    rng = np.random.default_rng(seed)
    rows = [{field: str(rng.choice(values)) for field, values in POOL.items()}
            for _ in range(300)]
    rows += rows[:20]                                   # some exact duplicates
    folder = tmp_path / "export"
    folder.mkdir()
    with (folder / "entries.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(POOL), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tables = validate_export(folder, today=TODAY)
    meta = tables.meta
    assert meta["rows_read"] == len(rows) == 320
    assert meta["rows_read"] == meta["rows_kept"] + meta["rows_merged"] + meta["rows_quarantined"]
    assert len(tables.entries) == meta["rows_kept"]
    assert not tables.entries.duplicated(["client_id", "date"]).any()
    assert tables.entries["numbness"].between(0, 10).all()
    assert tables.entries["client_id"].str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}").all()
    assert len(tables.risks) == expected_risk_records(rows)
    quarantined = tables.quarantine[tables.quarantine["action"] == "quarantine"]
    assert quarantined["source_row"].nunique() == meta["rows_quarantined"]
