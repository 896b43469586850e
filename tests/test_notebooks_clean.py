"""Notebooks are committed without outputs: outputs can hold client data."""

import json
from pathlib import Path

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").rglob("*.ipynb"))


def test_committed_notebooks_have_no_outputs():
    for path in NOTEBOOKS:
        if ".ipynb_checkpoints" in path.parts:
            continue
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has stored outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"
