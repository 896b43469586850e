"""The JupyterLab server `reconnect lab` starts: local only, token required, stops cleanly."""

from __future__ import annotations

import socket
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.lab import server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_validated):
    root = tmp_path_factory.mktemp("lab_root")
    (root / "hello.txt").write_text("hi", encoding="utf-8")
    log = tmp_path_factory.mktemp("lab_log") / "jupyterlab.log"
    with server.start(root, validated_dir=demo_validated, log_path=log,
                      workspaces_dir=tmp_path_factory.mktemp("ws")) as running:
        yield running


def get(url: str, token: str | None = None) -> int:
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10):
            return 200
    except urllib.error.HTTPError as err:
        return err.code


def test_the_api_needs_the_token(lab):
    assert get(f"{lab.base_url}/api/contents/hello.txt") == 403
    assert get(f"{lab.base_url}/api/contents/hello.txt", "wrong-token") == 403
    assert get(f"{lab.base_url}/api/contents/hello.txt", lab.token) == 200
    assert lab.notebook_url("a.ipynb").endswith(f"/lab/tree/a.ipynb?token={lab.token}")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (Linux /proc/net/tcp, hex)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def test_it_listens_on_localhost_only(lab):
    assert lab.base_url.startswith("http://127.0.0.1:")
    assert listening_addresses(lab.port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_the_token_is_not_on_the_command_line(lab):
    command_line = Path(f"/proc/{lab.process.pid}/cmdline").read_bytes()
    assert lab.token.encode() not in command_line
    assert b"--ServerApp.ip=127.0.0.1" in command_line


def test_the_log_is_private(lab):
    assert stat.S_IMODE(lab.log_path.stat().st_mode) == 0o600


def test_a_personal_jupyter_config_cannot_switch_the_token_off(tmp_path, demo_validated,
                                                               monkeypatch):
    home_config = tmp_path / "home-jupyter"
    home_config.mkdir()
    (home_config / "jupyter_lab_config.py").write_text(
        "c.IdentityProvider.token = ''\nc.ServerApp.ip = '0.0.0.0'\n", encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(home_config))
    with server.start(tmp_path, validated_dir=demo_validated,
                      log_path=tmp_path / "lab.log") as running:
        assert get(f"{running.base_url}/api/contents") == 403
        assert listening_addresses(running.port) == {"0100007F"}
    assert (tmp_path / ".jupyter").is_dir()


def test_a_port_in_use_is_one_clear_error(lab, tmp_path, demo_validated):
    with pytest.raises(ReconnectError, match=f"port {lab.port} is already in use"):
        server.start(tmp_path, validated_dir=demo_validated, port=lab.port)


def test_stop_ends_the_server(tmp_path, demo_validated):
    running = server.start(tmp_path, validated_dir=demo_validated,
                           log_path=tmp_path / "lab.log", workspaces_dir=tmp_path / "ws")
    running.stop()
    assert running.process.poll() is not None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2).close()
