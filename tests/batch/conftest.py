"""A tiny validated folder built by hand: clients named after what their fake task does."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis import tables

WEEK = "2026-W47"  # Monday 2026-11-16 .. Sunday 2026-11-22


def make_validated(folder, clients, *, numbness=None, risks=()):
    """Entries on 2026-11-16..18 for every client (numbness 4.0 unless overridden)."""
    rows = []
    for client in clients:
        for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
            value = (numbness or {}).get(client, 4.0)
            rows.append({"client_id": client, "date": pd.Timestamp(day), "numbness": value,
                         "cue_body": True})
    entries = pd.DataFrame(rows)
    entries["cue_body"] = entries["cue_body"].astype("boolean")
    risk_rows = [{"client_id": c, "date": pd.Timestamp(d), "field": f, "value": "true",
                  "status": "positive", "from_quarantine": False, "source_file": "e.csv",
                  "source_row": 2} for c, d, f in risks]
    risk_frame = pd.DataFrame(risk_rows, columns=["client_id", "date", "field", "value",
                                                  "status", "from_quarantine", "source_file",
                                                  "source_row"])
    tables.save(tables.Tables(entries=entries, risks=risk_frame,
                              meta={"input_sha256": "test"}), folder)
    return folder


@pytest.fixture
def validated(tmp_path):
    def build(clients, **kwargs):
        return make_validated(tmp_path / "validated", clients, **kwargs)
    return build
