"""A small hand-made validated caseload for report tests (no demo or validation needed).

Two clients over the three weeks 2026-W45..W47 (2026-11-02 .. 2026-11-22):
- ``C01``: logs every day, numbness falling 8 -> 4, practises most days, no risk answers;
  one note holds the injected markup of :data:`INJECTED`.
- ``R-7``: logs until 2026-11-18 (so on Sunday 22 Nov it has been 4 days without a check-in),
  a self-harm answer on 2026-11-17 (new in W47), hopelessness 3 on 2026-11-05 (W45), and an
  unreadable ``unsafe`` answer recovered from a quarantined row on 2026-11-16.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis.tables import Tables

INJECTED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> & "ok"'
DAYS = pd.date_range("2026-11-02", "2026-11-22", freq="D")


def _client(client_id: str, days: pd.DatetimeIndex, numbness: np.ndarray) -> pd.DataFrame:
    n = len(days)
    rng = np.random.default_rng(7)
    practised = pd.array(rng.random(n) < 0.7, dtype="boolean")
    frame = pd.DataFrame({
        "client_id": client_id,
        "date": days.astype("datetime64[ns]"),
        "numbness": numbness.astype("float64"),
        "arousal": np.resize([-1.0, 0.0, 1.0, 0.0], n),
        "cue_body": practised,
        "cue_sensory": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        "cue_connection": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        "cue_meaning": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        "shift_shoulders_dropped": pd.array(rng.random(n) < 0.4, dtype="boolean"),
        "shift_emotion_wave": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        "interest_pct": np.linspace(5, 30, n),
        "sleep_hours": np.resize([7.0, 6.5, 8.0], n),
        "wake_time": np.resize(["07:00", "07:30", "08:15"], n).astype(object),
        "alcohol_drinks": np.resize([0.0, 0.0, 2.0], n),
        "self_harm_thoughts": pd.array([False] * n, dtype="boolean"),
        "hopelessness": np.zeros(n),
        "note": pd.Series([None] * n, dtype=object),
        "source_file": "entries.csv",
        "source_row": np.arange(2, n + 2),
        "n_entries": 1,
    })
    return frame


def make_tables() -> Tables:
    c01 = _client("C01", DAYS, np.linspace(8, 4, len(DAYS)).round())
    c01.loc[c01.index[-2], "note"] = "shoulders dropped on the walk, felt 2% interest"
    c01.loc[c01.index[-1], "note"] = INJECTED
    c01.loc[c01.index[-1], "shift_shoulders_dropped"] = True  # so section 8 quotes the note
    risk_days = DAYS[DAYS <= "2026-11-18"]
    r7 = _client("R-7", risk_days, np.full(len(risk_days), 7.0))
    entries = pd.concat([c01, r7], ignore_index=True)
    events = pd.DataFrame({
        "client_id": ["C01", "R-7"],
        "date": pd.to_datetime(["2026-11-09", "2026-11-10"]),
        "kind": ["lever_start", "medication_dose_change"],
        "detail": ["daylight walk", "sertraline <b>up</b> to 100 mg"],
        "source_file": "events.csv", "source_row": [2, 3],
    })
    risks = pd.DataFrame({
        "client_id": ["R-7", "R-7", "R-7"],
        "date": pd.to_datetime(["2026-11-05", "2026-11-17", "2026-11-16"]),
        "field": ["hopelessness", "self_harm_thoughts", "unsafe"],
        "value": ["3", "true", "Y?"],
        "status": ["positive", "positive", "possible_positive"],
        "from_quarantine": [False, False, True],
        "source_file": "entries.csv", "source_row": [40, 52, 99],
    })
    quarantine = pd.DataFrame({
        "source_file": ["entries.csv"], "source_row": [99], "table": ["entries"],
        "column": ["unsafe"], "value": ["Y?"], "reason": ["unreadable_boolean"],
    })
    meta = {"schema_version": "1", "input_sha256": "ab" * 32, "input_files": ["entries.csv"],
            "rows_read": len(entries) + 1, "rows_kept": len(entries), "rows_merged": 0,
            "rows_quarantined": 1, "fixes": ["trimmed spaces in 2 cells"],
            "created_by": "reconnect_analysis test"}
    return Tables(entries=entries, events=events, risks=risks, quarantine=quarantine,
                  meta=meta)
