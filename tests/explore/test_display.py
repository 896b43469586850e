"""How views are shown: escaped text, offline Plotly bundles, tables tall enough for every row."""

from __future__ import annotations

import pandas as pd
import pytest

from reconnect_analysis.explore.display import View, output_items, table_height


def test_a_table_is_as_tall_as_its_rows_and_wrapped_lines():
    short = table_height(["A", "B"], [["x"] * 5, ["y"] * 5], [1, 1])
    longer = table_height(["A", "B"], [["x"] * 10, ["y"] * 10], [1, 1])
    assert longer - short == 5 * 25  # 19 px a line + 6 px a row
    wrapped = table_height(["A", "B"], [["x"] * 5, ["y" * 200] * 5], [1, 1])
    # 200 characters in a 400 px column of about 51 characters: 4 lines a row
    assert wrapped - short == 5 * 3 * 19


def test_output_items_escape_text_and_carry_no_script_from_a_cdn():
    import plotly.graph_objects as go

    view = View("k", "C01 · <b>x</b>", "note <script>alert(1)</script>",
                go.Figure(layout={"title": {"text": "C01 · <b>x</b>"}}))
    items = output_items(view)
    assert "<script>" not in items[0]["data"]["text/html"]
    assert "&lt;script&gt;" in items[0]["data"]["text/html"]
    assert set(items[1]["data"]) >= {"application/vnd.plotly.v1+json"}
    assert "cdn" not in str(items[1]["data"]).lower()


def test_the_client_safety_table_shows_every_row_without_scrolling(demo_validated):
    from reconnect_analysis import tables
    from reconnect_analysis.explore import client_safety

    data = tables.load(demo_validated)
    risks = data.risks[data.risks["client_id"] == "C06"]
    many = pd.concat([risks] * 5, ignore_index=True)  # 55 rows
    data.risks = pd.concat([data.risks[data.risks["client_id"] != "C06"], many],
                           ignore_index=True)
    view = client_safety.safety(data, "C06", pd.Timestamp("2026-09-28"),
                                pd.Timestamp("2026-11-22"))
    rows = len(view.figure.data[0].cells.values[0])
    assert rows == len(many)
    assert view.figure.layout.height >= 100 + rows * 25


def test_a_wrong_client_in_the_notebook_is_one_red_line_not_a_traceback(demo_validated,
                                                                         tmp_path):
    import json

    import papermill

    from reconnect_analysis.paths import notebooks_dir

    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError):
        papermill.execute_notebook(
            str(notebooks_dir() / "explore_adherence.ipynb"), str(out), kernel_name="python3",
            parameters={"validated_path": str(demo_validated), "client_id": "C99"},
            cwd=str(tmp_path), progress_bar=False, start_timeout=60, execution_timeout=120)
    errors = [o for cell in json.loads(out.read_text(encoding="utf-8"))["cells"]
              for o in cell.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    assert len(errors[0]["traceback"]) == 1
    assert "Error: " in errors[0]["traceback"][0] and "C99" in errors[0]["traceback"][0]
    assert "Traceback" not in errors[0]["traceback"][0]


def test_a_bug_keeps_its_full_traceback():
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from reconnect_analysis.explore.display import prepare_notebook\n"
        "prepare_notebook()\n"
        "def broken():\n"
        "    return 1 / 0\n"
        "broken()")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbclient.NotebookClient(notebook, kernel_name="python3", allow_errors=True,
                            timeout=120).execute()
    [error] = [o for o in notebook.cells[0].outputs if o["output_type"] == "error"]
    assert error["ename"] == "ZeroDivisionError"
    assert len(error["traceback"]) > 1 and "broken" in "".join(error["traceback"])


def test_the_shared_wording_of_days_periods_and_counts():
    from reconnect_analysis.explore.display import count, day_text, period_text, short_day

    assert day_text(pd.Timestamp("2026-11-22")) == "Sun 22 Nov"
    assert day_text(pd.NaT) == "date unreadable"
    assert short_day("2026-11-02") == "2 Nov"
    assert period_text("2026-09-28", "2026-11-22") == "28 Sep – 22 Nov 2026"
    assert period_text("2025-12-29", "2026-01-04") == "29 Dec 2025 – 4 Jan 2026"
    assert (count(1, "day"), count(3, "day"), count(2, "client", "clients")) == (
        "1 day", "3 days", "2 clients")
