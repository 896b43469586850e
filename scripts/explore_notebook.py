"""Build and write an exploration notebook from its cells (used by make_explore_notebooks_*).

Every exploration notebook has the same shape: a short markdown cell saying to run all
cells, the papermill ``parameters`` cell, one explorer cell with its source collapsed, then
the longer how-to. Cell ids are fixed, so rewriting an unchanged notebook changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import nbformat


def build(*, intro: str, parameters: str, explorer: str, how_to: str,
          how_to_id: str = "how-to-use") -> nbformat.NotebookNode:
    """The notebook, without outputs."""
    cells = [
        nbformat.v4.new_markdown_cell(intro, id="run-all"),
        nbformat.v4.new_code_cell(parameters, id="parameters",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(explorer, id="explorer",
                                  metadata={"jupyter": {"source_hidden": True}}),
        nbformat.v4.new_markdown_cell(how_to, id=how_to_id),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Validate and write ``notebook`` (nbformat's layout plus a final newline)."""
    nbformat.validate(notebook)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    print(f"wrote {path}")
