"""Which caseload an exploration notebook opens, and the choices its controls offer.

A notebook is given a validated folder (a papermill parameter) or finds it in the
``RECONNECT_VALIDATED`` environment variable, which ``reconnect lab`` sets for every kernel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reconnect_analysis import tables as tables_mod
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.tables import Tables

ENV_VAR = "RECONNECT_VALIDATED"
DEFAULT_WEEKS_SHOWN = 8


@dataclass(frozen=True)
class Caseload:
    """An opened validated folder: its tables, where it came from, and its clients."""

    tables: Tables
    folder: Path

    @property
    def client_ids(self) -> list[str]:
        """Every client with at least one check-in or risk answer, sorted."""
        ids = set(self.tables.entries.get("client_id", pd.Series(dtype=object)).dropna())
        ids |= set(self.tables.risks.get("client_id", pd.Series(dtype=object)).dropna())
        return sorted(str(i) for i in ids)


def resolve_folder(validated_path: str | Path | None = None) -> Path:
    """The validated folder to open: the argument, else ``$RECONNECT_VALIDATED``.

    Raises ReconnectError with a one-line hint when neither names a validated folder.
    """
    given = validated_path or os.environ.get(ENV_VAR)
    if not given:
        raise ReconnectError(
            f"no caseload given: set validated_path in the first cell, or start JupyterLab "
            f"with 'reconnect lab' (which sets {ENV_VAR})")
    folder = Path(given).expanduser()
    if not tables_mod.is_validated_folder(folder):
        raise ReconnectError(
            f"{folder}: not a validated folder (run 'reconnect validate EXPORT --out FOLDER' "
            "or 'reconnect lab EXPORT' first)")
    return folder


def open_caseload(validated_path: str | Path | None = None) -> Caseload:
    """Open the validated folder named by :func:`resolve_folder`."""
    folder = resolve_folder(validated_path)
    return Caseload(tables=tables_mod.load(folder), folder=folder)


def client_weeks(tables: Tables, client_id: str | None = None) -> list[pd.Timestamp]:
    """Mondays of every ISO week from the first check-in (of ``client_id``, or of anyone) to
    the last check-in of the whole export.

    A client's weeks run to the end of the export, not to their own last check-in, so a
    client who went quiet shows the quiet weeks (silence can hide risk) and both notebooks
    end their default period on the same week.
    """
    entries = tables.entries
    if entries.empty:
        return []
    mine = entries if client_id is None else entries[entries["client_id"] == client_id]
    if mine.empty:
        return []
    first, last = (pd.Timestamp(day).normalize() for day in
                   (mine["date"].min(), entries["date"].max()))
    first -= pd.Timedelta(days=first.weekday())
    last -= pd.Timedelta(days=last.weekday())
    return list(pd.date_range(first, last, freq="7D"))


def week_label(monday: pd.Timestamp) -> str:
    """``2026-W47 (16 Nov)``: the ISO week and its Monday, as the weekly reports name weeks."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d} ({monday.day} {monday:%b})"


def default_weeks(weeks: list[pd.Timestamp], shown: int = DEFAULT_WEEKS_SHOWN
                  ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The last ``shown`` weeks of ``weeks`` (first and last Monday), or None when empty."""
    if not weeks:
        return None
    return weeks[max(0, len(weeks) - shown)], weeks[-1]


def period(first_monday: pd.Timestamp, last_monday: pd.Timestamp
           ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end day (Monday of the first week, Sunday of the last) of a week range."""
    return pd.Timestamp(first_monday), pd.Timestamp(last_monday) + pd.Timedelta(days=6)
