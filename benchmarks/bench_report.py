"""Time per weekly report (HTML alone, HTML + PDF) and report file sizes.

One process, one report after the other (no batch parallelism), on the demo caseload validated
once beforehand (reports never re-validate). Each report runs a fresh kernel. Usage::

    .venv/bin/python benchmarks/bench_report.py                 # 8 clients, 10 weeks
    .venv/bin/python benchmarks/bench_report.py --clients 4 --skip-pdf

Prints a table and writes ``benchmarks/out/bench_report.json``. The per-step split comes from
``ReportResult.timings`` (execute = kernel start + imports + metrics + display; html =
nbconvert; pdf = Chromium launch, load, draw, print).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reconnect_analysis.demo import generate
from reconnect_analysis.report.build import client_week
from reconnect_analysis.schema import validate_to_folder

WEEK = "2026-W47"
OUT = Path(__file__).resolve().parent / "out"


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "median": round(statistics.median(values), 2),
            "p95": round(p95, 2), "min": round(ordered[0], 2), "max": round(ordered[-1], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        root = Path(tmp)
        generate(root / "export", seed=1, clients=args.clients, weeks=args.weeks, end_week=WEEK)
        started = time.perf_counter()
        _tables, validated = validate_to_folder(root / "export", root / "validated",
                                                today=dt.date(2026, 11, 26))
        validate_s = time.perf_counter() - started
        ids = [f"C{i:02d}" for i in range(1, args.clients + 1)]
        modes = {"html": ("html",)} | ({} if args.skip_pdf else {"html+pdf": ("html", "pdf")})
        results: dict = {"clients": args.clients, "weeks": args.weeks,
                         "validate_once_s": round(validate_s, 2), "modes": {}}
        for mode, formats in modes.items():
            seconds, steps, sizes = [], {}, {}
            for client_id in ids:
                result = client_week(validated, client_id=client_id, week=WEEK,
                                     out_dir=root / mode.replace("+", "_"), formats=formats)
                seconds.append(result.seconds)
                for step, value in result.timings.items():
                    steps.setdefault(step, []).append(value)
                for kind, path in result.paths.items():
                    sizes.setdefault(kind, []).append(path.stat().st_size)
                print(f"{mode:9} {client_id} {result.seconds:6.2f} s  {result.status}",
                      flush=True)
            results["modes"][mode] = {
                "seconds": _summary(seconds),
                "steps_median_s": {k: round(statistics.median(v), 2) for k, v in steps.items()},
                "size_kb_median": {k: round(statistics.median(v) / 1024, 1)
                                   for k, v in sizes.items()},
            }
    print(json.dumps(results, indent=2))
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_report.json").write_text(json.dumps(results, indent=2) + "\n",
                                           encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
