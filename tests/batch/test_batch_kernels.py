"""The caseload runner with real kernels (papermill, IPC): data that breaks the notebook, a
kernel killed mid-notebook (X1), a cell over its time limit (X2), no network (X9), another
time zone and locale (X10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from reconnect_analysis.report import batch
from tests.batch.conftest import WEEK
from tests.batch.fake_tasks import notebook_task

pytestmark = pytest.mark.slow


def test_bad_data_and_killed_kernel_do_not_stop_the_others(validated, tmp_path):
    # numbness -1 makes the notebook raise; -9 makes the kernel kill itself (like OOM)
    folder = validated(["C01", "C02", "C03", "C04"], numbness={"C02": -1.0, "C03": -9.0},
                       risks=[("C03", "2026-11-17", "self_harm_thoughts")])
    out = tmp_path / "reports"
    result = batch.caseload(folder, week=WEEK, out_dir=out, task=notebook_task, workers=2,
                            timeout_s=60, progress=False)
    got = {o.client_id: (o.status, o.reason) for o in result.outcomes}
    assert got == {"C01": ("ok", None), "C02": ("failed", "cell_error"),
                   "C03": ("failed", "kernel_died"), "C04": ("ok", None)}
    assert result.exit_code == 1
    summary = json.loads(result.summary_path.read_text())
    assert [c["client_id"] for c in summary["clients"][:2]] == ["C03", "C02"]
    assert summary["clients"][0]["alert"] == "risk present, report missing"
    # X1: nothing at the final path of a failed client; the good ones hold their own data
    assert not (out / WEEK / "C03" / "report.html").exists()
    assert not list((out / WEEK / "C03").glob("*.part"))
    html = (out / WEEK / "C04" / "report.html").read_text()
    assert "C04 3 4.0" in html and "C01" not in html  # 3 days, mean 4.0: its own rows only


def test_cell_over_its_time_limit(validated, tmp_path):
    """X2, with plain kernel starts (no template) in this one."""
    folder = validated(["C01", "C05"], numbness={"C05": -5.0})  # -5: the cell sleeps 60 s
    result = batch.caseload(folder, week=WEEK, out_dir=tmp_path / "r", task=notebook_task,
                            workers=2, timeout_s=3, progress=False, fast_kernels=False)
    got = {o.client_id: (o.status, o.reason) for o in result.outcomes}
    assert got == {"C01": ("ok", None), "C05": ("failed", "timeout")}
    assert next(o for o in result.outcomes if o.client_id == "C05").seconds < 30


def test_kernels_use_ipc_not_tcp(validated, tmp_path, monkeypatch):
    """The worker's kernel manager class binds Unix sockets: no TCP port to race for."""
    runtime = tmp_path / "rt"
    runtime.mkdir()
    klass = batch.ipc_kernel_manager_class(runtime)
    manager = klass(kernel_name="python3")
    assert manager.transport == "ipc"
    assert manager.ip.startswith(str(runtime.resolve()))


def test_kernel_template_forks_fresh_kernels(tmp_path, monkeypatch):
    """Kernels come from the template (its children), each a new process; a killed one is
    seen as dead."""
    import asyncio
    import signal

    import psutil
    from jupyter_client.manager import AsyncKernelManager

    template = batch._KernelTemplate()
    monkeypatch.setattr(batch, "_TEMPLATE", template)
    try:
        klass = batch.ipc_kernel_manager_class(tmp_path)
        assert issubclass(klass, AsyncKernelManager)

        async def one_kernel():
            manager = klass(kernel_name="python3")
            await manager.start_kernel()
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            pid = manager.provisioner.pid
            client.execute("x = 41 + 1")
            reply = await client.get_shell_msg(timeout=30)
            assert reply["content"]["status"] == "ok"
            client.stop_channels()
            return manager, pid

        first, pid1 = asyncio.run(one_kernel())
        second, pid2 = asyncio.run(one_kernel())
        assert pid1 != pid2
        assert psutil.Process(pid1).ppid() == template.process.pid
        assert os.getpgid(pid1) == pid1  # own session: killing its group hits nothing else
        os.kill(pid1, signal.SIGKILL)
        assert asyncio.run(first.is_alive()) is False or \
            first.provisioner.process.wait(timeout=10) == -1
        asyncio.run(second.shutdown_kernel(now=True))
    finally:
        template.close()
    assert template.process.poll() is not None


RUN_IN_ENV = textwrap.dedent("""
    import sys
    from reconnect_analysis.report import batch
    sys.path.insert(0, {root!r})
    from tests.batch.fake_tasks import notebook_task
    result = batch.caseload({folder!r}, week="2026-W47", out_dir={out!r}, task=notebook_task,
                            workers=2, timeout_s=60, progress=False)
    sys.exit(result.exit_code)
""")


def _no_network_prefix() -> list[str]:
    """``unshare -n``: a network namespace with no interface up (not even loopback)."""
    import shutil

    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _run_with_env(folder, out, env_extra, prefix=()):
    root = os.getcwd()
    env = {k: v for k, v in os.environ.items() if k not in ("http_proxy", "https_proxy")}
    env.update(env_extra)
    code = RUN_IN_ENV.format(root=root, folder=str(folder), out=str(out))
    return subprocess.run([*prefix, sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=240)


def test_no_network_and_other_time_zone_give_identical_files(validated, tmp_path):
    """X9 + X10: no network at all (a network namespace without interfaces, where
    ``unshare -n`` is allowed; else proxies pointing nowhere), another TZ and locale: the
    same overview and reports. Kernels over IPC need no loopback."""
    folder = validated(["C01", "C02"])
    first = _run_with_env(folder, tmp_path / "a", {"TZ": "UTC", "LC_ALL": "C.UTF-8"})
    assert first.returncode == 0, first.stderr[-2000:]
    second = _run_with_env(folder, tmp_path / "b", {
        "TZ": "Pacific/Kiritimati", "LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8",
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        "no_proxy": ""}, prefix=_no_network_prefix())
    assert second.returncode == 0, second.stderr[-2000:]
    for name in ("overview.html", "C01/report.html", "C02/report.html"):
        assert (tmp_path / "a" / WEEK / name).read_bytes() == \
            (tmp_path / "b" / WEEK / name).read_bytes(), name


def test_report_runner_kernels_are_routed_through_the_template(monkeypatch, tmp_path):
    """In a worker, report.execute's kernel manager class gets the template launch."""
    from reconnect_analysis.report import execute

    original = execute.private_kernel_manager
    monkeypatch.setattr(execute, "private_kernel_manager", original)
    monkeypatch.setattr(batch, "_TEMPLATE", None)
    batch._install_kernel_template()
    try:
        assert batch._TEMPLATE is not None
        klass = execute.private_kernel_manager(tmp_path)
        assert klass.__name__.startswith("Template")
        # a subclass of report.execute's own class (its IPC sockets, log file, interpreter)
        assert klass.__mro__[1].__name__ == original(tmp_path).__name__
    finally:
        batch._TEMPLATE.close()
