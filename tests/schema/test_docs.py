"""docs/schema.md is the rendering of the schema file, and the schema file is consistent."""

from __future__ import annotations

import pytest
import yaml

from reconnect_analysis.errors import SchemaFileError
from reconnect_analysis.paths import REPO_DIR
from reconnect_analysis.schema.contract import load_schema, schema_path
from reconnect_analysis.schema.docs import render_markdown


def test_schema_page_is_the_rendered_schema():
    page = (REPO_DIR / "docs" / "schema.md").read_text(encoding="utf-8")
    assert page == render_markdown(), "regenerate: python -m reconnect_analysis.schema.docs"


def test_every_canonical_field_is_documented_with_its_range():
    page = render_markdown()
    schema = load_schema()
    for table in schema.tables.values():
        for name in table.fields:
            assert f"| `{name}` |" in page
    assert "| `numbness` | number | points | 0 to 10 | yes | row | mean |" in page
    assert "| `hopelessness` | number (risk)" in page


def test_schema_lists_domain_risk_fields():
    risk = load_schema().risk_fields
    assert risk["entries"] == ["self_harm_thoughts", "unsafe", "hopelessness",
                               "flag_dissociation", "flag_psychotic", "flag_cannot_self_care",
                               "flag_head_injury"]
    assert risk["weekly_screen"] == ["risk_hopelessness", "risk_self_harm",
                                     "risk_dangerous_coping"]


def test_a_malformed_schema_file_is_a_schema_error(tmp_path):
    body = yaml.safe_load(schema_path().read_text(encoding="utf-8"))
    body["tables"]["entries"]["fields"]["numbness"]["type"] = "float"
    bad = tmp_path / "schema.yaml"
    bad.write_text(yaml.safe_dump(body), encoding="utf-8")
    with pytest.raises(SchemaFileError, match="field numbness: unknown type 'float'"):
        load_schema(bad)
