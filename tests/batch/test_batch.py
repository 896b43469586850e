"""The caseload runner with fake per-client tasks: failures isolated, resume, lock, files."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from reconnect_analysis.errors import ReportError
from reconnect_analysis.report import batch, manifest
from tests.batch.conftest import WEEK
from tests.batch.fake_tasks import fake_task


def run(validated_dir, out, **kwargs):
    kwargs.setdefault("task", fake_task)
    kwargs.setdefault("progress", False)
    kwargs.setdefault("workers", 2)
    kwargs.setdefault("fast_kernels", False)  # fake tasks start no kernels
    return batch.caseload(validated_dir, week=WEEK, out_dir=out, **kwargs)


def statuses(result):
    return {o.client_id: (o.status, o.reason) for o in result.outcomes}


def test_failures_do_not_stop_the_batch_and_are_named(validated, tmp_path, monkeypatch):
    import tempfile

    folder = validated(["ok01", "boom02", "kill03", "ok04"],
                       risks=[("kill03", "2026-11-17", "self_harm_thoughts")])
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = run(folder, tmp_path / "reports")
    # kernel folders removed, also the killed worker's (pymp-*: multiprocessing's own)
    assert list(scratch.glob("reconnect-kernels-*")) == []
    assert statuses(result) == {"ok01": ("ok", None), "boom02": ("failed", "cell_error"),
                                "kill03": ("failed", "worker_died"), "ok04": ("ok", None)}
    assert result.exit_code == 1
    summary = json.loads((tmp_path / "reports" / WEEK / "run_summary.json").read_text())
    # S4: the failed client with a risk answer comes first, with the alert words
    assert summary["clients"][0]["client_id"] == "kill03"
    assert summary["clients"][0]["alert"] == "risk present, report missing"
    assert summary["risk_present_report_missing"] == ["kill03"]
    assert summary["counts"] == {"clients": 4, "ok": 2, "skipped": 0, "failed": 2}
    assert [c["client_id"] for c in summary["clients"][1:2]] == ["boom02"]
    # nothing published for the failed clients
    assert not (tmp_path / "reports" / WEEK / "kill03" / "report.html").exists()
    assert (tmp_path / "reports" / WEEK / "ok04" / "report.html").read_text().startswith(
        "<html><body>report ok04")
    overview = (tmp_path / "reports" / WEEK / "overview.html").read_text()
    assert overview.index("kill03") < overview.index("ok01")
    assert "Risk present, report missing" in overview


def test_hanging_client_is_killed_at_its_time_limit(validated, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "KILL_GRACE_S", 0.5)
    folder = validated(["hang01", "ok02"])
    start = time.monotonic()
    # 5 s leaves a quick client room on a loaded machine; the hanging one sleeps an hour
    result = run(folder, tmp_path / "reports", timeout_s=5)
    assert statuses(result) == {"hang01": ("failed", "timeout"), "ok02": ("ok", None)}
    assert time.monotonic() - start < 30


def test_kernel_start_failure_is_retried_once(validated, tmp_path):
    folder = validated(["kstart01"])
    result = run(folder, tmp_path / "reports")
    (outcome,) = result.outcomes
    assert (outcome.status, outcome.attempts) == ("ok", 2)


def test_disk_full_keeps_the_previous_report(validated, tmp_path):
    """X4: the second render hits a file-size limit; the first report stays intact."""
    out = tmp_path / "reports"
    folder = validated(["big01"])
    target = out / WEEK / "big01" / "report.html"
    target.parent.mkdir(parents=True)
    target.write_text("previous report\n")
    result = run(folder, out)
    assert statuses(result) == {"big01": ("failed", "disk_full")}
    assert target.read_text() == "previous report\n"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temp file left


def test_resume_skips_unchanged_and_renders_changed(validated, tmp_path):
    out = tmp_path / "reports"
    folder = validated(["ok01", "ok02"])
    first = run(folder, out)
    assert [o.status for o in first.outcomes] == ["ok", "ok"]
    second = run(folder, out)
    assert [o.status for o in second.outcomes] == ["skipped", "skipped"]
    assert second.exit_code == 0
    # a changed value for one client re-renders that client only
    validated(["ok01", "ok02"], numbness={"ok02": 6.0})
    third = run(folder, out)
    assert statuses(third) == {"ok01": ("skipped", None), "ok02": ("ok", None)}
    # a tampered report is rendered again
    (out / WEEK / "ok01" / "report.html").write_text("tampered")
    fourth = run(folder, out)
    assert statuses(fourth)["ok01"] == ("ok", None)
    # other formats are another fingerprint
    fifth = run(folder, out, formats=("html", "pdf"), overview=False)
    assert {o.status for o in fifth.outcomes} == {"ok"}


@pytest.mark.slow
def test_interrupted_run_resumed_gives_the_same_files(validated, tmp_path):
    """X6: a run killed part-way, then resumed, ends with the same files as a clean run."""
    clients = [f"slow{i:02d}" for i in range(4)]
    folder = validated(clients)
    clean = tmp_path / "clean"
    run(folder, clean)

    broken = tmp_path / "broken"
    import multiprocessing as mp
    proc = mp.get_context("spawn").Process(target=_run_in_child, args=(folder, broken))
    proc.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for the first finished client, then kill
        if list((broken / WEEK).glob("*/.fingerprint.json")):
            break
        time.sleep(0.05)
    import psutil
    parent = psutil.Process(proc.pid)
    for child in parent.children(recursive=True) + [parent]:
        child.kill()
    proc.join()
    assert not (broken / WEEK / "run_summary.json").exists()
    resumed = run(folder, broken)
    assert any(o.status == "skipped" for o in resumed.outcomes)
    assert resumed.exit_code == 0
    assert _tree(clean / WEEK) == _tree(broken / WEEK)


def _run_in_child(folder, out):
    run(folder, out, workers=1)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in ("run_summary.json", ".lock")
            and ".fingerprint" not in p.name}


def test_second_run_on_the_same_week_refuses(validated, tmp_path):
    """X7: while one run holds the lock, another refuses with a clear message."""
    out = tmp_path / "reports"
    folder = validated(["ok01"])
    week_dir = manifest.prepare_week_dir(out, WEEK)
    with manifest.RunLock(week_dir):
        with pytest.raises(ReportError, match="another run is writing"):
            run(folder, out)
    assert run(folder, out).exit_code == 0  # lock released afterwards


def test_two_runs_started_together(validated, tmp_path):
    out = tmp_path / "reports"
    folder = validated(["slow01", "slow02"])
    errors, results = [], []

    def go():
        try:
            results.append(run(folder, out))
        except ReportError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) + len(errors) == 2 and len(results) >= 1
    assert all("another run is writing" in e for e in errors)
    assert (out / WEEK / "slow01" / "report.html").read_text().startswith("<html>")


def test_unwritable_output_fails_before_any_work(validated, tmp_path, monkeypatch):
    """X8: nothing is rendered when the output folder cannot be written."""
    folder = validated(["ok01"])
    calls = []
    monkeypatch.setattr(batch, "_Runner", lambda *a, **k: calls.append(1))

    def refuse(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(manifest.tempfile, "mkstemp", refuse)
    with pytest.raises(ReportError, match="cannot write to .*Read-only file system"):
        run(folder, tmp_path / "reports")
    assert calls == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_output_folder(validated, tmp_path):
    folder = validated(["ok01"])
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    with pytest.raises(ReportError, match="cannot write to"):
        run(folder, out)


def test_report_permissions(validated, tmp_path):
    out = tmp_path / "reports"
    run(validated(["ok01"]), out)
    for path in [out / WEEK, *(out / WEEK).rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_not_a_validated_folder(tmp_path):
    with pytest.raises(ReportError, match="not a validated folder"):
        batch.caseload(tmp_path, week=WEEK, out_dir=tmp_path / "r", progress=False)


def test_bad_format_refused(validated, tmp_path):
    with pytest.raises(ReportError, match="unknown report format"):
        run(validated(["ok01"]), tmp_path / "r", formats=("docx",))


def test_risk_only_client_is_rendered(validated, tmp_path):
    """A client without entries this week but with a risk answer 3 weeks ago gets a report."""
    folder = validated(["ok01"], risks=[("ok09", "2026-10-28", "unsafe")])
    result = run(folder, tmp_path / "reports")
    assert statuses(result) == {"ok01": ("ok", None), "ok09": ("ok", None)}
    assert {o.client_id: o.risk_present for o in result.outcomes} == {"ok01": False,
                                                                       "ok09": True}


def test_progress_bar_shows_counts_only(validated, tmp_path, capsys):
    run(validated(["ok01", "boom02"]), tmp_path / "reports", progress=True)
    err = capsys.readouterr().err
    assert "done 1, failed 1, remaining 0" in err
    assert "fake failure" not in err  # error texts never reach the terminal


SIGINT_RUN = """
import sys
sys.path.insert(0, {root!r})
from reconnect_analysis.report import batch
from tests.batch.fake_tasks import fake_task
batch.caseload({folder!r}, week="2026-W47", out_dir={out!r}, task=fake_task, workers=1,
               progress=False, fast_kernels=False)
"""


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(validated, tmp_path):
    """X6 with SIGINT: the run stops, says so in the summary, leaves no half files and no
    lock; the rerun renders what is missing."""
    import signal
    import subprocess
    import sys

    clients = [f"slow{i:02d}" for i in range(4)]
    folder = validated(clients)
    out = tmp_path / "reports"
    code = SIGINT_RUN.format(root=os.getcwd(), folder=str(folder), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((out / WEEK).glob("*/.fingerprint.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in err
    summary = json.loads((out / WEEK / "run_summary.json").read_text())
    assert summary["interrupted"] is True
    assert summary["counts"]["failed"] >= 1
    assert {c["reason"] for c in summary["clients"] if c["status"] == "failed"} == \
        {"interrupted"}
    assert not list(out.rglob("*.part"))
    resumed = run(folder, out)  # the lock was released with the process
    assert resumed.exit_code == 0
    # every report finished before the interrupt is reused (one may have finished between
    # its fingerprint being written and the parent hearing of it: reused too)
    assert sum(o.status == "skipped" for o in resumed.outcomes) >= summary["counts"]["ok"]
    assert any(o.status == "skipped" for o in resumed.outcomes)  # one was done before ^C


def test_unsafe_client_id_is_never_a_path_nor_logged(validated, tmp_path, caplog):
    """H2/H6: an id that cannot be a folder name fails with bad_client_id; nothing is
    written outside the output folder and the id is not in any log line."""
    import logging

    evil = "../../evil\nname"
    folder = validated(["ok01", evil])
    out = tmp_path / "a" / "reports"
    with caplog.at_level(logging.INFO, logger="reconnect_analysis"):
        result = run(folder, out)
    assert statuses(result) == {"ok01": ("ok", None), evil: ("failed", "bad_client_id")}
    assert sorted(p.name for p in tmp_path.rglob("*evil*")) == []
    assert all("evil" not in record.getMessage() for record in caplog.records)
    page = (out / WEEK / "overview.html").read_text()
    assert "<td>../../evil\nname</td>" in page  # shown as text (escaped), not a link
    assert 'href="../' not in page and "missing: bad_client_id" in page
