"""Per-client tasks for the batch tests; behaviour chosen by the client id's prefix.

``ok..`` writes a small report; ``boom..`` raises a ReportError (cell_error); ``kill..``
kills its own worker process (like the OOM killer); ``hang..`` never returns; ``kstart..``
fails to start a kernel on the first try only; ``big..`` hits a file-size limit while
writing (disk full). ``notebook_task`` runs a real papermill notebook in a fresh kernel.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

from reconnect_analysis.errors import ReportError
from reconnect_analysis.report.files import atomic_write_text, client_dir


def _fail(reason: str) -> ReportError:
    err = ReportError(f"fake failure {reason}")
    err.reason = reason
    return err


def fake_task(client_id, *, out_dir, week, formats, **_):
    folder = client_dir(out_dir, week, client_id)
    if client_id.startswith("boom"):
        raise _fail("cell_error")
    if client_id.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if client_id.startswith("hang"):
        time.sleep(3600)
    if client_id.startswith("kstart"):
        marker = Path(out_dir) / f".{client_id}.tried"
        if not marker.exists():
            marker.write_text("1")
            raise _fail("kernel_start")
    if client_id.startswith("slow"):
        time.sleep(1.0)
    paths = []
    for fmt in formats:
        text = f"<html><body>report {client_id} {week} {fmt}</body></html>\n"
        if client_id.startswith("big"):
            resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
            text = text * 1000
        paths.append(atomic_write_text(folder / f"report.{fmt}", text))
    return paths


NOTEBOOK_SOURCE = [
    ("validated_dir = ''\nclient_id = ''\nweek = ''", ["parameters"]),
    ("import os\nimport pandas as pd\n"
     "entries = pd.read_parquet(os.path.join(validated_dir, 'entries.parquet'))\n"
     "mine = entries[entries['client_id'] == client_id]", []),
    ("if (mine['numbness'] == -9).any():\n    os.kill(os.getpid(), 9)\n"
     "if (mine['numbness'] == -1).any():\n    raise ValueError('bad data for this client')\n"
     "if (mine['numbness'] == -5).any():\n    import time; time.sleep(60)\n"
     "print(client_id, len(mine), round(float(mine['numbness'].mean()), 2))", []),
]


def _template(folder: Path) -> Path:
    import nbformat

    path = folder / "tiny.ipynb"
    if not path.exists():
        cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}, id=f"cell-{i}")
                 for i, (src, tags) in enumerate(NOTEBOOK_SOURCE)]
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                     "display_name": "Python 3"}
        nbformat.write(nb, path)
    return path


def notebook_task(client_id, *, validated_dir, out_dir, week, formats, timeout_s,
                  kernel_manager_class=None, **_):
    """A real report: papermill in a fresh kernel (IPC), HTML by nbconvert in this process."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    folder = client_dir(out_dir, week, client_id)
    work = Path(out_dir) / ".work"
    work.mkdir(exist_ok=True, mode=0o700)
    template = _template(work)
    executed = folder / ".report.ipynb.part"
    try:
        papermill.execute_notebook(
            str(template), str(executed),
            parameters={"validated_dir": validated_dir, "client_id": client_id, "week": week},
            kernel_manager_class=kernel_manager_class, execution_timeout=timeout_s,
            progress_bar=False, log_output=False)
    except Exception as err:
        executed.unlink(missing_ok=True)
        name = type(err).__name__
        code = {"DeadKernelError": "kernel_died", "PapermillExecutionError": "cell_error"}
        if name in code:
            raise _fail(code[name]) from None
        raise
    notebook = nbformat.read(executed, as_version=4)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # papermill gives its injected cell a random id
    body, _ = HTMLExporter(template_name="classic", exclude_input=True).from_notebook_node(
        notebook)
    executed.unlink()
    return [atomic_write_text(folder / "report.html", body)]
