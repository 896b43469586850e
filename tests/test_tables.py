"""The validated tables are stored privately and read back unchanged."""

import os
import stat

import pandas as pd

from reconnect_analysis import tables


def test_saved_tables_are_private_and_round_trip(tmp_path):
    original = tables.Tables(
        entries=pd.DataFrame({"client_id": ["007"], "date": pd.to_datetime(["2026-11-16"]),
                              "numbness": [6.0]}),
        meta={"rows_read": 1})
    folder = tables.save(original, tmp_path / "validated" / "export")
    for path in (tmp_path / "validated", folder):  # a parent it created is private too
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name
    loaded = tables.load(folder)
    pd.testing.assert_frame_equal(loaded.entries, original.entries)
    assert loaded.meta == {"rows_read": 1}
    assert tables.is_validated_folder(folder)
