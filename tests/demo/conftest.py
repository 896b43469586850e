"""A demo caseload shared by the demo tests (seed 7, 30 clients, 12 weeks), read with pandas."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from reconnect_analysis.demo import DemoResult, generate

CUES = ["cue_body", "cue_sensory", "cue_connection", "cue_meaning"]


@dataclass
class Caseload:
    result: DemoResult
    entries: pd.DataFrame
    events: pd.DataFrame
    screen: pd.DataFrame
    truth: dict

    def client(self, client_id: str) -> pd.DataFrame:
        return self.entries[self.entries["client_id"] == client_id].reset_index(drop=True)

    def of_archetype(self, archetype: str) -> list[str]:
        return [cid for cid, info in self.truth["clients"].items()
                if info["archetype"] == archetype]


def read_caseload(folder: Path, result: DemoResult) -> Caseload:
    entries = pd.read_csv(folder / "entries.csv", dtype={"client_id": str},
                          keep_default_na=False, na_values=[""])
    entries["date"] = pd.to_datetime(entries["date"])
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    screen = pd.read_csv(folder / "weekly_screen.csv", dtype={"client_id": str})
    truth = json.loads((folder / "demo_truth.json").read_text(encoding="utf-8"))
    return Caseload(result, entries, events, screen, truth)


@pytest.fixture(scope="session")
def caseload(tmp_path_factory) -> Caseload:
    folder = tmp_path_factory.mktemp("demo_seed7")
    result = generate(folder, seed=7, clients=30, weeks=12)
    return read_caseload(folder, result)


def daily(entries: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """One row per calendar day of the period (unlogged days all NaN): practice (any cue
    done, 0/1), shift_count (micro-shift signals, 0-7), numbness, interest_pct (day means)."""
    frame = entries.assign(
        practice=entries[CUES].any(axis=1).astype(float),
        shift_count=entries.filter(like="shift_").sum(axis=1).astype(float),
    )
    days = frame.groupby("date")[["practice", "shift_count", "numbness", "interest_pct"]].mean()
    return days.reindex(pd.date_range(start, end, freq="D"))
