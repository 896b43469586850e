"""m-Path experience-sampling exports (data file plus meta-data file, export version 1.1)."""

from __future__ import annotations

from pathlib import Path

_HEAD_BYTES = 4096


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return ""
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def looks_like_mpath(path: Path) -> bool:
    """Whether a CSV file is an m-Path data export (also when a spreadsheet damaged it)."""
    first = _head(path).split("\n", 1)[0]
    return "connectionId" in first and "timeStampSent" in first


def looks_like_meta(path: Path) -> bool:
    """Whether a CSV file is an m-Path meta-data export (header starts with columnName)."""
    first = _head(path).split("\n", 1)[0].lstrip('"')
    return first.startswith("columnName") and "fullQuestion" in first


def find_meta(data_path: Path) -> Path | None:
    """The meta-data file beside an m-Path data file, when there is exactly one."""
    candidates = [p for p in sorted(data_path.parent.glob("*.csv"))
                  if p != data_path and looks_like_meta(p)]
    if len(candidates) == 1:
        return candidates[0]
    stem = data_path.stem.rsplit("_", 1)[0]
    named = [p for p in candidates if p.stem.startswith(stem)]
    return named[0] if len(named) == 1 else None


def find_mpath_pair(folder: Path) -> tuple[Path, Path] | None:
    """``(data, meta)`` when a folder holds one m-Path data file and its meta-data file."""
    data = [p for p in sorted(folder.glob("*.csv")) if looks_like_mpath(p)]
    if len(data) != 1:
        return None
    meta = find_meta(data[0])
    return (data[0], meta) if meta is not None else None
