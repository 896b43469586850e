"""Notebooks are saved without outputs while ``reconnect lab`` runs.

Outputs of an exploration hold client data, and the notebooks live in the repository, where
client data must never go. JupyterLab calls :func:`strip_before_save` (a ``pre_save_hook``)
on every save, so a therapist's Ctrl+S (or JupyterLab's autosave) keeps the code and the
text and drops what the run displayed. To keep a result, export it (File > Save and Export).
"""

from __future__ import annotations

WIDGET_STATE = "widgets"  # notebook metadata where ipywidgets stores the state of its controls


def strip_notebook(content: dict) -> dict:
    """Remove outputs, execution counts and saved widget state from notebook JSON, in place."""
    for cell in content.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    content.get("metadata", {}).pop(WIDGET_STATE, None)
    return content


def strip_before_save(model: dict, **_context) -> None:
    """Jupyter ``FileContentsManager.pre_save_hook``: strip notebooks, leave other files."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_notebook(model["content"])
