"""Saving a notebook while `reconnect lab` runs drops its outputs (they hold client data)."""

from __future__ import annotations

from reconnect_analysis.lab.strip import strip_before_save, strip_notebook


def notebook_with_outputs() -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Explore"},
            {"cell_type": "code", "execution_count": 3, "source": "explorer.widget",
             "metadata": {"tags": ["parameters"], "execution": {"iopub.status.busy": "x"}},
             "outputs": [{"output_type": "display_data", "data": {"text/plain": "C01 numb"}}]},
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {"C01": 1}}},
    }


def test_outputs_counts_and_widget_state_are_removed():
    content = strip_notebook(notebook_with_outputs())
    code = content["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": ["parameters"]}
    assert "widgets" not in content["metadata"]
    assert content["metadata"]["kernelspec"] == {"name": "python3"}
    assert content["cells"][0]["source"] == "# Explore"


def test_the_hook_strips_notebooks_and_leaves_other_files_alone():
    model = {"type": "notebook", "content": notebook_with_outputs()}
    strip_before_save(model, path="explore_adherence.ipynb", contents_manager=None)
    assert model["content"]["cells"][1]["outputs"] == []
    text_file = {"type": "file", "content": "C01 numb"}
    strip_before_save(text_file, path="notes.txt", contents_manager=None)
    assert text_file == {"type": "file", "content": "C01 numb"}
