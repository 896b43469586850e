"""Mapping engine: the Likert acceptance case, every transform, and mapping-file checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_analysis.errors import InputError, SchemaFileError
from reconnect_analysis.io import read_export
from reconnect_analysis.io.mapping import load_mapping
from tests.shared_samples import MPATH_SAMPLES

MAPPINGS = Path(__file__).resolve().parents[2] / "data" / "mappings"
LIKERT = MAPPINGS / "likert-1-7-example.yaml"
CLINIC_HEADER = ("PatientCode;Datum;Gevoelloos;Gevoelens_voelbaar;Spanning;Zelfbeschadiging;"
                 "Bewogen;Minuten_bewegen;Slaap;Notitie\n")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mapped(tmp_path: Path, csv_text: str, mapping_text: str) -> list[dict]:
    data = write(tmp_path, "export.csv", csv_text)
    mapping = write(tmp_path, "m.yaml", mapping_text)
    return read_export(data, mapping=mapping).entries.to_dict("records")


def test_likert_clinic_gets_0_to_10_through_the_shipped_mapping(tmp_path):
    # numbness = mean(Gevoelloos, 8 - Gevoelens_voelbaar) on 1-7, then (x - 1) / 6 * 10
    rows = [
        "00123;16/11/2026;1;7;1;nee;ja;10;7,5;rustige dag",  # mean(1, 1) = 1 -> 0
        "00123;17/11/2026;4;4;4;JA;nee;;6;",                 # mean(4, 4) = 4 -> 5
        "00123;18/11/2026;7;1;7;misschien;ja;5;8;x",         # mean(7, 7) = 7 -> 10
        "00123;19/11/2026;7;7;2;nee;ja;5;8;x",               # mean(7, 1) = 4 -> 5
        "00123;20/11/2026;2;;2;nee;ja;5;8;x",                # mean(2) = 2 -> 1.666.. -> 1.67
        "00123;21/11/2026;9;1;2;nee;ja;5;8;x",               # 9 is outside 1-7
        "00123;2026-11-22;five;;2;nee;ja;5;8;x",             # unreadable: kept as text
    ]
    data = write(tmp_path, "clinic.csv", CLINIC_HEADER + "\n".join(rows) + "\n")
    raw = read_export(data, mapping=LIKERT)
    out = raw.entries
    assert out["client_id"].tolist() == ["00123"] * 7
    assert out["numbness"].tolist() == ["0", "5", "10", "5", "1.67", "9 (outside scale 1-7)",
                                        "five"]
    # Spanning 1-7 -> -3..3: (x - 1) / 6 * 6 - 3
    assert out["arousal"].tolist() == ["-3", "0", "3", "-2", "-2", "-2", "-2"]
    assert out["date"].tolist()[:6] == ["2026-11-16", "2026-11-17", "2026-11-18",
                                        "2026-11-19", "2026-11-20", "2026-11-21"]
    assert out["date"].iloc[6] == "2026-11-22 (not %d/%m/%Y)"
    # "JA" matched case-insensitively; "misschien" is not in the map: kept (possible positive)
    assert out["self_harm_thoughts"].tolist()[:3] == ["false", "true", "misschien"]
    assert out["cue_body"].tolist()[:2] == ["true", "false"]
    assert out["sleep_hours"].iloc[0] == "7.5"
    assert out["cue_body_minutes"].iloc[1] == ""
    assert out["source_row"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert raw.aggregation == {"numbness": "max"}
    assert raw.format_name == "mapped-csv"
    assert str(LIKERT) in raw.input_files


@pytest.mark.parametrize(("answer", "expected"), [("1", "10"), ("4", "5"), ("7", "0"),
                                                  ("2", "8.333333333")])
def test_reverse_scoring_whole_field(tmp_path, answer, expected):
    # reversed: 8 - x, then (y - 1) / 6 * 10; 2 -> 6 -> 8.333...
    rows = mapped(tmp_path, f"id,day,avail\nc1,2026-11-16,{answer}\n", """
fields:
  client_id: id
  date: day
  numbness: {from: avail, scale: [1, 7], reverse: true, rescale_to: [0, 10]}
""")
    assert rows[0]["numbness"] == expected


def test_combine_sum_min_max_first_and_min_items(tmp_path):
    text = "id,day,a,b,c\nc1,2026-11-16,2,,5\nc2,2026-11-16,,,1\n"
    rows = mapped(tmp_path, text, """
fields:
  client_id: id
  date: day
  numbness: {from: [a, b, c], combine: mean, min_items: 2}
  cue_body_minutes: {from: [a, b, c], combine: sum}
  sleep_hours: {from: [a, b, c], combine: max}
  alcohol_drinks: {from: [a, b, c], combine: min}
  interest_pct: {from: [b, a, c], combine: first, scale: [0, 100]}
""")
    # c1: mean(2, 5) = 3.5, sum 7, max 5, min 2, first non-empty of (b, a, c) = 2
    assert [rows[0][k] for k in ("numbness", "cue_body_minutes", "sleep_hours",
                                 "alcohol_drinks", "interest_pct")] == ["3.5", "7", "5", "2",
                                                                        "2"]
    # c2: only one item answered, below min_items 2 -> missing
    assert rows[1]["numbness"] == ""
    assert rows[1]["cue_body_minutes"] == "1"


def test_value_maps_with_unquoted_yaml_booleans_and_split(tmp_path):
    text = 'id,day,n,ok,forms\nc1,2026-11-16,3,yes,"Blunted, Empty"\nc2,2026-11-16,4,No,\n'
    rows = mapped(tmp_path, text, """
fields:
  client_id: id
  date: day
  numbness: n
  cue_meaning: {from: ok, values: {yes: true, no: false}}
  numbness_form:
    from: forms
    split: ","
    values: {"blunted": blunted, "empty": disconnected, "no joy": no_pleasure}
""")
    assert [r["cue_meaning"] for r in rows] == ["true", "false"]
    assert [r["numbness_form"] for r in rows] == ["blunted|disconnected", ""]


def test_unix_seconds_with_offset_column_and_minutes(tmp_path):
    # 1763334000 = 2025-11-16 23:00:00 UTC; +60 min -> 2025-11-17 00:00 local (next day);
    # -300 min -> 18:00 on the 16th.
    text = "id,t,off,n\nc1,1763334000,60,5\nc2,1763334000,-300,5\nc3,1763334000,,5\n"
    rows = mapped(tmp_path, text, """
fields:
  client_id: id
  date: {from: t, parse: unix_seconds, offset_column: off, offset_unit: minutes}
  submitted_at: {from: t, parse: unix_seconds, offset_column: off, offset_unit: minutes}
  numbness: n
""")
    assert [r["date"] for r in rows] == ["2025-11-17", "2025-11-16",
                                         "1763334000 (offset missing)"]
    assert rows[0]["submitted_at"] == "2025-11-17T00:00:00+01:00"
    assert rows[1]["submitted_at"] == "2025-11-16T18:00:00-05:00"


def test_date_format_fixed_offset_and_timezone(tmp_path):
    text = "id,d,when,wake,n\nc1,01/03/2024,2024-03-31 01:30,07:05,5\n"
    rows = mapped(tmp_path, text, """
fields:
  client_id: id
  date: {from: d, parse: "%d/%m/%Y"}
  submitted_at: {from: when, parse: "%Y-%m-%d %H:%M", timezone: Europe/London}
  wake_time: {from: wake, parse: "%H:%M"}
  numbness: n
""")
    assert rows[0]["date"] == "2024-03-01"            # day first: 1 March, not 3 January
    # 01:30 on 2024-03-31 does not exist in London (clocks jump 01:00 -> 02:00); zoneinfo
    # gives it the pre-jump offset, documented in docs/mapping.md.
    assert rows[0]["submitted_at"] == "2024-03-31T01:30:00+00:00"
    assert rows[0]["wake_time"] == "07:05"


def test_constant_value_and_events_table(tmp_path):
    text = "id,day,n,med\nc1,2026-11-16,5,sertraline 50 mg\n"
    data = write(tmp_path, "export.csv", text)
    mapping = write(tmp_path, "m.yaml", """
tables:
  entries:
    fields: {client_id: id, date: day, numbness: n}
  events:
    fields:
      client_id: id
      date: day
      kind: {value: medication_start}
      detail: med
""")
    raw = read_export(data, mapping=mapping)
    assert raw.events[["kind", "detail"]].values.tolist() == [["medication_start",
                                                                "sertraline 50 mg"]]
    assert len(raw.entries) == 1


def test_json_source_through_mapping(tmp_path):
    data = write(tmp_path, "export.json",
                 '[{"who": "00123", "day": "2026-11-16", "score": 6}]')
    mapping = write(tmp_path, "m.yaml", """
fields:
  client_id: who
  date: day
  numbness: {from: score, scale: [1, 7], rescale_to: [0, 10]}
""")
    rows = read_export(data, mapping=mapping).entries.to_dict("records")
    assert rows[0]["client_id"] == "00123"
    assert rows[0]["numbness"] == "8.333333333"   # (6 - 1) / 6 * 10


def test_column_missing_from_export_names_it(tmp_path):
    data = write(tmp_path, "export.csv", "id,day\nc1,2026-11-16\n")
    mapping = write(tmp_path, "m.yaml", "fields: {client_id: id, date: day, numbness: numb}\n")
    with pytest.raises(InputError, match=r"export\.csv, column numb: has no column 'numb'.*"
                                         r"m\.yaml"):
        read_export(data, mapping=mapping)


@pytest.mark.parametrize(("text", "message"), [
    ("fields: {client_id: id, date: d, numbnes: n}",
     r"m\.yaml: fields\.numbnes: not a canonical entries field; did you mean 'numbness'\?"),
    ("fields: {client_id: id, date: d}",
     r"m\.yaml: fields: required field numbness is not mapped"),
    ("fields: {client_id: id, date: d, numbness: {from: n, rescale_to: [0, 10]}}",
     r"m\.yaml: fields\.numbness\.scale: needed for reverse"),
    ("fields: {client_id: id, date: d, numbness: {from: n, scale: [1]}}",
     r"m\.yaml: fields\.numbness\.scale: must be two different numbers"),
    ("fields: {client_id: id, date: d, numbness: {from: [a, b]}}",
     r"m\.yaml: fields\.numbness\.combine: needed with several source columns"),
    ("fields: {client_id: id, date: d, numbness: {form: n}}",
     r"m\.yaml: fields\.numbness\.form: unknown key; did you mean 'from'\?"),
    ("fields: {client_id: id, date: {from: t, parse: unix_seconds}, numbness: n}",
     r"m\.yaml: fields\.date\.parse: Unix times are UTC"),
    ("fields: {client_id: id, date: {from: t, parse: '%d/%m/%Y', timezone: Mars/Base}, "
     "numbness: n}", r"m\.yaml: fields\.date\.timezone: unknown time zone"),
    ("source: {format: pdf}\nfields: {client_id: id, date: d, numbness: n}",
     r"m\.yaml: source\.format: must be one of"),
    ("fields: {client_id: id, date: d, numbness: n}\naggregation: {numbness: median}",
     r"m\.yaml: aggregation\.numbness: must be one of"),
    ("fields: [client_id]", r"m\.yaml: fields: must map canonical field names"),
    ("fields: {client_id: id\n  date: d", r"m\.yaml: not valid YAML at line"),
    ("colums: {}", r"m\.yaml: colums: unknown key"),
])
def test_malformed_mapping_files(tmp_path, text, message):
    path = write(tmp_path, "m.yaml", text)
    with pytest.raises(SchemaFileError, match=message):
        load_mapping(path)


def test_shipped_mappings_load():
    assert load_mapping(MAPPINGS / "mpath-example.yaml").format == "mpath"
    assert load_mapping(LIKERT).delimiter == ";"


def test_docs_example_mean_of_items_with_a_reverse_keyed_one(tmp_path):
    # docs/mapping.md: numb 7, cut_off 5, pleasure 3 -> (7 + 5 + (8 - 3)) / 3 = 5.667
    # -> (5.667 - 1) / 6 * 10 = 7.78
    rows = mapped(tmp_path, "id,day,numb,cut_off,pleasure\nc1,2026-11-16,7,5,3\n", """
fields:
  client_id: id
  date: day
  numbness:
    from: [numb, cut_off, pleasure]
    combine: mean
    reverse_items: [pleasure]
    scale: [1, 7]
    rescale_to: [0, 10]
    round: 2
""")
    assert rows[0]["numbness"] == "7.78"


def test_folder_with_an_mpath_pair_reads_through_a_mapping(tmp_path):
    samples = MPATH_SAMPLES
    folder = tmp_path / "mpath"
    folder.mkdir()
    for name in ("example_basic.csv", "example_meta.csv"):
        (folder / name).write_bytes((samples / name).read_bytes())
    raw = read_export(folder, mapping=MAPPINGS / "mpath-example.yaml")
    assert len(raw.entries) == 1393


def test_folder_without_mpath_pair_refused_with_a_mapping(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_export(tmp_path, mapping=LIKERT)


def test_vectorised_unix_times_match_the_row_by_row_path(monkeypatch):
    samples = MPATH_SAMPLES / "example_basic.csv"
    from reconnect_analysis.io import mapping_transforms as engine
    fast = read_export(samples, mapping=MAPPINGS / "mpath-example.yaml").entries
    monkeypatch.setattr(engine, "_unix_with_offsets", lambda frame, rule: None)
    slow = read_export(samples, mapping=MAPPINGS / "mpath-example.yaml").entries
    assert fast[["date", "submitted_at"]].equals(slow[["date", "submitted_at"]])
    assert (fast["submitted_at"].str.len() == len("2024-04-19T10:16:42+02:00")).all()
