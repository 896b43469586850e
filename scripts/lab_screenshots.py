"""Screenshots of the exploration notebooks in JupyterLab, as a therapist sees them.

    .venv/bin/python scripts/lab_screenshots.py [--out screenshots] [--height 7000]

Makes the demo caseload (8 clients, 10 weeks to 2026-W47), validates it, starts JupyterLab
on a copy of notebooks/ (127.0.0.1, token, network blocked), runs each exploration notebook
in headless Chromium and saves into ``--out`` (git-ignored, it shows invented client data):
``lab-adherence-C01.png``, ``lab-adherence-C06.png`` (after switching the client) and
``lab-caseload.png``, each also in slices 1400 px high (``-1.png`` ...). The window is
very tall so that every cell is drawn in one picture.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

WEEK = "2026-W47"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--height", default=7000, type=int)
    args = parser.parse_args(argv)

    from reconnect_analysis.demo import generate
    from reconnect_analysis.lab import server
    from reconnect_analysis.lab.browser import LabPage
    from reconnect_analysis.paths import notebooks_dir
    from reconnect_analysis.report.files import private_dir
    from reconnect_analysis.schema import validate_to_folder

    out = private_dir(args.out)
    work = private_dir(out / "lab-work")
    generate(work / "demo", seed=1, clients=8, weeks=10, end_week=WEEK)
    _tables, validated = validate_to_folder(work / "demo", work / "validated",
                                            today=dt.date(2026, 11, 26))
    root = work / "notebooks"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(notebooks_dir(), root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with server.start(root, validated_dir=validated, log_path=work / "lab.log",
                      workspaces_dir=work / "workspaces") as lab:
        with LabPage(lab, height=args.height) as page:
            page.open("explore_adherence.ipynb")
            page.run_all()
            page.wait_for_charts("C01 · ", at_least=3)
            print(page.screenshot(out / "lab-adherence-C01.png", tile_height=1400))
            page.select("Client", "C06")
            page.wait_for_charts("C06 · ", at_least=3)
            print(page.screenshot(out / "lab-adherence-C06.png", tile_height=1400))
        with LabPage(lab, height=args.height) as page:
            page.open("explore_caseload.ipynb")
            page.run_all()
            try:
                page.wait_for_charts("Caseload · ", at_least=2)
            finally:
                print("caseload chart titles:", page.chart_titles())
            print(page.screenshot(out / "lab-caseload.png", tile_height=1400))
            if page.blocked:
                print(f"blocked requests: {page.blocked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
