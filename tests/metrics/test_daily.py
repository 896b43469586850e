import pandas as pd
import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.metrics import daily
from reconnect_analysis.tables import Tables


def test_grid_fills_unlogged_days_with_missing(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 . . 7", "cue_body": "1 . . 0"}})
    g = daily.grid(t)
    assert g["date"].dt.strftime("%m-%d").tolist() == ["11-16", "11-17", "11-18", "11-19"]
    assert g["logged"].tolist() == [True, False, False, True]
    assert g["numbness"].isna().tolist() == [False, True, True, False]
    assert g["cue_body"].dtype == "boolean"
    assert g["cue_body"].isna().tolist() == [False, True, True, False]


def test_dst_change_keeps_every_calendar_day(build):
    # Europe switches to summer time on Sunday 2026-03-29: still 7 days in that ISO week.
    t = build({"a": {"start": "2026-03-23", "numbness": "1 2 3 4 5 6 7 8"}})
    g = daily.grid(t)
    assert len(g) == 8
    assert (g["date"].diff().dropna() == pd.Timedelta(days=1)).all()


def test_period_gives_every_client_every_day(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 6"},
               "b": {"start": "2026-11-01", "numbness": "1"}})
    g = daily.grid(t, start="2026-11-16", end="2026-11-18")
    # 2 clients x 3 days; b logged nothing in the period but is shown as not logged
    assert len(g) == 6
    assert g.groupby("client_id")["logged"].sum().to_dict() == {"a": 2, "b": 0}


def test_single_day_client_and_empty_tables(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5"}})
    assert len(daily.grid(t)) == 1
    empty = daily.grid(Tables(entries=pd.DataFrame()))
    assert empty.empty and {"client_id", "date", "logged"} <= set(empty.columns)


def test_duplicate_day_and_bad_period_are_clear_errors(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5"}})
    t.entries = pd.concat([t.entries, t.entries], ignore_index=True)
    with pytest.raises(ReconnectError, match="two rows for client a on 2026-11-16"):
        daily.grid(t)
    with pytest.raises(ReconnectError, match="before it starts"):
        daily.grid(build({"a": {"start": "2026-11-16", "numbness": "5"}}),
                   start="2026-11-20", end="2026-11-10")
    with pytest.raises(ReconnectError, match="not a date"):
        daily.grid(build({"a": {"start": "2026-11-16", "numbness": "5"}}), start="soon")


def test_grid_does_not_change_input(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 . 7"}})
    before = t.entries.copy()
    daily.grid(t, start="2026-11-10")
    pd.testing.assert_frame_equal(t.entries, before)


def test_remembered_grid_is_safe_to_change(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 . 7"}})
    first = daily.grid(t)
    first.loc[0, "numbness"] = 99.0
    first["extra"] = 1
    again = daily.grid(t)
    assert again["numbness"].iloc[0] == 5.0 and "extra" not in again.columns
    # a new entries frame (different identity or shape) is never served from memory
    t.entries = t.entries.iloc[:1]
    assert len(daily.grid(t)) == 1
