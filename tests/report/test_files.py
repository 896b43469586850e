import os
import stat

import pytest

from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import files


@pytest.mark.parametrize(
    "bad",
    ["", "../x", "a/b", "/abs", "..", "x\x00y", "a" * 65, "С01", "-rf", "a b", "a\nb", "C01\n"],
)
def test_unsafe_client_ids_are_refused(bad):
    with pytest.raises(ReportError, match="cannot be used as a folder name"):
        files.check_client_id(bad)


@pytest.mark.parametrize("good", ["C01", "client_7", "a-b", "0123", "X" * 64])
def test_plain_pseudonyms_are_accepted(good):
    assert files.check_client_id(good) == good


def test_client_dir_is_private_and_inside_root(tmp_path):
    folder = files.client_dir(tmp_path / "reports", "2026-W47", "C01")
    assert folder == (tmp_path / "reports" / "2026-W47" / "C01").resolve()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder.parent).st_mode) == 0o700


def test_atomic_write_is_private_and_leaves_no_temp_files(tmp_path):
    target = files.atomic_write_text(tmp_path / "report.html", "<p>ok</p>")
    assert target.read_text() == "<p>ok</p>"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = files.atomic_write_text(tmp_path / "report.html", "old")

    def broken_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
