"""m-Path reader on the mpathr sample: records, prompts, decoding, damaged files, warnings."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reconnect_analysis.errors import InputError
from reconnect_analysis.io import read_export
from reconnect_analysis.io.mpath import read_mpath
from tests.shared_samples import MPATH_SAMPLES

SAMPLES = MPATH_SAMPLES
DATA = SAMPLES / "example_basic.csv"
META = SAMPLES / "example_meta.csv"
MAPPING = Path(__file__).resolve().parents[2] / "data" / "mappings" / "mpath-example.yaml"

assert DATA.exists(), f"the shared m-Path sample is missing: {DATA}"


@pytest.fixture(scope="module")
def sample():
    return read_mpath(DATA)


def second_opinion() -> list[list[str]]:
    """The sample read with the csv module (an independent parse)."""
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_sample_record_counts(sample):
    rows = second_opinion()[1:]
    answered = [r for r in rows if len(r) > 14 and r[14] != ""]
    # 2221 beeps: 1413 answered (timeStampStart set), 808 never opened.
    assert len(rows) == 2221
    assert len(answered) == 1413
    assert len(sample.entries) == 1413
    assert sample.entries["_reader_problem"].eq("").all()
    assert any("808 unanswered beep(s)" in f for f in sample.fixes)
    assert sample.encoding == "utf-8-sig"
    assert sample.format_name == "mpath"
    assert list(sample.entries.columns[:2]) == ["connectionId", "legacyCode"]


def test_source_rows_point_at_the_file_lines(sample):
    rows = second_opinion()
    for _, entry in sample.entries.sample(25, random_state=1).iterrows():
        line = rows[entry["source_row"] - 1]
        assert line[7] == entry["sentBeepId"]


def test_json_text_answers_decoded(sample):
    entries = sample.entries
    first = entries.iloc[0]  # the intake questionnaire of participant 234609
    assert first["gender_multipleChoice_string"] == "Male"
    assert first["age_open"] == "29"
    notes = entries["positive_description_open"]
    assert "fun tine with colleagues\n" in notes.tolist()   # JSON "\n" decoded
    assert "/" in notes.tolist()                             # JSON "\/" decoded
    lists = entries["evening_context_activity_multipleChoice_string"]
    assert "Worked or studied|Travelled|Socialized" in lists.tolist()
    assert "1|3|4" in entries["evening_context_activity_multipleChoice_index"].tolist()


def test_prompts_for_one_participant_counted_by_hand(sample):
    # Participant 234609, with the csv module: every beep whose timeStampScheduled is not 0,
    # by local day of timeStampSent + timeZoneOffset; answered = timeStampStart set.
    by_day: dict[str, list[int]] = {}
    for row in second_opinion()[1:]:
        if row[0] != "234609" or row[12] in ("", "0"):
            continue
        day = pd.Timestamp(int(row[13]) + int(row[17]), unit="s").strftime("%Y-%m-%d")
        counts = by_day.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += len(row) > 14 and row[14] != ""
    prompts = sample.prompts[sample.prompts["client_id"] == "234609"]
    got = {d.strftime("%Y-%m-%d"): [s, a] for d, s, a in
           prompts[["date", "prompts_sent", "prompts_answered"]].itertuples(index=False)}
    assert got == by_day
    # The first day by hand: 10 beeps sent on 2024-04-19 (local), 6 of them opened.
    assert got["2024-04-19"] == [10, 6]
    # 11 days: 10 + 9 * 11 + 1 = 110 sent; answered 6 + 3 + 1 + 0 + 2 + 1 + 0 * 5 = 13.
    assert prompts["prompts_sent"].sum() == 110
    assert prompts["prompts_answered"].sum() == 13


def test_sample_through_shipped_mapping():
    raw = read_export(DATA, mapping=MAPPING)
    entries = raw.entries
    # 1413 answered beeps minus the 20 intake questionnaires left out by rows.where.
    assert len(entries) == 1393
    assert any("20 row(s) left out" in f for f in raw.fixes)
    first = entries.iloc[0]
    # Row 3 of the file: sliders happy 50, sad 0, angry 0, relaxed 50, anxious 0,
    # energetic 30; mean intensity 20 -> reversed 80 -> numbness 8; 30 -> -3 + 0.3*6 = -1.2.
    assert first["source_row"] == 3
    assert first["numbness"] == "8"
    assert first["arousal"] == "-1.2"
    # timeStampSent 1713514596 + 7200 s -> 2024-04-19 10:16:36 local
    assert first["date"] == "2024-04-19"
    assert first["submitted_at"] == "2024-04-19T10:16:42+02:00"
    assert first["client_id"] == "234609"
    assert raw.aggregation == {"numbness": "mean", "arousal": "mean"}
    assert raw.prompts["prompts_sent"].sum() > 0
    assert raw.format_name == "mapped-mpath"


def copy_pair(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "example_basic.csv"
    meta = tmp_path / "example_meta.csv"
    shutil.copy(DATA, data)
    shutil.copy(META, meta)
    return data, meta


def test_resaved_with_commas_refused(tmp_path):
    data, _ = copy_pair(tmp_path)
    rows = second_opinion()
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)   # what a spreadsheet's "Save as CSV" writes
    with pytest.raises(InputError, match="commas instead of semicolons.*re-saved"):
        read_mpath(data)


def test_resaved_with_quoted_header_refused(tmp_path):
    data, _ = copy_pair(tmp_path)
    rows = second_opinion()
    with data.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    with pytest.raises(InputError, match="starts with a quote.*re-saved"):
        read_mpath(data)


def test_text_answers_without_json_quotes_refused(tmp_path):
    data, _ = copy_pair(tmp_path)
    text = DATA.read_text(encoding="utf-8-sig").replace('"""', "")
    data.write_text(text, encoding="utf-8-sig")
    with pytest.raises(InputError, match="lost their JSON quotes"):
        read_mpath(data)


def test_timestamps_rounded_by_a_spreadsheet_refused(tmp_path):
    data, _ = copy_pair(tmp_path)
    text = DATA.read_text(encoding="utf-8-sig").replace(";1713514596;", ";1.71351E+09;", 1)
    data.write_text(text, encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"row 3, column timeStampSent: .*1\.71351E\+09"):
        read_mpath(data)


def test_meta_file_missing_columns_refused(tmp_path):
    data, meta = copy_pair(tmp_path)
    lines = META.read_text(encoding="utf-8-sig").splitlines()
    meta.write_text("\n".join(";".join(line.split(";")[:4]) for line in lines) + "\n",
                    encoding="utf-8-sig")
    with pytest.raises(InputError, match="column fullQuestion_mixed: meta-data column"):
        read_mpath(data)


def test_missing_meta_file_refused(tmp_path):
    data = tmp_path / "example_basic.csv"
    shutil.copy(DATA, data)
    with pytest.raises(InputError, match="no m-Path meta-data file"):
        read_mpath(data)


def test_question_text_change_warned_without_the_html(tmp_path):
    data, meta = copy_pair(tmp_path)
    lines = META.read_text(encoding="utf-8-sig").splitlines()
    changed = [line[:-len(";0;0;0")] + ";1;0;0" if line.startswith("slider_sad_") else line
               for line in lines]
    meta.write_text("\n".join(changed) + "\n", encoding="utf-8-sig")
    raw = read_mpath(data)
    warned = [w for w in raw.warnings if "changed during the study" in w]
    assert warned == ["example_meta.csv: the question text of slider_sad_sliderNegPos changed "
                      "during the study; answers before and after may not be comparable"]
    assert not any("<p" in w for w in raw.warnings)


def test_mpath_without_mapping_asks_for_one():
    with pytest.raises(InputError, match="m-Path export; give a mapping file"):
        read_export(DATA)


def test_column_missing_from_meta_warned_and_decoded_by_its_suffix(tmp_path):
    data, meta = copy_pair(tmp_path)
    lines = META.read_text(encoding="utf-8-sig").splitlines()
    meta.write_text("\n".join(line for line in lines if not line.startswith("age_open;"))
                    + "\n", encoding="utf-8-sig")
    raw = read_mpath(data)
    assert any("1 column(s) not described in example_meta.csv: age_open" in w
               for w in raw.warnings)
    assert raw.entries.iloc[0]["age_open"] == "29"   # '"29"' decoded by the _open suffix


def test_every_record_of_the_mpath_sample_is_accounted_for(tmp_path):
    from reconnect_analysis.schema import validate_export

    tables = validate_export(DATA, mapping=MAPPING)
    meta = tables.meta
    # The sample has 2221 data records (2222 lines, one header, no quoted newlines):
    # 1393 answered beeps of the two mapped questionnaires, 808 unanswered beeps and
    # 20 intake-questionnaire rows that the mapping does not select.
    data_records = DATA.read_text(encoding="utf-8-sig").count("\n") - 1
    assert meta["rows_in_input"] == data_records == 2221
    assert meta["rows_set_aside"] == {"unanswered beeps": 808,
                                      "rows no table of the mapping selects": 20}
    assert meta["rows_read"] == meta["rows_kept"] + meta["rows_merged"] + meta["rows_quarantined"]
