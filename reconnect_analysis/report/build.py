"""One client's weekly report: execute the notebook, render HTML (and PDF), publish atomically.

>>> result = client_week("work/.validated/ab12", client_id="C01", week="2026-W47")  # doctest: +SKIP
>>> result.status, sorted(result.paths)                                             # doctest: +SKIP
('ok', ['html', 'ipynb', 'pdf'])

Files (folders 0700, files 0600, each written to a temporary name and renamed):
``<out_dir>/<week>/<client_id>/report.html``, ``report.pdf``, ``report.ipynb`` (the executed
notebook, for audit), all from one run: a second run for the same client waits for the first
(lock in ``<out_dir>/.locks``) and a format it does not write is removed rather than left from
an older run. Nothing is published unless the notebook's last cell ran. A failed run's
partial notebook is kept privately in ``<out_dir>/.failed/<week>/<client_id>/report.ipynb``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReconnectError, ReportError
from reconnect_analysis.report.execute import ReportFailure
from reconnect_analysis.report.files import (
    atomic_write_bytes,
    atomic_write_text,
    check_client_id,
    client_dir,
    private_dir,
)

FORMATS = ("html", "pdf")
STATUSES = ("ok", "pdf_skipped", "pdf_failed")
__all__ = ["FORMATS", "STATUSES", "ReportFailure", "ReportResult", "client_week"]


@dataclass
class ReportResult:
    """What :func:`client_week` produced.

    ``status`` is ``ok`` (every requested format written), ``pdf_skipped`` (no Chromium: HTML
    written) or ``pdf_failed`` (Chromium failed: HTML written); ``reason`` says why.
    """

    client_id: str
    week: str
    paths: dict[str, Path]
    seconds: float
    status: str = "ok"
    reason: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step: ``execute``, ``html``, ``pdf``, ``publish``."""
    dropped_outputs: dict[str, int] = field(default_factory=dict)
    """Stream and other outputs left out of the HTML (counts only; content stays in .ipynb)."""
    transport: str = ""
    """Kernel transport used: ``ipc`` (Unix sockets) or ``tcp``."""


def client_week(validated_dir, *, client_id: str, week: str, out_dir="reports",
                formats=("html", "pdf"), settings: Settings = DEFAULTS, timeout_s: float = 300,
                paper: str = "A4") -> ReportResult:
    """Produce one client's report for one ISO week.

    Parameters
    ----------
    validated_dir : str or Path
        A folder written by ``tables.save`` (``reconnect validate``); it is read, not changed.
    client_id : str
        The client's pseudonym; it must be safe as a folder name.
    week : str
        ISO week like ``2026-W47``.
    out_dir : str or Path
        Root of the report tree (created 0700).
    formats : sequence of {"html", "pdf"}
        What to publish. The executed notebook is always published with them.
    settings : Settings
        Thresholds and windows; fields that differ from the defaults go to the notebook.
    timeout_s : float
        Limit for any one notebook cell (and for the PDF print).
    paper : {"A4", "Letter"}
        PDF paper size.

    Returns
    -------
    ReportResult

    Raises
    ------
    ReportFailure
        (a ``ReportError``) with a one-line message and a ``reason`` code; nothing is
        published at the final paths in that case.
    """
    started = time.perf_counter()
    formats = _check_options(client_id, week, formats, paper)
    validated = _check_validated(validated_dir, client_id)
    from reconnect_analysis import paths
    from reconnect_analysis.report import execute, render, sections

    template = _as_failure(execute.preflight, paths.notebook_path())
    token = execute.new_run_token()
    parameters = {
        "validated_path": str(validated),
        "client_id": client_id,
        "week": week,
        "settings_overrides": sections.settings_overrides(settings),
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run_token": token,
    }
    root = private_dir(out_dir)
    _remove_stale_work(root)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=root))
    timings: dict[str, float] = {}
    try:
        step = time.perf_counter()
        try:
            run = execute.run(template, parameters, work_dir=work, timeout_s=timeout_s)
        except ReportError as err:
            _keep_partial(root, week, client_id, work / "report.ipynb")
            raise _failure(err, "incomplete") from err
        timings["execute"] = time.perf_counter() - step

        step = time.perf_counter()
        try:
            page, dropped = render.to_html(run.notebook,
                                           title=f"Weekly report {client_id} {week}")
        except ReportError as err:
            _keep_partial(root, week, client_id, work / "report.ipynb")
            raise _failure(err, "render_failed") from err
        timings["html"] = time.perf_counter() - step

        step = time.perf_counter()
        target = client_dir(root, week, client_id)
        published: dict[str, Path] = {}
        with _publish_lock(root, week, client_id):  # a second run waits: no mixed files
            try:
                published["ipynb"] = atomic_write_bytes(target / "report.ipynb",
                                                        run.path.read_bytes())
                html_path = (target / "report.html" if "html" in formats
                             else work / "print.html")
                atomic_write_text(html_path, page)
                if "html" in formats:
                    published["html"] = html_path
            except OSError as err:
                raise ReportFailure(f"cannot write the report for {client_id} into {target}: "
                                    f"{err.strerror or err}", reason="write_failed") from err
            timings["publish"] = time.perf_counter() - step

            status, reason = "ok", ""
            if "pdf" in formats:
                step = time.perf_counter()
                status, reason, pdf_path = _pdf(html_path, target, client_id=client_id,
                                                week=week, paper=paper,
                                                timeout_s=min(timeout_s, 120))
                if pdf_path is not None:
                    published["pdf"] = pdf_path
                timings["pdf"] = time.perf_counter() - step
            for kind in ("html", "pdf"):  # the folder holds this run's files only
                if kind not in published:
                    (target / f"report.{kind}").unlink(missing_ok=True)
        shutil.rmtree(root / ".failed" / week / client_id, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # papermill output, kernel log, print copy
    return ReportResult(client_id=client_id, week=week, paths=published,
                        seconds=time.perf_counter() - started, status=status, reason=reason,
                        timings=timings, dropped_outputs=dropped, transport=run.transport)


def _check_options(client_id, week, formats, paper) -> tuple[str, ...]:
    from reconnect_analysis.weeks import parse_week

    try:
        check_client_id(client_id)
        if client_id != client_id.strip():  # "C01\n" passes a regex ending in "$"
            check_client_id("\n")
    except ReportError as err:
        raise ReportFailure(str(err).replace(repr("\n"), repr(client_id)[:40]),
                            reason="bad_client_id") from err
    try:
        parse_week(week)
    except ReconnectError as err:
        raise ReportFailure(str(err), reason="bad_week") from err
    if isinstance(formats, str):
        formats = tuple(part.strip() for part in formats.split(",") if part.strip())
    formats = tuple(dict.fromkeys(str(f).lower() for f in formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportFailure(f"format {', '.join(unknown) or '(none)'} is not supported; "
                            "use html, pdf or html,pdf", reason="bad_option")
    if str(paper).upper() not in ("A4", "LETTER"):
        raise ReportFailure(f"paper {paper!r} is not supported; use A4 or Letter",
                            reason="bad_option")
    return formats


def _check_validated(validated_dir, client_id: str) -> Path:
    import pyarrow.parquet as pq

    from reconnect_analysis.tables import is_validated_folder

    folder = Path(validated_dir).resolve()
    if not is_validated_folder(folder):
        raise ReportFailure(f"{validated_dir}: not a validated folder (entries.parquet and "
                            "meta.json missing); run 'reconnect validate' first, or pass the "
                            "raw export to 'reconnect report'", reason="not_validated")
    for name in ("entries", "risks"):
        path = folder / f"{name}.parquet"
        if not path.is_file() or "client_id" not in pq.read_schema(path).names:
            continue
        ids = pq.read_table(path, columns=["client_id"],
                            filters=[("client_id", "==", client_id)]).num_rows
        if ids:
            return folder
    raise ReportFailure(f"client {client_id!r} has no check-ins and no risk answers in "
                        f"{validated_dir}; check the id (ids are case-sensitive)",
                        reason="no_such_client")


def _pdf(html_path: Path, target: Path, *, client_id: str, week: str, paper: str,
         timeout_s: float) -> tuple[str, str, Path | None]:
    from reconnect_analysis.report import pdf

    try:
        result = pdf.html_to_pdf(html_path, client_id=client_id, week=week, paper=paper,
                                 timeout_s=timeout_s)
    except pdf.PdfUnavailable as err:
        return "pdf_skipped", str(err), None
    except pdf.PdfFailed as err:
        return "pdf_failed", str(err), None
    if result.blocked_requests:
        return ("pdf_failed", f"PDF not published: the page tried {result.blocked_requests} "
                "network request(s)", None)
    try:
        return "ok", "", atomic_write_bytes(target / "report.pdf", result.data)
    except OSError as err:
        return "pdf_failed", f"cannot write report.pdf: {err.strerror or err}", None


def _remove_stale_work(root: Path) -> None:
    """Remove work folders left by runs that were killed (their process no longer exists):
    they can hold a partial notebook or the HTML copy printed to PDF."""
    for folder in root.glob(".work-*-*"):
        try:
            pid = int(folder.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _publish_lock(root: Path, week: str, client_id: str):
    """An exclusive lock (``root/.locks/<week>-<client>.lock``, POSIX) held while one
    report's files are replaced, so two runs for the same client never mix their files."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: atomic renames only
        yield
        return
    folder = private_dir(root / ".locks")
    fd = os.open(folder / f"{week}-{client_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _keep_partial(root: Path, week: str, client_id: str, notebook: Path) -> None:
    """Keep a failed run's notebook privately for review (never at the final path)."""
    if not notebook.is_file():
        return
    try:
        folder = private_dir(root / ".failed" / week / client_id)
        atomic_write_bytes(folder / "report.ipynb", notebook.read_bytes())
    except OSError:
        pass  # keeping the partial is best effort; the failure itself is still raised


def _failure(err: ReportError, default: str) -> ReportFailure:
    if isinstance(err, ReportFailure):
        return err
    return ReportFailure(str(err), reason=getattr(err, "reason", default))


def _as_failure(func, *args):
    try:
        return func(*args)
    except ReportError as err:
        raise _failure(err, "bad_template") from err
    except FileNotFoundError as err:
        raise ReportFailure(str(err), reason="bad_template") from err
