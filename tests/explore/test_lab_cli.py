"""`reconnect lab` from the command line: prints a token address, stops on Ctrl+C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from reconnect_analysis.paths import notebooks_dir
from tests.explore.test_lab_server import listening_addresses

pytestmark = pytest.mark.slow
RECONNECT = [sys.executable, "-m", "reconnect_analysis"]


def start_cli(*arguments, cwd: Path) -> tuple[subprocess.Popen, str, list[str]]:
    """Run `reconnect lab ...`, return the process, the address it printed and its lines."""
    process = subprocess.Popen([*RECONNECT, "lab", *arguments, "--no-browser"], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if "?token=" in line:
            return process, line.strip(), lines
    process.kill()
    raise AssertionError("no address printed:\n" + "\n".join(lines))


def test_lab_on_a_validated_folder_serves_the_notebooks_and_stops_on_ctrl_c(
        demo_validated, tmp_path):
    process, url, lines = start_cli(str(demo_validated), "--out", str(tmp_path / "out"),
                                    cwd=tmp_path)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/lab/tree/explore_adherence\.ipynb"
                            r"\?token=[\w-]{20,}", url)
        assert any(line.startswith("JupyterLab ready in") for line in lines)
        port = int(url.split(":")[2].split("/")[0])
        token = url.split("token=")[1]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            served = {item["name"] for item in json.load(response)["content"]}
        assert served >= {path.name for path in notebooks_dir().glob("*.ipynb")}
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Stopping JupyterLab" in rest
    assert not listening_addresses(port)
    assert (tmp_path / "out" / "jupyterlab.log").exists()


def test_lab_without_an_export_makes_and_uses_the_demo_caseload(tmp_path):
    process, url, lines = start_cli("--out", str(tmp_path / "out"), cwd=tmp_path)
    process.send_signal(signal.SIGINT)  # at once: the server must not outlive the command
    process.communicate(timeout=60)
    assert not listening_addresses(int(url.split(":")[2].split("/")[0]))
    assert (tmp_path / "demo_data" / "entries.csv").exists()
    assert any(line.startswith("Caseload: demo_data") for line in lines)
    validated = list((tmp_path / "out" / ".validated").iterdir())
    assert len(validated) == 1 and (validated[0] / "entries.parquet").exists()


def test_killing_the_command_stops_the_server_too(demo_validated, tmp_path):
    process, url, _lines = start_cli(str(demo_validated), "--out", str(tmp_path / "out"),
                                     cwd=tmp_path)
    process.terminate()
    process.communicate(timeout=60)
    assert not listening_addresses(int(url.split(":")[2].split("/")[0]))


def test_an_unreadable_export_is_one_line_and_no_server(tmp_path):
    bad = tmp_path / "entries.csv"
    bad.write_text("this is not,an export\n1,2\n", encoding="utf-8")
    done = subprocess.run([*RECONNECT, "lab", str(bad), "--no-browser", "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                          env=os.environ | {"PYTHONWARNINGS": "ignore"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "entries.csv" in done.stderr
