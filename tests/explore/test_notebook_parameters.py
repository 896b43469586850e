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
