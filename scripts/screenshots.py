"""Screenshots of the weekly report for the demo responder and the demo risk client.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Generates the demo caseload (8 clients, 10 weeks to 2026-W47), validates it, renders the
reports of C01 (responder) and C06 (risk week) as HTML and PDF, then saves into ``--out``
(git-ignored): ``<id>-html.png`` (the HTML's first screen, 1280x900, in headless Chromium
with the network blocked) and ``<id>-pdf-page1.png`` (PDF page 1 at 80 dpi, by pdftoppm).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

CLIENTS = {"C01": "responder", "C06": "risk_week"}
WEEK = "2026-W47"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", type=Path)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from reconnect_analysis.demo import generate
    from reconnect_analysis.report.build import client_week
    from reconnect_analysis.report.files import private_dir
    from reconnect_analysis.report.pdf import CHROMIUM, CHROMIUM_ARGS
    from reconnect_analysis.schema import validate_to_folder

    out = private_dir(args.out)
    generate(out / "demo", seed=1, clients=8, weeks=10, end_week=WEEK)
    _tables, validated = validate_to_folder(out / "demo", out / "validated",
                                            today=dt.date(2026, 11, 26))
    results = {}
    for client_id in CLIENTS:  # PDFs first: pdf.py runs its own Playwright session
        results[client_id] = client_week(validated, client_id=client_id, week=WEEK,
                                         out_dir=out / "reports", formats=("html", "pdf"))
        if "pdf" not in results[client_id].paths:
            print(f"{client_id}: {results[client_id].reason}", file=sys.stderr)
            return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for client_id, archetype in CLIENTS.items():
            result = results[client_id]
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(("file:", "data:", "about:"))
                       else route.abort())
            page.goto(result.paths["html"].resolve().as_uri(), wait_until="load")
            page.wait_for_function("window.__reportReady === true", timeout=30_000)
            shot = out / f"{client_id}-html.png"
            page.screenshot(path=str(shot))
            page.close()
            prefix = out / f"{client_id}-pdf-page1"
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1",
                            str(result.paths["pdf"]), str(prefix)], check=True)
            print(f"{client_id} ({archetype}): {shot}  {prefix}.png  "
                  f"[{result.status}, {result.seconds:.1f} s]")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
