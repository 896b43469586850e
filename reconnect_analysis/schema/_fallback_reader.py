"""TEMPORARY native-CSV reader used until ``reconnect_analysis.io.read_export`` exists.

Reads a native export folder (or a single entries CSV) as text, keeping every cell as written.
To be deleted once the readers land.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.raw import RawExport


def read_export(path, *, mapping=None) -> RawExport:
    path = Path(path)
    if mapping is not None:
        raise InputError("mapping files need the readers (not installed yet)", file=path.name)
    if path.is_dir():
        files = {name: path / f"{name}.csv" for name in ("entries", "events", "weekly_screen")}
        if not files["entries"].is_file():
            raise InputError("no entries.csv in this export folder", file=path.name)
    elif path.is_file():
        files = {"entries": path}
    else:
        raise InputError("file or folder not found", file=path.name)
    frames = {}
    for name, file in files.items():
        if not file.is_file():
            frames[name] = pd.DataFrame()
            continue
        if file.stat().st_size == 0:
            if name == "entries":
                raise InputError("the file is empty; export the check-ins again", file=file.name)
            frames[name] = pd.DataFrame()
            continue
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_filter=False,
                            encoding="utf-8-sig", index_col=False)
        frame["source_file"] = file.name
        frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int64)
        frames[name] = frame
    return RawExport(entries=frames["entries"], events=frames.get("events", pd.DataFrame()),
                     weekly_screen=frames.get("weekly_screen", pd.DataFrame()),
                     input_files=[str(f) for f in files.values() if f.is_file()])
