"""Safe places and safe writes for report files.

Reports hold client data, so folders are created 0700 and files 0600, a file appears at its
final path only when it is complete (write to a temporary name, fsync, rename), and a client
id is used as a path part only when it is a plain pseudonym.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from reconnect_analysis.errors import ReportError

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def check_client_id(client_id: str) -> str:
    """Return ``client_id`` if it is safe as a folder name, else raise ReportError.

    Safe: ASCII letters, digits, ``-`` and ``_``, 1-64 characters, not starting with ``-``
    or ``_`` (so never ``..``, ``/abs``, empty, or look-alike Unicode).
    """
    if not isinstance(client_id, str) or not _SAFE_ID.fullmatch(client_id):
        shown = repr(client_id)[:40]
        raise ReportError(
            f"client id {shown} cannot be used as a folder name; ids may hold only letters, "
            "digits, '-' and '_' (at most 64)"
        )
    return client_id


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only; tighten it if it exists."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def client_dir(root: str | Path, week: str, client_id: str) -> Path:
    """``root/<week>/<client_id>``, created 0700, guaranteed to stay inside ``root``."""
    check_client_id(client_id)
    root = Path(root).resolve()
    target = (root / week / client_id).resolve()
    if root not in target.parents:
        raise ReportError(f"report folder for {client_id!r} would fall outside {root}")
    private_dir(root / week)
    return private_dir(target)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that the file is either absent, old, or complete.

    The temporary file lives in the same folder (same file system, so ``os.replace`` is
    atomic), is created 0600 and removed if anything fails.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_copy(source: str | Path, target: str | Path) -> Path:
    """Publish an already written file (e.g. a PDF from Chromium) atomically at ``target``."""
    return atomic_write_bytes(target, Path(source).read_bytes())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
