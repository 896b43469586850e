"""The validated tables every later stage reads, and how they are stored on disk.

``reconnect validate`` writes one folder per export with a Parquet file per table plus
``meta.json``; the trend engine and the reports read it back with :func:`load`.

Tables (columns named as in data/schemas/v1/schema.yaml):

entries
    One row per client and local day (several entries on one day merged into a daily value).
    Canonical entry fields, plus ``source_file``, ``source_row`` (first input row of the day)
    and ``n_entries`` (how many input rows were merged into it).
events
    ``client_id, date, kind, detail, source_file, source_row``.

Column types, the same in every table: ``client_id`` is a string (leading zeros kept);
``date`` and ``week_start`` are ``datetime64[ns]`` at midnight (the client's local calendar
date, no time zone); yes/no fields are pandas' nullable ``boolean`` (missing stays ``<NA>``,
never False); numbers are ``float64`` with NaN for missing; text is ``object``/``str``.
weekly_screen
    One row per client and ``week_start`` with the weekly severity screen.
risks
    Every risk answer and red flag, never lost: ``client_id, date, field, value, status``
    (``positive`` or ``possible_positive`` when the answer could not be read), ``table``
    (which input table it came from), ``raw_date`` (the date as written),
    ``from_quarantine`` (bool), ``source_file, source_row``. ``client_id`` may be missing:
    that is an unattributed risk and raises a run-level alert.
quarantine
    One row per problem: ``source_file, source_row, client_id, table, column, value, reason,
    action`` (``action``: ``quarantine`` the row was set aside, ``blank`` only the cell was
    emptied, ``fix`` the value was repaired; ``client_id`` empty when unusable).
prompts
    Experience-sampling exports only: ``client_id, date, prompts_sent, prompts_answered``.
meta
    A dict: ``schema_version``, ``input_sha256``, ``input_files``, ``encoding``,
    ``rows_read``, ``rows_kept``, ``rows_merged``, ``rows_quarantined``, ``fixes`` (list of
    strings saying what the import repaired), ``created_by`` (package version).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

TABLE_NAMES = ("entries", "events", "weekly_screen", "risks", "quarantine", "prompts")


@dataclass
class Tables:
    entries: pd.DataFrame
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    weekly_screen: pd.DataFrame = field(default_factory=pd.DataFrame)
    risks: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    prompts: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict = field(default_factory=dict)

    def for_client(self, client_id: str) -> Tables:
        """The same tables restricted to one client (meta is shared)."""
        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            if "client_id" not in frame.columns:
                return frame.iloc[0:0] if len(frame.columns) else frame
            return frame[frame["client_id"] == client_id].reset_index(drop=True)

        return Tables(**{name: pick(getattr(self, name)) for name in TABLE_NAMES},
                      meta=dict(self.meta))


def save(tables: Tables, folder: str | Path) -> Path:
    """Write every table as Parquet plus meta.json into ``folder``.

    The tables hold client data: the folder (and any parent it has to create) is made 0700,
    and every file is created 0600 from the start (not loosened by the umask, then fixed).
    """
    folder = Path(folder)
    _private_folder(folder)
    for name in TABLE_NAMES:
        with _private_file(folder / f"{name}.parquet") as handle:
            getattr(tables, name).to_parquet(handle, index=False)
    with _private_file(folder / "meta.json") as handle:
        handle.write(json.dumps(tables.meta, indent=2, sort_keys=True,
                                default=str).encode("utf-8"))
    return folder


def _private_folder(folder: Path) -> None:
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    os.chmod(folder, 0o700)


def _private_file(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
    return os.fdopen(fd, "wb")


def load(folder: str | Path) -> Tables:
    """Read a folder written by :func:`save`."""
    folder = Path(folder)
    frames = {}
    for name in TABLE_NAMES:
        path = folder / f"{name}.parquet"
        frames[name] = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return Tables(**frames, meta=meta)


def is_validated_folder(path: str | Path) -> bool:
    path = Path(path)
    return path.is_dir() and (path / "entries.parquet").exists() and (path / "meta.json").exists()
