"""What a wheel install needs beyond the Python files: every notebook ships with it."""

from __future__ import annotations

import tomllib

from reconnect_analysis.paths import REPO_DIR


def test_every_notebook_is_forced_into_the_wheel():
    config = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    forced = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    notebooks = {f"notebooks/{path.name}" for path in (REPO_DIR / "notebooks").glob("*.ipynb")}
    assert notebooks, "no notebooks found"
    assert {source: forced.get(source) for source in notebooks} == {
        source: f"reconnect_analysis/_{source}" for source in notebooks}
    assert forced["data/schemas"] == "reconnect_analysis/_schemas"
