"""Both exploration notebooks declare their parameters so papermill can list them."""

from __future__ import annotations

import papermill
import pytest

from reconnect_analysis.paths import notebooks_dir

EXPECTED = {
    "explore_adherence.ipynb": ["validated_path", "client_id", "first_week", "last_week"],
    "explore_caseload.ipynb": ["validated_path", "first_week", "last_week"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_papermill_lists_every_parameter_with_its_help(name):
    parameters = papermill.inspect_notebook(str(notebooks_dir() / name))
    assert list(parameters) == EXPECTED[name]
    for parameter in parameters.values():
        assert parameter["default"] == "None"
        assert parameter["inferred_type_name"] == "str"
        assert parameter["help"], f"{name}: {parameter['name']} has no help text"


@pytest.mark.parametrize(("script", "name", "how_to", "how_to_id"), [
    ("make_explore_notebooks_a.py", "explore_adherence.ipynb", "HOW_TO", "how-to-use"),
    ("make_explore_notebooks_b.py", "explore_caseload.ipynb", "HOW_TO_MD", "how-to-use-md"),
])
def test_committed_notebooks_are_what_their_generators_write(script, name, how_to, how_to_id,
                                                             monkeypatch):
    import runpy

    import nbformat

    from reconnect_analysis.paths import REPO_DIR

    monkeypatch.syspath_prepend(str(REPO_DIR / "scripts"))
    cells = runpy.run_path(str(REPO_DIR / "scripts" / script), run_name="generator")
    notebook = cells["build"](intro=cells["INTRO"], parameters=cells["PARAMETERS"],
                              explorer=cells["EXPLORER"], how_to=cells[how_to],
                              how_to_id=how_to_id)
    committed = (notebooks_dir() / name).read_text(encoding="utf-8")
    assert committed == nbformat.writes(notebook) + "\n", \
        f"notebooks/{name} differs from scripts/{script}: rerun the script"
