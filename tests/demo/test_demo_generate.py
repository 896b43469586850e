"""The demo generator writes a valid, reproducible native export."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from reconnect_analysis.demo import ARCHETYPES, client_ids, generate, period_of
from reconnect_analysis.demo.export import ENTRY_COLUMNS, EVENT_COLUMNS, SCREEN_COLUMNS
from reconnect_analysis.errors import ReconnectError

FILES = ("entries.csv", "events.csv", "weekly_screen.csv", "demo_truth.json")


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate(tmp_path / "a", seed=3, clients=9, weeks=3)
    second = generate(tmp_path / "b", seed=3, clients=9, weeks=3)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first.truth == second.truth


def test_different_seed_gives_different_entries(tmp_path):
    generate(tmp_path / "a", seed=3, clients=9, weeks=3)
    generate(tmp_path / "b", seed=4, clients=9, weeks=3)
    assert (tmp_path / "a" / "entries.csv").read_bytes() != \
        (tmp_path / "b" / "entries.csv").read_bytes()


def test_a_client_does_not_depend_on_how_many_clients_there_are(tmp_path, caseload):
    generate(tmp_path, seed=7, clients=5, weeks=12)
    small = pd.read_csv(tmp_path / "entries.csv", dtype=str, keep_default_na=False)
    big = pd.read_csv(caseload.result.paths["entries"], dtype=str, keep_default_na=False)
    for client_id in ("C01", "C03", "C05"):
        pd.testing.assert_frame_equal(
            small[small.client_id == client_id].reset_index(drop=True),
            big[big.client_id == client_id].reset_index(drop=True))


def test_thirty_clients_over_twelve_weeks(caseload):
    # 12 ISO weeks ending with 2026-W47 (Mon 16 Nov - Sun 22 Nov): 2026-08-31 .. 2026-11-22
    assert caseload.result.period == ("2026-08-31", "2026-11-22")
    assert caseload.result.n_days == 84
    ids = [f"C{i:02d}" for i in range(1, 31)]
    assert sorted(caseload.entries["client_id"].unique()) == ids
    assert list(caseload.truth["clients"]) == ids
    assert caseload.entries["date"].min() == pd.Timestamp("2026-08-31")
    assert caseload.entries["date"].max() <= pd.Timestamp("2026-11-22")
    mondays = pd.date_range("2026-08-31", periods=12, freq="7D").strftime("%Y-%m-%d").tolist()
    for _client_id, weeks in caseload.screen.groupby("client_id")["week_start"]:
        assert weeks.tolist() == mondays
    assert len(caseload.screen) == 30 * 12
    assert caseload.result.n_entries == len(caseload.entries)


def test_every_archetype_appears_among_the_first_eight_clients(caseload):
    first_eight = [caseload.truth["clients"][f"C{i:02d}"]["archetype"] for i in range(1, 9)]
    assert sorted(first_eight) == sorted(ARCHETYPES)
    assert len(ARCHETYPES) >= 7


def test_files_have_the_native_columns_and_consistent_rows(caseload):
    paths = caseload.result.paths
    for name, columns in (("entries", ENTRY_COLUMNS), ("events", EVENT_COLUMNS),
                          ("weekly_screen", SCREEN_COLUMNS)):
        raw = paths[name].read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n"), name
        with open(paths[name], encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == columns, name
        assert all(len(row) == len(columns) for row in rows), name


def test_cells_follow_the_export_format(caseload):
    text = pd.read_csv(caseload.result.paths["entries"], dtype=str, keep_default_na=False)
    bool_columns = [c for c in text.columns if c.startswith(("shift_", "flag_"))] + [
        "cue_body", "cue_sensory", "cue_connection", "cue_meaning", "cannabis",
        "late_scrolling", "recovery_block", "conflict", "daylight_walk",
        "self_harm_thoughts", "unsafe"]
    for column in bool_columns:
        assert set(text[column]) <= {"true", "false", ""}, column
    assert text["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert text["submitted_at"].str.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}").all()
    assert (text["submitted_at"].str[:10] == text["date"]).all()
    wake = text["wake_time"][text["wake_time"] != ""]
    assert wake.str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d").all()
    forms = text["numbness_form"][text["numbness_form"] != ""].str.split("|").explode()
    assert set(forms) <= {"blunted", "disconnected", "no_pleasure"}
    assert not text["client_id"].str.contains(r"\.").any()


def test_values_are_in_range_except_the_planted_ones(caseload):
    e = caseload.entries
    messy = set(caseload.of_archetype("messy_logger"))
    ordinary = e[~e["client_id"].isin(messy)]
    assert ordinary["numbness"].between(0, 10).all()
    assert ((ordinary["numbness"] * 2) % 1 == 0).all()          # whole or half points
    assert ordinary["arousal"].dropna().between(-3, 3).all()
    assert ordinary["interest_pct"].dropna().between(0, 100).all()
    assert e["hopelessness"].dropna().isin([0, 1, 2, 3]).all()
    assert e["sleep_hours"].dropna().between(3, 11).all()
    assert e["alcohol_drinks"].dropna().between(0, 4).all()


def test_submitted_at_carries_the_berlin_offset_across_the_dst_change(caseload):
    # Europe/Berlin leaves summer time on Sunday 2026-10-25: +02:00 before, +01:00 from then
    e = caseload.entries
    offset = e["submitted_at"].str[-6:]
    assert (offset[e["date"] < "2026-10-25"] == "+02:00").all()
    assert (offset[e["date"] >= "2026-10-25"] == "+01:00").all()
    assert {"+01:00", "+02:00"} <= set(offset)


def test_events_are_lever_starts_and_medication_changes(caseload):
    kinds = set(caseload.events["kind"])
    assert kinds <= {"medication_start", "medication_stop", "medication_dose_change",
                     "lever_start", "other"}
    assert {"lever_start", "medication_dose_change"} <= kinds
    with_events = set(caseload.events["client_id"])
    assert len(with_events) > 15                       # most clients have an event
    assert with_events != set(caseload.truth["clients"])   # some have none


def test_every_client_writes_some_ordinary_notes(caseload):
    notes = caseload.entries.groupby("client_id")["note"].apply(lambda s: s.notna().sum())
    assert (notes >= 1).all()
    shift_words = caseload.entries["note"].dropna().str.contains("shoulders dropped")
    assert shift_words.any()


def test_client_ids_are_padded_to_the_width_of_the_count():
    assert client_ids(12)[:2] == ["C01", "C02"]
    assert client_ids(100)[0] == "C001"
    assert client_ids(2700)[-1] == "C2700"


def test_period_ends_on_the_sunday_of_the_end_week():
    period = period_of(weeks=2, end_week="2026-W01")
    # 2026-W01 is Mon 2025-12-29 .. Sun 2026-01-04; two weeks start Mon 2025-12-22
    assert (period.iso(0), period.iso(period.n_days - 1)) == ("2025-12-22", "2026-01-04")


def test_one_week_and_one_client_still_work(tmp_path):
    result = generate(tmp_path, seed=1, clients=8, weeks=1)
    entries = pd.read_csv(result.paths["entries"], dtype={"client_id": str})
    assert set(entries["client_id"]) == {f"C0{i}" for i in range(1, 9)}
    assert result.n_screens == 8
    assert generate(tmp_path / "one", clients=1, weeks=1).n_clients == 1


@pytest.mark.parametrize(("options", "message"), [
    ({"clients": 0}, "clients must be between 1 and 100000 (got 0); use --clients 1 or more"),
    ({"weeks": 0}, "weeks must be between 1 and 520 (got 0); use --weeks 1 or more"),
    ({"seed": -1}, "seed must be between 0 and"),
    ({"weeks": 521}, "weeks must be between 1 and 520 (got 521); use --weeks at most 520"),
    ({"clients": 2.5}, "clients must be a whole number (got 2.5)"),
    ({"end_week": "2026-47"}, 'week "2026-47" is not an ISO week; write it like 2026-W47'),
])
def test_bad_options_raise_one_line_errors(tmp_path, options, message):
    with pytest.raises(ReconnectError, match=re.escape(message)):
        generate(tmp_path, **options)
    assert not (tmp_path / "entries.csv").exists()


def test_output_does_not_depend_on_the_batch_size(tmp_path, monkeypatch):
    import reconnect_analysis.demo as demo

    generate(tmp_path / "a", seed=5, clients=17, weeks=4)
    monkeypatch.setattr(demo, "BATCH", 3)
    generate(tmp_path / "b", seed=5, clients=17, weeks=4)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_an_unwritable_folder_gives_a_one_line_error(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    with pytest.raises(ReconnectError, match=r"^cannot write the demo caseload to .*taken: .*; "
                                             r"choose another --out folder$"):
        generate(blocker, clients=2, weeks=1)


def test_a_failed_run_leaves_the_previous_files_and_no_partial_ones(tmp_path, monkeypatch):
    import reconnect_analysis.demo as demo

    generate(tmp_path, seed=1, clients=9, weeks=2)
    before = {name: (tmp_path / name).read_bytes() for name in FILES}

    def broken(plan, rng):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(demo, "simulate", broken)
    with pytest.raises(RuntimeError):
        generate(tmp_path, seed=2, clients=9, weeks=2)
    assert {name: (tmp_path / name).read_bytes() for name in FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
