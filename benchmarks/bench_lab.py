"""Time from `reconnect lab` to a usable exploration notebook, measured in a real browser.

Each run starts ``reconnect lab --no-browser`` in a fresh folder (the first run also makes
and validates the demo caseload, as a therapist's first ``make lab`` does; later runs reuse
``demo_data`` but validate again, as every start does), then drives headless Chromium as a
therapist would: open explore_adherence.ipynb, Run All Cells, wait for the charts, switch
the client and wait for the redraw. Usage::

    .venv/bin/python benchmarks/bench_lab.py            # 3 runs
    .venv/bin/python benchmarks/bench_lab.py --runs 5

Prints one line per run and the medians; writes ``benchmarks/out/bench_lab.json``.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reconnect_analysis.lab.browser import LabPage

OUT = Path(__file__).resolve().parent / "out"
NOTEBOOK = "explore_adherence.ipynb"
STAGES = ("server_ready", "notebook_open", "cells_run", "charts_drawn", "client_switch")


@dataclass
class PrintedAddress:
    """The server as `reconnect lab` printed it."""

    base_url: str
    token: str

    def notebook_url(self, name: str) -> str:
        return f"{self.base_url}/lab/tree/{name}?token={self.token}"


def start_lab(folder: Path) -> tuple[subprocess.Popen, PrintedAddress]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconnect_analysis", "lab", "--no-browser", "--out", "out"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if "?token=" in line:
            url = line.strip()
            base, token = url.split("/lab/tree/")[0], url.split("token=")[1]
            return process, PrintedAddress(base, token)
    raise RuntimeError("reconnect lab printed no address")


def one_run(folder: Path) -> dict[str, float]:
    """Seconds from the command's start to the end of each stage (cumulative)."""
    started = time.perf_counter()
    marks = {}
    process, address = start_lab(folder)
    marks["server_ready"] = time.perf_counter() - started
    try:
        with LabPage(address) as page:
            page.open(NOTEBOOK)
            marks["notebook_open"] = time.perf_counter() - started
            page.run_all()
            marks["cells_run"] = time.perf_counter() - started
            page.wait_for_charts("C01 · ", at_least=3)
            marks["charts_drawn"] = time.perf_counter() - started
            switch_started = time.perf_counter()
            page.select("Client", "C03")
            page.wait_for_charts("C03 · ", at_least=3)
            marks["client_switch"] = time.perf_counter() - switch_started
            if page.blocked:
                raise RuntimeError(f"requests left the machine: {page.blocked}")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    return {stage: round(seconds, 2) for stage, seconds in marks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp:
        for number in range(args.runs):
            run = one_run(Path(tmp))
            runs.append(run)
            kind = "first (demo made)" if number == 0 else "again"
            print(f"run {number + 1} {kind:18} " + "  ".join(
                f"{stage} {run[stage]:5.1f}s" for stage in STAGES), flush=True)
    medians = {stage: round(statistics.median(run[stage] for run in runs), 2)
               for stage in STAGES}
    print("median                 " + "  ".join(f"{s} {medians[s]:5.1f}s" for s in STAGES))
    print("(stages are seconds since `reconnect lab` started, except client_switch, which is "
          "the redraw after choosing another client)")
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_lab.json").write_text(json.dumps({"runs": runs, "median": medians},
                                                   indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
