"""The field groups in Python name exactly what the schema file defines."""

from reconnect_analysis import fields
from reconnect_analysis.schema.contract import load_schema


def test_groups_match_the_schema_file():
    names = list(load_schema().tables["entries"].fields)
    cues = [n for n in names if n.startswith("cue_") and not n.endswith("_minutes")]
    assert [f"cue_{c}" for c in fields.CUES] == cues
    assert [f"cue_{c}_minutes" for c in fields.CUES] == [
        n for n in names if n.startswith("cue_") and n.endswith("_minutes")]
    assert list(fields.SHIFT_SIGNALS) == [n for n in names if n.startswith("shift_")]
