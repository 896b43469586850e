"""Write simulated clients as a native export folder, byte for byte reproducible.

Files: ``entries.csv``, ``events.csv``, ``weekly_screen.csv`` (comma-separated, UTF-8,
``\\n`` line endings, RFC-4180 quoting, ``true``/``false``, empty cell = missing) and
``demo_truth.json`` (sorted keys). Numbers are written with at most six significant digits
(``7``, ``6.5``, ``7.25``); nothing depends on the clock, the locale or the time zone of
the machine.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from reconnect_analysis.demo.archetypes import Period
from reconnect_analysis.demo.plan import CUES, SHIFTS
from reconnect_analysis.demo.simulate import SCREEN_BOOLS, SCREEN_NUMBERS, ClientData

TIME_ZONE = "Europe/Berlin"

ENTRY_COLUMNS = (
    "client_id", "date", "submitted_at", "numbness", "numbness_form", "arousal",
    *(f"cue_{cue}" for cue in CUES), *(f"cue_{cue}_minutes" for cue in CUES),
    *SHIFTS, "interest_pct",
    "sleep_hours", "wake_time", "alcohol_drinks", "cannabis", "late_scrolling",
    "recovery_block", "conflict", "daylight_walk",
    "self_harm_thoughts", "unsafe", "hopelessness",
    "flag_dissociation", "flag_psychotic", "flag_cannot_self_care", "flag_head_injury",
    "note",
)
EVENT_COLUMNS = ("client_id", "date", "kind", "detail")
SCREEN_COLUMNS = ("client_id", "week_start", "duration_two_weeks", *SCREEN_NUMBERS,
                  "risk_hopelessness", "risk_self_harm", "risk_dangerous_coping")
_TEXT = ("numbness_form", "note")
_BOOL_LABELS = np.array(["false", "true", ""], dtype=object)
_HHMM = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)], dtype=object)


def format_numbers(values: np.ndarray) -> np.ndarray:
    """Numbers as text: whole numbers without a decimal point, NaN as ''.

    >>> format_numbers(np.array([7.0, 6.5, np.nan, -1.0, 7.25, -0.0])).tolist()
    ['7', '6.5', '', '-1', '7.25', '0']
    """
    values = np.asarray(values, dtype=float) + 0.0   # + 0.0 turns -0.0 into 0.0
    out = np.full(values.shape, "", dtype=object)
    known = ~np.isnan(values)
    uniques, inverse = np.unique(values[known], return_inverse=True)
    labels = np.array([f"{v:.6g}" for v in uniques], dtype=object)
    out[known] = labels[inverse] if len(uniques) else labels
    return out


def format_booleans(values: np.ndarray) -> np.ndarray:
    """1/0/NaN as ``true``/``false``/''.

    >>> format_booleans(np.array([1.0, 0.0, np.nan])).tolist()
    ['true', 'false', '']
    """
    values = np.asarray(values, dtype=float)
    code = np.where(np.isnan(values), 2, values).astype(int)
    return _BOOL_LABELS[code]


@lru_cache(maxsize=8)
def calendar(period: Period) -> tuple[np.ndarray, np.ndarray]:
    """ISO date and Europe/Berlin UTC offset (at noon) of every day of the period."""
    zone = ZoneInfo(TIME_ZONE)
    dates, offsets = [], []
    for i in range(period.n_days):
        day = period.start + timedelta(days=i)
        offset = datetime.combine(day, time(12, 0), tzinfo=zone).utcoffset()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        dates.append(day.isoformat())
        offsets.append(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
    return np.array(dates, dtype=object), np.array(offsets, dtype=object)


def entry_cells(clients: dict[str, ClientData], period: Period) -> dict[str, np.ndarray]:
    """All clients' entry rows as text cells, one object array per column of
    :data:`ENTRY_COLUMNS`."""
    dates, offsets = calendar(period)
    parts = [data.entries for data in clients.values()]
    sizes = [len(part["day"]) for part in parts]
    joined = {name: np.concatenate([part[name] for part in parts])
              for name in parts[0]} if parts else {}
    day = joined["day"].astype(int)
    columns: dict[str, np.ndarray] = {
        "client_id": np.repeat(np.array(list(clients), dtype=object), sizes),
        "date": dates[day],
        "submitted_at": dates[day] + "T" + _HHMM[joined["submit_min"].astype(int)] + ":00"
        + offsets[day],
    }
    wake = joined["wake_time"]
    wake_text = np.full(len(wake), "", dtype=object)
    known = ~np.isnan(wake)
    wake_text[known] = _HHMM[wake[known].astype(int)]
    for name in ENTRY_COLUMNS[3:]:
        if name == "wake_time":
            columns[name] = wake_text
        elif name in _TEXT:
            columns[name] = joined[name].astype(object)
        elif name.startswith(("cue_", "shift_", "flag_")) and not name.endswith("_minutes") \
                or name in ("cannabis", "late_scrolling", "recovery_block", "conflict",
                            "daylight_walk", "self_harm_thoughts", "unsafe"):
            columns[name] = format_booleans(joined[name])
        else:
            columns[name] = format_numbers(joined[name])
    return columns


def screen_cells(clients: dict[str, ClientData], period: Period) -> dict[str, np.ndarray]:
    """One weekly-screen row per client and week, as text cells."""
    mondays = np.array([period.iso(7 * w) for w in range(period.weeks)], dtype=object)
    parts = [data.screen for data in clients.values()]
    joined = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    sizes = [len(part["week"]) for part in parts]
    columns = {
        "client_id": np.repeat(np.array(list(clients), dtype=object), sizes),
        "week_start": mondays[joined["week"].astype(int)],
    }
    for name in SCREEN_COLUMNS[2:]:
        values = joined[name]
        columns[name] = (format_booleans(values) if name in SCREEN_BOOLS
                         else format_numbers(values))
    return columns


def event_rows(clients: dict[str, ClientData], period: Period) -> list[tuple[str, ...]]:
    """Every client's events (lever starts, medication changes), by client and date."""
    return [(client_id, period.iso(day), kind, detail)
            for client_id, data in clients.items()
            for day, kind, detail in sorted(data.events)]


class CsvTable:
    """A CSV file written in pieces: UTF-8, ``\\n`` line endings, RFC-4180 minimal quoting.

    Use as a context manager; :meth:`write` appends rows given as columns of text cells.
    Rows go to a hidden ``.partial`` file that replaces ``path`` only when the block ends
    without an error, so an interrupted run never leaves a half-written table.
    """

    def __init__(self, path: Path, header: Iterable[str]) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.header = tuple(header)
        self.rows = 0

    def __enter__(self) -> CsvTable:
        self._file = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow(self.header)
        return self

    def write(self, columns: dict[str, np.ndarray]) -> None:
        """Append rows; ``columns`` maps every header name to an array of str."""
        cells = [np.asarray(columns[name], dtype=object).tolist() for name in self.header]
        self._writer.writerows(zip(*cells, strict=True))
        self.rows += len(cells[0]) if cells else 0

    def write_rows(self, rows: Iterable[tuple[str, ...]]) -> None:
        """Append rows given as tuples in header order."""
        for row in rows:
            self._writer.writerow(row)
            self.rows += 1

    def __exit__(self, exc_type, exc, traceback) -> None:
        self._file.close()
        if exc_type is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


def write_json(data: dict, path: Path) -> Path:
    """Write JSON with sorted keys and a final newline (stable bytes), replacing atomically."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8", newline="\n")
    os.replace(partial, path)
    return path
