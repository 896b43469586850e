"""Helpers for the schema tests: write a small native export folder from rows of text."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

TODAY = dt.date(2026, 11, 26)


def write_export(folder: Path, entries: list[dict], *, events: list[dict] | None = None,
                 weekly: list[dict] | None = None) -> Path:
    """Write ``entries.csv`` (and events / weekly_screen) with the union of the row keys."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("entries", entries), ("events", events), ("weekly_screen", weekly)):
        if rows is None:
            continue
        columns = list(dict.fromkeys(key for row in rows for key in row))
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture
def export(tmp_path):
    def make(entries, **kwargs):
        return write_export(tmp_path / "export", entries, **kwargs)
    return make
