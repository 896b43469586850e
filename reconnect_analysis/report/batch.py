"""Render a whole caseload for one week: parallel, one fresh kernel per client, crash-safe.

How it runs
-----------
The validated folder is read once in the parent, which picks the clients (a check-in or a
risk record in the safety window ending with the week), computes each client's fingerprint and skips
clients whose finished reports match it (resume). The rest go to a small pool of long-lived
worker processes (forked from a server that imported papermill/nbconvert once). A worker
renders one client at a time by calling the per-client task (by default
``report.build.client_week``), which starts a fresh kernel for that client only, over IPC
sockets in a private runtime folder. The parent watches every worker: a worker that dies
(kernel or process killed, e.g. out of memory) or overruns its time limit is killed with its
kernels, its client is marked failed with a reason code and a fresh worker takes its place.
A kernel that fails to start is retried once. One client's failure never stops the batch.

Files: every report file is published atomically by the task; the client's
``.fingerprint.json`` is written last, so only a complete client folder counts as done. The
week folder is locked (``fcntl.flock`` on ``.lock``) for the whole run; a second run refuses.

Privacy: folders 0700, files 0600 (workers run with umask 077); log lines and the progress
bar hold pseudonyms, counts and reason codes only, never notes, answers or error texts.
"""

from __future__ import annotations

import errno
import inspect
import logging
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from reconnect_analysis import __version__, tables
from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import manifest, triage
from reconnect_analysis.report.files import check_client_id, client_dir
from reconnect_analysis.weeks import parse_week

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf")
RETRY_ONCE = frozenset({"kernel_start"})
"""Reason codes worth one more try (a kernel that did not start, a port race)."""
KILL_GRACE_S = 30.0
"""Extra time the parent gives a worker past ``timeout_s`` before it kills it."""
WORKER_START_S = 120.0
"""Time a new worker may take to start (imports, kernel template) before its first job's
clock starts."""
_PRELOAD = ["pandas", "papermill", "nbclient", "nbconvert", "nbformat", "jupyter_client",
            "reconnect_analysis.report.files", "reconnect_analysis.report.build",
            "reconnect_analysis.report.render", "reconnect_analysis.report.pdf"]

Task = Callable[..., object]


@dataclass
class ClientOutcome:
    """What happened to one client's report in a caseload run."""

    client_id: str
    status: str
    """``ok`` (rendered now), ``skipped`` (unchanged since last run) or ``failed``."""
    reason: str | None = None
    """Reason code when failed: ``kernel_died``, ``worker_died``, ``timeout``,
    ``kernel_start``, ``cell_error``, ``pdf_failed``, ``disk_full``, ``interrupted``, ..."""
    seconds: float = 0.0
    attempts: int = 0
    fingerprint: str = ""
    files: list[str] = field(default_factory=list)
    """File names inside ``<week>/<client_id>/``."""
    risk_present: bool = False


@dataclass
class BatchResult:
    """The outcome of :func:`caseload`."""

    week: str
    week_dir: Path
    outcomes: list[ClientOutcome]
    seconds: float
    summary_path: Path
    overview_paths: list[Path] = field(default_factory=list)
    unattributed_risks: int = 0
    overview_problems: list[str] = field(default_factory=list)
    unattributed_sources: list[str] = field(default_factory=list)
    """Source file and row of the first unattributed risk answers (``"entries.csv row 3"``)."""
    quarantine_path: Path | None = None
    """The validation quarantine of the data this run read (``quarantine.csv``)."""

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every report is there, 1 when any client failed."""
        return 1 if self.failed else 0

    def counts(self) -> dict[str, int]:
        out = {"clients": len(self.outcomes), "ok": 0, "skipped": 0, "failed": 0}
        for outcome in self.outcomes:
            out[outcome.status] += 1
        return out


def caseload(validated_dir: str | Path, *, week: str, out_dir: str | Path = "reports",
             formats: tuple[str, ...] = ("html",), workers: int | None = None,
             timeout_s: float = 300, progress: bool = True, settings: Settings = DEFAULTS,
             paper: str = "A4", task: Task | None = None, overview: bool = True,
             fast_kernels: bool = True) -> BatchResult:
    """Render every report of ``week`` in parallel, then the overview and the run summary.

    Parameters
    ----------
    validated_dir
        A folder written by ``schema.validate_to_folder`` / ``tables.save``.
    week
        ISO week, e.g. ``"2026-W47"``.
    out_dir
        Reports go to ``out_dir/<week>/<client_id>/``; the overview and
        ``run_summary.json`` to ``out_dir/<week>/``.
    formats
        Any of ``"html"``, ``"pdf"``.
    workers
        Parallel workers (default: the number of CPU cores, at most the number of clients).
    timeout_s
        Time limit per client, in seconds. The task gets it; the parent kills a worker that
        is still busy ``KILL_GRACE_S`` later.
    progress
        Show a tqdm progress bar on stderr (done, failed, remaining, rate, time left).
    task
        The per-client renderer, a picklable module-level function called as
        ``task(client_id, *, validated_dir, week, out_dir, formats, settings, timeout_s,
        paper, kernel_manager_class)``; it returns the paths it wrote (a list, or an object
        with ``.paths``). Default: :func:`render_client` (``report.build.client_week``).
    overview
        Write ``overview.html`` (and ``overview.pdf`` when ``"pdf"`` is in ``formats``).
    fast_kernels
        Fork each client's fresh kernel from a per-worker template process that has already
        imported the libraries (no client data, no notebook code ever ran in it) instead of
        starting Python from scratch. Every client still gets a new kernel process.

    Returns
    -------
    BatchResult
        Per-client outcomes (failed clients with a risk answer first), paths, timings.
        ``exit_code`` is 1 when any client failed.

    Raises
    ------
    ReportError
        Bad week or formats, a folder that is not validated data, an output folder that
        cannot be written (checked before any work), or another run holding the lock.
    """
    started = time.monotonic()
    parse_week(week)
    formats = _check_formats(formats)
    validated_dir = Path(validated_dir).resolve()
    if not tables.is_validated_folder(validated_dir):
        raise ReportError(f"{validated_dir} is not a validated folder (entries.parquet and "
                          "meta.json); run 'reconnect validate EXPORT --out FOLDER' first")
    data = tables.load(validated_dir)
    out_dir = Path(out_dir).resolve()
    week_dir = manifest.prepare_week_dir(out_dir, week)
    clients = triage.clients_for_week(data, week=week, settings=settings)
    facts = triage.facts(data, week=week, settings=settings, clients=clients)
    flagged = facts["risk_answers"].map(len) + facts["red_flags"].map(len) > 0
    risky = set(facts.loc[flagged, "client_id"])
    with manifest.RunLock(week_dir):
        templates = manifest.template_hash()
        prints = {c: manifest.fingerprint(data_hash=manifest.client_data_hash(data, c),
                                          week=week, formats=formats, settings=settings,
                                          templates=templates) for c in clients}
        outcomes: dict[str, ClientOutcome] = {}
        todo = []
        for client in clients:
            if not _is_safe_id(client):  # never a path part, never in a log line (H2, H6)
                outcomes[client] = ClientOutcome(client, "failed", "bad_client_id",
                                                 fingerprint=prints[client])
                log.warning("a client id in the data cannot be used as a folder name; "
                            "its report is not rendered (bad_client_id)")
                continue
            folder = week_dir / client
            if folder.is_dir() and manifest.is_up_to_date(folder, fingerprint_=prints[client],
                                                          formats=formats):
                files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
                outcomes[client] = ClientOutcome(client, "skipped", fingerprint=prints[client],
                                                 files=files)
            else:
                todo.append(client)
        log.info("week %s: %d clients, %d unchanged, %d to render", week, len(clients),
                 len(clients) - len(todo), len(todo))
        common = {"validated_dir": str(validated_dir), "week": week, "out_dir": str(out_dir),
                  "formats": formats, "settings": settings, "timeout_s": timeout_s,
                  "paper": paper, "fast_kernels": fast_kernels}
        interrupted = False
        runner = None
        try:
            if todo:
                n_workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
                runner = _Runner(task or render_client, common, n_workers=n_workers,
                                 hard_limit_s=timeout_s + KILL_GRACE_S, progress=progress,
                                 week=week)
                runner.run(todo, prints)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            if runner is not None:
                outcomes.update(runner.outcomes)  # what finished before an interrupt counts
            for client in clients:
                outcomes.setdefault(client, ClientOutcome(client, "failed", "interrupted",
                                                          fingerprint=prints[client]))
                outcomes[client].risk_present = client in risky
            ordered = sorted(outcomes.values(), key=_summary_order)
            result = BatchResult(week=week, week_dir=week_dir, outcomes=ordered,
                                 seconds=0.0, summary_path=week_dir / manifest.SUMMARY_NAME,
                                 unattributed_risks=triage.unattributed_risks(
                                     data, week=week, settings=settings),
                                 unattributed_sources=triage.unattributed_sources(
                                     data, week=week, settings=settings),
                                 quarantine_path=_quarantine_path(validated_dir))
            if overview and not interrupted:
                from reconnect_analysis.report.sections import risk_questions

                _write_overview(result, facts, settings=settings, formats=formats, paper=paper,
                                risk_questions=risk_questions(data))
            result.seconds = time.monotonic() - started
            manifest.write_summary(week_dir, _summary(result, formats=formats,
                                                      interrupted=interrupted))
    return result


def _quarantine_path(validated_dir: Path) -> Path:
    """``quarantine.csv`` of a validated folder (``quarantine.parquet`` when there is no CSV)."""
    csv = validated_dir / "quarantine.csv"
    return csv if csv.exists() else validated_dir / "quarantine.parquet"


def render_client(client_id: str, *, validated_dir: str, week: str, out_dir: str,
                  formats: tuple[str, ...], settings: Settings, timeout_s: float, paper: str,
                  kernel_manager_class: type | None = None) -> object:
    """The default task: one client's report through ``report.build.client_week``."""
    from reconnect_analysis.report import build

    kwargs = {"client_id": client_id, "week": week, "out_dir": out_dir, "formats": formats,
              "settings": settings, "timeout_s": timeout_s, "paper": paper,
              "kernel_manager_class": kernel_manager_class}
    accepted = inspect.signature(build.client_week).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    # client_week starts its own IPC kernel; the class is passed only if it asks for one
    kwargs = {k: v for k, v in kwargs.items() if k in accepted or takes_any}
    return build.client_week(validated_dir, **kwargs)


def no_report_task(client_id: str, **_) -> object:
    """Stand-in task while ``report.build`` is not installed: every client fails with
    ``not_built``, so the overview and the summary still appear."""
    err = ReportError("report.build is not built yet")
    err.reason = "not_built"
    raise err


def ipc_kernel_manager_class(runtime_dir: str | Path) -> type:
    """An ``AsyncKernelManager`` that talks to its kernel over Unix sockets in
    ``runtime_dir`` (0700) instead of TCP ports: no port races, nothing listening on TCP."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    runtime = str(Path(runtime_dir).resolve())

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        def _ip_default(self) -> str:
            return os.path.join(runtime, f"k-{uuid.uuid4().hex[:16]}")

    return with_kernel_template(IpcKernelManager)


# ---------------------------------------------------------------------------------------------
# the worker pool

@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: object
    job: tuple[str, int] | None = None
    started: float = 0.0
    acked: bool = False
    """The worker said it began the job (its own start-up no longer counts)."""
    runtime: str = ""
    """The worker's private kernel folder (removed by the parent, even after a kill)."""

    def deadline(self, hard_limit_s: float) -> float:
        return self.started + hard_limit_s + (0.0 if self.acked else WORKER_START_S)


class _Runner:
    """Hands clients to worker processes one at a time and watches them."""

    def __init__(self, task: Task, common: dict, *, n_workers: int, hard_limit_s: float,
                 progress: bool, week: str) -> None:
        self.task, self.common, self.n_workers = task, common, n_workers
        self.hard_limit_s = hard_limit_s
        self.progress, self.week = progress, week
        self.ctx = _context()
        self.outcomes: dict[str, ClientOutcome] = {}

    def run(self, todo: list[str], prints: dict[str, str]) -> dict[str, ClientOutcome]:
        queue: deque[tuple[str, int]] = deque((client, 1) for client in todo)
        outcomes = self.outcomes = {}
        slots = [self._spawn() for _ in range(self.n_workers)]
        bar = _bar(len(todo), self.week, enabled=self.progress)
        dead_idle = 0
        try:
            while queue or any(slot.job for slot in slots):
                for index, slot in enumerate(slots):
                    if slot.job is None and queue:
                        client, attempt = queue.popleft()
                        try:
                            slot.conn.send((client, prints[client]))
                        except OSError:  # the idle worker died: replace it, keep the client
                            dead_idle += 1
                            if dead_idle > 3 * self.n_workers:
                                raise ReportError("report workers keep dying before they get "
                                                  "work; run one report with 'reconnect "
                                                  "report --client ID' to see why") from None
                            queue.appendleft((client, attempt))
                            slots[index] = self._replace(slot)
                            continue
                        slot.job, slot.started = (client, attempt), time.monotonic()
                        slot.acked = False
                busy = [slot for slot in slots if slot.job]
                now = time.monotonic()
                next_deadline = min(slot.deadline(self.hard_limit_s) for slot in busy)
                handles = [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy]
                ready = wait(handles, timeout=max(0.0, next_deadline - now))
                for index, slot in enumerate(slots):
                    if not slot.job:
                        continue
                    client, attempt = slot.job
                    elapsed = time.monotonic() - slot.started
                    message = None
                    if slot.conn in ready:
                        try:
                            message = slot.conn.recv()
                        except (EOFError, OSError):
                            message = None
                    if message == ("started",):  # the job's own clock starts now
                        slot.started, slot.acked = time.monotonic(), True
                        continue
                    if message is not None:
                        status, files, reason = message
                        slot.job = None
                    elif slot.process.sentinel in ready or not slot.process.is_alive():
                        status, files, reason = "failed", [], "worker_died"
                        slots[index] = self._replace(slot)
                    elif time.monotonic() >= slot.deadline(self.hard_limit_s):
                        status, files, reason = "failed", [], "timeout"
                        slots[index] = self._replace(slot)
                    else:
                        continue
                    if status == "failed" and reason in RETRY_ONCE and attempt == 1:
                        log.warning("client %s: %s, retrying once", client, reason)
                        queue.appendleft((client, 2))
                        continue
                    outcomes[client] = ClientOutcome(
                        client, status, reason, seconds=round(elapsed, 3), attempts=attempt,
                        fingerprint=prints[client], files=files)
                    if status == "failed":
                        log.warning("client %s: report failed (%s)", client, reason)
                    _tick(bar, outcomes, len(todo))
        finally:
            for slot in slots:
                self._stop(slot)
            if bar is not None:
                bar.close()
        return outcomes

    def _spawn(self) -> _Slot:
        parent_end, child_end = self.ctx.Pipe()
        runtime = tempfile.mkdtemp(prefix="reconnect-kernels-")
        process = self.ctx.Process(target=_worker_main,
                                   args=(child_end, self.task, self.common, runtime),
                                   daemon=True, name="reconnect-report-worker")
        process.start()
        child_end.close()
        return _Slot(process, parent_end, runtime=runtime)

    def _replace(self, slot: _Slot) -> _Slot:
        _kill_tree(slot.process.pid)
        slot.process.join(timeout=5)
        slot.conn.close()
        shutil.rmtree(slot.runtime, ignore_errors=True)
        return self._spawn()

    def _stop(self, slot: _Slot) -> None:
        if slot.job is None and slot.process.is_alive():
            try:
                slot.conn.send(None)
                slot.process.join(timeout=10)
            except (OSError, ValueError):
                pass
        if slot.process.is_alive():
            _kill_tree(slot.process.pid)
            slot.process.join(timeout=5)
        slot.conn.close()
        shutil.rmtree(slot.runtime, ignore_errors=True)


def _worker_main(conn, task: Task, common: dict, runtime: str) -> None:
    """Loop in a worker process: receive a client id, render, send back a status."""
    os.umask(0o077)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime
    fast = common.pop("fast_kernels", False)
    if fast:
        _install_kernel_template()
    kernel_manager_class = ipc_kernel_manager_class(runtime)
    week, out_dir = common["week"], common["out_dir"]
    try:
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            client_id, fingerprint_ = job
            conn.send(("started",))
            try:
                folder = client_dir(out_dir, week, client_id)
                manifest.forget(folder)
                result = task(client_id, **common, kernel_manager_class=kernel_manager_class)
                paths = _paths_of(result, folder)
                partial = getattr(result, "status", "ok")
                if partial != "ok":  # e.g. pdf_failed: the HTML is there, the PDF is not
                    conn.send(("failed", sorted(p.name for p in paths), str(partial)))
                    continue
                missing = [fmt for fmt in common["formats"]
                           if not any(p.suffix == f".{fmt}" for p in paths)]
                if missing:
                    raise _incomplete()
                manifest.write_client_manifest(folder, client_id=client_id,
                                               fingerprint_=fingerprint_, files=paths)
                conn.send(("ok", sorted(p.name for p in paths), None))
            except Exception as err:  # noqa: BLE001 - every failure becomes a reason code
                conn.send(("failed", [], reason_code(err)))
    finally:
        if _TEMPLATE is not None:
            _TEMPLATE.close()
        shutil.rmtree(runtime, ignore_errors=True)


def reason_code(err: BaseException) -> str:
    """A short code for a failure; never the error's text (it may quote client data)."""
    reason = getattr(err, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    name = type(err).__name__
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "disk_full"
    codes = {"DeadKernelError": "kernel_died", "CellTimeoutError": "timeout",
             "TimeoutError": "timeout", "PapermillExecutionError": "cell_error",
             "CellExecutionError": "cell_error", "NoSuchKernel": "kernel_start",
             "ZMQError": "kernel_start", "ZMQBindError": "kernel_start"}
    return codes.get(name, f"error:{name}")


# ---------------------------------------------------------------------------------------------
# fresh kernels without paying the imports each time: the kernel template process

KERNEL_PRELOAD = ("ipykernel.kernelapp", "IPython", "numpy", "pandas", "pyarrow.parquet",
                  "scipy.stats", "plotly.graph_objects", "plotly.io", "reconnect_analysis.metrics",
                  "reconnect_analysis.report.sections")
"""Modules the kernel template imports once (code only, never data)."""

_TEMPLATE: _KernelTemplate | None = None


class _KernelTemplate:
    """A clean Python process that imported ``KERNEL_PRELOAD`` and then forks one brand-new
    kernel process per request.

    Each kernel is a new process (own memory, own session, nothing from any other client):
    it is forked from a process that has run no notebook code and seen no client data, so a
    kernel still serves exactly one client. What it saves is the ~1-2 s of imports every
    fresh kernel would otherwise repeat.
    """

    def __init__(self) -> None:
        import json
        import subprocess
        import sys

        self._json = json
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from reconnect_analysis.report.batch import "
             "_template_main; _template_main()", json.dumps(list(KERNEL_PRELOAD))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        import select

        ready, _, _ = select.select([self.process.stdout], [], [], WORKER_START_S)
        if not ready or self.process.stdout.readline().strip() != b"ready":
            self.process.kill()
            raise RuntimeError("kernel template did not start")

    def spawn(self, cmd: list[str], *, cwd, env, log_path: str | None) -> _ForkedKernel:
        args = _ipykernel_args(cmd)
        request = {"args": args, "cwd": str(cwd) if cwd else None, "env": dict(env or {}),
                   "log": log_path}
        self.process.stdin.write(self._json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline().strip() or 0)
        if pid <= 0:
            raise RuntimeError("kernel template could not fork")
        return _ForkedKernel(pid)

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - best effort at exit
            self.process.kill()


class _ForkedKernel:
    """Just enough of ``subprocess.Popen`` for jupyter_client's LocalProvisioner, for a kernel
    that is the template's child (the template reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        import psutil

        if self.returncode is None:
            try:
                if psutil.Process(self.pid).status() == psutil.STATUS_ZOMBIE:
                    self.returncode = -1
            except psutil.NoSuchProcess:
                self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _ipykernel_args(cmd: list[str]) -> list[str]:
    """``[python, ..., -m, ipykernel_launcher, -f, conn]`` -> ``[-f, conn]``; else ValueError."""
    if "-m" in cmd:
        at = cmd.index("-m")
        if at + 1 < len(cmd) and cmd[at + 1] in ("ipykernel_launcher", "ipykernel"):
            return list(cmd[at + 2:])
    raise ValueError("not an ipykernel command")


def with_kernel_template(klass: type) -> type:
    """A subclass of kernel manager ``klass`` whose kernels are forked by this worker's kernel
    template when there is one (plain launch otherwise, or if anything about it fails)."""

    class TemplateKernelManager(klass):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            template, provisioner = _TEMPLATE, self.provisioner
            if template is not None and provisioner is not None:
                plain = provisioner.launch_kernel

                async def launch(cmd, **kwargs):
                    try:
                        log = kwargs.get("stdout")
                        process = template.spawn(cmd, cwd=kwargs.get("cwd"),
                                                 env=kwargs.get("env"),
                                                 log_path=getattr(log, "name", None))
                    except (ValueError, RuntimeError, OSError):
                        return await plain(cmd, **kwargs)
                    provisioner.process, provisioner.pid = process, process.pid
                    provisioner.pgid = process.pid  # the kernel leads its own session
                    provisioner.cwd = kwargs.get("cwd")
                    return provisioner.connection_info

                provisioner.launch_kernel = launch
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    TemplateKernelManager.__name__ = f"Template{klass.__name__}"
    return TemplateKernelManager


def _install_kernel_template() -> None:
    """Start this worker's kernel template and route the report runner's kernels through it."""
    global _TEMPLATE
    try:
        _TEMPLATE = _KernelTemplate()
    except (OSError, RuntimeError) as err:
        log.warning("kernel template not available (%s); starting kernels plainly",
                    type(err).__name__)
        return
    try:
        from reconnect_analysis.report import execute
    except ImportError:
        return
    factory = getattr(execute, "private_kernel_manager", None)
    if factory is not None and not getattr(factory, "_with_template", False):
        def templated(*args, **kwargs):
            return with_kernel_template(factory(*args, **kwargs))

        templated._with_template = True
        execute.private_kernel_manager = templated


def _template_main() -> None:
    """The kernel template process: import, say ``ready``, fork one kernel per request."""
    import importlib
    import json
    import sys

    for name in json.loads(sys.argv[1]):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - a missing optional module only costs time
            continue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, _reap)
    out = sys.stdout.buffer
    out.write(b"ready\n")
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _become_kernel(request)
            finally:
                os._exit(1)
        for _ in range(400):  # answer once the child leads its own session (kill by group)
            try:
                if os.getpgid(pid) == pid:
                    break
            except ProcessLookupError:
                break
            time.sleep(0.005)
        out.write(f"{pid}\n".encode())
        out.flush()


def _reap(*_) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict) -> None:
    import sys

    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    log = request.get("log")
    sink = (os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if log
            else os.open(os.devnull, os.O_WRONLY))
    os.dup2(null, 0)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.closerange(3, 65536)
    sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False)  # noqa: SIM115
    if request.get("cwd"):
        os.chdir(request["cwd"])
    if request.get("env"):
        os.environ.clear()
        os.environ.update(request["env"])
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    sys.argv = ["ipykernel_launcher", *request["args"]]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# helpers

def _is_safe_id(client_id: str) -> bool:
    try:
        check_client_id(client_id)
    except ReportError:
        return False
    return True


def _incomplete() -> ReportError:
    err = ReportError("the task did not return every requested format")
    err.reason = "incomplete"
    return err


def _context():
    """forkserver (workers fork from a server that imported papermill once), else spawn."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _kill_tree(pid: int | None) -> None:
    """Kill a worker and everything it started (its kernels), children first."""
    if pid is None:
        return
    import psutil

    try:
        parent = psutil.Process(pid)
        children = parent.children(recursive=True)
    except psutil.NoSuchProcess:
        return
    for proc in [*children, parent]:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(children, timeout=5)


def _paths_of(result: object, folder: Path) -> list[Path]:
    paths = getattr(result, "paths", result)
    if isinstance(paths, dict):
        paths = list(paths.values())
    if paths is None:
        paths = []
    out = [Path(p) for p in paths]
    for path in out:
        if path.resolve().parent != folder.resolve():
            raise ReportError("task wrote outside the client folder")
    return out


def _check_formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = tuple(part.strip() for part in formats.split(","))
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"unknown report format {unknown or formats}; use html, pdf or html,pdf")
    return formats


def _bar(total: int, week: str, *, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=f"reports {week}", unit="client", dynamic_ncols=True,
                bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| "
                           "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")


def _tick(bar, outcomes: dict[str, ClientOutcome], total: int) -> None:
    if bar is None:
        return
    failed = sum(o.status == "failed" for o in outcomes.values())
    bar.set_postfix_str(f"done {len(outcomes) - failed}, failed {failed}, "
                        f"remaining {total - len(outcomes)}", refresh=False)
    bar.update(1)


def has_report(outcome: ClientOutcome) -> bool:
    """True when the client's HTML report is there (rendered now, unchanged, or HTML only
    because the PDF failed)."""
    return outcome.status != "failed" or any(f.endswith(".html") for f in outcome.files)


def _summary_order(outcome: ClientOutcome) -> tuple:
    if outcome.risk_present and not has_report(outcome):
        group = 0
    elif outcome.status == "failed":
        group = 1
    else:
        group = 2
    return (group, outcome.client_id)


def _summary(result: BatchResult, *, formats: tuple[str, ...], interrupted: bool) -> dict:
    clients = []
    for outcome in result.outcomes:
        entry = {"client_id": outcome.client_id, "status": outcome.status,
                 "reason": outcome.reason, "risk_present": outcome.risk_present,
                 "seconds": outcome.seconds, "attempts": outcome.attempts,
                 "fingerprint": outcome.fingerprint, "files": outcome.files}
        if outcome.risk_present and not has_report(outcome):
            entry["alert"] = "risk present, report missing"
        clients.append(entry)
    times = sorted(o.seconds for o in result.outcomes if o.status == "ok")
    return {
        "week": result.week,
        "formats": list(formats),
        "version": __version__,
        "interrupted": interrupted,
        "counts": result.counts(),
        "unattributed_risks": result.unattributed_risks,
        "risk_present_report_missing": [o.client_id for o in result.outcomes
                                        if o.risk_present and not has_report(o)],
        "seconds_total": round(result.seconds, 3),
        "seconds_per_report_median": times[len(times) // 2] if times else None,
        "overview": [p.name for p in result.overview_paths],
        "overview_problems": result.overview_problems,
        "clients": clients,
    }


def _write_overview(result: BatchResult, facts, *, settings: Settings,
                    formats: tuple[str, ...], paper: str,
                    risk_questions: tuple[list[str], list[str]] | None = None) -> None:
    from reconnect_analysis.report import overview

    status = {client: "none" for client in facts["client_id"]}  # no report due
    status.update({o.client_id: "ok" if has_report(o) else "failed" for o in result.outcomes})
    rows = triage.order(facts, report_status=status, settings=settings)
    html_path = overview.write_html(result.week_dir, rows, week=result.week,
                                    outcomes={o.client_id: o for o in result.outcomes},
                                    unattributed_risks=result.unattributed_risks,
                                    risk_questions=risk_questions)
    result.overview_paths.append(html_path)
    if "pdf" in formats:
        try:
            result.overview_paths.append(overview.write_pdf(html_path, week=result.week,
                                                            paper=paper))
        except Exception as err:  # noqa: BLE001 - the HTML overview still stands
            result.overview_problems.append(f"overview.pdf not written ({reason_code(err)})")
            log.warning("overview PDF failed (%s)", reason_code(err))
