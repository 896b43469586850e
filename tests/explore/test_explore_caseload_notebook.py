"""notebooks/explore_caseload.ipynb runs headless (papermill) top to bottom without edits, on
the demo caseload and on the m-Path export, with Safety first above every chart."""

from __future__ import annotations

import json

import pytest

from reconnect_analysis.paths import REPO_DIR

NOTEBOOK = REPO_DIR / "notebooks" / "explore_caseload.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _run(validated, tmp_path) -> dict:
    import papermill

    out = tmp_path / "explore_caseload.out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out),
                               parameters={"validated_path": str(validated)},
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    return json.loads(out.read_text(encoding="utf-8"))


def _views_in_order(notebook: dict) -> list[str]:
    """The HTML heading+sentence of each Output widget, in the explorer's VBox order."""
    state = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    explorer_cell = next(c for c in notebook["cells"] if c["cell_type"] == "code"
                         and "CaseloadExplorer(" in "".join(c["source"]))
    [result] = [o for o in explorer_cell["outputs"] if o["output_type"] == "execute_result"]
    box = state[result["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]]
    texts = []
    for child in box["state"]["children"]:
        model = state[child.removeprefix("IPY_MODEL_")]
        if model["model_name"] == "OutputModel":
            outputs = model["state"]["outputs"]
            texts.append("".join(o["data"].get("text/html", "") for o in outputs))
            if not any("application/vnd.plotly.v1+json" in o["data"] for o in outputs):
                texts[-1] += " [no chart]"
    return texts


def test_notebook_explains_the_current_pattern_rules():
    # the generator writes caseload_patterns.patterns_markdown(); rerun it when a rule changes
    from reconnect_analysis.explore.caseload_patterns import patterns_markdown

    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    markdown = "".join("".join(c["source"]) for c in notebook["cells"]
                       if c["cell_type"] == "markdown")
    assert patterns_markdown() in markdown
    [parameters] = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert "validated_path" in "".join(parameters["source"])


def test_first_screen_says_run_all_then_safety_first():
    # review 4: a short bold line, the parameters, then ONE hidden cell with the explorer;
    # the how-to, the views and the pattern glossary come below the explorer
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    top = "".join(cells[0]["source"])
    assert ("**Run > Run All Cells, then read the Safety first box (it is always the first "
            "view).**") in top
    assert len(top) < 400 and "How to read the patterns" not in top
    assert "parameters" in cells[1]["metadata"].get("tags", [])
    assert 'validated_path: str = None  #' in "".join(cells[1]["source"])
    explorer = cells[2]
    assert explorer["cell_type"] == "code" and "CaseloadExplorer(" in "".join(
        explorer["source"])
    assert explorer["metadata"]["jupyter"] == {"source_hidden": True}
    assert [c["cell_type"] for c in cells[3:]] == ["markdown"]
    below = "".join(cells[3]["source"])
    assert "## How to use it" in below and "## How to read the patterns" in below


@pytest.mark.timeout(180)
def test_notebook_on_demo(demo_validated, tmp_path):
    notebook = _run(demo_validated, tmp_path)
    views = _views_in_order(notebook)
    assert len(views) == 7
    assert "Caseload · Safety first" in views[0] and "(C06)" in views[0]
    assert "Caseload · Safety first: clients who went quiet" in views[1] and "C05" in views[1]
    assert "Caseload · Practice change against numbness trend" in views[2]
    assert all("[no chart]" not in v for v in views)
    text = json.dumps(notebook)
    assert "cdn.plot.ly" not in text and '"ename"' not in text


@pytest.mark.timeout(180)
def test_notebook_on_mpath(mpath_validated, tmp_path):
    views = _views_in_order(_run(mpath_validated, tmp_path))
    assert "Caseload · Safety first" in views[0] and "Risk cannot be ruled out" in views[0]
    assert ": no check-in for " in views[1]
    assert "no practice or no micro-shift questions" in views[4]
