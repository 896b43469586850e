"""Where the toolkit's own files live, from one root (works for editable and wheel installs)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def schemas_dir() -> Path:
    """The versioned schema folder: data/schemas in a source tree, _schemas in a wheel."""
    for candidate in (REPO_DIR / "data" / "schemas", PACKAGE_DIR / "_schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("data/schemas not found next to the package")


def notebook_path(name: str = "client_weekly_report.ipynb") -> Path:
    """A report notebook template: notebooks/ in a source tree, _notebooks in a wheel."""
    for candidate in (REPO_DIR / "notebooks" / name, PACKAGE_DIR / "_notebooks" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"notebook template {name} not found")


def notebooks_dir() -> Path:
    """The folder holding the notebooks (report template and exploration notebooks)."""
    return notebook_path().parent
