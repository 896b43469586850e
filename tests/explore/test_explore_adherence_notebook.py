"""notebooks/explore_adherence.ipynb runs headless (papermill) on the demo and on m-Path."""

from __future__ import annotations

import json

import papermill
import pytest

from reconnect_analysis.paths import REPO_DIR

NOTEBOOK = REPO_DIR / "notebooks" / "explore_adherence.ipynb"


def _run(tmp_path, parameters: dict) -> dict:
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False,
                               start_timeout=60, execution_timeout=120)
    return json.loads(out.read_text(encoding="utf-8"))


def _view_outputs(notebook: dict) -> list[str]:
    """The HTML inside each view's Output widget, in the order the explorer shows them."""
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"][
        "state"]
    box = next(m for m in state.values() if m["model_name"] == "VBoxModel"
               and len(m["state"]["children"]) > 2)
    texts = []
    for ref in box["state"]["children"]:
        model = state[ref.removeprefix("IPY_MODEL_")]
        if model["model_name"] != "OutputModel":
            continue
        texts.append(" ".join(str(o.get("data", {}).get("text/html", ""))
                              for o in model["state"]["outputs"]))
    return texts


def _errors(notebook: dict) -> list:
    return [o for c in notebook["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_first_screen_says_run_all_then_safety_and_the_explorer_comes_next():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code", "markdown"]
    top = "".join(cells[0]["source"])
    assert ("**Run > Run All Cells, then read the Safety first box (it is always the first "
            "view).**") in top
    assert len(top.splitlines()) <= 6  # short: the explorer is on the first screen
    parameters = "".join(cells[1]["source"])
    assert cells[1]["metadata"]["tags"] == ["parameters"]
    assert 'validated_path: str = None  #' in parameters  # --help-notebook
    explorer = cells[2]
    assert explorer["metadata"]["jupyter"] == {"source_hidden": True}
    assert "open_caseload(validated_path)" in "".join(explorer["source"])
    assert "".join(explorer["source"]).rstrip().endswith("explorer.widget")
    below = "".join(cells[3]["source"])
    assert "## How to use it" in below and "## The views, top to bottom" in below


@pytest.mark.timeout(240)
def test_runs_on_the_demo_for_c01_with_safety_first(demo_validated, tmp_path):
    notebook = _run(tmp_path, {"validated_path": str(demo_validated), "client_id": "C01"})
    assert not _errors(notebook)
    views = _view_outputs(notebook)
    assert len(views) == 6
    assert "C01 · Safety first" in views[0]
    assert all("C01 · " in text for text in views)
    assert "were usually followed by more micro-shifts the next day" in views[2]


@pytest.mark.timeout(240)
def test_runs_on_mpath_and_says_what_the_export_does_not_carry(mpath_validated, tmp_path):
    notebook = _run(tmp_path, {"validated_path": str(mpath_validated)})
    assert not _errors(notebook)
    views = _view_outputs(notebook)
    assert "risk cannot be ruled out" in views[0]
    assert "carries no practice data" in views[1]
