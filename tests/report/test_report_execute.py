"""Notebook execution: template pre-flight, parameter allowlist, completion marker, faults."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest

from reconnect_analysis import paths
from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import execute, sections

MARKER_CELL = ("from IPython.display import display\n"
               "from reconnect_analysis.report import sections\n"
               "display(sections.finished(run_token), raw=True)")


def make_notebook(path, *middle, parameters='client_id: str = "x"  # id\n'
                  'run_token: str = ""  # token', tag=True, marker=True):
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(parameters)
    if tag:
        first.metadata["tags"] = ["parameters"]
    cells = [first] + [nbformat.v4.new_code_cell(src) for src in middle]
    if marker:
        cells.append(nbformat.v4.new_code_cell(MARKER_CELL))
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_the_shipped_template_passes_preflight_and_declares_only_ids_paths_and_options():
    template = execute.preflight(paths.notebook_path())
    assert template.parameters == ("validated_path", "client_id", "week", "settings_overrides",
                                   "generated_at", "run_token")


def test_completion_mime_is_the_same_on_both_sides():
    assert sections.COMPLETION_MIME == execute.COMPLETION_MIME


@pytest.mark.parametrize(("source", "tag", "message"), [
    ('x = 1', False, "must be tagged 'parameters'"),
    ('client_id = "x"\n!ls', True, "shell escape"),
    ('client_id = "x"\n%%bash\nls', True, "shell or file magic"),
    ('client_id = "x"\nimport sys; sys.exit(0)', True, "early exit"),
    ('client_id = "x"\nos._exit(1)', True, "early exit"),
    ('client_id = "x"\ndef f():\n    pass', True, "def/class"),
    ('client_id = open("x").read()', True, "must be a literal"),
    ('import os', True, "may only assign literals"),
])
def test_preflight_refuses_unsafe_templates(tmp_path, source, tag, message):
    path = make_notebook(tmp_path / "t.ipynb", parameters=source, tag=tag, marker=False)
    with pytest.raises(ReportError, match=message) as info:
        execute.preflight(path)
    assert info.value.reason == "bad_template"


def test_preflight_refuses_unsafe_code_in_later_cells(tmp_path):
    path = make_notebook(tmp_path / "t.ipynb", "print(1)", "!curl http://example.invalid")
    with pytest.raises(ReportError, match="code cell 3 holds a shell escape"):
        execute.preflight(path)


@pytest.mark.parametrize(("parameters", "message"), [
    ({'x = 1\nprint("X")\ny': 2}, "is not allowed"),  # papermill pastes names verbatim
    ({"Client": "a"}, "is not allowed"),
    ({"week": "2026-W47"}, "is not declared"),
    ({"client_id": b"bytes"}, "must be a str"),
    ({"client_id": float("nan")}, "must be a str"),
    ({"client_id": {"a": object()}}, "must be a str"),
])
def test_parameter_names_must_be_declared_snake_case_and_values_literal(tmp_path, parameters,
                                                                       message):
    template = execute.preflight(make_notebook(tmp_path / "t.ipynb"))
    with pytest.raises(ReportError, match=message) as info:
        execute.check_parameters(parameters, template)
    assert info.value.reason == "bad_parameter"


def test_literal_values_pass_unchanged(tmp_path):
    template = execute.preflight(make_notebook(tmp_path / "t.ipynb"))
    value = {"client_id": 'quote " backslash \\ newline \n U+2028 \u2028 <b>'}
    assert execute.check_parameters(value, template) == value


def _run(tmp_path, *middle, timeout_s=30, token="tok123"):
    template = execute.preflight(make_notebook(tmp_path / "t.ipynb", *middle))
    work = tmp_path / "work"
    work.mkdir()
    return execute.run(template, {"client_id": "C01", "run_token": token}, work_dir=work,
                       timeout_s=timeout_s), work


def test_a_complete_run_uses_ipc_sockets_this_python_and_exact_values(tmp_path):
    tricky = 'q " b \\ n \n u \u2028 z <script>'
    template = execute.preflight(make_notebook(
        tmp_path / "t.ipynb",
        "import json, sys\nfrom ipykernel import get_connection_info\n"
        "print(json.dumps({'transport': json.loads(get_connection_info())['transport'], "
        "'python': sys.executable, 'client_id': client_id, "
        "'history': get_ipython().history_manager.enabled}))"))
    work = tmp_path / "work"
    work.mkdir()
    result = execute.run(template, {"client_id": tricky, "run_token": "t"}, work_dir=work)
    printed = json.loads(result.notebook.cells[2].outputs[0]["text"])
    assert result.transport == "ipc"
    assert printed == {"transport": "ipc", "python": sys.executable, "client_id": tricky,
                       "history": False}  # no IPython input history kept
    assert (work / "report.ipynb").is_file()


def test_the_kernel_runs_in_the_work_folder_and_the_caller_never_changes_folder(
        tmp_path, monkeypatch):
    """Two reports rendered at once in one process must not pull each other's working
    folder away: the kernel gets its folder at launch, the calling process never chdirs."""
    import os

    moves = []
    real_chdir = os.chdir

    def record_chdir(path):
        moves.append(str(path))
        real_chdir(path)

    template = execute.preflight(make_notebook(
        tmp_path / "t.ipynb", "import os\nprint(os.getcwd())"))
    work = tmp_path / "work"
    work.mkdir()
    before = os.getcwd()
    monkeypatch.setattr(os, "chdir", record_chdir)
    result = execute.run(template, {"run_token": "t"}, work_dir=work)
    # cell 0: parameters, 1: papermill's injected parameters, 2: ours
    assert result.notebook.cells[2].outputs[0]["text"].strip() == str(work)
    # papermill may "change" to the folder it is already in; never anywhere else
    assert set(moves) <= {before}
    assert os.getcwd() == before


def test_an_early_exit_is_not_complete(tmp_path):
    with pytest.raises(ReportError) as info:
        _run(tmp_path, "raise SystemExit(0)")  # spelled so the pre-flight lets it through
    assert info.value.reason == "incomplete"


def test_a_killed_kernel_is_reported_as_kernel_died(tmp_path):
    with pytest.raises(ReportError) as info:
        _run(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert info.value.reason == "kernel_died"


def test_a_slow_cell_is_a_timeout(tmp_path):
    with pytest.raises(ReportError) as info:
        _run(tmp_path, "import time\ntime.sleep(30)", timeout_s=2)
    assert info.value.reason == "timeout"


def test_a_cell_error_is_reported_with_its_type(tmp_path):
    with pytest.raises(ReportError, match="ZeroDivisionError") as info:
        _run(tmp_path, "1 / 0")
    assert info.value.reason == "cell_error"


def _executed(marker_token=None, *, executed=True):
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("x = 1")
    last = nbformat.v4.new_code_cell("marker")
    if executed:
        first.execution_count, last.execution_count = 1, 2
    if marker_token is not None:
        last.outputs = [nbformat.v4.new_output(
            "display_data", data={execute.COMPLETION_MIME: {"token": marker_token}})]
    notebook.cells = [first, last]
    return notebook


def test_check_complete_needs_the_marker_with_this_runs_token():
    execute.check_complete(_executed("good"), "good")
    for notebook in (_executed(None), _executed("stale-token-from-another-run")):
        with pytest.raises(ReportError, match="did not reach its last cell"):
            execute.check_complete(notebook, "good")
    with pytest.raises(ReportError, match="stopped before code cell 1"):
        execute.check_complete(_executed("good", executed=False), "good")
