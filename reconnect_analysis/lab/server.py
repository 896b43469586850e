"""Start and stop a local JupyterLab server for the exploration notebooks.

The server listens on 127.0.0.1 only and needs a random token (never on the command line,
where other users could read it in ``ps``: it goes through the ``JUPYTER_TOKEN``
environment variable). Kernels it starts inherit ``RECONNECT_VALIDATED``, so the notebooks
find the caseload without edits. JupyterLab's news feed and update check are switched off:
nothing is fetched from the network.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore.data import ENV_VAR

HOST = "127.0.0.1"
LAB_CONFIG = Path(__file__).with_name("jupyter_lab_config.py")


@dataclass
class LabServer:
    """A running JupyterLab server; ``stop()`` (or leaving the ``with`` block) ends it."""

    process: subprocess.Popen
    port: int
    token: str = field(repr=False)
    root: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def notebook_url(self, name: str) -> str:
        """The address that opens notebook ``name`` (relative to the root) in JupyterLab."""
        return f"{self.base_url}/lab/tree/{name}?token={self.token}"

    def stop(self, timeout: float = 20) -> None:
        """Ask the server to shut down (it stops its kernels), then make sure it is gone."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> LabServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


def lab_arguments(root: Path, port: int, *, open_browser: bool,
                  workspaces_dir: Path | None = None) -> list[str]:
    """The ``jupyter lab`` command line (without the token, which goes in the environment)."""
    arguments = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.allow_remote_access=False",
        f"--config={LAB_CONFIG}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI machines and containers run as root
        arguments.append("--ServerApp.allow_root=True")
    if workspaces_dir is not None:
        arguments.append(f"--LabApp.workspaces_dir={workspaces_dir}")
    return arguments


def start(root: str | Path, *, validated_dir: str | Path, port: int | None = None,
          open_browser: bool = False, log_path: str | Path | None = None,
          workspaces_dir: str | Path | None = None, timeout: float = 90) -> LabServer:
    """Start JupyterLab on ``root`` and wait until it answers; raise ReconnectError if not.

    ``validated_dir`` is handed to the kernels as ``RECONNECT_VALIDATED``. The server's own
    messages go to ``log_path`` (default: ``jupyterlab.log`` beside ``validated_dir``).
    Jupyter's configuration folder is ``.jupyter`` beside the log (``JUPYTER_CONFIG_DIR``), so
    a personal ``~/.jupyter`` config can never switch the token off or open the server to the
    network; JupyterLab's layout and settings are remembered there between runs.
    """
    root = Path(root).resolve()
    if port is not None and not _port_is_free(port):
        raise ReconnectError(f"port {port} is already in use on {HOST}; choose another "
                             "with --port or leave it out to use a free one")
    port = port or free_port()
    token = secrets.token_urlsafe(24)
    log_path = Path(log_path or Path(validated_dir).parent / "jupyterlab.log").resolve()
    config_dir = log_path.parent / ".jupyter"
    config_dir.mkdir(mode=0o700, exist_ok=True)
    env = os.environ | {"JUPYTER_TOKEN": token, "JUPYTER_CONFIG_DIR": str(config_dir),
                        ENV_VAR: str(Path(validated_dir).resolve())}
    # 0600: the server writes its address, with the token, into the log.
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    try:
        process = subprocess.Popen(
            lab_arguments(root, port, open_browser=open_browser,
                          workspaces_dir=Path(workspaces_dir) if workspaces_dir else None),
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    finally:
        log.close()
    server = LabServer(process=process, port=port, token=token, root=root, log_path=log_path)
    try:
        _wait_until_ready(server, timeout=timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: LabServer, *, timeout: float) -> None:
    status = f"{server.base_url}/api/status"
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        status, headers={"Authorization": f"token {server.token}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ReconnectError(f"JupyterLab stopped while starting (exit code "
                                 f"{server.process.returncode}); see {server.log_path}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise ReconnectError(f"JupyterLab did not answer on port {server.port} within "
                         f"{timeout:.0f} s; see {server.log_path}")
