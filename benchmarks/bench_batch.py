"""Caseload run against the naive loop, side by side on the same demo week.

(a) naive: for each client, the ``papermill`` command, then ``jupyter nbconvert --to html``,
    one after the other;
(b) ``report.batch.caseload(..., formats=("html",))``;
(c) (b) with PDF;
(d) wall time of (b) for several caseload sizes.

Peak memory is the largest summed RSS of this process and all its children, sampled every
0.2 s. Usage::

    .venv/bin/python benchmarks/bench_batch.py --clients 48            # (a), (b), (c)
    .venv/bin/python benchmarks/bench_batch.py --sizes 12,48,200 --skip-naive --skip-pdf

Results are printed and written to ``benchmarks/out/bench_batch.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from reconnect_analysis import paths
from reconnect_analysis.demo import generate
from reconnect_analysis.report import batch
from reconnect_analysis.schema import validate_to_folder

BIN = Path(sys.executable).parent
WEEK = "2026-W47"


class PeakMemory:
    """Largest RSS of this process tree while the block runs (MB)."""

    def __enter__(self):
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.mb = round(self.peak / 2**20)


def prepare(root: Path, clients: int) -> tuple[Path, list[str]]:
    export = root / f"demo{clients}"
    generate(export, clients=clients, weeks=10, end_week=WEEK)
    tables, folder = validate_to_folder(export, root / f"validated{clients}")
    from reconnect_analysis.report import triage

    return Path(folder), triage.clients_for_week(tables, week=WEEK)


def naive(validated: Path, ids: list[str], out: Path) -> tuple[float, int]:
    """Seconds for the loop, and how many clients failed (a failed notebook still costs its
    time, as it would for a therapist running the loop by hand)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    failed = 0
    for client in ids:
        executed = out / f"{client}.ipynb"
        ran = subprocess.run([str(BIN / "papermill"), str(paths.notebook_path()), str(executed),
                              "-p", "validated_path", str(validated), "-p", "client_id", client,
                              "-p", "week", WEEK, "--no-progress-bar", "--log-level", "ERROR"],
                             capture_output=True)
        converted = subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html",
                                    "--no-input", str(executed)], capture_output=True)
        failed += bool(ran.returncode or converted.returncode)
    return time.perf_counter() - started, failed


def ours(validated: Path, out: Path, formats: tuple[str, ...], workers: int | None) -> dict:
    started = time.perf_counter()
    result = batch.caseload(validated, week=WEEK, out_dir=out, formats=formats,
                            workers=workers, progress=False)
    wall = time.perf_counter() - started
    counts = result.counts()
    return {"wall_s": round(wall, 1), "clients": counts["clients"], "ok": counts["ok"],
            "failed": counts["failed"],
            "failed_reasons": sorted({o.reason for o in result.failed}),
            "amortised_s_per_report": round(wall / max(1, counts["clients"]), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--sizes", default="", help="comma-separated caseload sizes for (d)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--naive-sample", type=int, default=0,
                        help="time the naive loop on this many clients only and scale up")
    args = parser.parse_args()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    figures: dict = {"cpu_cores": os.cpu_count(), "week": WEEK}
    root = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        validated, ids = prepare(root, args.clients)
        figures["clients_in_week"] = len(ids)
        if not args.skip_naive:
            sample = ids[:args.naive_sample] if args.naive_sample else ids
            with PeakMemory() as mem:
                seconds, naive_failed = naive(validated, sample, root / "naive")
            scaled = seconds * len(ids) / len(sample)
            figures["naive_html"] = {"wall_s": round(scaled, 1), "measured_clients": len(sample),
                                     "amortised_s_per_report": round(seconds / len(sample), 2),
                                     "peak_mb": mem.mb, "failed": naive_failed}
            print(f"(a) naive papermill + nbconvert: {scaled:.1f} s for {len(ids)} clients "
                  f"({seconds / len(sample):.2f} s/report, measured on {len(sample)})", flush=True)
        with PeakMemory() as mem:
            figures["batch_html"] = ours(validated, root / "ours", ("html",), args.workers)
        figures["batch_html"]["peak_mb"] = mem.mb
        print(f"(b) caseload html: {figures['batch_html']}", flush=True)
        if "naive_html" in figures:
            speedup = figures["naive_html"]["wall_s"] / figures["batch_html"]["wall_s"]
            figures["speedup_html"] = round(speedup, 2)
            print(f"    speed-up (a)/(b): {speedup:.2f}x", flush=True)
        if not args.skip_pdf:
            with PeakMemory() as mem:
                figures["batch_html_pdf"] = ours(validated, root / "ours_pdf", ("html", "pdf"),
                                                 args.workers)
            figures["batch_html_pdf"]["peak_mb"] = mem.mb
            print(f"(c) caseload html+pdf: {figures['batch_html_pdf']}", flush=True)
        scaling = {}
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            folder, _ = prepare(root, size)
            scaling[size] = ours(folder, root / f"size{size}", ("html",), args.workers)
            print(f"(d) {size} clients: {scaling[size]}", flush=True)
        if scaling:
            figures["scaling_html"] = scaling
    finally:
        shutil.rmtree(root, ignore_errors=True)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_batch.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
