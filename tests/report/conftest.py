"""Fixtures for the report tests: a hand-made validated folder, the demo caseload validated
once per session, and reports rendered once and shared (kept small: each notebook run takes a
few seconds)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from handmade import make_tables

from reconnect_analysis import tables
from reconnect_analysis.report.pdf import CHROMIUM

WEEK = "2026-W47"
HAS_CHROMIUM = Path(CHROMIUM).is_file()


def pytest_collection_modifyitems(config, items):
    if HAS_CHROMIUM:
        return
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    here = Path(__file__).parent
    for item in items:
        if "browser" in item.keywords and here in Path(item.path).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def handmade_dir(tmp_path_factory) -> Path:
    """Validated folder with clients ``C01`` (injected note) and ``R-7`` (risks, gap)."""
    return tables.save(make_tables(), tmp_path_factory.mktemp("handmade") / "validated")


@pytest.fixture(scope="session")
def handmade_report(handmade_dir, tmp_path_factory):
    """``C01``'s report (HTML only), rendered once for the browser and determinism tests."""
    from reconnect_analysis.report.build import client_week

    out = tmp_path_factory.mktemp("reports")
    return client_week(handmade_dir, client_id="C01", week=WEEK, out_dir=out,
                       formats=("html",))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The demo caseload (8 clients = one per archetype, 6 weeks to 2026-W47), validated."""
    from reconnect_analysis.demo import generate
    from reconnect_analysis.schema import validate_to_folder

    root = tmp_path_factory.mktemp("demo")
    generate(root / "export", seed=1, clients=8, weeks=6, end_week=WEEK)
    _tables, folder = validate_to_folder(root / "export", root / "validated",
                                         today=dt.date(2026, 11, 26))
    return Path(folder)


@pytest.fixture(scope="session")
def demo_reports(demo_dir, tmp_path_factory):
    """The demo responder (C01, HTML + PDF) and the demo risk client (C06, HTML + PDF)."""
    from reconnect_analysis.report.build import client_week

    out = tmp_path_factory.mktemp("demo_reports")
    formats = ("html", "pdf") if HAS_CHROMIUM else ("html",)
    results = {cid: client_week(demo_dir, client_id=cid, week=WEEK, out_dir=out,
                                formats=formats) for cid in ("C01", "C06")}
    yield results
    shutil.rmtree(out, ignore_errors=True)
