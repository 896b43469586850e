"""Run the report notebook with papermill, safely, and say whether it really finished.

What this module guards against (see RELIABILITY.md, papermill and jupyter_client):

- parameter *names* are pasted into code verbatim by papermill, so only names matching
  ``^[a-z_][a-z0-9_]*$`` that the template's ``parameters`` cell declares are accepted, and
  values must be plain literals (no client data: ids, week, paths and options only);
- a template without the ``parameters`` tag, or with shell escapes / ``sys.exit`` / cell
  magics, is refused before a kernel starts (:func:`preflight`);
- kernel death, a cell timeout and an early ``sys.exit(0)`` can all leave a notebook that
  looks complete, so the last cell must display a completion marker carrying a random token
  made for this run (:func:`check_complete`);
- the kernel talks over Unix sockets in a private folder (``transport="ipc"``) instead of
  TCP on 127.0.0.1, and runs with the same interpreter as the caller;
- papermill rewrites its output after every cell with plain ``open()``, so it writes into a
  private work folder; publishing is the caller's job (atomic, only when complete).
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from reconnect_analysis.errors import ReportError

COMPLETION_MIME = "application/vnd.reconnect.complete+json"
"""MIME type of the marker the notebook's last cell displays (see ``sections.finished``)."""

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FORBIDDEN = (
    (re.compile(r"^\s*!", re.MULTILINE), "a shell escape ('!cmd')"),
    (re.compile(r"^\s*%%?(?:bash|sh|script|system|sx|writefile|run|load)\b", re.MULTILINE),
     "a shell or file magic"),
    (re.compile(r"\bsys\s*\.\s*exit\b|\bos\s*\.\s*_exit\b|(?<![\w.])(?:exit|quit)\s*\("),
     "an early exit (sys.exit / os._exit / exit())"),
    (re.compile(r"^\s*(?:async\s+)?(?:def|class)\s", re.MULTILINE),
     "a def/class (report notebooks only call package functions)"),
)
_LITERAL_TYPES = (str, int, float, bool, type(None))


class ReportFailure(ReportError):
    """A report could not be produced; ``reason`` is a short code for summaries.

    Codes: ``bad_client_id``, ``bad_week``, ``bad_option``, ``not_validated``,
    ``no_such_client``, ``bad_template``, ``bad_parameter``, ``kernel_start``, ``kernel_died``,
    ``timeout``, ``incomplete``, ``cell_error``, ``render_failed``, ``write_failed``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class Template:
    """A pre-flighted notebook template and the parameter names it declares."""

    path: Path
    parameters: tuple[str, ...]


def preflight(path: str | Path) -> Template:
    """Check a notebook template before any kernel starts.

    The first code cell must be tagged ``parameters`` and hold only ``name: type = literal``
    (or ``name = literal``) lines; no code cell may hold a shell escape, a cell magic, an early
    exit or a ``def``/``class``.

    Returns
    -------
    Template
        The path and the declared parameter names (the allowlist for :func:`run`).

    Raises
    ------
    ReportError
        (``reason="bad_template"``) naming the cell and the problem.
    """
    path = Path(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as err:
        raise ReportFailure(f"{path.name}: cannot read the notebook template ({err})",
                             reason="bad_template") from err
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not code_cells or "parameters" not in code_cells[0].metadata.get("tags", []):
        raise ReportFailure(
            f"{path.name}: the first code cell must be tagged 'parameters' (without it papermill "
            "runs the defaults and the report shows the wrong client)", reason="bad_template")
    for number, cell in enumerate(code_cells, start=1):
        for pattern, what in _FORBIDDEN:
            if pattern.search(cell.source):
                raise ReportFailure(f"{path.name}: code cell {number} holds {what}",
                                     reason="bad_template")
        try:
            ast.parse(cell.source)
        except SyntaxError as err:
            raise ReportFailure(f"{path.name}: code cell {number} is not plain Python ({err.msg})",
                                 reason="bad_template") from err
    return Template(path=path, parameters=_declared(code_cells[0].source, path.name))


def _declared(source: str, name: str) -> tuple[str, ...]:
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            target, value = node.targets[0].id, node.value
        else:
            raise ReportFailure(f"{name}: the parameters cell may only assign literals "
                                 f"(line {node.lineno})", reason="bad_template")
        try:
            ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError) as err:
            raise ReportFailure(f"{name}: parameter {target!r} must be a literal "
                                 f"(line {node.lineno})", reason="bad_template") from err
        if not _NAME.match(target):
            raise ReportFailure(f"{name}: parameter name {target!r} is not lower_snake_case",
                                 reason="bad_template")
        names.append(target)
    return tuple(names)


def check_parameters(parameters: dict, template: Template) -> dict:
    """Return ``parameters`` if every name is allowed and every value a plain literal."""
    for name, value in parameters.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ReportFailure(f"parameter name {str(name)[:40]!r} is not allowed "
                                 "(lower_snake_case only)", reason="bad_parameter")
        if name not in template.parameters:
            raise ReportFailure(f"parameter {name!r} is not declared by {template.path.name}",
                                 reason="bad_parameter")
        if not _is_literal(value):
            raise ReportFailure(f"parameter {name!r} must be a str, number, bool, None or a "
                                 "list/dict of those", reason="bad_parameter")
    return dict(parameters)


def _is_literal(value) -> bool:
    if isinstance(value, _LITERAL_TYPES):
        return not (isinstance(value, float) and value != value)  # NaN has no literal
    if isinstance(value, list | tuple):
        return all(_is_literal(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_literal(v) for k, v in value.items())
    return False


def new_run_token() -> str:
    """A random token the last cell must echo back (so a copied marker cannot pass)."""
    return secrets.token_hex(16)


def check_complete(notebook: nbformat.NotebookNode, token: str) -> None:
    """Raise unless every code cell ran and the last one displayed the marker with ``token``."""
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "SystemExit":
                raise ReportFailure(f"notebook exited early in code cell {number}",
                                    reason="incomplete")
            if output.get("output_type") == "error":
                raise ReportFailure(
                    f"notebook cell {number} failed: {output.get('ename', 'error')}",
                    reason="cell_error")
        if cell.get("execution_count") is None:
            raise ReportFailure(f"notebook stopped before code cell {number} ran",
                                 reason="incomplete")
    last = code_cells[-1] if code_cells else None
    markers = [output.get("data", {}).get(COMPLETION_MIME) for output in
               (last.get("outputs", []) if last is not None else [])
               if output.get("output_type") in ("display_data", "execute_result")]
    if not any(isinstance(m, dict) and m.get("token") == token for m in markers):
        raise ReportFailure("notebook did not reach its last cell (no completion marker)",
                             reason="incomplete")


def private_kernel_manager(socket_dir: Path, log_handle=None, *, transport: str = "ipc",
                           cwd: str | Path | None = None) -> type:
    """An AsyncKernelManager class using Unix sockets in ``socket_dir`` (``transport="ipc"``)
    or TCP on 127.0.0.1 (``"tcp"``), and always this Python.

    The kernel starts in ``cwd``. We do not use papermill's own ``cwd`` option for that: it
    changes the working directory of the whole calling process while the notebook runs, so
    two reports rendered at once in one process (threads) would pull each other's folders away.

    nbclient instantiates ``kernel_manager_class(config=...)`` itself, so the folder is bound
    into a small subclass made for this run. The kernel's own stdout/stderr (tracebacks may
    quote client data) go to ``log_handle`` (a file in the private work folder), not to the console.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    wanted = transport

    class PrivateKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value=wanted, config=True)

        @default("connection_file")
        def _default_connection_file(self) -> str:
            return str(socket_dir / "kernel.json")

        @default("ip")
        def _default_ip(self) -> str:
            return str(socket_dir / "k") if self.transport == "ipc" else "127.0.0.1"

        @property
        def kernel_spec(self):  # the caller's interpreter, not whatever "python3" points to
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                          "-f", "{connection_file}",
                          # no IPython history database: nothing of the run left in $HOME
                          "--HistoryManager.enabled=False"],
                    display_name="reconnect report kernel", language="python",
                )
            return self._kernel_spec

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if cwd is not None:
                kw["cwd"] = str(cwd)
            if log_handle is not None:
                kw.setdefault("stdout", log_handle)
                kw.setdefault("stderr", log_handle)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return PrivateKernelManager


@dataclass
class RunResult:
    notebook: nbformat.NotebookNode
    path: Path
    seconds: float
    transport: str


def run(template: Template, parameters: dict, *, work_dir: str | Path, timeout_s: float = 300,
        start_timeout_s: float = 60, transport: str = "ipc") -> RunResult:
    """Execute ``template`` with ``parameters`` into ``work_dir/report.ipynb`` and check it.

    ``parameters`` must include ``run_token`` (see :func:`new_run_token`) when the template
    declares it; the completion check uses it. A kernel that fails to start is retried once.

    Raises
    ------
    ReportError
        ``reason`` is ``timeout``, ``kernel_died``, ``kernel_start``, ``cell_error`` or
        ``incomplete``. The partial notebook stays in ``work_dir`` (private) for review.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    check_parameters(parameters, template)
    work_dir = Path(work_dir)
    output = work_dir / "report.ipynb"
    started = time.perf_counter()
    attempts = 2
    for attempt in range(1, attempts + 1):
        socket_dir = Path(tempfile.mkdtemp(prefix="rc-k-"))  # short path: AF_UNIX limit 107
        log_handle = open(work_dir / "kernel.log", "ab")  # noqa: SIM115 - closed in finally
        used = transport if os.name == "posix" else "tcp"
        engine_kwargs = {"kernel_manager_class": private_kernel_manager(
            socket_dir, log_handle, transport=used, cwd=work_dir)}
        try:
            papermill.execute_notebook(
                str(template.path), str(output), parameters=parameters,
                kernel_name="python3", language="python", progress_bar=False,
                log_output=False, start_timeout=start_timeout_s,
                execution_timeout=timeout_s, **engine_kwargs,
            )
            break
        except PapermillExecutionError as err:
            if err.ename == "SystemExit":
                raise ReportFailure(f"notebook cell {err.cell_index} exited early",
                                     reason="incomplete") from err
            reason = "timeout" if err.ename == "CellTimeoutError" else "cell_error"
            raise ReportFailure(f"notebook cell {err.cell_index} failed: {err.ename}",
                                 reason=reason) from err
        except CellTimeoutError as err:
            raise ReportFailure(f"a notebook cell ran longer than {timeout_s:g} s",
                                 reason="timeout") from err
        except DeadKernelError as err:
            raise ReportFailure("the notebook kernel died during the run",
                                 reason="kernel_died") from err
        except RuntimeError as err:  # kernel did not start / respond in time
            if attempt == attempts or output.exists():
                raise ReportFailure(f"the notebook kernel could not start ({err})",
                                     reason="kernel_start") from err
        finally:
            log_handle.close()
            shutil.rmtree(socket_dir, ignore_errors=True)
    notebook = nbformat.read(output, as_version=4)
    check_complete(notebook, parameters.get("run_token", ""))
    return RunResult(notebook=notebook, path=output, seconds=time.perf_counter() - started,
                     transport=used)
