"""Readers: one module per export format, each returning a :class:`RawExport`.

:func:`read_export` is the one entry point the validation pipeline calls; it decides from
what the path is (folder, suffix, header of the file, mapping file) which reader to use.
"""

from __future__ import annotations

from pathlib import Path

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.raw import READER_PROBLEM, RawExport

__all__ = ["READER_PROBLEM", "RawExport", "read_export"]


def read_export(path: str | Path, *, mapping: str | Path | None = None) -> RawExport:
    """Read an export into canonical column names, every cell kept (as text where read so).

    Parameters
    ----------
    path
        A native export folder (``entries.csv`` plus optional ``events.csv``,
        ``weekly_screen.csv``), a single ``.csv`` / ``.json`` / ``.jsonl`` / ``.xlsx`` entries
        file, or an m-Path data export (``.csv`` whose header starts with ``connectionId``;
        its meta-data file must sit beside it).
    mapping
        A YAML mapping file for any other export (see docs/mapping.md). Required for
        m-Path exports, whose items have no fixed meaning.

    Returns
    -------
    RawExport
        Frames with ``source_file``, ``source_row`` and ``_reader_problem`` columns; what was
        repaired in ``fixes``, what the user should know in ``warnings``.

    Raises
    ------
    InputError
        Missing, empty, unreadable or unknown-format file; missing required column.
    SchemaFileError
        A malformed mapping file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file or folder not found; check the path", file=path.name)
    if mapping is not None:
        from reconnect_analysis.io.mapping import read_mapped
        return read_mapped(path, mapping)
    if path.is_dir():
        from reconnect_analysis.io.mpath import find_mpath_pair
        if find_mpath_pair(path) is not None:
            raise InputError("this folder holds an m-Path export; give a mapping file "
                             "(--mapping data/mappings/mpath-example.yaml is an example)",
                             file=path.name)
        from reconnect_analysis.io.native import read_native_folder
        return read_native_folder(path)
    if path.suffix.lower() == ".csv":
        from reconnect_analysis.io.mpath import looks_like_mpath
        if looks_like_mpath(path):
            raise InputError("this is an m-Path export; give a mapping file "
                             "(--mapping data/mappings/mpath-example.yaml is an example)",
                             file=path.name)
    from reconnect_analysis.io.native import read_native_file
    return read_native_file(path)
