"""Fingerprints for resuming, the run lock, and the run summary of a caseload run.

A client's report is skipped on a re-run when its fingerprint is unchanged and every file it
names is still there with the same SHA-256. The fingerprint covers everything the report
depends on: that client's validated rows (all tables), the week, the formats, the settings,
the package version and a hash of the notebook and HTML templates.

Nothing here holds client data other than the pseudonym: fingerprints are hashes, and the
run summary holds ids, statuses, reason codes, timings and counts.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from reconnect_analysis import __version__
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReportError
from reconnect_analysis.paths import PACKAGE_DIR, REPO_DIR
from reconnect_analysis.report.files import atomic_write_text, private_dir
from reconnect_analysis.tables import TABLE_NAMES, Tables

CLIENT_MANIFEST = ".fingerprint.json"
LOCK_NAME = ".lock"
SUMMARY_NAME = "run_summary.json"


def client_data_hash(tables: Tables, client_id: str) -> str:
    """SHA-256 over one client's rows of every table (column names, dtypes and values).

    Row order inside a table does not matter to the report, but it is kept here: the same
    validated folder always gives the same hash.
    """
    digest = hashlib.sha256()
    for name in TABLE_NAMES:
        frame = getattr(tables, name)
        digest.update(name.encode())
        if "client_id" not in frame.columns:
            continue
        mine = frame[frame["client_id"] == client_id].reset_index(drop=True)
        digest.update(json.dumps([[str(c), str(t)] for c, t in mine.dtypes.items()]).encode())
        if len(mine):
            digest.update(pd.util.hash_pandas_object(_hashable(mine), index=False).to_numpy()
                          .tobytes())
    return digest.hexdigest()


def template_hash(extra: list[Path] | None = None) -> str:
    """SHA-256 over the report templates: the notebooks and ``report/templates/*``."""
    digest = hashlib.sha256()
    roots = [REPO_DIR / "notebooks", PACKAGE_DIR / "_notebooks", PACKAGE_DIR / "report" /
             "templates"]
    files = sorted(p for root in roots if root.is_dir() for p in root.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts
                   and ".ipynb_checkpoints" not in p.parts)
    for path in [*files, *(extra or [])]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*, data_hash: str, week: str, formats: tuple[str, ...],
                settings: Settings = DEFAULTS, templates: str, version: str = __version__
                ) -> str:
    """SHA-256 of everything a report depends on (see the module docstring)."""
    payload = {"data": data_hash, "week": week, "formats": sorted(formats),
               "settings": asdict(settings), "version": version, "templates": templates}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_client_manifest(folder: Path, *, client_id: str, fingerprint_: str,
                          files: list[Path]) -> Path:
    """Record, after every report file is published, what the folder holds."""
    record = {"client_id": client_id, "fingerprint": fingerprint_,
              "files": {p.name: file_sha256(p) for p in sorted(files)}}
    return atomic_write_text(folder / CLIENT_MANIFEST, json.dumps(record, indent=1,
                                                                  sort_keys=True))


def is_up_to_date(folder: Path, *, fingerprint_: str, formats: tuple[str, ...]) -> bool:
    """True when ``folder`` holds finished reports for exactly this fingerprint."""
    path = folder / CLIENT_MANIFEST
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if record.get("fingerprint") != fingerprint_:
        return False
    names = record.get("files") or {}
    if not all(any(name.endswith(f".{fmt}") for name in names) for fmt in formats):
        return False
    for name, sha in names.items():
        target = folder / name
        if not target.is_file() or file_sha256(target) != sha:
            return False
    return True


def forget(folder: Path) -> None:
    """Drop a client's manifest (before re-rendering, so a crash cannot leave a stale one)."""
    (folder / CLIENT_MANIFEST).unlink(missing_ok=True)


class RunLock:
    """``fcntl.flock`` on ``<week folder>/.lock``; a second run refuses clearly.

    Use as a context manager. The lock dies with the process, so a killed run never leaves
    a stale lock behind.
    """

    def __init__(self, week_dir: Path) -> None:
        self.path = Path(week_dir) / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ReportError(
                    f"another run is writing {self.path.parent}; wait for it to finish, "
                    "or write to another --out folder"
                ) from err
            raise
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def prepare_week_dir(out_dir: str | Path, week: str) -> Path:
    """Create ``out_dir/<week>`` (0700) and prove it is writable, before any work starts."""
    out_dir = Path(out_dir)
    try:
        week_dir = private_dir(out_dir / week)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=week_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ReportError(
            f"cannot write to {out_dir} ({os.strerror(err.errno or 0) or type(err).__name__}); "
            "choose a writable --out folder"
        ) from err
    return week_dir


def write_summary(week_dir: Path, summary: dict) -> Path:
    """``run_summary.json`` next to the overview (0600, atomic)."""
    return atomic_write_text(week_dir / SUMMARY_NAME,
                             json.dumps(summary, indent=2, sort_keys=False, default=str) + "\n")


def _hashable(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists/dicts/arrays in object columns are not hashable by pandas: use their repr."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: v if isinstance(v, str | int | float | bool |
                                                                   type(None)) else repr(v))
    return out
