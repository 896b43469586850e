"""The real thing: JupyterLab in headless Chromium, explore_adherence run and re-pointed.

Starts JupyterLab on a free local port over a copy of the notebooks, opens
explore_adherence.ipynb, runs all cells, changes the client in the widget and checks that
the Plotly charts redraw with the new client's data. Every request that would leave the
machine is blocked and must not happen.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from reconnect_analysis.lab import server
from reconnect_analysis.paths import notebooks_dir
from reconnect_analysis.report.pdf import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium not installed")]
NOTEBOOK = "explore_adherence.ipynb"


def test_changing_the_client_redraws_the_charts_with_that_clients_data(demo_validated,
                                                                       tmp_path):
    from reconnect_analysis.lab.browser import LabPage

    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(notebooks_dir() / NOTEBOOK, root / NOTEBOOK)
    with server.start(root, validated_dir=demo_validated, log_path=tmp_path / "lab.log",
                      workspaces_dir=tmp_path / "workspaces") as lab:
        with LabPage(lab) as lab_page:
            lab_page.open(NOTEBOOK)
            lab_page.run_all()
            lab_page.wait_for_charts("C01 · ", at_least=3)
            first_titles, first_data = lab_page.chart_titles(), lab_page.chart_data()

            lab_page.select("Client", "C03")
            lab_page.wait_for_charts("C03 · ", at_least=3)
            new_titles, new_data = lab_page.chart_titles(), lab_page.chart_data()

            lab_page.save()
            assert lab_page.blocked == [], "a request tried to leave the machine"
            assert lab_page.errors == []
        assert lab.process.poll() is None

    assert lab.process.poll() is not None, "the server is still running"
    assert [t.removeprefix("C01 · ") for t in first_titles] == \
        [t.removeprefix("C03 · ") for t in new_titles]
    assert new_data != first_data
    saved = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    assert all(not cell.get("outputs") for cell in saved["cells"])
    assert "widgets" not in saved["metadata"]


def test_the_pattern_filter_narrows_the_caseload_client_table(demo_validated, tmp_path):
    from reconnect_analysis.lab.browser import LabPage

    name = "explore_caseload.ipynb"
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(notebooks_dir() / name, root / name)
    with server.start(root, validated_dir=demo_validated, log_path=tmp_path / "lab.log",
                      workspaces_dir=tmp_path / "workspaces") as lab, LabPage(lab) as lab_page:
        lab_page.open(name)
        lab_page.run_all()
        lab_page.wait_for_charts("Caseload · ", at_least=5)
        titles = lab_page.chart_titles()
        assert titles[0] == "Caseload · Safety first: risk answers and red flags"
        everyone = lab_page.table_column("Caseload · Clients")
        assert sorted(everyone) == [f"C{i:02d}" for i in range(1, 9)]

        lab_page.select("Pattern", "risk answers: review first")
        deadline = time.monotonic() + 30
        while lab_page.table_column("Caseload · Clients") != ["C06"]:
            assert time.monotonic() < deadline, lab_page.table_column("Caseload · Clients")
            time.sleep(0.2)
        assert lab_page.chart_titles() == titles  # refiltered, nothing else changed
        assert lab_page.blocked == [] and lab_page.errors == []
