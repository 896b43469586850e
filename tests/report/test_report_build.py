"""client_week end to end on the hand-made caseload: files, privacy, determinism, refusals."""

from __future__ import annotations

import re
import stat
import time

import nbformat
import pytest
from click.testing import CliRunner
from handmade import INJECTED

from reconnect_analysis import paths
from reconnect_analysis.cli import cli
from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import build

WEEK = "2026-W47"
PARAMETERS = ('validated_path: str = ""  # p\nclient_id: str = ""  # c\nweek: str = ""  # w\n'
              'settings_overrides: dict = {}  # s\ngenerated_at: str = ""  # g\n'
              'run_token: str = ""  # t')


def tiny_template(path, middle: str):
    """A fast stand-in for the report template: parameters, one cell, the marker cell."""
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(PARAMETERS)
    first.metadata["tags"] = ["parameters"]
    notebook.cells = [
        first,
        nbformat.v4.new_code_cell(middle),
        nbformat.v4.new_code_cell(
            "from IPython.display import display\n"
            "from reconnect_analysis.report import sections\n"
            "display(sections.finished(run_token), raw=True)"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_published_files_are_private_complete_and_hold_no_client_data_in_parameters(
        handmade_report):
    result = handmade_report
    assert result.status == "ok" and result.transport == "ipc"
    assert sorted(result.paths) == ["html", "ipynb"]
    folder = result.paths["html"].parent
    root = folder.parent.parent
    assert folder == root / WEEK / "C01"
    for path in result.paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (folder, folder.parent, root):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert sorted(p.name for p in root.iterdir()) == [".locks", WEEK]  # no work dirs left
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.ipynb"]
    executed = nbformat.read(result.paths["ipynb"], as_version=4)
    parameters = executed.metadata["papermill"]["parameters"]
    assert set(parameters) == {"validated_path", "client_id", "week", "settings_overrides",
                               "generated_at", "run_token"}
    assert "window.__pwned" not in repr(parameters)


def test_html_is_self_contained_and_the_note_is_escaped(handmade_report):
    page = handmade_report.paths["html"].read_text(encoding="utf-8")
    assert page.count("<script") == 2 + page.count('class="rc-chart-data"')  # plotly + drawer
    assert page.count("Plotly.newPlot") == 1
    ours = page.split("</script>", 1)[1]  # everything after the inlined plotly.js
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", ours)
    assert "<link" not in page and "@import" not in page
    assert "require.js" not in ours and "mathjax" not in ours.lower()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert INJECTED not in page
    first_section = re.search(r'<section[^>]* id="rc-([a-z]+)"', page).group(1)
    assert first_section == "safety"
    order = [m.group(1) for m in re.finditer(r"<h2>(\d+)\.", page)]
    assert order == [str(n) for n in range(1, 11)]
    assert "Provenance" in page and "abababab" in page  # input fingerprint
    assert "Traceback" not in ours and "Warning" not in ours


def _normalised(page: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<time>", page)


def test_two_renders_of_the_same_input_are_identical_apart_from_generation_time(
        handmade_dir, handmade_report, tmp_path):
    again = build.client_week(handmade_dir, client_id="C01", week=WEEK, out_dir=tmp_path,
                              formats=("html",))
    first = handmade_report.paths["html"].read_text(encoding="utf-8")
    second = again.paths["html"].read_text(encoding="utf-8")
    assert _normalised(first) == _normalised(second)
    assert first.count("Generated (UTC)") == 1


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "/abs", "..", "C01\n"])
def test_unsafe_client_ids_are_refused_before_anything_is_written(handmade_dir, tmp_path, bad):
    with pytest.raises(ReportError, match="cannot be used as a folder name") as info:
        build.client_week(handmade_dir, client_id=bad, week=WEEK, out_dir=tmp_path / "out")
    assert info.value.reason == "bad_client_id"
    assert not (tmp_path / "out").exists() and not (tmp_path / "x").exists()


@pytest.mark.parametrize(("kwargs", "reason", "message"), [
    ({"client_id": "C99"}, "no_such_client", "has no check-ins and no risk answers"),
    ({"week": "2026-47"}, "bad_week", "is not an ISO week"),
    ({"formats": ("html", "docx")}, "bad_option", "format docx is not supported"),
    ({"paper": "A3"}, "bad_option", "paper 'A3' is not supported"),
])
def test_bad_requests_fail_with_a_reason_code(handmade_dir, tmp_path, kwargs, reason, message):
    options = {"client_id": "C01", "week": WEEK, "out_dir": tmp_path} | kwargs
    with pytest.raises(ReportError, match=message) as info:
        build.client_week(handmade_dir, **options)
    assert info.value.reason == reason


def test_a_folder_that_is_not_validated_is_refused(tmp_path):
    with pytest.raises(ReportError, match="not a validated folder") as info:
        build.client_week(tmp_path, client_id="C01", week=WEEK, out_dir=tmp_path / "out")
    assert info.value.reason == "not_validated"


@pytest.mark.parametrize(("middle", "reason"), [
    ("raise SystemExit(0)", "incomplete"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "kernel_died"),
])
def test_a_run_that_stops_early_is_not_published(handmade_dir, tmp_path, monkeypatch, middle,
                                                 reason):
    template = tiny_template(tmp_path / "t.ipynb", middle)
    monkeypatch.setattr(paths, "notebook_path", lambda name=None: template)
    out = tmp_path / "out"
    with pytest.raises(ReportError) as info:
        build.client_week(handmade_dir, client_id="C01", week=WEEK, out_dir=out)
    assert info.value.reason == reason
    assert not (out / WEEK / "C01").exists()
    assert not list(out.glob(".work-*"))
    if reason == "incomplete":  # the partial notebook is kept privately for review
        partial = out / ".failed" / WEEK / "C01" / "report.ipynb"
        assert stat.S_IMODE(partial.stat().st_mode) == 0o600


def test_without_chromium_the_html_is_delivered_and_the_pdf_skipped(handmade_dir, tmp_path,
                                                                    monkeypatch):
    template = tiny_template(tmp_path / "t.ipynb", "x = 1")
    monkeypatch.setattr(paths, "notebook_path", lambda name=None: template)
    monkeypatch.setenv("RECONNECT_CHROMIUM", str(tmp_path / "no-chromium"))
    result = build.client_week(handmade_dir, client_id="C01", week=WEEK, out_dir=tmp_path)
    assert result.status == "pdf_skipped"
    assert result.reason.startswith("PDF skipped: Chromium not found")
    assert sorted(result.paths) == ["html", "ipynb"]
    assert not (tmp_path / WEEK / "C01" / "report.pdf").exists()


def test_cli_refuses_unsafe_ids_with_one_line(handmade_dir, tmp_path):
    result = CliRunner().invoke(cli, ["report", str(handmade_dir), "--week", WEEK,
                                      "--client", "../x", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: client id '../x' cannot be used as a folder name")
    assert "Traceback" not in result.output


def test_cli_needs_exactly_one_of_client_and_all(handmade_dir, tmp_path):
    result = CliRunner().invoke(cli, ["report", str(handmade_dir), "--week", WEEK])
    assert result.exit_code == 2 and "exactly one of --client ID or --all" in result.output


def test_cli_options_reach_the_api_unchanged(handmade_dir, tmp_path, monkeypatch):
    calls = []

    def fake(validated_dir, **kwargs):
        calls.append((validated_dir, kwargs))
        return build.ReportResult(client_id=kwargs["client_id"], week=kwargs["week"],
                                  paths={"html": tmp_path / "r.html"}, seconds=1.0)

    monkeypatch.setattr(build, "client_week", fake)
    result = CliRunner().invoke(cli, ["report", str(handmade_dir), "--week", WEEK, "--client",
                                      "R-7", "--format", "html", "--out", str(tmp_path),
                                      "--paper", "Letter"])
    assert result.exit_code == 0, result.output
    assert calls == [(handmade_dir, {"client_id": "R-7", "week": WEEK, "out_dir": tmp_path,
                                     "formats": ("html",), "paper": "Letter"})]


def test_two_runs_for_one_client_never_mix_their_files(handmade_dir, tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    template = tiny_template(tmp_path / "t.ipynb",
                             "from reconnect_analysis.report import sections\n"
                             "sections.Html(f'<p>token {run_token}</p>')")
    monkeypatch.setattr(paths, "notebook_path", lambda name=None: template)
    # The first run to publish pauses between its notebook and its HTML: without the lock the
    # other run would publish both of its files in that pause and then lose its HTML.
    real_write, calls = build.atomic_write_bytes, []

    def slow_first_write(path, data):
        written = real_write(path, data)
        calls.append(path)
        if len(calls) == 1:
            time.sleep(3)
        return written

    monkeypatch.setattr(build, "atomic_write_bytes", slow_first_write)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: build.client_week(
            handmade_dir, client_id="C01", week=WEEK, out_dir=tmp_path / "out",
            formats=("html",)), range(2)))
    assert all(r.status == "ok" for r in runs)
    folder = tmp_path / "out" / WEEK / "C01"
    token = nbformat.read(folder / "report.ipynb", as_version=4).metadata["papermill"][
        "parameters"]["run_token"]
    assert f"token {token}" in (folder / "report.html").read_text(encoding="utf-8")


def test_work_folders_of_killed_runs_are_removed_on_the_next_run(handmade_dir, tmp_path,
                                                                 monkeypatch):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = tmp_path / f".work-{dead}-abc"
    stale.mkdir()
    (stale / "print.html").write_text("<p>client data</p>")
    template = tiny_template(tmp_path / "t.ipynb", "x = 1")
    monkeypatch.setattr(paths, "notebook_path", lambda name=None: template)
    build.client_week(handmade_dir, client_id="C01", week=WEEK, out_dir=tmp_path,
                      formats=("html",))
    assert not stale.exists()


@pytest.mark.browser
def test_pdf_only_on_letter_leaves_no_html_copy(handmade_dir, tmp_path, monkeypatch):
    from pypdf import PdfReader

    template = tiny_template(tmp_path / "t.ipynb",
                             "from reconnect_analysis.report import sections\n"
                             "sections.Html('<h2>1. Safety first</h2>')")
    monkeypatch.setattr(paths, "notebook_path", lambda name=None: template)
    out = tmp_path / "out"
    result = build.client_week(handmade_dir, client_id="R-7", week=WEEK, out_dir=out,
                               formats=("pdf",), paper="Letter")
    assert result.status == "ok" and sorted(result.paths) == ["ipynb", "pdf"]
    box = PdfReader(result.paths["pdf"]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    assert not list(out.rglob("*.html"))  # the printed copy lived in the work folder only
    # an HTML-only rerun removes the older PDF: the folder never mixes two runs
    build.client_week(handmade_dir, client_id="R-7", week=WEEK, out_dir=out,
                      formats=("html",))
    assert sorted(p.name for p in (out / WEEK / "R-7").iterdir()) == ["report.html",
                                                                     "report.ipynb"]
