"""Validated folders the exploration tests share: the demo caseload and the m-Path sample
(an export with no practice, risk or fuel questions), each validated once per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reconnect_analysis.paths import REPO_DIR
from tests.shared_samples import MPATH_SAMPLES

WEEK = "2026-W47"


@pytest.fixture(scope="session")
def demo_validated(tmp_path_factory) -> Path:
    """The demo caseload (8 clients = one per archetype, 8 weeks to 2026-W47), validated."""
    from reconnect_analysis.demo import generate
    from reconnect_analysis.schema import validate_to_folder

    root = tmp_path_factory.mktemp("explore_demo")
    generate(root / "export", seed=1, clients=8, weeks=8, end_week=WEEK)
    _tables, folder = validate_to_folder(root / "export", root / "validated",
                                         today=dt.date(2026, 11, 26))
    return Path(folder)


@pytest.fixture(scope="session")
def mpath_validated(tmp_path_factory) -> Path:
    """The m-Path sample export read through data/mappings/mpath-example.yaml, validated."""
    from reconnect_analysis.schema import validate_to_folder

    root = tmp_path_factory.mktemp("explore_mpath")
    _tables, folder = validate_to_folder(
        MPATH_SAMPLES / "example_basic.csv", root / "validated",
        mapping=REPO_DIR / "data" / "mappings" / "mpath-example.yaml")
    return Path(folder)
